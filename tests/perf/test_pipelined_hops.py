"""A person's appointments are asked for as soon as their own CRN is in, not after everyone's.

nDelius has no batch API: a page of people costs one CRN call per person, in waves under the concurrency cap.
The appointments system has its own cap, so it can work on the first people while nDelius still answers for the
rest. Proved from the stubs' request logs, by order rather than by time: the first appointments request arrives
before the last CRN request does. Waiting for every CRN first, it could only arrive after the last CRN answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from fixtures.population import Population
from fixtures.stubs.base import Faults, LoggedRequest, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from resolvers.context import RequestContext
from schema.types import person_page
from sources.nomis.models import Prisoner
from tests.conftest import settings_for

PAGE = """
query Page($numbers: [ID!]!) {
  people(prisonerNumbers: $numbers) { prisonerNumber crn nextAppointment { id } }
}
"""
CAP = 2  # concurrent calls per system: twelve people's CRNs take six round trips
PEOPLE = 12


async def _no_prefetch(ctx: RequestContext, prisoners: Sequence[Prisoner], fields: Collection[str], *,
                       primed: object = None) -> None:
    """The page prefetch switched off: each Person field awaits its own loaders."""


def _numbers(population: Population) -> list[str]:
    return [p.prisoner_number for p in population.people if p.crn][:PEOPLE]


def _log(stack: AppStack, system: str, prefix: str) -> list[LoggedRequest]:
    return sorted(state_of(stack.apps[system]).requests_to(prefix), key=lambda r: r.at)


@pytest.mark.parametrize("prefetch", [True, False], ids=["page-prefetch", "field-by-field"])
async def test_appointments_start_while_ndelius_still_answers(stack: AppStack, seeded, tokens, population,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             prefetch: bool) -> None:
    if not prefetch:
        monkeypatch.setattr(person_page, "prefetch", _no_prefetch)
    settings = settings_for(stack, seeded.database_url, upstream_concurrency=CAP)
    numbers = _numbers(population)
    systems = ("nomis", "delius", "appointments")
    for system in systems:
        state_of(stack.apps[system]).requests.clear()
    state_of(stack.apps["delius"]).faults = Faults(latency_ms=20)
    state_of(stack.apps["appointments"]).faults = Faults(latency_ms=20)
    try:
        async with LifespanManager(create_app(settings)) as manager:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://g") as http:
                response = await http.post("/graphql", json={"query": PAGE, "variables": {"numbers": numbers}},
                                           headers={"Authorization": f"Bearer {tokens['integrator']}"})
    finally:
        for system in systems:
            state_of(stack.apps[system]).faults = Faults()

    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    people = body["data"]["people"]
    assert [p["crn"] for p in people] == [p.crn for p in population.people if p.crn][:PEOPLE]
    crn_calls = _log(stack, "delius", "/probation-cases/")
    appointment_calls = _log(stack, "appointments", "/appointments/")
    # Still one call per person to each system, and only the CRN look-up to nDelius.
    assert sorted(r.path for r in crn_calls) == sorted(f"/probation-cases/{n}/crn" for n in numbers)
    assert sorted(r.path for r in appointment_calls) == sorted(f"/appointments/{p['crn']}" for p in people)
    # The two systems' waves overlap: appointments began before nDelius was even asked for the last CRN.
    assert appointment_calls[0].at < crn_calls[-1].at
