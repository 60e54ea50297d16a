"""Fields that need more than one hop: nDelius and appointments are keyed by CRN, not prisoner number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolvers.context import RequestContext
from sources.appointments.models import Appointment
from sources.delius.models import CommunityManager

NEXT_APPOINTMENT_HORIZON = timedelta(days=365)


async def community_manager(ctx: RequestContext, prisoner_number: str) -> CommunityManager | None:
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    return await ctx.loaders.community_manager_by_crn.load(crn)


async def next_appointment(ctx: RequestContext, prisoner_number: str) -> Appointment | None:
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    now = datetime.now(UTC)
    window = (crn, now.date(), (now + NEXT_APPOINTMENT_HORIZON).date())
    found = await ctx.loaders.appointments_by_window.load(window) or []
    upcoming = sorted((a for a in found if a.date_time >= now), key=lambda a: a.date_time)
    return upcoming[0] if upcoming else None
