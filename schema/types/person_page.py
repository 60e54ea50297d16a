"""A page of people (``people``), with the data their selected fields read loaded up front.

The loads are started for the whole page before any Person field resolves (``resolvers/person_prefetch.py``),
so the fields can answer synchronously instead of as a thousand awaited coroutines. Only fields the query
selects unconditionally and the caller may read are loaded: no extra upstream call, no data a guard refuses.
"""

from __future__ import annotations

from strawberry.utils.str_converters import to_camel_case

from auth.policy import Access, FieldGroup, may, sees_everyone
from resolvers.person import visible_prisoners
from resolvers.person_prefetch import load_ahead, prefetch
from schema.context import Info
from schema.permissions import Requires
from schema.selections import names_on
from schema.types.person import Person


def _guards() -> dict[str, tuple[FieldGroup, Access]]:
    """Each guarded Person field's GraphQL name and what its ``Requires`` checks."""
    found: dict[str, tuple[FieldGroup, Access]] = {}
    for field in Person.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        for extension in field.extensions:
            if isinstance(extension, Requires):
                found[field.graphql_name or to_camel_case(field.python_name)] = (extension.group, extension.access)
    return found


GUARDS = _guards()


async def people_page(info: Info, numbers: list[str]) -> list[Person]:
    """The people among ``numbers`` (``requested_numbers``) the caller may see, as Person objects, after loading
    what the query's fields of them will read.

    When the caller sees everyone (``sees_everyone``), who is visible does not wait for NOMIS, so the loads made
    in one batch call or query whatever the page's size (CVL's match, our own tables) start at once, beside
    NOMIS's: one round trip less on a page of people. Otherwise they wait for it, so no other system is asked
    about a person the caller may not see. Per-person calls (nDelius) always wait for NOMIS.
    """
    ctx = info.context
    principal = ctx.principal
    selected = {name for field in info.selected_fields for name in names_on(field.selections, "Person")}
    readable = [name for name in selected if name in GUARDS and may(principal, *GUARDS[name])]
    ahead = load_ahead(ctx, numbers, readable) if sees_everyone(principal) else None
    prisoners = await visible_prisoners(ctx, numbers)  # if NOMIS fails, the loads ahead settle on their task
    await prefetch(ctx, prisoners, readable, primed=None if ahead is None else ahead.primed)
    if ahead is not None:
        await ahead.loads  # done by now but for people NOMIS does not know: the same batches
    return [Person(prisoner=p) for p in prisoners]
