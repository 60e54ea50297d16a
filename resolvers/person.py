"""Finding a person the caller may see. Out of scope looks exactly like not found."""

from __future__ import annotations

import asyncio

from auth.policy import needs_probation_region, person_in_scope
from resolvers import validation
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
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


MAX_PEOPLE_PER_CALL = 200


def requested_numbers(raw_numbers: list[str]) -> list[str]:
    """The prisoner numbers asked for, each checked, each once, in the order asked."""
    if len(raw_numbers) > MAX_PEOPLE_PER_CALL:
        raise BadUserInput(f"ask for at most {MAX_PEOPLE_PER_CALL} people per call", field="prisonerNumbers")
    return list(dict.fromkeys(validation.prisoner_number(n, field="prisonerNumbers") for n in raw_numbers))


async def visible_prisoners(ctx: RequestContext, numbers: list[str]) -> list[Prisoner]:
    """The people the caller may see among ``requested_numbers``, in that order; the rest are left out silently."""
    if not numbers:
        return []
    if needs_probation_region(ctx.principal):  # each person's region is a further nDelius hop
        found = await asyncio.gather(*(visible_prisoner(ctx, n) for n in numbers))
        return [p for p in found if p is not None]
    # The same checks as visible_prisoner, without a task per person: one batch, then the scope rule.
    prisoners = await ctx.loaders.prisoner_by_number.load_many(numbers)
    return [p for n, p in zip(numbers, prisoners, strict=True) if p is not None and person_in_scope(
        ctx.principal, prisoner_number=n, prison_id=p.prison_id, probation_region=None)]


async def probation_region_of(ctx: RequestContext, prisoner_number: str) -> str | None:
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    details = await ctx.loaders.case_details_by_crn.load(crn)
    if details is None or details.probation_region is None:
        return None
    return details.probation_region.code
