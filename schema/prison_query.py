"""Root query fields about prisons: the caseload and the dashboard."""

from __future__ import annotations

import strawberry

from auth.policy import FieldGroup
from resolvers.caseload import visible_prison
from schema.context import Info
from schema.permissions import requires
from schema.types.prison import Prison


@strawberry.type(description="Read a prison's caseload and dashboard.")
class PrisonQueries:
    @strawberry.field(
        description="A prison by its three-letter code. Null when you may not see it: prison staff see their "
        "caseload prisons, integrators with the read role any prison. `refresh: true` reads the population from "
        "NOMIS now rather than within the next 10 minutes.",
        extensions=requires(FieldGroup.CUSTODY),
    )
    async def prison(self, info: Info, id: strawberry.ID, refresh: bool = False) -> Prison | None:
        state = await visible_prison(info.context, str(id), refresh=refresh)
        return None if state is None else Prison(state=state)
