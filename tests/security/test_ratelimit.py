"""Per-principal rate limit: at the limit passes, one over gets 429 with Retry-After and RATE_LIMITED; per caller;
health is exempt; in memory, or shared by every replica through Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio as aioredis
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from auth.principal import ANONYMOUS, Audience, Principal
from gateway.app import create_app
from gateway.ratelimit import MemoryCounter, RateLimit, RedisCounter
from tests.conftest import settings_for

REDIS_URL = os.environ.get("PASSPORT_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="PASSPORT_TEST_REDIS_URL is not set, so Redis is skipped")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def principal(subject: str) -> Principal:
    return Principal(audience=Audience.PRISON_STAFF, subject=subject)


def limited_app(counter, per_minute: int, clock: Clock) -> Starlette:
    async def ok(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    class AsPrincipal:  # what Authenticate does, from a test header
        def __init__(self, app) -> None:
            self.app = app

        async def __call__(self, scope, receive, send) -> None:
            subject = dict(scope["headers"]).get(b"x-subject")
            scope.setdefault("state", {})["principal"] = principal(subject.decode()) if subject else ANONYMOUS
            await self.app(scope, receive, send)

    return Starlette(routes=[Route("/graphql", ok, methods=["POST"]), Route("/health/ping", ok)],
                     middleware=[Middleware(AsPrincipal),
                                 Middleware(RateLimit, counter=counter, per_minute=per_minute, clock=clock)])


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def statuses(http: httpx.AsyncClient, n: int, subject: str | None = "alice") -> list[int]:
    headers = {"x-subject": subject} if subject else {}
    return [(await http.post("/graphql", headers=headers)).status_code for _ in range(n)]


async def test_at_the_limit_passes_and_one_over_is_429_with_retry_after():
    clock = Clock(60 * 16_667 + 20.0)  # 20 s into a minute window
    async with client_for(limited_app(MemoryCounter(), 5, clock)) as http:
        assert await statuses(http, 5) == [200] * 5
        over = await http.post("/graphql", headers={"x-subject": "alice"})
    assert over.status_code == 429
    assert over.headers["Retry-After"] == "40"
    assert over.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 40, "limit": 5}


async def test_each_principal_has_its_own_budget_and_the_next_window_starts_afresh():
    clock = Clock(1_000_020.0)
    async with client_for(limited_app(MemoryCounter(), 2, clock)) as http:
        assert await statuses(http, 3, "alice") == [200, 200, 429]
        assert await statuses(http, 2, "bob") == [200, 200]
        assert await statuses(http, 3, None) == [200, 200, 429]  # anonymous: by client IP
        clock.now += 60
        assert await statuses(http, 1, "alice") == [200]


async def test_health_is_never_limited():
    async with client_for(limited_app(MemoryCounter(), 1, Clock(0.0))) as http:
        assert [(await http.get("/health/ping")).status_code for _ in range(5)] == [200] * 5


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    assert REDIS_URL is not None
    prefix = f"passport:test-ratelimit:{uuid.uuid4().hex}:"
    yield prefix
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
    finally:
        await client.aclose()


@needs_redis
async def test_two_instances_sharing_redis_share_the_limit(redis_prefix):
    assert REDIS_URL is not None
    clock = Clock(1_000_020.0)
    first, second = RedisCounter.from_url(REDIS_URL, redis_prefix), RedisCounter.from_url(REDIS_URL, redis_prefix)
    try:
        async with client_for(limited_app(first, 4, clock)) as a, client_for(limited_app(second, 4, clock)) as b:
            assert await statuses(a, 2) + await statuses(b, 2) == [200] * 4
            assert await statuses(a, 1) == [429] and await statuses(b, 1) == [429]
            assert await statuses(b, 1, "bob") == [200]
    finally:
        await first.close()
        await second.close()


@needs_redis
async def test_a_redis_key_expires_with_its_window(redis_prefix):
    assert REDIS_URL is not None
    counter = RedisCounter.from_url(REDIS_URL, redis_prefix)
    try:
        assert await counter.hit("k", 7) == 1
        ttl = await counter.client.ttl(f"{redis_prefix}7:k")
        assert 60 <= ttl <= 120
    finally:
        await counter.close()


async def test_an_unreachable_redis_lets_requests_through():
    counter = RedisCounter.from_url("redis://127.0.0.1:1/0")
    try:
        async with client_for(limited_app(counter, 1, Clock(0.0))) as http:
            assert await statuses(http, 3) == [200] * 3
    finally:
        await counter.close()


async def test_the_gateway_limits_a_principal_per_settings(stack, seeded, tokens):
    app = create_app(settings_for(stack, seeded.database_url, rate_limit_per_minute=3))
    async with LifespanManager(app) as manager, client_for(manager.app) as http:  # type: ignore[arg-type]
        headers = {"Authorization": f"Bearer {tokens['integrator']}"}
        codes = [(await http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)).status_code
                 for _ in range(4)]
        other = await http.post("/graphql", json={"query": "{ __typename }"},
                                headers={"Authorization": f"Bearer {tokens['prison-staff']}"})
        health = await http.get("/health/ping")
    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200 and health.status_code == 200
