"""A prison's dashboard: pathway progress by release window, counted in SQL over the projection."""

from __future__ import annotations

from resolvers.caseload import today
from resolvers.context import RequestContext
from sources.store.dashboard import DashboardCounts, dashboard_counts


async def prison_dashboard(ctx: RequestContext, prison_id: str) -> DashboardCounts:
    """Counts for one prison whose projection ``resolvers.caseload.visible_prison`` has made fresh."""
    return await dashboard_counts(connect=ctx.sources.database.connection, prison_ids=[prison_id], today=today())
