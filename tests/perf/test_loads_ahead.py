"""A page of people for a caller who sees everyone: the batch loads (CVL's match, our own tables) start beside
NOMIS's look-up instead of after it, one round trip less. For anyone else they wait for NOMIS, so no other
system hears about a person the caller may not see.

Proved from the stubs' request logs, by order rather than by time: with NOMIS slowed to answer after LAG, CVL's
match arrives before NOMIS could have answered (ahead), or only after it did (waiting).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from fixtures.population import Population
from fixtures.stubs.base import Faults, LoggedRequest, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from tests.conftest import settings_for

PAGE = """
query Page($numbers: [ID!]!) {
  people(prisonerNumbers: $numbers) { prisonerNumber licence { status } pathways { status } crn nextAppointment { id } }
}
"""
LAG = timedelta(milliseconds=400)
NOBODY = "Z9999ZZ"  # well formed, known to no system


async def _pages(stack: AppStack, settings: Any, token: str,
                 numbers: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The page twice from one gateway (the second with its cache warm): both answers and the first's nDelius
    paths; the logs hold the second's calls."""
    state_of(stack.apps["nomis"]).faults = Faults(latency_ms=int(LAG.total_seconds() * 1000))
    bodies: list[dict[str, Any]] = []
    try:
        async with LifespanManager(create_app(settings)) as manager:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://g") as http:
                for _ in range(2):
                    for system in ("nomis", "licences", "delius", "appointments"):
                        state_of(stack.apps[system]).requests.clear()
                    response = await http.post("/graphql", json={"query": PAGE, "variables": {"numbers": numbers}},
                                               headers={"Authorization": f"Bearer {token}"})
                    bodies.append(response.json())
                    if len(bodies) == 1:
                        cold_delius = [r.path for r in _calls(stack, "delius", "/")]
    finally:
        state_of(stack.apps["nomis"]).faults = Faults()
    assert all("errors" not in body for body in bodies), bodies
    return bodies, cold_delius


def _calls(stack: AppStack, system: str, path: str) -> list[LoggedRequest]:
    return state_of(stack.apps[system]).requests_to(path)


@pytest.mark.parametrize(("persona", "ahead"), [("integrator", True), ("prison-staff", False)])
async def test_batch_loads_start_beside_nomis_only_for_a_caller_who_sees_everyone(
        stack: AppStack, seeded, tokens, population: Population, persona: str, ahead: bool) -> None:
    numbers = [p.prisoner_number for p in population.by_prison["MDI"] if p.licence][:6]
    settings = settings_for(stack, seeded.database_url)
    (cold, warm), cold_delius = await _pages(stack, settings, tokens[persona], [*numbers, NOBODY])

    assert warm == cold, "the same answer from the cache"
    assert sorted(cold_delius) == sorted(f"/probation-cases/{n}/crn" for n in numbers), "nobody NOMIS does not know"
    people = warm["data"]["people"]
    assert [p["prisonerNumber"] for p in people] == numbers, "the unknown number is left out"
    assert _calls(stack, "delius", "/") == [] and _calls(stack, "appointments", "/") == [], "warm: from the cache"
    assert all(p["licence"] is not None and len(p["pathways"]) == 7 for p in people)
    [nomis] = _calls(stack, "nomis", "/prisoner-search/prisoner-numbers")
    [match] = _calls(stack, "licences", "/licence/match")  # still one batch call
    nomis_answered = nomis.at + LAG
    if ahead:
        assert match.at < nomis_answered, "CVL was asked only once NOMIS had answered"
        assert NOBODY in match.json_body["nomsId"], "asked about every number, before NOMIS said who exists"
    else:
        assert match.at >= nomis_answered, "CVL was asked before NOMIS said who the caller may see"
        assert sorted(match.json_body["nomsId"]) == sorted(numbers), "only people the caller may see"
