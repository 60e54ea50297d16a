"""A person's contact details from nDelius: two hops, prisoner number to CRN to case details."""

from __future__ import annotations

from resolvers.context import RequestContext
from sources.delius.models import CaseDetails


async def case_details(ctx: RequestContext, prisoner_number: str) -> CaseDetails | None:
    """The nDelius case (with contact details and main address); None when the person has no CRN or no case.

    Never served from the cross-request cache: these are personal details, and a leaver who just told their
    probation practitioner about a new phone number should see it at once.
    """
    crn = await ctx.loaders.crn_by_prisoner_number.load(prisoner_number)
    if crn is None:
        return None
    return await ctx.loaders.case_details_by_crn.load(crn)
