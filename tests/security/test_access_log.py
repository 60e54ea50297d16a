"""Reads of a person's data by staff and integrators are logged once per request; leavers are not (they can
only read themselves); a failing write never fails the answer; only an admin may read the log."""

from __future__ import annotations

import logging

import pytest

from fixtures.population import Population, person_on_licence_with_appointments
from gateway.settings import Settings
from sources.store import access_log
from sources.store.db import Database
from tests.security.conftest import complete_case, post

LOG = """query($n: ID) { accessLog(prisonerNumber: $n) { principal audience prisonerNumber fieldGroups
                                                        correlationId } }"""


async def rows(settings: Settings, number: str) -> list[access_log.AccessLogEntry]:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await access_log.read(session=session, prisoner_number=number)
    finally:
        await database.dispose()


async def test_a_staff_read_writes_one_row_with_the_groups_actually_read(client, tokens, seeded, population):
    number = complete_case(population, "MDI")
    query = """query($n: ID!) { person(prisonerNumber: $n) { firstName crn
                                   communityOffenderManager { name email } pathways { status } } }"""
    response = await client.post("/graphql", json={"query": query, "variables": {"n": number}},
                                 headers={"Authorization": f"Bearer {tokens['prison-staff']}",
                                          "X-Correlation-Id": "read-1"})
    assert "errors" not in response.json(), response.json()
    [row] = await rows(seeded, number)
    assert (row.principal, row.audience, row.correlation_id) == ("PRISON_STAFF_DEMO", "prison-staff", "read-1")
    # email sits on the staff contact, below the person: still attributed to this person
    assert row.field_groups == ["com-name", "custody", "identity", "pathway-status", "staff-contacts"]


async def test_a_refused_field_is_not_logged_as_read(client, tokens, seeded, population):
    number = complete_case(population, "MDI")
    body = (await post(client, tokens["admin"], "query($n: ID!) { person(prisonerNumber: $n) { firstName } }",
                       {"n": number})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # the admin role is not the edit role
    assert await rows(seeded, number) == []


async def test_people_are_logged_one_row_each_for_an_integrator(client, tokens, seeded, population: Population):
    numbers = [p.prisoner_number for p in population.by_prison["LEI"][:3]]
    body = (await post(client, tokens["integrator"], "query($n: [ID!]!) { people(prisonerNumbers: $n) { lastName } }",
                       {"n": numbers})).json()
    assert len(body["data"]["people"]) == 3
    for number in numbers:
        [row] = await rows(seeded, number)
        assert (row.principal, row.field_groups) == ("resettlement-passport-integrator", ["identity"])


async def test_a_leaver_reading_themself_is_not_logged(client, tokens, seeded, population):
    me = person_on_licence_with_appointments(population).prisoner_number
    body = (await post(client, tokens["leaver"], "{ me { firstName releaseDate } }")).json()
    assert body["data"]["me"]["firstName"]
    assert await rows(seeded, me) == []


async def test_a_failed_write_is_logged_and_the_answer_still_arrives(client, tokens, population, monkeypatch, caplog):
    async def broken(**_: object) -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(access_log, "append", broken)
    number = complete_case(population, "MDI")
    with caplog.at_level(logging.ERROR, logger="gateway.access_log"):
        body = (await post(client, tokens["prison-staff"], "query($n: ID!) { person(prisonerNumber: $n) { lastName } }",
                           {"n": number})).json()
    assert body == {"data": {"person": {"lastName": next(p.last_name for p in population.people
                                                          if p.prisoner_number == number)}}}
    assert any("access log write failed" in r.getMessage() for r in caplog.records)


async def test_an_admin_reads_the_log_and_prison_staff_may_not(client, tokens, population):
    number = complete_case(population, "MDI")
    await post(client, tokens["prison-staff"], "query($n: ID!) { person(prisonerNumber: $n) { lastName } }",
               {"n": number})
    admin = (await post(client, tokens["admin"], LOG, {"n": number})).json()
    assert admin["data"]["accessLog"][0]["principal"] == "PRISON_STAFF_DEMO"
    assert admin["data"]["accessLog"][0]["fieldGroups"] == ["identity"]
    staff = (await post(client, tokens["prison-staff"], LOG, {"n": number})).json()
    assert staff["data"] is None and staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("first", [0, 501])
async def test_the_page_size_is_bounded(client, tokens, first):
    body = (await post(client, tokens["admin"], "query($f: Int!) { accessLog(first: $f) { principal } }",
                       {"f": first})).json()
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
