"""Root query fields."""

from __future__ import annotations

import strawberry

from resolvers.person import visible_prisoner
from schema.context import Info
from schema.permissions import Public
from schema.types.person import Person


@strawberry.type(description="Read the resettlement picture of the people you may see.")
class Query:
    @strawberry.field(
        description="One person by prisoner number. Null when the person does not exist or is outside your "
        "scope (the two are indistinguishable).",
        extensions=[Public()],
    )
    async def person(self, info: Info, prisoner_number: strawberry.ID) -> Person | None:
        prisoner = await visible_prisoner(info.context, str(prisoner_number))
        return None if prisoner is None else Person(prisoner=prisoner)
