"""Root query fields about people. Other domains add their own classes in schema/queries.py."""

from __future__ import annotations

import strawberry

from resolvers.person import MAX_PEOPLE_PER_CALL, requested_numbers, visible_prisoner
from schema.context import Info
from schema.permissions import Public
from schema.types.person import Person
from schema.types.person_page import people_page


@strawberry.type(description="Read the resettlement picture of the people you may see.")
class PersonQueries:
    @strawberry.field(
        description="One person by prisoner number. Null when the person does not exist or is outside your "
        "scope (the two are indistinguishable).",
        extensions=[Public()],
    )
    async def person(self, info: Info, prisoner_number: strawberry.ID) -> Person | None:
        prisoner = await visible_prisoner(info.context, str(prisoner_number))
        return None if prisoner is None else Person(prisoner=prisoner)

    @strawberry.field(
        description=f"Several people at once, at most {MAX_PEOPLE_PER_CALL} per call, in the order asked. People "
        "who do not exist or are outside your scope are left out. Calls to the legacy systems are batched.",
        extensions=[Public()],
    )
    async def people(self, info: Info, prisoner_numbers: list[strawberry.ID]) -> list[Person]:
        numbers = requested_numbers([str(n) for n in prisoner_numbers])
        # The page's data is loaded up front, some of it while NOMIS answers (schema/types/person_page.py).
        return await people_page(info, numbers)
