"""Finding a person the caller may see. Out of scope looks exactly like not found."""

from __future__ import annotations

from auth.policy import needs_probation_region, person_in_scope
from resolvers import validation
from resolvers.context import RequestContext
from sources.errors import UpstreamNotFound
from sources.nomis.models import Prisoner


async def visible_prisoner(ctx: RequestContext, raw_prisoner_number: str) -> Prisoner | None:
    """The NOMIS record for this person, or None when they do not exist or are out of the caller's scope."""
    number = validation.prisoner_number(raw_prisoner_number)
    prisoner = await ctx.loaders.prisoner_by_number.load(number)
    if prisoner is None:
        return None
    region = await probation_region_of(ctx, number) if needs_probation_region(ctx.principal) else None
    if not person_in_scope(ctx.principal, prisoner_number=number, prison_id=prisoner.prison_id,
                           probation_region=region):
        return None
    return prisoner


async def probation_region_of(ctx: RequestContext, prisoner_number: str) -> str | None:
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    try:
        details = await ctx.sources.delius.get_case_details(crn)
    except UpstreamNotFound:
        return None
    return details.probation_region.code if details.probation_region else None
