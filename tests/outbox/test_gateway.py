"""The outbox inside the gateway: the lifespan runs the worker, and /metrics shows what is still owed."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from sources.store.enums import OutboxStatus
from tests.conftest import settings_for
from tests.outbox.conftest import case_note, enqueue, stored, written


@asynccontextmanager
async def running(stack: AppStack, database_url: str, **overrides: object
                  ) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient, io.StringIO]]:
    log = io.StringIO()
    app = create_app(settings_for(stack, database_url, outbox_poll_seconds=0.05, **overrides), log_output=log)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield app, http, log


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await http.get("/metrics")
    assert response.status_code == 200
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


async def until_delivered(database: Any, entry: Any) -> None:
    for _ in range(300):  # at most 3 s
        if (await stored(database, entry)).status is OutboxStatus.DELIVERED:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not delivered")


async def test_the_gateway_delivers_in_the_background_and_stops_its_worker_cleanly(stack, database, person):
    entry = case_note(person)
    async with running(stack, database.url) as (app, http, log):
        worker = app.state.outbox_worker
        assert worker is not None and worker.running
        await enqueue(database, entry)
        await until_delivered(database, entry)
        samples = await scrape(http)
    assert not worker.running
    assert len(written(stack, "nomis", entry)) == 1
    assert samples[("gateway_outbox_deliveries_total", frozenset({("system", "nomis"), ("outcome", "delivered")}))] == 1
    assert samples[("gateway_outbox_depth", frozenset())] == 0
    [line] = [json.loads(x) for x in log.getvalue().splitlines() if '"outbox_delivered"' in x]
    assert (line["system"], line["kind"], line["attempts"]) == ("nomis", "CASE_NOTE", 1)
    assert person.prisoner_number not in log.getvalue()  # no personal data in the logs
    assert entry.payload["text"] not in log.getvalue()


async def test_metrics_show_the_backlog_while_a_system_is_down(stack, database, person):
    state_of(stack.apps["nomis"]).faults = Faults.failing(503)
    entries = [case_note(person), case_note(person)]
    await enqueue(database, *entries)
    async with running(stack, database.url) as (_, http, _log):
        for _ in range(300):  # until both have been tried, at most 3 s
            if all([(await stored(database, e)).last_error for e in entries]):
                break
            await asyncio.sleep(0.01)
        samples = await scrape(http)
    assert samples[("gateway_outbox_depth", frozenset())] == 2
    assert samples[("gateway_outbox_oldest_age_seconds", frozenset())] >= 0
    assert samples[("gateway_outbox_deliveries_total", frozenset({("system", "nomis"), ("outcome", "retry")}))] == 2
    assert {(await stored(database, e)).status for e in entries} == {OutboxStatus.PENDING}


async def test_with_the_worker_disabled_nothing_is_sent_but_the_backlog_is_still_reported(stack, database, person):
    entry = case_note(person)
    await enqueue(database, entry)
    async with running(stack, database.url, outbox_worker_enabled=False) as (app, http, _log):
        assert app.state.outbox_worker is None
        await asyncio.sleep(0.1)
        samples = await scrape(http)
    assert samples[("gateway_outbox_depth", frozenset())] == 1
    assert (await stored(database, entry)).status is OutboxStatus.PENDING
    assert written(stack, "nomis", entry) == []
