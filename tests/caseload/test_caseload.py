"""prison(id).caseload: the W1 workload, filters, sorts and pages, checked against an independent reckoning."""

from __future__ import annotations

import pytest

from tests.caseload.conftest import PATHWAYS, Reckoning, by_release_date, due_within
from tests.support.graphql import codes, gql

CASELOAD = """
query Caseload($id: ID!, $first: Int!, $after: String, $days: Int, $pathway: Pathway, $status: PathwayStatusCode,
               $worker: String, $unassigned: Boolean, $search: String, $sort: CaseloadSort!, $descending: Boolean!) {
  prison(id: $id) {
    id refreshedAt population
    caseload(first: $first, after: $after, releaseWithinDays: $days, pathway: $pathway, status: $status,
             assignedWorker: $worker, unassigned: $unassigned, search: $search, sort: $sort,
             descending: $descending) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        prisonerNumber firstName lastName releaseDate releaseEligibilityDate isReleaseOnFriday lastUpdated
        pathways { pathway status }
        assignedWorker { staffId name }
      } }
    }
  }
}
"""
DEFAULTS = {"id": "MDI", "first": 20, "after": None, "days": None, "pathway": None, "status": None, "worker": None,
            "unassigned": None, "search": None, "sort": "RELEASE_DATE", "descending": False}


async def caseload(client, token, **variables):
    body = await gql(client, token, CASELOAD, **{**DEFAULTS, **variables})
    assert "errors" not in body, body
    return body["data"]["prison"]["caseload"]


def numbers(page) -> list[str]:
    return [edge["node"]["prisonerNumber"] for edge in page["edges"]]


