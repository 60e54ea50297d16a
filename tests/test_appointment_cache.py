"""Appointments are cached briefly, and a booking made through the gateway shows at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from fixtures.stubs.base import state_of
from gateway.app import create_app
from gateway.outbox_worker import OutboxWorker
from tests.conftest import settings_for
from tests.support.graphql import gql
from tests.test_person_slice import complete_case

APPOINTMENTS = """query($n: ID!, $from: Date!, $to: Date!) {
  person(prisonerNumber: $n) { appointments(from: $from, to: $to) { type start } } }"""
BOOK = """mutation($n: ID!, $start: DateTime!, $type: String!) {
  createAppointment(input: {prisonerNumber: $n, type: $type, start: $start, durationMinutes: 30}) {
    delivery { status } } }"""


@pytest.fixture
async def gateway(stack, seeded):
    app = create_app(settings_for(stack, seeded.database_url, outbox_worker_enabled=False))
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                     base_url="http://gateway") as http:
            yield app, http


async def test_a_booked_appointment_replaces_the_cached_list(gateway, stack, tokens, population):
    app, http = gateway
    person = complete_case(population)
    today = datetime.now(UTC).date()
    window = {"from": today.isoformat(), "to": (today + timedelta(days=120)).isoformat()}
    log = state_of(stack.apps["appointments"]).requests
    first = await gql(http, tokens["prison-staff"], APPOINTMENTS, n=person.prisoner_number, **window)
    log.clear()
    again = await gql(http, tokens["prison-staff"], APPOINTMENTS, n=person.prisoner_number, **window)
    assert log == [] and again == first, "a second read within five minutes comes from the cache"

    start = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    kind = f"Employment support {uuid.uuid4().hex[:6]}"  # the stubs are shared by every test in the run
    booked = await gql(http, tokens["prison-staff"], BOOK, n=person.prisoner_number, start=start.isoformat(),
                       type=kind)
    assert booked["data"]["createAppointment"]["delivery"]["status"] == "PENDING"
    pending = await gql(http, tokens["prison-staff"], APPOINTMENTS, n=person.prisoner_number, **window)
    assert pending == first, "not in the appointments system until the outbox delivers it"
    assert await OutboxWorker(app.state.sources).run_once() == 1

    after = await gql(http, tokens["prison-staff"], APPOINTMENTS, n=person.prisoner_number, **window)
    starts = {(a["type"], datetime.fromisoformat(a["start"])) for a in after["data"]["person"]["appointments"]}
    assert (kind, start) in starts
    assert len(starts) == len(first["data"]["person"]["appointments"]) + 1
