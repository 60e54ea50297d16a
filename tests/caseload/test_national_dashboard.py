"""nationalDashboard: every prison in the register, counted in SQL, for the national reports role only."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from fixtures.stubs.base import Faults
from gateway.settings import Settings
from resolvers.caseload import today
from sources.store.db import Database
from sources.store.models import PathwayStatus, PrisonPopulation, PrisonProjectionState
from tests.caseload.conftest import PATHWAYS, STATUSES, Reckoning, due_within
from tests.conftest import issue_token
from tests.support.graphql import codes, gql

NATIONAL = """
query { nationalDashboard {
  prisons missingPrisons totalPeople oldestRefresh
  windows { window people pathways { pathway complete statuses { status count } } }
  hotSpots { pathway notStarted }
} }
"""
WINDOW_DAYS = {"WITHIN_12_WEEKS": 84, "WITHIN_24_WEEKS": 168, "ALL_FUTURE": 100_000}
COMPLETE = {"SUPPORT_NOT_REQUIRED", "SUPPORT_DECLINED", "DONE"}


def expected_window(reckoning: Reckoning, window: str) -> dict:
    people = [p for p in reckoning.population.people if due_within(p, WINDOW_DAYS[window])]
    pathways = []
    for pathway in PATHWAYS:
        tally = Counter(reckoning.status(p.prisoner_number, pathway) for p in people)
        pathways.append({"pathway": pathway, "complete": sum(tally[s] for s in COMPLETE),
                         "statuses": [{"status": s, "count": tally[s]} for s in STATUSES]})
    return {"window": window, "people": len(people), "pathways": pathways}


async def test_national_counts_cover_every_prison_and_match_an_independent_count(client, stack, reckoning,
                                                                                    upstream_logs):
    token = issue_token(stack, "national-leader")
    body = await gql(client, token, NATIONAL)
    assert "errors" not in body, body
    national = body["data"]["nationalDashboard"]

    population = reckoning.population
    assert national["prisons"] == len(population.by_prison) > 1
    assert national["missingPrisons"] == []
    assert national["totalPeople"] == len(population.people)
    assert national["windows"] == [expected_window(reckoning, w) for w in WINDOW_DAYS]
    soon = [p for p in population.people if due_within(p, 84)]
    not_started = {w: sum(reckoning.status(p.prisoner_number, w) == "NOT_STARTED" for p in soon) for w in PATHWAYS}
    ranked = sorted(PATHWAYS, key=lambda w: -not_started[w])[:3]
    assert national["hotSpots"] == [{"pathway": w, "notStarted": not_started[w]} for w in ranked]
    searched = Counter(r.path for r in upstream_logs["nomis"].requests)
    assert searched["/prisons"] == 1
    assert {p for p in searched if p.startswith("/prisoner-search/prison/")} == {
        f"/prisoner-search/prison/{code}" for code in population.by_prison}

    upstream_logs["nomis"].requests.clear()
    again = await gql(client, token, NATIONAL)
    assert again == body
    assert not upstream_logs["nomis"].requests, "fresh projections and a cached register: no NOMIS call"


async def test_only_the_national_reports_role_may_read_it(client, stack, tokens):
    for persona in ("prison-leader", "prison-staff", "admin"):
        body = await gql(client, tokens[persona], "{ nationalDashboard { totalPeople } }")
        assert codes(body) == ["FORBIDDEN"], persona
        assert body["data"] == {"nationalDashboard": None}
    for persona in ("integrator", "leaver", "probation-staff"):
        body = await gql(client, tokens[persona], "{ nationalDashboard { totalPeople } }")
        assert body.get("data") in (None, {"nationalDashboard": None}), persona
        assert codes(body) and set(codes(body)) <= {"GRAPHQL_VALIDATION_FAILED", "FORBIDDEN"}, (persona, body)


async def test_nomis_down_before_any_read_degrades_the_field_not_the_answer(client, stack, upstream_logs):
    token = issue_token(stack, "national-leader")
    upstream_logs["nomis"].faults = Faults.failing(503)
    try:
        body = await gql(client, token, "{ nationalDashboard { totalPeople } }")
    finally:
        upstream_logs["nomis"].faults = Faults()
    assert body["data"] == {"nationalDashboard": None}
    assert codes(body) == ["UPSTREAM_UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["system"] == "nomis"


async def test_a_projected_prison_outside_the_register_is_not_counted(client, stack, reckoning, seeded: Settings):
    """A prison dashboard once read an inactive prison (not in the register): its people, due soon and with
    pathways recorded, stay out of the national counts, which otherwise read the projection whole."""
    database = Database(seeded.database_url)
    now = datetime.now(UTC)
    numbers = [f"Z{i:04d}ZZ" for i in range(5)]
    try:
        async with database.session() as session:
            await session.execute(insert(PrisonProjectionState).values(prison_id="ZZI", refreshed_at=now, people=5))
            await session.execute(insert(PrisonPopulation), [
                {"prison_id": "ZZI", "prisoner_number": n, "first_name": "Test", "last_name": f"Person {n}",
                 "release_date": today() + timedelta(days=10), "refreshed_at": now} for n in numbers])
            await session.execute(insert(PathwayStatus), [
                {"prisoner_number": n, "pathway": "ACCOMMODATION", "status": "DONE", "updated_by": "test"}
                for n in numbers])
            await session.commit()
    finally:
        await database.dispose()

    body = await gql(client, issue_token(stack, "national-leader"), NATIONAL)
    assert "errors" not in body, body
    national = body["data"]["nationalDashboard"]
    assert national["prisons"] == len(reckoning.population.by_prison)
    assert national["totalPeople"] == len(reckoning.population.people)
    assert national["windows"] == [expected_window(reckoning, w) for w in WINDOW_DAYS]
