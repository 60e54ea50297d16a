"""Graceful shutdown: a request in flight when the server stops still gets its whole answer."""

from __future__ import annotations

import asyncio
import time

import httpx
from asgi_lifespan import LifespanManager

from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from gateway.shutdown import InFlight
from tests.conftest import settings_for
from tests.ops.conftest import PERSON
from tests.ops.test_metrics import someone_in_moorland


async def _shut_down_during_a_slow_request(stack: AppStack, seeded: Settings, token: str, number: str,
                                           grace: float) -> tuple[asyncio.Task[httpx.Response], float]:
    app = create_app(settings_for(stack, seeded.database_url, shutdown_grace_seconds=grace))
    manager = LifespanManager(app)
    await manager.__aenter__()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway")
    request = asyncio.create_task(http.post("/graphql", json={"query": PERSON, "variables": {"n": number}},
                                            headers={"Authorization": f"Bearer {token}"}))
    for _ in range(500):  # until the request is inside the app, at most 5 s
        if app.state.in_flight.count:
            break
        await asyncio.sleep(0.01)
    started = time.monotonic()
    await manager.__aexit__(None, None, None)
    stopped_after = time.monotonic() - started
    try:
        await asyncio.wait_for(asyncio.shield(request), 5)
    finally:
        await http.aclose()
    return request, stopped_after


async def test_sources_close_only_after_the_request_in_flight_has_its_answer(stack, seeded, tokens, population):
    nomis = state_of(stack.apps["nomis"])
    nomis.faults = Faults(latency_ms=400)
    try:
        request, stopped_after = await _shut_down_during_a_slow_request(
            stack, seeded, tokens["prison-staff"], someone_in_moorland(population), grace=5)
    finally:
        nomis.reset()

    body = request.result().json()
    assert "errors" not in body, body
    assert body["data"]["person"]["firstName"]
    assert 0.2 < stopped_after < 2  # it waited for the request, and no longer


async def test_a_stuck_request_delays_shutdown_only_for_the_grace_period():
    in_flight = InFlight()
    with in_flight.track():
        started = time.monotonic()
        assert await in_flight.drained(0.1) is False
        assert time.monotonic() - started < 1
    assert await in_flight.drained(0) is True
