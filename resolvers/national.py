"""The national dashboard: the prison dashboard's counts over every prison in the prison register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resolvers.caseload import today
from resolvers.context import RequestContext
from sources.store.dashboard import DashboardCounts, dashboard_counts
from sources.store.projection import ensure_projections


@dataclass(frozen=True, slots=True)
class NationalCounts:
    counts: DashboardCounts
    prisons: int
    """Prisons counted: those in the register whose population could be read."""
    missing: tuple[str, ...]
    """Prisons in the register whose population has never been read (NOMIS failed for them)."""
    oldest_refresh: datetime | None


async def national_dashboard(ctx: RequestContext) -> NationalCounts:
    """Stale prisons are read from NOMIS first (a few at a time); then two GROUP BY queries over them all.

    A refresh of a prison outside the register that lands between the two steps is counted too (a prison
    dashboard opened for an inactive prison at that moment); the next request leaves it out again.
    """
    register = [p.prison_id for p in await ctx.loaders.cached.prisons() if p.active]
    found = await ensure_projections(ctx.sources.database, ctx.sources.nomis, register)
    states = found.states
    # Usually the projection holds just the register's prisons: then the counts read it whole, with no list of
    # a hundred prison ids for the planner to estimate.
    counts = await dashboard_counts(connect=ctx.sources.database.connection,
                                    prison_ids=None if found.whole else list(states), today=today())
    refreshed = [s.refreshed_at for s in states.values()]
    if any(s.stale for s in states.values()) or len(states) < len(register):
        ctx.stale_systems.add(ctx.sources.nomis.system)
    return NationalCounts(counts=counts, prisons=len(states), missing=tuple(p for p in register if p not in states),
                          oldest_refresh=min(refreshed) if refreshed else None)
