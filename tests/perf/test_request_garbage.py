"""What a request loaded is freed as soon as the request ends: not held on to, not left for the cycle collector.

Two things kept a page's people (prisoners, pathway rows, the loaders' futures holding them) after its answer
was sent. Tasks started during the operation keep a copy of its context variables, and some outlive it (a pooled
connection's), so the access log's per-operation record held the request's context until the next request.
And graphql-core's execution context refers to itself and to our request context, so even once let go, all of
it waited for the cycle collector, promoted generation by generation until a full collection (50 ms on a warm
gateway) freed it. Counted here with the collector off, so anything still there was held or left in a cycle.
"""

from __future__ import annotations

import asyncio
import gc

from sources.nomis.models import Prisoner
from sources.store.pathways import StatusRow
from tests.support.graphql import gql

PAGE = """
query Page($numbers: [ID!]!) {
  people(prisonerNumbers: $numbers) {
    prisonerNumber firstName releaseDate crn
    licence { status } pathways { pathway status } resettlementWorker { name }
  }
}
"""


def _loaded() -> list[object]:
    return [o for o in gc.get_objects() if isinstance(o, (Prisoner, StatusRow))]


async def test_a_page_of_people_is_freed_when_its_request_ends(client, tokens, population):
    numbers = [p.prisoner_number for p in population.people if p.prison_id == "MDI"][:100]
    token = tokens["prison-staff"]
    await gql(client, token, PAGE, numbers=numbers)  # warm: parsed documents, pools, caches
    gc.collect()
    gc.disable()
    try:
        # Held, so what earlier tests left behind cannot be freed meanwhile (nor its ids reused): only objects made
        # by this request are counted.
        before = _loaded()
        known = {id(o) for o in before}
        body = await asyncio.create_task(gql(client, token, PAGE, numbers=numbers))  # a task, as a server runs it
        assert "errors" not in body, body
        assert sum(1 for p in body["data"]["people"] if p["pathways"]) == len(numbers)
        left = sum(1 for o in _loaded() if id(o) not in known)
        del before
    finally:
        gc.enable()

    assert left == 0, f"{left} prisoners and pathway rows outlived the request"
