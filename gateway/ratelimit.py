"""A per-principal rate limit, in plain ASGI middleware: a fixed one-minute window per caller.

The caller is the principal's subject or client id, or the client IP when anonymous, so it sits inside
``Authenticate``. Counts live in memory on one machine, or in Redis (INCR + EXPIRE) so that N replicas share
one limit. Going over gets 429 with ``Retry-After`` and a coded JSON body. Health probes are never limited.
If Redis fails, requests are let through and the failure is logged: a limiter outage must not become a
service outage.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.principal import Audience, Principal

log = logging.getLogger("gateway.ratelimit")

WINDOW_SECONDS = 60
REDIS_PREFIX = "passport:ratelimit:"
EXEMPT_PREFIXES = ("/health", "/info")


class Counter(Protocol):
    async def hit(self, key: str, window: int) -> int:
        """Count one request for ``key`` in this window; returns the count so far."""

    async def close(self) -> None: ...


class MemoryCounter:
    """Per process. Only the current window is kept, so memory is bounded by the callers of one minute."""

    def __init__(self) -> None:
        self.window = -1
        self.counts: dict[str, int] = {}

    async def hit(self, key: str, window: int) -> int:
        if window != self.window:
            self.window, self.counts = window, {}
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    async def close(self) -> None:
        return None


class RedisCounter:
    """Shared by every replica. The key expires with its window (plus slack for clock skew)."""

    def __init__(self, client: aioredis.Redis, prefix: str = REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = REDIS_PREFIX) -> RedisCounter:
        return cls(aioredis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5), prefix)

    async def hit(self, key: str, window: int) -> int:
        name = f"{self.prefix}{window}:{key}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self.client.aclose()


def create_counter(redis_url: str | None) -> Counter:
    return RedisCounter.from_url(redis_url) if redis_url else MemoryCounter()


def caller_key(scope: Scope) -> str:
    """Who is calling, hashed so that Redis never holds a subject (a leaver's is personal data)."""
    principal: Principal | None = scope.get("state", {}).get("principal")
    if principal is None or principal.audience is Audience.PUBLIC:
        client = scope.get("client")
        who = f"ip:{client[0] if client else 'unknown'}"
    else:
        is_client = principal.audience is Audience.INTEGRATOR and principal.client_id
        who = f"{principal.audience.value}:{principal.client_id if is_client else principal.subject}"
    return hashlib.sha256(who.encode()).hexdigest()[:32]


def rate_limited(retry_after: int, limit: int) -> JSONResponse:
    body = {"errors": [{"message": f"Too many requests: at most {limit} a minute. Try again in {retry_after}s.",
                        "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after, "limit": limit}}]}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(retry_after)})


class RateLimit:
    def __init__(self, app: ASGIApp, *, counter: Counter, per_minute: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.counter = counter
        self.per_minute = per_minute
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.per_minute <= 0 or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        try:
            count = await self.counter.hit(caller_key(scope), window)
        except (RedisError, OSError) as error:
            log.warning("rate limit store unavailable; letting the request through: %s", error.__class__.__name__)
            count = 0
        if count > self.per_minute:
            retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
            await rate_limited(retry_after, self.per_minute)(scope, receive, send)
            return
        await self.app(scope, receive, send)


Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def closing(lifespan: Lifespan, counter: Counter) -> Lifespan:
    """The app's lifespan, then the counter's connection closed after it."""

    @asynccontextmanager
    async def wrapped(app: Any) -> AsyncIterator[None]:
        try:
            async with lifespan(app):
                yield
        finally:
            await counter.close()

    return wrapped
