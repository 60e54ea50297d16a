"""The cache keeps restored values per process, and still answers exactly as re-reading every entry would.

A hit on an unchanged entry returns the object restored the first time (no JSON decoding or validation again);
a rewritten entry, an expired one, a new appointments generation and another replica's write through Redis are
each seen at once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from sources.cache import APPOINTMENTS, MAPPA, Cache, MemoryCache, forget_appointments, get_or_load
from sources.errors import UpstreamUnavailable
from sources.redis_cache import RedisCache

REDIS_URL = os.environ.get("PASSPORT_TEST_REDIS_URL")


class Level:
    """A value a caller must not mutate; counts how often it is restored."""

    restored = 0

    def __init__(self, raw: dict[str, int]) -> None:
        Level.restored += 1
        self.level = raw["level"]


def _redis(prefix: str) -> RedisCache:
    assert REDIS_URL
    return RedisCache.from_url(REDIS_URL, prefix=prefix, stale_seconds=60)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Cache, Cache]]:
    """Two views of one cache: the same object in memory; two replicas' clients over one Redis."""
    if request.param == "memory":
        memory = MemoryCache()
        yield memory, memory
        return
    if not REDIS_URL:
        pytest.skip("PASSPORT_TEST_REDIS_URL is not set")
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = _redis(prefix), _redis(prefix)
    if not await one.ping():
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")
    yield one, two
    keys = [key async for key in one.client.scan_iter(match=f"{prefix}*")]
    if keys:
        await one.client.delete(*keys)
    await one.close()
    await two.close()


async def _answer(level: int) -> Level:
    return Level({"level": level})


def _dump(value: Level) -> dict[str, int]:
    return {"level": value.level}


async def test_a_hit_on_an_unchanged_entry_is_restored_once(pair: tuple[Cache, Cache]) -> None:
    cache, _ = pair
    await cache.set(MAPPA, "X1", {"level": 2})
    before = Level.restored
    first, _ = await get_or_load(cache, MAPPA, "X1", lambda: _answer(9), dump=_dump, restore=Level)
    again, _ = await get_or_load(cache, MAPPA, "X1", lambda: _answer(9), dump=_dump, restore=Level)
    assert first is again and first.level == 2
    assert Level.restored == before + 1


async def test_a_rewritten_entry_is_seen_at_once_even_from_another_replica(pair: tuple[Cache, Cache]) -> None:
    reader, writer = pair
    await writer.set(MAPPA, "X1", {"level": 2})
    first, _ = await get_or_load(reader, MAPPA, "X1", lambda: _answer(9), dump=_dump, restore=Level)
    await writer.set(MAPPA, "X1", {"level": 3})
    second, stale = await get_or_load(reader, MAPPA, "X1", lambda: _answer(9), dump=_dump, restore=Level)
    assert (first.level, second.level, stale) == (2, 3, False)


async def test_an_expired_entry_is_loaded_again_and_served_stale_only_in_an_outage(pair: tuple[Cache, Cache]) -> None:
    cache, _ = pair
    await cache.set(MAPPA, "X1", {"level": 2}, ttl=0)  # expired at once, kept as a stale copy

    async def down() -> Level:
        raise UpstreamUnavailable("delius", "down")

    stale, is_stale = await get_or_load(cache, MAPPA, "X1", down, dump=_dump, restore=Level)
    fresh, is_fresh_stale = await get_or_load(cache, MAPPA, "X1", lambda: _answer(4), dump=_dump, restore=Level)
    assert (stale.level, is_stale) == (2, True)
    assert (fresh.level, is_fresh_stale) == (4, False)


async def test_a_new_appointments_generation_misses(pair: tuple[Cache, Cache]) -> None:
    reader, writer = pair

    async def key() -> str:
        found = await reader.get_restored("appointments_generation", "X123456", int)
        return f"X123456:{found[0] if found and found[1] else 0}"

    await get_or_load(reader, APPOINTMENTS, await key(), lambda: _answer(1), dump=_dump, restore=Level)
    await forget_appointments(writer, "X123456")
    after, _ = await get_or_load(reader, APPOINTMENTS, await key(), lambda: _answer(5), dump=_dump, restore=Level)
    assert after.level == 5


async def test_many_keys_read_at_once_answer_as_one_read_each(pair: tuple[Cache, Cache]) -> None:
    """A page's fresh hits are read in one go (one MGET on Redis): each key answers as ``get_restored`` would,
    shares its restored object with it, and a missing or expired key is None."""
    writer, reader = pair
    await writer.set(MAPPA, "X1", {"level": 1})
    await writer.set(MAPPA, "X2", {"level": 2}, ttl=0.0)
    found = await reader.get_restored_many(MAPPA, ["X1", "X2", "X3"], Level)
    one = await reader.get_restored(MAPPA, "X1", Level)
    assert found[0] is not None and one is not None and found[0][0] is one[0] and found[0][1] and one[1]
    assert found[1] is not None and found[1][0].level == 2 and not found[1][1]  # kept for outages, not fresh
    assert found[2] is None
    assert await reader.get_restored_many(MAPPA, [], Level) == []
