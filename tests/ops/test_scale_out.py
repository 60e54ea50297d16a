"""Two gateway processes over one Postgres and one Redis behave as one service.

Runs only when PASSPORT_TEST_POSTGRES_URL and PASSPORT_TEST_REDIS_URL are set (CI sets both); skipped, with
the reason, otherwise. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from fixtures.seed import seed_database
from fixtures.stubs.base import state_of
from gateway.ratelimit import REDIS_PREFIX as RATE_LIMIT_PREFIX
from sources.store.db import Database
from tests.support.databases import prepare_database
from tests.support.graphql import codes, gql
from tests.support.live_server import free_port
from tests.test_person_slice import complete_case

POSTGRES_URL = os.environ.get("PASSPORT_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("PASSPORT_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                                reason="scale-out needs PASSPORT_TEST_POSTGRES_URL and PASSPORT_TEST_REDIS_URL")


@contextmanager
def replica(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--no-stubs", "--port", str(port)],
                               env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health/ping", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replica did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


@pytest.fixture
async def replicas(stack, population, tmp_path: Path):
    database_url = await prepare_database("postgres", tmp_path)
    await _fresh_rate_limits()
    database = Database(database_url)
    try:
        await seed_database(database, population)
    finally:
        await database.dispose()
    env = {**os.environ, "ENVIRONMENT": "test", "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL or "",
           "NOMIS_URL": stack.urls["nomis"], "DELIUS_URL": stack.urls["delius"],
           "LICENCES_URL": stack.urls["licences"], "APPOINTMENTS_URL": stack.urls["appointments"],
           "HMPPS_AUTH_URL": stack.urls["hmpps-auth"], "ONE_LOGIN_URL": stack.urls["one-login"],
           "OUTBOX_POLL_SECONDS": "0.2", "RATE_LIMIT_PER_MINUTE": "40"}
    with ExitStack() as stack_of_processes:
        first = stack_of_processes.enter_context(replica(env))
        second = stack_of_processes.enter_context(replica(env))
        async with httpx.AsyncClient(base_url=first, timeout=30) as a, \
                httpx.AsyncClient(base_url=second, timeout=30) as b:
            yield a, b


async def _fresh_rate_limits() -> None:
    """Each test's replicas start with no requests counted: the counters live in the shared Redis for a minute,
    so the earlier tests' requests (and an earlier run's) counted against this one's limit of 40."""
    client = aioredis.Redis.from_url(REDIS_URL or "")
    try:
        names = [name async for name in client.scan_iter(match=f"{RATE_LIMIT_PREFIX}*")]
        if names:
            await client.delete(*names)
    finally:
        await client.aclose()


SET = """mutation($n: ID!, $v: Int!, $s: PathwayStatusCode!) {
  setPathwayStatus(input: {prisonerNumber: $n, pathway: HEALTH, status: $s, expectedVersion: $v,
                           caseNote: "GP registration"}) {
    pathwayStatus { version } caseNote { reference } } }"""
READ = "query($n: ID!) { person(prisonerNumber: $n) { pathways { pathway version status } } }"


async def health_version(client, token, number):
    body = await gql(client, token, READ, n=number)
    return next(p for p in body["data"]["person"]["pathways"] if p["pathway"] == "HEALTH")


async def test_concurrent_updates_through_both_replicas_give_one_success_and_one_conflict(
        replicas, tokens, population, stack):
    a, b = replicas
    number = complete_case(population).prisoner_number
    nomis = state_of(stack.apps["nomis"])
    nomis.requests.clear()
    before = await health_version(a, tokens["prison-staff"], number)
    results = await asyncio.gather(
        gql(a, tokens["prison-staff"], SET, n=number, v=before["version"], s="DONE"),
        gql(b, tokens["prison-staff"], SET, n=number, v=before["version"], s="SUPPORT_DECLINED"))
    outcomes = sorted(codes(r)[0] if r.get("errors") else "OK" for r in results)
    assert outcomes == ["CONFLICT", "OK"]
    after_a = await health_version(a, tokens["prison-staff"], number)
    after_b = await health_version(b, tokens["prison-staff"], number)
    assert after_a == after_b and after_a["version"] == before["version"] + 1

    # Both replicas' outbox workers run; the winner's case note reaches NOMIS exactly once.
    await wait_for_posts(nomis, [number])
    await asyncio.sleep(1)  # give a second delivery, if there were one, time to arrive
    assert len(nomis.requests_to(f"/case-notes/{number}", "POST")) == 1


async def wait_for_posts(nomis, numbers: list[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(nomis.requests_to(f"/case-notes/{n}", "POST") for n in numbers):
            return
        await asyncio.sleep(0.2)


async def test_many_side_effects_from_both_replicas_are_delivered_exactly_once(replicas, tokens, population, stack):
    a, b = replicas
    numbers = [p.prisoner_number for p in population.by_prison["MDI"][20:32]]
    nomis = state_of(stack.apps["nomis"])
    nomis.requests.clear()
    for i, number in enumerate(numbers):
        client = a if i % 2 else b
        before = await health_version(client, tokens["prison-staff"], number)
        body = await gql(client, tokens["prison-staff"], SET, n=number, v=before["version"], s="IN_PROGRESS")
        assert "errors" not in body
    await wait_for_posts(nomis, numbers)
    await asyncio.sleep(1)
    assert [len(nomis.requests_to(f"/case-notes/{n}", "POST")) for n in numbers] == [1] * len(numbers)


async def test_a_booking_through_one_replica_shows_through_the_other(replicas, tokens, population):
    a, b = replicas
    number = complete_case(population).prisoner_number
    today = datetime.now(UTC).date()
    window = {"from": today.isoformat(), "to": (today + timedelta(days=100)).isoformat()}
    query = """query($n: ID!, $from: Date!, $to: Date!) { person(prisonerNumber: $n) {
        appointments(from: $from, to: $to) { type start } } }"""
    before = await gql(b, tokens["prison-staff"], query, n=number, **window)  # b caches the list in Redis
    start = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    kind = f"Benefits advice {uuid.uuid4().hex[:6]}"
    await gql(a, tokens["prison-staff"], """mutation($n: ID!, $s: DateTime!, $t: String!) { createAppointment(input: {
        prisonerNumber: $n, type: $t, start: $s, durationMinutes: 30}) { delivery { status } } }""",
              n=number, s=start.isoformat(), t=kind)

    def shown(answer: dict[str, Any]) -> set[tuple[str, datetime]]:
        return {(x["type"], datetime.fromisoformat(x["start"])) for x in answer["data"]["person"]["appointments"]}

    # Looked for by its type and time, not by counting: the stubs and Redis outlive one test (an earlier run's
    # booking may already be in b's cached list, and gone from the stub's fresh one).
    booked = (kind, start)
    assert booked not in shown(before)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        after = await gql(b, tokens["prison-staff"], query, n=number, **window)
        if booked in shown(after):
            break
        await asyncio.sleep(0.5)
    assert booked in shown(after)


async def test_the_rate_limit_is_shared_by_both_replicas(replicas, tokens):
    a, b = replicas
    headers = {"Authorization": f"Bearer {tokens['integrator']}"}
    statuses = []
    for i in range(60):
        client = a if i % 2 else b
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        statuses.append(response.status_code)
    assert 429 in statuses, "60 requests split over two replicas must exceed a shared limit of 40 a minute"
    assert statuses.count(200) <= 40
