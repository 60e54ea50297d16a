"""The root query field for the national dashboard (headquarters leaders with the national reports role)."""

from __future__ import annotations

import datetime as dt

import strawberry

from auth.policy import FieldGroup
from resolvers.national import national_dashboard
from schema.context import Info
from schema.permissions import requires
from schema.types.prison import HotSpot, ReleaseWindowSummary, hot_spots_of, windows_of


@strawberry.type(description="Resettlement progress over every prison in England and Wales, from the prison "
                 "projections. Counted like a prison's dashboard.")
class NationalDashboard:
    prisons: int = strawberry.field(description="Prisons counted: every active prison in the register whose "
                                    "population has been read from NOMIS.")
    missing_prisons: list[strawberry.ID] = strawberry.field(
        description="Prisons in the register left out because their population could not be read from NOMIS.")
    total_people: int = strawberry.field(description="Everyone NOMIS holds in the counted prisons.")
    oldest_refresh: dt.datetime | None = strawberry.field(
        description="The oldest time a counted prison's population was read from NOMIS (UTC).")
    windows: list[ReleaseWindowSummary] = strawberry.field(
        description="Counts by pathway and status in each release window: 12 weeks, 24 weeks, all future.")
    hot_spots: list[HotSpot] = strawberry.field(
        description="At most three pathways with most people due within 12 weeks still NOT_STARTED, most first.")


@strawberry.type(description="Read the national dashboard.")
class NationalQueries:
    @strawberry.field(
        description="Pathway progress by release window over every prison, and the national hot spots. Needs the "
        "national reports role. Prisons whose population is older than 10 minutes are read from NOMIS first.",
        extensions=requires(FieldGroup.NATIONAL_DASHBOARD),
    )
    async def national_dashboard(self, info: Info) -> NationalDashboard | None:
        found = await national_dashboard(info.context)
        return NationalDashboard(prisons=found.prisons, missing_prisons=[strawberry.ID(p) for p in found.missing],
                                 total_people=found.counts.total_people, oldest_refresh=found.oldest_refresh,
                                 windows=windows_of(found.counts), hot_spots=hot_spots_of(found.counts))