async def walk(client, token, **variables) -> list[str]:
    """Every page, following endCursor, checking each page says whether another follows."""
    seen, after = [], None
    while True:
        page = await caseload(client, token, after=after, **variables)
        seen += numbers(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_w1_first_page_within_12_weeks_by_release_date(client, tokens, reckoning: Reckoning, upstream_logs):
    expected = by_release_date([p for p in reckoning.mdi if due_within(p, 84)])

    page = await caseload(client, tokens["prison-staff"], days=84)

    assert page["totalCount"] == len(expected)
    assert numbers(page) == [p.prisoner_number for p in expected[:20]]
    assert page["pageInfo"]["hasNextPage"] is True
    for edge, person in zip(page["edges"], expected[:20], strict=True):
        node = edge["node"]
        assert (node["firstName"], node["lastName"]) == (person.first_name, person.last_name)
        assert node["releaseDate"] == person.release_date.isoformat()
        assert node["isReleaseOnFriday"] == (person.release_date.weekday() == 4)
        eligibility = [d for d in (person.home_detention_curfew_eligibility_date, person.parole_eligibility_date) if d]
        assert node["releaseEligibilityDate"] == (min(eligibility).isoformat() if eligibility else None)
        assert node["pathways"] == reckoning.pathways(person.prisoner_number)
        worker = reckoning.assigned.get(person.prisoner_number)
        assert node["assignedWorker"] == (worker and {"staffId": worker.staff_id, "name": worker.name})
        recorded = any((person.prisoner_number, p) in reckoning.statuses for p in PATHWAYS)
        assert (node["lastUpdated"] is not None) == recorded

    # The only upstream calls are the population pages: nothing per person, and no other system.
    assert [r.path for r in upstream_logs["nomis"].requests] == ["/prisoner-search/prison/MDI"]
    assert all(not state.requests for name, state in upstream_logs.items() if name != "nomis")


async def test_a_second_caseload_within_10_minutes_makes_no_upstream_call(client, tokens, reckoning, upstream_logs):
    first = await gql(client, tokens["prison-staff"], CASELOAD, **{**DEFAULTS, "days": 84})
    upstream_logs["nomis"].requests.clear()

    second = await gql(client, tokens["prison-staff"], CASELOAD, **{**DEFAULTS, "days": 84})

    assert second == first
    assert all(not state.requests for state in upstream_logs.values())


async def test_refresh_reads_the_population_again_on_demand(client, tokens, reckoning, upstream_logs):
    query = 'query($r: Boolean!) { prison(id: "MDI", refresh: $r) { refreshedAt population } }'
    before = (await gql(client, tokens["prison-staff"], query, r=False))["data"]["prison"]
    upstream_logs["nomis"].requests.clear()

    after = (await gql(client, tokens["prison-staff"], query, r=True))["data"]["prison"]

    assert after["refreshedAt"] > before["refreshedAt"]
    assert after["population"] == len(reckoning.mdi) == 1500
    assert [r.path for r in upstream_logs["nomis"].requests] == ["/prisoner-search/prison/MDI"]


async def test_paging_walks_every_person_once_in_order(client, tokens, reckoning: Reckoning):
    expected = [p.prisoner_number for p in by_release_date([p for p in reckoning.mdi if due_within(p, 168)])]
    assert len(expected) > 300

    assert await walk(client, tokens["prison-staff"], days=168, first=100) == expected


@pytest.mark.parametrize(("pathway", "status"), [("ACCOMMODATION", "NOT_STARTED"), ("HEALTH", "DONE")])
async def test_filter_by_pathway_status(client, tokens, reckoning: Reckoning, pathway, status):
    expected = [p.prisoner_number for p in by_release_date(reckoning.mdi)
                if reckoning.status(p.prisoner_number, pathway) == status]

    got = await walk(client, tokens["prison-staff"], pathway=pathway, status=status, first=100)

    assert got == expected


async def test_filter_by_status_on_any_pathway(client, tokens, reckoning: Reckoning):
    expected = [p.prisoner_number for p in by_release_date([p for p in reckoning.mdi if due_within(p, 84)])
                if any(reckoning.status(p.prisoner_number, w) == "SUPPORT_DECLINED" for w in PATHWAYS)]

    assert await walk(client, tokens["prison-staff"], days=84, status="SUPPORT_DECLINED", first=100) == expected


async def test_filter_by_assigned_worker_and_unassigned(client, tokens, reckoning: Reckoning):
    soon = [p.prisoner_number for p in by_release_date([p for p in reckoning.mdi if due_within(p, 84)])]
    alice = [n for n in soon if n in reckoning.assigned and reckoning.assigned[n].staff_id == "485926"]
    assert len(alice) == 5

    assert await walk(client, tokens["prison-staff"], worker="485926") == alice
    assert await walk(client, tokens["prison-staff"], days=84, unassigned=False) == [
        n for n in soon if n in reckoning.assigned]
    assert await walk(client, tokens["prison-staff"], days=84, unassigned=True, first=100) == [
        n for n in soon if n not in reckoning.assigned]


async def test_search_by_name_and_by_number(client, tokens, reckoning: Reckoning):
    someone = reckoning.mdi[7]
    by_surname = [p.prisoner_number for p in by_release_date(reckoning.mdi)
                  if someone.last_name.lower() in p.last_name.lower() or someone.last_name.lower()
                  in p.first_name.lower()]
    full_name = [p.prisoner_number for p in by_release_date(reckoning.mdi)
                 if (p.first_name, p.last_name) == (someone.first_name, someone.last_name)]

    assert await walk(client, tokens["prison-staff"], search=someone.last_name.upper(), first=100) == by_surname
    assert someone.prisoner_number in await walk(
        client, tokens["prison-staff"], search=f"{someone.first_name} {someone.last_name}")
    assert set(full_name) <= set(await walk(client, tokens["prison-staff"],
                                            search=f" {someone.first_name.lower()}  {someone.last_name} "))
    assert await walk(client, tokens["prison-staff"], search=someone.prisoner_number.lower()) == [
        someone.prisoner_number]
    assert await walk(client, tokens["prison-staff"], search="100%_") == []
    for wildcard in ("%", "_", "%%", "/"):  # LIKE's wildcards and its escape character match only themselves
        assert await walk(client, tokens["prison-staff"], search=wildcard) == [], wildcard


@pytest.mark.parametrize("descending", [False, True])
async def test_sort_by_name(client, tokens, reckoning: Reckoning, descending):
    people = [p for p in reckoning.mdi if due_within(p, 84)]
    expected = sorted(people, key=lambda p: p.prisoner_number)
    expected.sort(key=lambda p: (p.last_name, p.first_name), reverse=descending)

    got = await walk(client, tokens["prison-staff"], days=84, sort="NAME", descending=descending, first=100)

    assert got == [p.prisoner_number for p in expected]


async def test_sort_by_release_date_descending_puts_nulls_last(client, tokens, reckoning: Reckoning):
    dated = sorted((p for p in reckoning.mdi if p.release_date), key=lambda p: p.prisoner_number)
    dated.sort(key=lambda p: p.release_date, reverse=True)
    undated = sorted(p.prisoner_number for p in reckoning.mdi if not p.release_date)
    assert undated, "the population has people with no release date yet"

    got = await walk(client, tokens["prison-staff"], descending=True, first=100)

    assert got == [p.prisoner_number for p in dated] + undated


async def test_sort_by_last_updated_puts_never_updated_last(client, tokens, reckoning: Reckoning):
    page = await caseload(client, tokens["prison-staff"], days=84, sort="LAST_UPDATED", first=100)
    nodes = [edge["node"] for edge in page["edges"]]
    stamps = [n["lastUpdated"] for n in nodes]
    dated = [s for s in stamps if s is not None]

    assert dated == sorted(dated)
    assert stamps == dated + [None] * (len(stamps) - len(dated))
    for node in nodes:  # never updated means nothing recorded on any pathway
        assert (node["lastUpdated"] is None) == all(p["status"] == "NOT_STARTED" and
                                                    (node["prisonerNumber"], p["pathway"]) not in reckoning.statuses
                                                    for p in node["pathways"])
    everyone = await walk(client, tokens["prison-staff"], days=84, sort="LAST_UPDATED", first=100)
    assert sorted(everyone) == sorted(p.prisoner_number for p in reckoning.mdi if due_within(p, 84))


@pytest.mark.parametrize(("variables", "field"), [
    ({"first": 0}, "first"), ({"first": 101}, "first"), ({"days": -1}, "releaseWithinDays"),
    ({"days": 3651}, "releaseWithinDays"), ({"search": "x" * 51}, "search"), ({"after": "not-a-cursor"}, "after"),
    ({"pathway": "HEALTH"}, "status"), ({"worker": "485926", "unassigned": True}, "unassigned"),
])
async def test_bad_arguments_are_bad_user_input_naming_the_field(client, tokens, variables, field):
    body = await gql(client, tokens["prison-staff"], CASELOAD, **{**DEFAULTS, **variables})

    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert body["data"]["prison"]["caseload"] is None
    assert body["data"]["prison"]["id"] == "MDI"


async def test_a_malformed_prison_code_is_bad_user_input(client, tokens):
    body = await gql(client, tokens["prison-staff"], '{ prison(id: "MDI1") { id } }')
    assert body["data"] == {"prison": None}
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
