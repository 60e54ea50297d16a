"""prison(id).dashboard counted in SQL, and who may see which prison."""

from __future__ import annotations

from collections import Counter

from fixtures.stubs.base import Faults
from tests.caseload.conftest import PATHWAYS, STATUSES, Reckoning, due_within
from tests.support.graphql import codes, gql

DASHBOARD = """
query { prison(id: "MDI") {
  dashboard {
    totalPeople refreshedAt
    windows { window people pathways { pathway complete shareComplete statuses { status count } } }
    hotSpots { pathway notStarted }
  }
} }
"""
WINDOW_DAYS = {"WITHIN_12_WEEKS": 84, "WITHIN_24_WEEKS": 168, "ALL_FUTURE": 100_000}
COMPLETE = {"SUPPORT_NOT_REQUIRED", "SUPPORT_DECLINED", "DONE"}


def expected_window(reckoning: Reckoning, window: str) -> dict:
    people = [p for p in reckoning.mdi if due_within(p, WINDOW_DAYS[window])]
    pathways = []
    for pathway in PATHWAYS:
        tally = Counter(reckoning.status(p.prisoner_number, pathway) for p in people)
        complete = sum(tally[s] for s in COMPLETE)
        pathways.append({"pathway": pathway, "complete": complete,
                         "shareComplete": complete / len(people) if people else 0.0,
                         "statuses": [{"status": s, "count": tally[s]} for s in STATUSES]})
    return {"window": window, "people": len(people), "pathways": pathways}


async def test_dashboard_counts_match_an_independent_count(client, tokens, reckoning: Reckoning, upstream_logs):
    body = await gql(client, tokens["prison-leader"], DASHBOARD)
    assert "errors" not in body, body
    dashboard = body["data"]["prison"]["dashboard"]

    assert dashboard["totalPeople"] == len(reckoning.mdi) == 1500
    assert dashboard["windows"] == [expected_window(reckoning, w) for w in WINDOW_DAYS]
    soon = [p for p in reckoning.mdi if due_within(p, 84)]
    not_started = {w: sum(reckoning.status(p.prisoner_number, w) == "NOT_STARTED" for p in soon) for w in PATHWAYS}
    ranked = sorted(PATHWAYS, key=lambda w: -not_started[w])[:3]
    assert dashboard["hotSpots"] == [{"pathway": w, "notStarted": not_started[w]} for w in ranked]
    assert [r.path for r in upstream_logs["nomis"].requests] == ["/prisoner-search/prison/MDI"]
    assert all(not state.requests for name, state in upstream_logs.items() if name != "nomis")


async def test_prison_staff_without_the_reports_role_are_refused_the_dashboard_only(client, tokens, reckoning):
    query = '{ prison(id: "MDI") { id caseload(first: 1) { totalCount } dashboard { totalPeople } } }'
    body = await gql(client, tokens["prison-staff"], query)

    assert codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["prison", "dashboard"]
    assert body["data"]["prison"] == {"id": "MDI", "caseload": {"totalCount": 1500}, "dashboard": None}


async def test_another_prison_is_null_for_mdi_staff_and_leaders(client, tokens, upstream_logs):
    for persona in ("prison-staff", "prison-leader"):
        body = await gql(client, tokens[persona], '{ prison(id: "LEI") { id caseload { totalCount } } }')
        assert body == {"data": {"prison": None}}
    assert not upstream_logs["nomis"].requests


async def test_probation_staff_see_no_prison(client, tokens):
    body = await gql(client, tokens["probation-staff"], '{ prison(id: "MDI") { id } }')
    assert body == {"data": {"prison": None}}


async def test_integrators_may_read_any_prison_but_their_contract_has_no_dashboard(client, tokens, population):
    query = '{ prison(id: "lei") { id population caseload(first: 2) { totalCount edges { node { lastName } } } } }'
    body = await gql(client, tokens["integrator"], query)

    assert "errors" not in body, body
    assert body["data"]["prison"]["id"] == "LEI"
    assert body["data"]["prison"]["caseload"]["totalCount"] == len(population.by_prison["LEI"])
    assert body["data"]["prison"]["population"] == len(population.by_prison["LEI"])
    refused = await gql(client, tokens["integrator"], '{ prison(id: "LEI") { dashboard { totalPeople } } }')
    assert codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_caseload_entries_reach_the_whole_person_through_one_batch(client, tokens, reckoning, upstream_logs):
    query = """{ prison(id: "MDI") { caseload(first: 20, releaseWithinDays: 84) {
      edges { node { prisonerNumber person { prisonerNumber cellLocation licence { status } } } } } } }"""
    body = await gql(client, tokens["prison-staff"], query)

    edges = body["data"]["prison"]["caseload"]["edges"]
    assert [e["node"]["person"]["prisonerNumber"] for e in edges] == [e["node"]["prisonerNumber"] for e in edges]
    assert [r.path for r in upstream_logs["nomis"].requests] == [
        "/prisoner-search/prison/MDI", "/prisoner-search/prisoner-numbers"]
    assert [r.path for r in upstream_logs["licences"].requests] == ["/licence/match"]


async def test_nomis_down_serves_the_last_copy_marked_stale_or_reports_it_unavailable(client, tokens, upstream_logs):
    query = '{ prison(id: "MDI", refresh: true) { refreshedAt caseload(first: 1) { totalCount } } }'
    upstream_logs["nomis"].faults = Faults.failing(503)
    try:
        nothing_yet = await gql(client, tokens["prison-staff"], query)
        assert nothing_yet["data"] == {"prison": None}
        assert nothing_yet["errors"][0]["extensions"] == {"code": "UPSTREAM_UNAVAILABLE", "system": "nomis"}
        upstream_logs["nomis"].faults = Faults()
        fresh = await gql(client, tokens["prison-staff"], query)
        upstream_logs["nomis"].faults = Faults.failing(503)
        stale = await gql(client, tokens["prison-staff"], query)
    finally:
        upstream_logs["nomis"].faults = Faults()

    assert stale["data"] == fresh["data"]
    assert stale["extensions"]["stale"] == ["nomis"]
    assert "errors" not in stale
