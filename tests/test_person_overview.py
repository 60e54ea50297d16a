"""The person overview: every section, every system, each failing on its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fixtures.population import Population, SyntheticPerson
from fixtures.stubs.base import Faults, state_of
from tests.support.graphql import codes, gql

OVERVIEW = """
query Overview($n: ID!, $from: Date!, $to: Date!) {
  person(prisonerNumber: $n) {
    prisonerNumber firstName lastName dateOfBirth prisonId prisonName cellLocation releaseDate
    releaseDates { conditionalReleaseDate sentenceExpiryDate licenceExpiryDate }
    crn
    communityOffenderManager { name email allocated }
    prisonOffenderManager { name email }
    keyWorker { name }
    resettlementWorker { name }
    risk { riskOfSeriousHarm { overall toPublic } mappa { level category } predictors { name score level } }
    licence { status expiryDate conditions { version standard { text } additional { text } bespoke { text } } }
    appointments(from: $from, to: $to) { start type staffName address { postcode } durationMinutes }
    pathways { pathway status version history { toStatus } }
    caseNotes(first: 2) { totalCount notes { text } nextCursor }
    idApplications { status }
    bankApplications { status }
  }
}
"""


def rich_case(population: Population) -> SyntheticPerson:
    for p in population.by_prison["MDI"]:
        if (p.crn and p.com and p.mappa and p.rosh and p.licence and p.licence.bespoke_conditions
                and p.appointments and p.key_worker and p.prison_offender_manager):
            return p
    raise AssertionError("no rich case in the synthetic population")


def window() -> dict[str, str]:
    today = datetime.now(UTC).date()
    return {"from": (today - timedelta(days=365)).isoformat(), "to": (today + timedelta(days=365)).isoformat()}


async def test_staff_see_every_section_from_every_system(client, tokens, population):
    p = rich_case(population)
    body = await gql(client, tokens["prison-staff"], OVERVIEW, n=p.prisoner_number, **window())
    assert "errors" not in body, body["errors"]
    got = body["data"]["person"]
    assert got["prisonName"] == p.prison_name and got["cellLocation"] == p.cell_location
    assert got["communityOffenderManager"]["email"] == p.com.email
    assert got["keyWorker"]["name"] == f"{p.key_worker.forename} {p.key_worker.surname}"
    assert got["risk"]["mappa"] == {"level": p.mappa.level, "category": p.mappa.category}
    assert got["risk"]["riskOfSeriousHarm"]["overall"] == p.rosh.overall
    assert [x["name"] for x in got["risk"]["predictors"]] == [x.name for x in p.predictors]
    conditions = got["licence"]["conditions"]
    assert [c["text"] for c in conditions["bespoke"]] == list(p.licence.bespoke_conditions)
    standard = [c["text"] for c in conditions["standard"]]
    assert all(text in standard for _, text in p.licence.standard_conditions)
    today = datetime.now(UTC).date()
    expected = sorted(a.start for a in p.appointments
                      if today - timedelta(days=365) <= a.start.date() <= today + timedelta(days=365))
    assert [datetime.fromisoformat(a["start"]) for a in got["appointments"]] == expected
    assert len(got["pathways"]) == 7
    assert got["caseNotes"]["totalCount"] >= len(got["caseNotes"]["notes"])


async def test_case_notes_page_through_with_a_cursor(client, tokens, population):
    p = rich_case(population)
    query = """query($n: ID!, $after: String) { person(prisonerNumber: $n) {
        caseNotes(first: 1, after: $after) { totalCount notes { id } nextCursor } } }"""
    seen, cursor = [], None
    for _ in range(10):
        page = (await gql(client, tokens["prison-staff"], query, n=p.prisoner_number, after=cursor))
        notes = page["data"]["person"]["caseNotes"]
        seen += [n["id"] for n in notes["notes"]]
        cursor = notes["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == notes["totalCount"] == len(set(seen))
    junk = await gql(client, tokens["prison-staff"], query, n=p.prisoner_number, after="not-a-cursor")
    assert junk["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_an_appointment_window_longer_than_two_years_is_refused(client, tokens, population):
    p = rich_case(population)
    query = ('query($n: ID!) { person(prisonerNumber: $n) { '
             'appointments(from: "2026-01-01", to: "2029-01-01") { start } } }')
    body = await gql(client, tokens["prison-staff"], query, n=p.prisoner_number)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}


async def test_integrators_cannot_read_risk_or_case_notes(client, tokens, population):
    p = rich_case(population)
    body = await gql(client, tokens["integrator"],
                     "query($n: ID!) { person(prisonerNumber: $n) { lastName risk { mappa { level } } } }",
                     n=p.prisoner_number)
    assert set(codes(body)) <= {"FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"} and codes(body)


async def test_with_ndelius_down_the_other_sections_still_answer(client, tokens, population, stack):
    p = rich_case(population)
    state_of(stack.apps["delius"]).faults = Faults.failing(503)
    try:
        body = await gql(client, tokens["prison-staff"], OVERVIEW, n=p.prisoner_number, **window())
    finally:
        state_of(stack.apps["delius"]).faults = Faults()
    got = body["data"]["person"]
    assert got["lastName"] == p.last_name and got["keyWorker"] and got["licence"]["conditions"]
    assert len(got["pathways"]) == 7
    assert got["risk"] is None and got["crn"] is None
    systems = {e["extensions"].get("system") for e in body["errors"]}
    assert systems == {"delius"}


async def test_a_leaver_sees_only_appointments_after_their_release(client, tokens, population):
    from fixtures.population import person_on_licence_with_appointments

    me = person_on_licence_with_appointments(population)
    query = ("query($n: ID!, $from: Date!, $to: Date!) { person(prisonerNumber: $n) { "
             "appointments(from: $from, to: $to) { start } } }")
    body = await gql(client, tokens["leaver"], query, n=me.prisoner_number, **window())
    released = next(d for d in (me.confirmed_release_date, me.actual_parole_date, me.home_detention_curfew_actual_date,
                                me.conditional_release_date, me.automatic_release_date) if d is not None)
    starts = [datetime.fromisoformat(a["start"]).date() for a in body["data"]["person"]["appointments"]]
    assert starts and all(s >= released for s in starts)
    assert isinstance(released, date)


async def test_a_second_read_is_served_from_the_cache_and_matches_the_first(client, tokens, population, stack):
    p = rich_case(population)
    first = await gql(client, tokens["prison-staff"], OVERVIEW, n=p.prisoner_number, **window())
    state_of(stack.apps["licences"]).requests.clear()
    second = await gql(client, tokens["prison-staff"], OVERVIEW, n=p.prisoner_number, **window())
    assert "errors" not in second, second.get("errors")
    assert second == first
    assert [r.path for r in state_of(stack.apps["licences"]).requests] == ["/licence/match"]  # conditions cached
