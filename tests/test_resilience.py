"""Batching, caching and partial results across the four legacy systems, read from the stubs' request logs."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from fixtures.population import Population
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from resolvers.cached import CRN
from sources import cache as kinds
from tests.conftest import settings_for

BULK = """
query Bulk($numbers: [ID!]!) {
  people(prisonerNumbers: $numbers) {
    prisonerNumber lastName releaseDate
    licence { status }
    crn
    communityOffenderManager { name }
    nextAppointment { start }
    pathways { status }
  }
}
"""
DELIUS_TIMEOUT = 1.0


@pytest.fixture
async def gateway(stack: AppStack, seeded: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    settings = settings_for(stack, seeded.database_url, delius_timeout_seconds=DELIUS_TIMEOUT,
                            upstream_breaker_reset_seconds=0.3)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield app, http
    for name in ("nomis", "delius", "licences", "appointments"):
        state_of(stack.apps[name]).faults = Faults()


def two_hundred(population: Population) -> list[str]:
    return [p.prisoner_number for p in population.people[:200]]


async def bulk(http: httpx.AsyncClient, token: str, numbers: list[str]) -> dict:
    response = await http.post("/graphql", json={"query": BULK, "variables": {"numbers": numbers}},
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def clear_logs(stack: AppStack) -> None:
    for name in ("nomis", "delius", "licences", "appointments"):
        state_of(stack.apps[name]).requests.clear()


async def test_two_hundred_people_make_one_call_per_batch_system(gateway, stack, tokens, population):
    _app, http = gateway
    numbers = two_hundred(population)
    clear_logs(stack)

    body = await bulk(http, tokens["integrator"], numbers)

    assert "errors" not in body
    assert [p["prisonerNumber"] for p in body["data"]["people"]] == numbers
    assert [r.path for r in state_of(stack.apps["nomis"]).requests] == ["/prisoner-search/prisoner-numbers"]
    assert [r.path for r in state_of(stack.apps["licences"]).requests] == ["/licence/match"]
    delius = Counter(r.path for r in state_of(stack.apps["delius"]).requests)
    appointments = Counter(r.path for r in state_of(stack.apps["appointments"]).requests)
    assert max(delius.values()) == 1, "nDelius was asked twice for the same thing"
    assert sum(1 for path in delius if path.endswith("/crn")) == 200
    with_crn = [p for p in population.people[:200] if p.crn]
    assert len(appointments) == len(with_crn) and max(appointments.values()) == 1


async def test_a_warm_cache_makes_no_ndelius_calls(gateway, stack, tokens, population):
    _app, http = gateway
    numbers = two_hundred(population)
    cold = await bulk(http, tokens["integrator"], numbers)
    clear_logs(stack)

    warm = await bulk(http, tokens["integrator"], numbers)

    assert state_of(stack.apps["delius"]).requests == []
    assert warm == cold


async def test_ndelius_down_degrades_only_its_branches_within_its_timeout(gateway, stack, tokens, population):
    _app, http = gateway
    numbers = two_hundred(population)
    without_delius = BULK.replace("crn\n", "").replace("communityOffenderManager { name }\n", "").replace(
        "nextAppointment { start }\n", "")
    started = time.monotonic()
    baseline = await http.post("/graphql", json={"query": without_delius, "variables": {"numbers": numbers}},
                               headers={"Authorization": f"Bearer {tokens['integrator']}"})
    baseline_elapsed = time.monotonic() - started
    assert "errors" not in baseline.json()
    state_of(stack.apps["delius"]).faults = Faults.failing(503)

    started = time.monotonic()
    body = await bulk(http, tokens["integrator"], numbers)
    elapsed = time.monotonic() - started

    people = body["data"]["people"]
    expected = {p.prisoner_number: p for p in population.people[:200]}
    for person in people:
        truth = expected[person["prisonerNumber"]]
        assert person["lastName"] == truth.last_name
        assert (person["licence"] or {}).get("status") == (truth.licence.status if truth.licence else None)
        assert len(person["pathways"]) == 7
        assert person["crn"] is None and person["communityOffenderManager"] is None
    crn_errors = [e for e in body["errors"] if e["path"][-1] == "crn"]
    assert len(crn_errors) == 200
    assert {(e["extensions"]["code"], e["extensions"]["system"]) for e in body["errors"]} == {
        ("UPSTREAM_UNAVAILABLE", "delius")}
    # nDelius failing may cost at most its timeout (plus 10%) over the same answer without nDelius at all.
    assert elapsed - baseline_elapsed < DELIUS_TIMEOUT * 1.1, f"took {elapsed:.2f}s against {baseline_elapsed:.2f}s"


async def test_an_open_breaker_fails_fast_and_closes_after_recovery(gateway, stack, tokens, population):
    app, http = gateway
    numbers = two_hundred(population)[:20]
    delius_state = state_of(stack.apps["delius"])
    delius_state.faults = Faults.failing(503)
    await bulk(http, tokens["integrator"], numbers)
    client = app.state.sources.delius
    assert client.breaker_state == "open"

    delius_state.requests.clear()
    started = time.perf_counter()
    with pytest.raises(Exception) as failure:
        await client.get_crn(numbers[0])
    fail_fast = time.perf_counter() - started
    again = await bulk(http, tokens["integrator"], numbers)
    assert type(failure.value).__name__ in {"UpstreamUnavailable", "_CircuitOpen"}
    assert fail_fast < 0.010, f"an open breaker still took {fail_fast * 1000:.1f} ms"
    assert delius_state.requests == [], "an open breaker let calls through"
    assert all(p["crn"] is None for p in again["data"]["people"])

    delius_state.faults = Faults()
    await asyncio.sleep(0.35)
    await bulk(http, tokens["integrator"], numbers)  # half-open: one probe goes through and closes it
    assert client.breaker_state == "closed"
    recovered = await bulk(http, tokens["integrator"], numbers)
    truth = {p.prisoner_number: p.crn for p in population.people[:20]}
    assert {p["prisonerNumber"]: p["crn"] for p in recovered["data"]["people"]} == truth


async def test_stale_copies_are_served_and_marked_when_ndelius_is_down(gateway, stack, tokens, population):
    app, http = gateway
    person = next(p for p in population.by_prison["MDI"] if p.crn and p.com)
    cache = app.state.sources.cache
    await bulk(http, tokens["integrator"], [person.prisoner_number])
    await cache.set(CRN, person.prisoner_number, person.crn, ttl=0)  # expire, keep as a stale copy
    manager = await cache.get_stale(kinds.COMMUNITY_MANAGER, person.crn)
    await cache.set(kinds.COMMUNITY_MANAGER, person.crn, manager, ttl=0)
    state_of(stack.apps["delius"]).faults = Faults.failing(503)

    body = await bulk(http, tokens["integrator"], [person.prisoner_number])

    got = body["data"]["people"][0]
    assert got["crn"] == person.crn
    assert got["communityOffenderManager"]["name"] == f"{person.com.forename} {person.com.surname}"
    assert body["extensions"]["stale"] == ["delius"]


async def test_more_than_two_hundred_people_is_refused(gateway, tokens, population):
    _app, http = gateway
    numbers = [p.prisoner_number for p in population.people[:201]]
    body = await bulk(http, tokens["integrator"], numbers)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "prisonerNumbers"}
