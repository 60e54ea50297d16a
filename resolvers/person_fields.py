"""Fields that need more than one hop: nDelius and appointments are keyed by CRN, not prisoner number."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from auth.principal import Audience
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
from sources.appointments.models import Appointment
from sources.delius.models import CommunityManager
from sources.nomis.models import Prisoner
from sources.store.enums import Pathway
from sources.store.models import PathwayStatusChange

NEXT_APPOINTMENT_HORIZON = timedelta(days=365)
MAX_WINDOW = timedelta(days=731)
MAX_PAGE = 100


async def community_manager(ctx: RequestContext, prisoner_number: str) -> CommunityManager | None:
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    return await ctx.loaders.community_manager_by_crn.load(crn)


async def appointments(ctx: RequestContext, prisoner: Prisoner, start: date, end: date) -> list[Appointment]:
    """Appointments in [start, end], soonest first. A leaver sees only those after their release."""
    if end < start:
        raise BadUserInput("`to` must not be before `from`", field="to")
    if end - start > MAX_WINDOW:
        raise BadUserInput("ask for at most two years of appointments at once", field="to")
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner.prisoner_number)
    if crn is None:
        return []
    return visible(ctx, prisoner, await ctx.loaders.appointments_by_window.load((crn, start, end)) or [])


def visible(ctx: RequestContext, prisoner: Prisoner, found: list[Appointment]) -> list[Appointment]:
    """The caller's view of a person's appointments, soonest first."""
    if ctx.principal.audience is Audience.LEAVER:
        released = prisoner.display_release_date
        if released is not None:
            cutoff = datetime.combine(released, time.min, tzinfo=UTC)
            found = [a for a in found if a.date_time >= cutoff]
    return sorted(found, key=lambda a: a.date_time)


def next_window(now: datetime) -> tuple[date, date]:
    """The window ``next_appointment`` asks for: today to a year ahead."""
    return now.date(), (now + NEXT_APPOINTMENT_HORIZON).date()


def soonest(ordered: list[Appointment], now: datetime) -> Appointment | None:
    """The first of these (soonest-first) appointments from ``now``."""
    return next((a for a in ordered if a.date_time >= now), None)


async def next_appointment(ctx: RequestContext, prisoner: Prisoner) -> Appointment | None:
    now = datetime.now(UTC)
    start, end = next_window(now)
    return soonest(await appointments(ctx, prisoner, start, end), now)


async def case_notes(ctx: RequestContext, prisoner_number: str, pathway: Pathway | None, first: int,
                     offset: int) -> tuple[int, list[PathwayStatusChange]]:
    """(total, page) of case notes, newest first."""
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}", field="first")
    rows = await ctx.loaders.pathway_history_by_prisoner_number.load(prisoner_number)
    notes = [r for r in rows if r.case_note and (pathway is None or r.pathway == pathway.value)]
    return len(notes), notes[offset:offset + first]
