"""The vertical slice: person(prisonerNumber) from all five sources, scoped to what the caller may see."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from fixtures.population import Population, SyntheticPerson
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack

SLICE = """
query Slice($n: ID!) {
  person(prisonerNumber: $n) {
    prisonerNumber firstName lastName dateOfBirth prisonId releaseDate
    crn
    communityOffenderManager { name allocated }
    licence { status expiryDate }
    nextAppointment { type start }
    pathways { pathway status version }
  }
}
"""


def display_release_date(p: SyntheticPerson) -> str | None:
    for candidate in (p.confirmed_release_date, p.actual_parole_date, p.home_detention_curfew_actual_date,
                      p.conditional_release_date, p.automatic_release_date):
        if candidate is not None:
            return candidate.isoformat()
    return None


def complete_case(population: Population, prison: str = "MDI", *, untouched: bool = False) -> SyntheticPerson:
    """Someone with a CRN, an allocated COM, a licence and an upcoming appointment.

    Tests that write (book appointments, record statuses) use the first such person; ``untouched`` gives the
    last, whom no test changes, for tests that compare answers with the synthetic data itself.
    """
    now = datetime.now(UTC)
    found = [p for p in population.by_prison[prison]
             if p.crn and p.com and p.licence and any(a.start > now for a in p.appointments)]
    if not found:
        raise AssertionError("the synthetic population has no complete case")
    return found[-1] if untouched else found[0]


async def ask(client: httpx.AsyncClient, token: str | None, number: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": SLICE, "variables": {"n": number}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_prison_staff_see_data_from_all_five_sources(client, tokens, population):
    person = complete_case(population, untouched=True)
    body = await ask(client, tokens["prison-staff"], person.prisoner_number)

    assert "errors" not in body, body
    got = body["data"]["person"]
    assert got["prisonerNumber"] == person.prisoner_number                      # NOMIS
    assert (got["firstName"], got["lastName"]) == (person.first_name, person.last_name)
    assert got["releaseDate"] == display_release_date(person)
    assert got["crn"] == person.crn                                              # nDelius
    assert got["communityOffenderManager"] == {"name": f"{person.com.forename} {person.com.surname}",
                                               "allocated": True}
    assert got["licence"]["status"] == person.licence.status                    # CVL
    upcoming = min((a for a in person.appointments if a.start > datetime.now(UTC)), key=lambda a: a.start)
    assert datetime.fromisoformat(got["nextAppointment"]["start"]) == upcoming.start  # appointments
    assert [p["pathway"] for p in got["pathways"]] == [                          # our database
        "ACCOMMODATION", "ATTITUDES_THINKING_AND_BEHAVIOUR", "CHILDREN_FAMILIES_AND_COMMUNITY",
        "DRUGS_AND_ALCOHOL", "EDUCATION_SKILLS_AND_WORK", "FINANCE_AND_ID", "HEALTH"]


async def test_person_in_another_prison_is_reported_as_absent(client, tokens, population):
    elsewhere = population.by_prison["LEI"][0]
    body = await ask(client, tokens["prison-staff"], elsewhere.prisoner_number)
    assert body == {"data": {"person": None}}


async def test_out_of_scope_and_non_existent_look_the_same(client, tokens, population):
    elsewhere = await ask(client, tokens["prison-staff"], population.by_prison["LEI"][0].prisoner_number)
    missing = await ask(client, tokens["prison-staff"], "Z9999ZZ")
    assert elsewhere == missing == {"data": {"person": None}}


async def test_probation_staff_see_people_in_their_region_only(client, tokens, population):
    in_region = complete_case(population, "MDI")  # MDI sits in the persona's region
    outside = next(p for p in population.by_prison["WWI"] if p.crn)
    assert (await ask(client, tokens["probation-staff"], in_region.prisoner_number))["data"]["person"]
    assert (await ask(client, tokens["probation-staff"], outside.prisoner_number)) == {"data": {"person": None}}


async def test_leaver_sees_only_themself(client, tokens, population):
    from fixtures.population import person_on_licence_with_appointments

    me = person_on_licence_with_appointments(population)
    query = "query($n: ID!) { person(prisonerNumber: $n) { prisonerNumber releaseDate } }"
    headers = {"Authorization": f"Bearer {tokens['leaver']}"}
    mine = await client.post("/graphql", json={"query": query, "variables": {"n": me.prisoner_number}},
                             headers=headers)
    assert mine.json() == {"data": {"person": {"prisonerNumber": me.prisoner_number,
                                               "releaseDate": display_release_date(me)}}}
    other = next(p for p in population.people if p.prisoner_number != me.prisoner_number)
    theirs = await client.post("/graphql", json={"query": query, "variables": {"n": other.prisoner_number}},
                               headers=headers)
    assert theirs.json() == {"data": {"person": None}}


async def test_leaver_cannot_read_staff_only_fields(client, tokens, population):
    from fixtures.population import person_on_licence_with_appointments

    me = person_on_licence_with_appointments(population)
    body = await ask(client, tokens["leaver"], me.prisoner_number)
    # The leaver's schema contract has no such fields (schema/audiences.py), so the document fails validation.
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    refused = " ".join(e["message"] for e in body["errors"])
    assert "'prisonId'" in refused and "'crn'" in refused


async def test_anonymous_caller_sees_nobody(client, population):
    body = await ask(client, None, complete_case(population).prisoner_number)
    # The public contract has no `person` at all (schema/audiences.py).
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


async def test_malformed_prisoner_number_is_a_coded_error(client, tokens):
    body = await ask(client, tokens["prison-staff"], "not-a-number")
    assert body["data"] == {"person": None}
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "prisonerNumber"}


async def test_a_bad_token_is_refused_with_401_and_a_reason(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"},
                                 headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_ndelius_down_degrades_only_its_branches(client, tokens, population, stack: AppStack):
    person = complete_case(population)
    delius = state_of(stack.apps["delius"])
    delius.faults = Faults.failing(503)
    try:
        body = await ask(client, tokens["prison-staff"], person.prisoner_number)
    finally:
        delius.faults = Faults()
    got = body["data"]["person"]
    assert got["firstName"] == person.first_name
    assert got["licence"]["status"] == person.licence.status
    assert len(got["pathways"]) == 7
    assert got["crn"] is None and got["communityOffenderManager"] is None and got["nextAppointment"] is None
    unavailable = {tuple(e["path"]): e["extensions"] for e in body["errors"]}
    assert unavailable[("person", "crn")] == {"code": "UPSTREAM_UNAVAILABLE", "system": "delius"}
    for error in body["errors"]:
        assert "Traceback" not in error["message"] and "503" not in error["message"]


async def test_several_people_make_one_nomis_batch_call(client, tokens, population, stack: AppStack):
    people = population.by_prison["MDI"][:5]
    fields = " ".join(f'p{i}: person(prisonerNumber: "{p.prisoner_number}") {{ lastName licence {{ status }} }}'
                      for i, p in enumerate(people))
    nomis, licences = state_of(stack.apps["nomis"]), state_of(stack.apps["licences"])
    nomis.requests.clear()
    licences.requests.clear()
    response = await client.post("/graphql", json={"query": "{ " + fields + " }"},
                                 headers={"Authorization": f"Bearer {tokens['prison-staff']}"})
    assert [p["lastName"] for p in response.json()["data"].values()] == [p.last_name for p in people]
    assert [r.path for r in nomis.requests] == ["/prisoner-search/prisoner-numbers"]
    assert [r.path for r in licences.requests] == ["/licence/match"]


@pytest.mark.parametrize("persona", ["prison-staff", "integrator"])
async def test_staff_and_integrators_read_the_seeded_pathway_statuses(client, tokens, population, persona):
    person = complete_case(population)
    body = await ask(client, tokens[persona], person.prisoner_number)
    statuses = {p["pathway"]: p for p in body["data"]["person"]["pathways"]}
    assert any(p["version"] == 1 for p in statuses.values()), "the seed records some statuses"
    assert all(p["status"] == "NOT_STARTED" for p in statuses.values() if p["version"] == 0)


async def test_expected_errors_are_not_logged_as_server_errors(client, tokens, caplog):
    with caplog.at_level("ERROR", logger="strawberry.execution"):
        body = await ask(client, tokens["prison-staff"], "not-a-number")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert [r for r in caplog.records if r.name == "strawberry.execution"] == []
