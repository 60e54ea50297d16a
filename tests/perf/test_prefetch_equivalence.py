"""Differential tests: ``people`` with its page prefetch answers exactly as the plain awaited resolvers do.

Each case runs the same document twice on fresh gateways over the same stubs and database: once as shipped
(the page's data loaded up front, Person fields answering synchronously) and once with the prefetch
switched off, so every field awaits its loader as graphql-core's standard execution did before. The two
must give the same data, the same nulls, the same errors at the same paths and the same access-log rows,
with every system up and with nDelius or the appointments system down; and the same upstream calls (with a
system down, no call the plain resolvers would not make: its breaker may open sooner).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlmodel import col, select

from fixtures.population import Population
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from resolvers.context import RequestContext
from resolvers.loaders import PerKeyLoader
from schema.types import person_page
from sources.nomis.models import Prisoner
from sources.store.models import AccessLogEntry
from tests.conftest import settings_for

SYSTEMS = ("nomis", "delius", "licences", "appointments")
EVERY_FIELD = """
fragment Contacts on Person {
  communityOffenderManager { allocated name email telephone }
  prisonOffenderManager { allocated name email telephone }
  keyWorker { allocated name }
}
query Everything($numbers: [ID!]!, $later: Boolean!) {
  people(prisonerNumbers: $numbers) {
    prisonerNumber firstName lastName dateOfBirth prisonId prisonName cellLocation releaseDate
    releaseDates { confirmedReleaseDate conditionalReleaseDate licenceExpiryDate }
    crn
    ...Contacts
    contactDetails { telephone mobile email address { lines town postcode } }
    resettlementWorker { staffId name username }
    risk { riskOfSeriousHarm { overall toPublic } mappa { level category } predictors { name score level } }
    licence { licenceId status typeCode startDate expiryDate conditions { version standard { __typename } } }
    nextAppointment { id type typeCode start durationMinutes staffName location address { town postcode } }
    appointments(from: "2020-01-01", to: "2021-12-31") { id start }
    pathways { pathway status updatedAt updatedBy version history { toStatus changedBy } }
    caseNotes(first: 5) { totalCount notes { pathway status createdBy } nextCursor }
    idApplications { id documentType status version }
    bankApplications { id bankName status version }
    ... on Person @include(if: $later) { crn pathways { status } }
  }
}
"""
# An integrator's contract has no contact details, risk, case notes or applications.
NOT_FOR_INTEGRATORS = ("contactDetails", "risk {", "caseNotes", "idApplications", "bankApplications")
INTEGRATOR_FIELDS = "\n".join(line for line in EVERY_FIELD.splitlines()
                              if not line.strip().startswith(NOT_FOR_INTEGRATORS))


async def _no_prefetch(ctx: RequestContext, prisoners: Sequence[Prisoner], fields: Collection[str], *,
                       primed: object = None) -> None:
    """The prefetch switched off: every Person field awaits its own loader."""


def _errors(body: dict[str, Any]) -> list[str]:
    """Errors in a stable order: their order follows completion, which the two executions may differ in."""
    return sorted(json.dumps(error, sort_keys=True) for error in body.get("errors", []))


async def _run(settings: Settings, stack: AppStack, token: str, document: str, numbers: list[str]) -> dict[str, Any]:
    """One request on a fresh gateway (fresh caches and breakers); its body, upstream calls and access log."""
    for name in SYSTEMS:
        state_of(stack.apps[name]).requests.clear()
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://g") as http:
            response = await http.post(
                "/graphql", json={"query": document, "variables": {"numbers": numbers, "later": True}},
                headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            correlation_id = response.headers["x-correlation-id"]
        async with app.state.sources.database.session() as session:
            rows = (await session.execute(select(AccessLogEntry).where(
                col(AccessLogEntry.correlation_id) == correlation_id))).scalars().all()
    body = response.json()
    body.pop("extensions", None)  # timings and the like; stale markers are compared via the data
    calls = {name: Counter(r.path for r in state_of(stack.apps[name]).requests) for name in SYSTEMS}
    log = sorted((r.prisoner_number, tuple(r.field_groups), r.principal, r.audience) for r in rows)
    return {"data": body.get("data"), "errors": _errors(body), "calls": calls, "log": log}


def _people(population: Population) -> list[str]:
    """In and out of a prison caseload, one who does not exist, and a repeat."""
    mdi = [p.prisoner_number for p in population.by_prison["MDI"][:12]]
    others = [p.prisoner_number for p in population.people if p.prison_id != "MDI"][:6]
    return [*mdi, *others, "Z9999ZZ", mdi[0]]


@pytest.mark.parametrize("persona", ["prison-staff", "probation-staff", "integrator"])
@pytest.mark.parametrize("down", [None, "delius", "appointments"])
async def test_people_answers_as_the_plain_resolvers_do(stack, seeded, tokens, population, monkeypatch, persona,
                                                        down):
    # Every field of 20 people costs more than a free-form document may; the limit is not what is tested here.
    settings = settings_for(stack, seeded.database_url, delius_timeout_seconds=1.0,
                            appointments_timeout_seconds=1.0, max_query_cost=1_000_000)
    numbers = _people(population)
    document = INTEGRATOR_FIELDS if persona == "integrator" else EVERY_FIELD
    try:
        if down:
            state_of(stack.apps[down]).faults = Faults.failing(503)
        fast = await _run(settings, stack, tokens[persona], document, numbers)
        with monkeypatch.context() as patch:
            patch.setattr(person_page, "prefetch", _no_prefetch)
            plain = await _run(settings, stack, tokens[persona], document, numbers)
    finally:
        for name in SYSTEMS:
            state_of(stack.apps[name]).faults = Faults()

    assert fast["data"] == plain["data"]
    assert fast["errors"] == plain["errors"]
    assert fast["log"] == plain["log"]
    if down is None:
        assert fast["calls"] == plain["calls"]
    else:  # no call the plain resolvers would not make. Not a count: the breaker may open sooner when the page's
        # loads start together, and each key settles as its own call fails, so the first failure can end the
        # request while other keys are between retries (how many retries were sent by then varies).
        for system in SYSTEMS:
            added = set(fast["calls"][system]) - set(plain["calls"][system])
            assert not added, f"prefetch added calls to {system}: {sorted(added)}"
    # The cases are not vacuous: people came back, and an outage shows as coded errors at their paths.
    if persona == "probation-staff" and down == "delius":  # their scope needs nDelius: nobody can be shown
        assert fast["data"] is None and fast["errors"]
        return
    people = fast["data"]["people"]
    assert people, "nobody came back"
    if down:
        codes = {(e["extensions"]["code"], e["extensions"].get("system")) for e in map(json.loads, fast["errors"])}
        assert ("UPSTREAM_UNAVAILABLE", down) in codes
        assert all(json.loads(e)["path"][0] == "people" for e in fast["errors"])
    else:
        assert fast["errors"] == []
        assert any(p["crn"] for p in people) and any(p["licence"] for p in people)


async def _run_warm(settings: Settings, stack: AppStack, token: str, document: str,
                    numbers: list[str], *, slow_reads_of_many: float = 0.0,
                    reads_of_many: Counter[str] | None = None) -> dict[str, Any]:
    """The same request twice on one fresh gateway; the second's body, upstream calls, access log and cache
    lookups (kind and outcome, as the metrics count them): a warm page, whose hits the prefetch reads at once.
    ``slow_reads_of_many``: the second request's reads of many keys at once take this long (a busy Redis);
    ``reads_of_many`` counts those reads by kind."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://g") as http:
            async def ask() -> httpx.Response:
                response = await http.post(
                    "/graphql", json={"query": document, "variables": {"numbers": numbers, "later": True}},
                    headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200, response.text
                return response

            await ask()
            for name in SYSTEMS:
                state_of(stack.apps[name]).requests.clear()
            lookups: Counter[tuple[str, str]] = Counter()
            cache = app.state.sources.cache
            cache.on_lookup = lambda kind, outcome: lookups.update([(kind, outcome)])
            if slow_reads_of_many or reads_of_many is not None:
                read_many = cache.get_restored_many

                async def slowly(kind: str, *args: Any, **kwargs: Any) -> Any:
                    if reads_of_many is not None:
                        reads_of_many[kind] += 1
                    await asyncio.sleep(slow_reads_of_many)
                    return await read_many(kind, *args, **kwargs)

                cache.get_restored_many = slowly
            response = await ask()
        async with app.state.sources.database.session() as session:
            rows = (await session.execute(select(AccessLogEntry).where(
                col(AccessLogEntry.correlation_id) == response.headers["x-correlation-id"]))).scalars().all()
    body = response.json()
    body.pop("extensions", None)
    calls = {name: Counter(r.path for r in state_of(stack.apps[name]).requests) for name in SYSTEMS}
    log = sorted((r.prisoner_number, tuple(r.field_groups), r.principal, r.audience) for r in rows)
    return {"data": body.get("data"), "errors": _errors(body), "calls": calls, "log": log, "lookups": lookups}


@pytest.mark.parametrize("persona", ["prison-staff", "probation-staff", "integrator"])
async def test_a_warm_page_answers_as_the_plain_resolvers_do(stack, seeded, tokens, population, monkeypatch,
                                                             persona):
    """With the cache warm, the prefetch settles the page's CRNs, managers and appointments from it at once
    (resolvers/person_prefetch.py): the same answer, calls, access log and cache hits as field by field."""
    settings = settings_for(stack, seeded.database_url, max_query_cost=1_000_000)
    numbers = _people(population)
    document = INTEGRATOR_FIELDS if persona == "integrator" else EVERY_FIELD
    primed: list[Any] = []
    with monkeypatch.context() as patch:
        prime_many = PerKeyLoader.prime_many
        patch.setattr(PerKeyLoader, "prime_many", lambda loader, values: (primed.extend(values),
                                                                          prime_many(loader, values))[1])
        fast = await _run_warm(settings, stack, tokens[persona], document, numbers)
    with monkeypatch.context() as patch:
        patch.setattr(person_page, "prefetch", _no_prefetch)
        plain = await _run_warm(settings, stack, tokens[persona], document, numbers)

    assert fast == plain
    assert fast["errors"] == [] and fast["data"]["people"]
    assert fast["lookups"][("crn", "hit")] and fast["lookups"][("appointments", "hit")], "the page was not warm"
    assert not any(outcome == "miss" for _, outcome in fast["lookups"])
    assert primed, "nothing was settled from the cache up front"


async def test_a_hit_read_ahead_is_counted_once_however_slow_the_read(stack, seeded, tokens, population,
                                                                      monkeypatch):
    """An integrator's page reads its fresh cache hits ahead, beside NOMIS. When that read came back after NOMIS
    (a busy Redis), the same keys were read again by the prefetch or loaded one by one meanwhile, and each of
    those hits was counted again: the cache's hit rate on /metrics ran above the truth. A hit is counted where
    its value is used, once per key; and the prefetch waits for the read already under way instead of making
    it again."""
    settings = settings_for(stack, seeded.database_url, max_query_cost=1_000_000)
    numbers = _people(population)
    quick_reads: Counter[str] = Counter()
    slow_reads: Counter[str] = Counter()
    quick = await _run_warm(settings, stack, tokens["integrator"], INTEGRATOR_FIELDS, numbers,
                            reads_of_many=quick_reads)
    slow = await _run_warm(settings, stack, tokens["integrator"], INTEGRATOR_FIELDS, numbers,
                           slow_reads_of_many=0.3, reads_of_many=slow_reads)
    with monkeypatch.context() as patch:
        patch.setattr(person_page, "prefetch", _no_prefetch)
        plain = await _run_warm(settings, stack, tokens["integrator"], INTEGRATOR_FIELDS, numbers,
                                slow_reads_of_many=0.3)

    assert 0 < quick["lookups"][("crn", "hit")] <= len(set(numbers)) - 1, "not warm, or counted twice"
    assert slow["lookups"] == quick["lookups"]
    assert plain["lookups"] == quick["lookups"]
    assert slow["data"] == quick["data"] == plain["data"]
    assert quick_reads["crn"] == 1, quick_reads  # the page's CRNs in one read
    assert slow_reads == quick_reads
