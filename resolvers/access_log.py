"""Reading the access log back (admin only; the field's ``Requires(ACCESS_LOG)`` checks the role)."""

from __future__ import annotations

from resolvers import validation
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
from sources.store import access_log
from sources.store.models import AccessLogEntry


async def recent_entries(ctx: RequestContext, raw_prisoner_number: str | None, first: int) -> list[AccessLogEntry]:
    """Newest first, for one person or everyone, at most ``first`` (1 to ``access_log.READ_LIMIT``)."""
    if not 1 <= first <= access_log.READ_LIMIT:
        raise BadUserInput(f"first must be between 1 and {access_log.READ_LIMIT}", field="first")
    number = None if raw_prisoner_number is None else validation.prisoner_number(raw_prisoner_number)
    await ctx.sources.access_log.flush()  # reads this replica has not written yet are in the answer too
    async with ctx.sources.database.session() as session:
        return await access_log.read(session=session, prisoner_number=number, limit=first)
