"""Reads of a person's data by staff and integrators are logged once per request; leavers are not (they can
only read themselves); a failing write never fails the answer and loses nothing; only an admin may read the log.

The rows of many requests are written together (``ACCESS_LOG_FLUSH_SECONDS``), so these tests say when to write:
``flush`` is what the timer, the admin's read and shutdown each call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event
from starlette.applications import Starlette

from fixtures.population import Population, person_on_licence_with_appointments
from gateway.app import create_app
from gateway.settings import Settings
from sources.store import access_log
from sources.store.db import Database
from tests.security.conftest import complete_case, post

LOG = """query($n: ID) { accessLog(prisonerNumber: $n) { principal audience prisonerNumber fieldGroups
                                                        correlationId } }"""
PERSON = "query($n: ID!) { person(prisonerNumber: $n) { lastName } }"
WAIT = 3600.0  # the timer never fires within a test: only flush writes


@asynccontextmanager
async def gateway_with(settings: Settings, flush_seconds: float) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings.model_copy(update={"access_log_flush_seconds": flush_seconds}))
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway") as http:
            yield app, http


@pytest.fixture
async def gateway(seeded: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with gateway_with(seeded, WAIT) as (app, http):
        yield app, http


async def written(settings: Settings, number: str) -> list[access_log.AccessLogEntry]:
    """What the database holds for this person, read as another process would."""
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await access_log.read(session=session, prisoner_number=number)
    finally:
        await database.dispose()


async def rows(app: Starlette, settings: Settings, number: str) -> list[access_log.AccessLogEntry]:
    await app.state.sources.access_log.flush()
    return await written(settings, number)


async def test_a_staff_read_writes_one_row_with_the_groups_actually_read(gateway, tokens, seeded, population):
    app, http = gateway
    number = complete_case(population, "MDI")
    query = """query($n: ID!) { person(prisonerNumber: $n) { firstName crn
                                   communityOffenderManager { name email } pathways { status } } }"""
    response = await http.post("/graphql", json={"query": query, "variables": {"n": number}},
                               headers={"Authorization": f"Bearer {tokens['prison-staff']}",
                                        "X-Correlation-Id": "read-1"})
    assert "errors" not in response.json(), response.json()
    [row] = await rows(app, seeded, number)
    assert (row.principal, row.audience, row.correlation_id) == ("PRISON_STAFF_DEMO", "prison-staff", "read-1")
    # email sits on the staff contact, below the person: still attributed to this person
    assert row.field_groups == ["com-name", "custody", "identity", "pathway-status", "staff-contacts"]


async def test_a_refused_field_is_not_logged_as_read(gateway, tokens, seeded, population):
    app, http = gateway
    number = complete_case(population, "MDI")
    body = (await post(http, tokens["admin"], "query($n: ID!) { person(prisonerNumber: $n) { firstName } }",
                       {"n": number})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # the admin role is not the edit role
    assert await rows(app, seeded, number) == []


async def test_people_are_logged_one_row_each_for_an_integrator(gateway, tokens, seeded, population: Population):
    app, http = gateway
    numbers = [p.prisoner_number for p in population.by_prison["LEI"][:3]]
    body = (await post(http, tokens["integrator"], "query($n: [ID!]!) { people(prisonerNumbers: $n) { lastName } }",
                       {"n": numbers})).json()
    assert len(body["data"]["people"]) == 3
    for number in numbers:
        [row] = await rows(app, seeded, number)
        assert (row.principal, row.field_groups) == ("resettlement-passport-integrator", ["identity"])


async def test_a_leaver_reading_themself_is_not_logged(gateway, tokens, seeded, population):
    app, http = gateway
    me = person_on_licence_with_appointments(population).prisoner_number
    body = (await post(http, tokens["leaver"], "{ me { firstName releaseDate } }")).json()
    assert body["data"]["me"]["firstName"]
    assert await rows(app, seeded, me) == []


async def test_the_reads_of_many_requests_are_written_in_one_insert(gateway, tokens, seeded, population):
    app, http = gateway
    numbers = [p.prisoner_number for p in population.by_prison["MDI"][:3]]
    for number in numbers:
        assert "errors" not in (await post(http, tokens["prison-staff"], PERSON, {"n": number})).json()
    assert [await written(seeded, n) for n in numbers] == [[], [], []], "not written while the interval runs"

    inserts: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if statement.startswith("INSERT INTO access_log"):
            inserts.append(len(parameters) if many else 1)

    engine = app.state.sources.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        written_rows = [row for n in numbers for row in await rows(app, seeded, n)]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert inserts == [3], "one statement for the three requests' rows"
    assert [row.prisoner_number for row in written_rows] == numbers
    assert [row.at for row in written_rows] == sorted(row.at for row in written_rows), "the time of each read"


async def test_the_timer_writes_the_reads_unprompted(seeded, tokens, population):
    number = complete_case(population, "MDI")
    async with gateway_with(seeded, 0.05) as (_, http):
        assert "errors" not in (await post(http, tokens["prison-staff"], PERSON, {"n": number})).json()
        for _ in range(100):  # bounded: five seconds at most
            found = await written(seeded, number)
            if found:
                break
            await asyncio.sleep(0.05)
    assert [row.field_groups for row in found] == [["identity"]]


async def test_with_no_interval_each_request_writes_its_own_rows_once_answered(seeded, tokens, population):
    number = complete_case(population, "MDI")
    async with gateway_with(seeded, 0) as (_, http):
        assert "errors" not in (await post(http, tokens["prison-staff"], PERSON, {"n": number})).json()
        assert [row.field_groups for row in await written(seeded, number)] == [["identity"]]


async def test_reads_still_waiting_are_written_at_shutdown(seeded, tokens, population):
    number = complete_case(population, "MDI")
    async with gateway_with(seeded, WAIT) as (app, http):
        assert "errors" not in (await post(http, tokens["prison-staff"], PERSON, {"n": number})).json()
        assert app.state.sources.access_log.pending == 1
    assert [row.principal for row in await written(seeded, number)] == ["PRISON_STAFF_DEMO"]


async def test_a_failed_write_is_logged_kept_and_written_later(gateway, tokens, seeded, population, monkeypatch,
                                                               caplog):
    app, http = gateway
    append = access_log.append

    async def broken(**_: object) -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(access_log, "append", broken)
    number = complete_case(population, "MDI")
    body = (await post(http, tokens["prison-staff"], PERSON, {"n": number})).json()
    assert body == {"data": {"person": {"lastName": next(p.last_name for p in population.people
                                                          if p.prisoner_number == number)}}}
    with caplog.at_level(logging.ERROR, logger="gateway.access_log"):
        assert await rows(app, seeded, number) == []
    assert any("access log write failed" in r.getMessage() for r in caplog.records)
    assert app.state.sources.access_log.pending == 1, "kept for the next attempt"

    monkeypatch.setattr(access_log, "append", append)  # the database is back
    assert [row.field_groups for row in await rows(app, seeded, number)] == [["identity"]]
    assert app.state.sources.access_log.pending == 0


async def test_an_admin_reads_the_log_and_prison_staff_may_not(gateway, tokens, population):
    _, http = gateway
    number = complete_case(population, "MDI")
    await post(http, tokens["prison-staff"], PERSON, {"n": number})
    # not written yet (the interval has not passed): the admin's read writes what waits first
    admin = (await post(http, tokens["admin"], LOG, {"n": number})).json()
    assert admin["data"]["accessLog"][0]["principal"] == "PRISON_STAFF_DEMO"
    assert admin["data"]["accessLog"][0]["fieldGroups"] == ["identity"]
    staff = (await post(http, tokens["prison-staff"], LOG, {"n": number})).json()
    assert staff["data"] is None and staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("first", [0, 501])
async def test_the_page_size_is_bounded(client, tokens, first):
    body = (await post(client, tokens["admin"], "query($f: Int!) { accessLog(first: $f) { principal } }",
                       {"f": first})).json()
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_the_rows_waiting_to_be_written_are_a_metric(gateway, tokens, population):
    _, http = gateway

    async def waiting() -> float:
        text = (await http.get("/metrics")).text
        [value] = [s.value for family in text_string_to_metric_families(text) for s in family.samples
                   if s.name == "gateway_access_log_pending_rows"]
        return value

    assert await waiting() == 0
    await post(http, tokens["prison-staff"], PERSON, {"n": complete_case(population, "MDI")})
    assert await waiting() == 1
    await post(http, tokens["admin"], LOG)  # the admin's read writes what waits
    assert await waiting() == 0
