"""A cross-request cache of upstream answers: in memory on one machine, Redis when replicas share it
(``sources/redis_cache.py``).

Entries are fresh for their kind's TTL, then kept ``stale_seconds`` longer so that, when a system is down,
``get_stale`` can still serve the last answer we had (the caller marks it as such). Values are stored as
JSON, so both backends behave the same and a cached value can never be mutated by a caller.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from sources.errors import UpstreamUnavailable

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
#: Restored values kept per process (``_Restored``): a warm 200-person page reads about 600 entries, and a
#: restored model weighs several times its JSON, so this stays well below the memory cache's own bound.
RESTORED_ENTRIES = 20_000


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

    async def get_restored(self, kind: str, key: str, restore: Callable[[Any], T]) -> tuple[T, bool] | None:
        """``(restore(value), is_fresh)`` within the stale window, else None. ``restore`` runs once per stored
        entry in this process; later reads of the unchanged entry return the same object, so it must be one
        that callers do not mutate (a frozen model, a string)."""

    async def get_restored_many(self, kind: str, keys: Sequence[str],
                                restore: Callable[[Any], T]) -> list[tuple[T, bool] | None]:
        """``get_restored`` of each key, in one read (one round trip to Redis)."""


def pack(value: Any, fresh_until: float) -> str:
    return json.dumps({"v": value, "f": fresh_until}, separators=(",", ":"))


def unpack(raw: str | bytes) -> tuple[Any, float]:
    entry = json.loads(raw)
    return entry["v"], float(entry["f"])


class Restored:
    """Values restored from stored entries, kept per process and keyed by the entry as stored.

    A warm 200-person query reads hundreds of entries; decoding their JSON and validating models again on every
    hit cost more than the rest of the cache. An entry rewritten (a new value, a new TTL) or moved to a new key
    (the appointments generation) no longer matches and is restored afresh, so invalidation works as before,
    and with Redis every replica still reads the shared entry and checks it against its own copy.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._memo: OrderedDict[tuple[str, str], tuple[str | bytes, float, Any]] = OrderedDict()

    def restore(self, kind: str, key: str, raw: str | bytes, restore: Callable[[Any], T]) -> tuple[T, float] | None:
        memo = self._memo.get((kind, key))
        if memo is not None and memo[0] == raw:
            return memo[2], memo[1]
        value, fresh_until = unpack(raw)
        if value is None:  # as ``get``: a stored null reads as a miss
            return None
        restored = restore(value)
        self._memo[(kind, key)] = (raw, fresh_until, restored)
        while len(self._memo) > self.max_entries:
            self._memo.popitem(last=False)
        return restored, fresh_until


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
        self._restored = Restored(min(max_entries, RESTORED_ENTRIES))

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
        self._entries[(kind, key)] = (fresh_until + self.stale_seconds, pack(value, fresh_until))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def delete(self, kind: str, key: str) -> None:
        self._entries.pop((kind, key), None)

    async def close(self) -> None:
        self._entries.clear()

    async def get_restored(self, kind: str, key: str, restore: Callable[[Any], T]) -> tuple[T, bool] | None:
        return self._restore(kind, key, restore)

    async def get_restored_many(self, kind: str, keys: Sequence[str],
                                restore: Callable[[Any], T]) -> list[tuple[T, bool] | None]:
        return [self._restore(kind, key, restore) for key in keys]

    def _restore(self, kind: str, key: str, restore: Callable[[Any], T]) -> tuple[T, bool] | None:
        raw = self._raw(kind, key)
        found = None if raw is None else self._restored.restore(kind, key, raw, restore)
        return None if found is None else (found[0], found[1] > self._clock())

    def _raw(self, kind: str, key: str) -> str | None:
        entry = self._entries.get((kind, key))
        if entry is None:
            return None
        expires_at, raw = entry
        if expires_at <= self._clock():
            del self._entries[(kind, key)]
            return None
        return raw

    def _read(self, kind: str, key: str) -> tuple[Any, float] | None:
        raw = self._raw(kind, key)
        return None if raw is None else unpack(raw)


def create_cache(redis_url: str | None, *, prefix: str = DEFAULT_PREFIX) -> Cache:
    """Redis when a URL is configured, else a per-process memory cache."""
    if not redis_url:
        return MemoryCache()
    from sources.redis_cache import RedisCache  # it builds on this module's entries

    return RedisCache.from_url(redis_url, prefix=prefix)


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
    ``dump`` must not give None: a cached None reads as a miss. A restored value is shared by later hits on the
    same entry (``Cache.get_restored``), so ``restore`` must build values that callers do not mutate.
    """
    outcome = LOOKUP_MISS
    try:
        cached = await cache.get_restored(kind, key, restore)
        if cached is not None and cached[1]:
            outcome = LOOKUP_HIT
            return cached[0], False
        try:
            value = await load()
        except UpstreamUnavailable:
            stale = await cache.get_restored(kind, key, restore)
            if stale is None:
                raise
            outcome = LOOKUP_STALE
            return stale[0], True
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
