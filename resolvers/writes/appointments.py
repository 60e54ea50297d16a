"""Create a post-release appointment: recorded in the outbox, delivered to the appointments system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auth.policy import FieldGroup
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
from resolvers.writes.common import in_future, text, writable_prisoner
from sources.cache import forget_appointments
from sources.outbox_payloads import AppointmentPayload, appointment_item
from sources.store import outbox
from sources.store.models import OutboxItem

MIN_MINUTES, MAX_MINUTES = 5, 8 * 60


@dataclass(frozen=True, slots=True)
class AppointmentRequested:
    crn: str
    start: datetime
    item: OutboxItem


async def create_appointment(ctx: RequestContext, *, prisoner_number: str, type_: str, start: datetime,
                             duration_minutes: int, location: str | None, notes: str | None) -> AppointmentRequested:
    kind = text(type_, field="type", maximum=50)
    assert kind is not None
    start = in_future(start, field="start")
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise BadUserInput(f"durationMinutes must be {MIN_MINUTES} to {MAX_MINUTES}", field="durationMinutes")
    where = text(location, field="location", maximum=500, required=False)
    note = text(notes, field="notes", maximum=4000, required=False)
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.APPOINTMENTS)
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner.prisoner_number)
    if crn is None:
        raise BadUserInput("this person has no CRN in nDelius yet, so no appointment can be booked",
                           field="prisonerNumber")
    hours, minutes = divmod(duration_minutes, 60)
    duration = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    payload = AppointmentPayload(crn=crn, type=kind, date_time=start, duration=duration,
                                 location_description=where, notes=note)
    async with ctx.sources.database.session() as session:
        item = await outbox.enqueue(session=session, **appointment_item(payload)._asdict())
        await session.commit()
    await forget_appointments(ctx.sources.cache, crn)
    return AppointmentRequested(crn=crn, start=start, item=item)
