"""A cross-request cache of upstream answers: in memory on one machine, Redis when replicas share it.

Entries are fresh for their kind's TTL, then kept ``stale_seconds`` longer so that, when a system is down,
``get_stale`` can still serve the last answer we had (the caller marks it as such). Values are stored as
JSON, so both backends behave the same and a cached value can never be mutated by a caller.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from sources.errors import UpstreamUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

COMMUNITY_MANAGER = "community_manager"
MAPPA = "mappa"
LICENCE = "licence"
PRISON_POPULATION = "prison_population"
APPOINTMENTS = "appointments"
APPOINTMENTS_GENERATION = "appointments_generation"
PRISON_REGISTER = "prison_register"

#: Freshness per kind, in seconds.
TTL_SECONDS: dict[str, float] = {
    COMMUNITY_MANAGER: 2 * 3600,
    MAPPA: 4 * 3600,
    LICENCE: 3600,
    PRISON_POPULATION: 10 * 60,
    APPOINTMENTS: 5 * 60,
    APPOINTMENTS_GENERATION: 24 * 3600,
    PRISON_REGISTER: 24 * 3600,
}
DEFAULT_TTL_SECONDS = 300.0
STALE_SECONDS = 24 * 3600.0
DEFAULT_PREFIX = "passport:upstream:"


def ttl_for(kind: str) -> float:
    return TTL_SECONDS.get(kind, DEFAULT_TTL_SECONDS)


OnLookup = Callable[[str, str], None]
"""Hook called once per ``get_or_load``: (kind, outcome), the outcome being one of the three below."""
LOOKUP_HIT, LOOKUP_MISS, LOOKUP_STALE = "hit", "miss", "stale"


class Cache(Protocol):
    """Keys are (kind, key); values are anything ``json.dumps`` accepts."""

    on_lookup: OnLookup | None

    async def get(self, kind: str, key: str) -> Any | None:
        """The value while fresh, else None."""

    async def get_stale(self, kind: str, key: str) -> Any | None:
        """The value even past its TTL (within the stale window), else None. For when the system is down."""

    async def set(self, kind: str, key: str, value: Any, *, ttl: float | None = None) -> None: ...

    async def delete(self, kind: str, key: str) -> None: ...

    async def close(self) -> None: ...


def _pack(value: Any, fresh_until: float) -> str:
    return json.dumps({"v": value, "f": fresh_until}, separators=(",", ":"))


def _unpack(raw: str | bytes) -> tuple[Any, float]:
    entry = json.loads(raw)
    return entry["v"], float(entry["f"])


class MemoryCache:
    """Per-process TTL cache, bounded by ``max_entries`` (least recently written go first)."""

    def __init__(
        self,
        *,
        stale_seconds: float = STALE_SECONDS,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stale_seconds = stale_seconds
        self.max_entries = max_entries
        self._clock = clock
        self.on_lookup: OnLookup | None = None
        self._entries: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()

    async def get(self, kind: str, key: str) -> Any | None:
        found = self._read(kind, key)
        if found is None or found[1] <= self._clock():
            return None
        return found[0]

    async def get_stale(self, kind: str, key: str) -> Any | None:
        found = self._read(kind, key)
        return None if found is None else found[0]

    async def set(self, kind: str, key: str, value: Any, *, ttl: float | None = None) -> None:
        now = self._clock()
        fresh_until = now + (ttl_for(kind) if ttl is None else ttl)
        self._entries.pop((kind, key), None)
        self._entries[(kind, key)] = (fresh_until + self.stale_seconds, _pack(value, fresh_until))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def delete(self, kind: str, key: str) -> None:
        self._entries.pop((kind, key), None)

    async def close(self) -> None:
        self._entries.clear()

    def _read(self, kind: str, key: str) -> tuple[Any, float] | None:
        entry = self._entries.get((kind, key))
        if entry is None:
            return None
        expires_at, raw = entry
        if expires_at <= self._clock():
            del self._entries[(kind, key)]
            return None
        return _unpack(raw)


class RedisCache:
    """Shared cache for N replicas. A Redis failure is logged and treated as a miss, never as an error."""

    def __init__(
        self, client: aioredis.Redis, *, prefix: str = DEFAULT_PREFIX, stale_seconds: float = STALE_SECONDS
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.stale_seconds = stale_seconds
        self.on_lookup: OnLookup | None = None

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX, stale_seconds: float = STALE_SECONDS) -> RedisCache:
        client = aioredis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        return cls(client, prefix=prefix, stale_seconds=stale_seconds)

    def _key(self, kind: str, key: str) -> str:
        return f"{self.prefix}{kind}:{key}"

    async def get(self, kind: str, key: str) -> Any | None:
        found = await self._read(kind, key)
        if found is None or found[1] <= time.time():
            return None
        return found[0]

    async def get_stale(self, kind: str, key: str) -> Any | None:
        found = await self._read(kind, key)
        return None if found is None else found[0]

    async def set(self, kind: str, key: str, value: Any, *, ttl: float | None = None) -> None:
        fresh_for = ttl_for(kind) if ttl is None else ttl
        keep_ms = max(1, int((fresh_for + self.stale_seconds) * 1000))
        try:
            await self.client.set(self._key(kind, key), _pack(value, time.time() + fresh_for), px=keep_ms)
        except RedisError as error:
            log.warning("cache write failed: %s", type(error).__name__)

    async def delete(self, kind: str, key: str) -> None:
        try:
            await self.client.delete(self._key(kind, key))
        except RedisError as error:
            log.warning("cache delete failed: %s", type(error).__name__)

    async def close(self) -> None:
        await self.client.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def _read(self, kind: str, key: str) -> tuple[Any, float] | None:
        try:
            raw = await self.client.get(self._key(kind, key))
        except RedisError as error:
            log.warning("cache read failed: %s", type(error).__name__)
            return None
        return None if raw is None else _unpack(raw)


def create_cache(redis_url: str | None, *, prefix: str = DEFAULT_PREFIX) -> Cache:
    """Redis when a URL is configured, else a per-process memory cache."""
    return RedisCache.from_url(redis_url, prefix=prefix) if redis_url else MemoryCache()


async def get_or_load(
    cache: Cache,
    kind: str,
    key: str,
    load: Callable[[], Awaitable[T]],
    *,
    dump: Callable[[T], Any],
    restore: Callable[[Any], T],
    ttl: float | None = None,
) -> tuple[T, bool]:
    """Fresh cache hit, else ``load()`` and store it (``ttl`` or the kind's); if the system is unavailable,
    the stale copy. Returns ``(value, is_stale)``. Re-raises ``UpstreamUnavailable`` when there is no copy.
    ``dump`` must not give None: a cached None reads as a miss.
    """
    outcome = LOOKUP_MISS
    try:
        cached = await cache.get(kind, key)
        if cached is not None:
            outcome = LOOKUP_HIT
            return restore(cached), False
        try:
            value = await load()
        except UpstreamUnavailable:
            stale = await cache.get_stale(kind, key)
            if stale is None:
                raise
            outcome = LOOKUP_STALE
            return restore(stale), True
        await cache.set(kind, key, dump(value), ttl=ttl)
        return value, False
    finally:
        if cache.on_lookup is not None:
            cache.on_lookup(kind, outcome)


async def forget_appointments(cache: Cache, crn: str) -> None:
    """Invalidate every cached window of a person's appointments (in memory or Redis) by moving to a new
    generation of keys; used when the gateway books an appointment and when the booking is delivered."""
    generation = await cache.get(APPOINTMENTS_GENERATION, crn) or 0
    await cache.set(APPOINTMENTS_GENERATION, crn, int(generation) + 1)
