"""The upstream cache: TTL per kind, stale copies for outages, same behaviour in memory and in Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sources.cache import (
    COMMUNITY_MANAGER,
    LICENCE,
    MAPPA,
    PRISON_POPULATION,
    TTL_SECONDS,
    Cache,
    MemoryCache,
    create_cache,
    get_or_load,
)
from sources.errors import UpstreamUnavailable
from sources.redis_cache import RedisCache

REDIS_URL = os.environ.get("PASSPORT_TEST_REDIS_URL")


async def _redis_cache() -> RedisCache:
    if not REDIS_URL:
        pytest.skip("PASSPORT_TEST_REDIS_URL is not set")
    cache = RedisCache.from_url(REDIS_URL, prefix=f"test:{uuid.uuid4().hex}:", stale_seconds=0.6)
    if not await cache.ping():
        await cache.close()
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")
    return cache


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    backend: Cache = MemoryCache(stale_seconds=0.6) if request.param == "memory" else await _redis_cache()
    yield backend
    if isinstance(backend, RedisCache):
        keys = [key async for key in backend.client.scan_iter(match=f"{backend.prefix}*")]
        if keys:
            await backend.client.delete(*keys)
    await backend.close()


def test_ttls_per_kind() -> None:
    assert TTL_SECONDS[COMMUNITY_MANAGER] == 7200
    assert TTL_SECONDS[MAPPA] == 4 * 3600
    assert TTL_SECONDS[LICENCE] == 3600
    assert TTL_SECONDS[PRISON_POPULATION] == 600


async def test_set_get_delete_round_trips_json(cache: Cache) -> None:
    value = {"name": {"forename": "Ava", "surname": "Khan"}, "unallocated": False, "scores": [1.5, 2]}
    assert await cache.get(COMMUNITY_MANAGER, "X123456") is None
    await cache.set(COMMUNITY_MANAGER, "X123456", value)
    assert await cache.get(COMMUNITY_MANAGER, "X123456") == value
    assert await cache.get(MAPPA, "X123456") is None  # kinds do not collide
    await cache.delete(COMMUNITY_MANAGER, "X123456")
    assert await cache.get(COMMUNITY_MANAGER, "X123456") is None
    assert await cache.get_stale(COMMUNITY_MANAGER, "X123456") is None


async def test_expired_entries_are_only_served_stale_then_forgotten(cache: Cache) -> None:
    await cache.set(LICENCE, "100001", {"status": "ACTIVE"}, ttl=0.15)
    assert await cache.get(LICENCE, "100001") == {"status": "ACTIVE"}
    await asyncio.sleep(0.25)
    assert await cache.get(LICENCE, "100001") is None
    assert await cache.get_stale(LICENCE, "100001") == {"status": "ACTIVE"}
    await asyncio.sleep(0.7)
    assert await cache.get_stale(LICENCE, "100001") is None


async def test_get_or_load_serves_stale_only_when_the_system_is_down(cache: Cache) -> None:
    calls: list[str] = []

    async def load() -> dict[str, Any]:
        calls.append("load")
        return {"level": 2}

    async def down() -> dict[str, Any]:
        raise UpstreamUnavailable("delius", "unavailable: HTTP 503")

    def identity(value: Any) -> Any:
        return value

    kwargs: dict[str, Any] = {"dump": identity, "restore": identity}
    assert await get_or_load(cache, MAPPA, "X1", load, **kwargs) == ({"level": 2}, False)
    assert await get_or_load(cache, MAPPA, "X1", load, **kwargs) == ({"level": 2}, False)
    assert calls == ["load"]
    await cache.set(MAPPA, "X1", {"level": 2}, ttl=0.05)
    await asyncio.sleep(0.1)
    assert await get_or_load(cache, MAPPA, "X1", down, **kwargs) == ({"level": 2}, True)
    with pytest.raises(UpstreamUnavailable):
        await get_or_load(cache, MAPPA, "never-seen", down, **kwargs)
    await get_or_load(cache, "crn", "A1234BC", load, ttl=0.05, **kwargs)
    await asyncio.sleep(0.1)
    assert await cache.get("crn", "A1234BC") is None  # the caller's TTL, not the default


async def test_memory_cache_is_bounded_and_copies_values() -> None:
    cache = MemoryCache(max_entries=2)
    value = {"items": [1]}
    await cache.set(LICENCE, "a", value)
    value["items"].append(2)  # a caller changing its object must not change the cache
    await cache.set(LICENCE, "b", 2)
    await cache.set(LICENCE, "c", 3)
    assert await cache.get(LICENCE, "a") is None
    assert [await cache.get(LICENCE, k) for k in "bc"] == [2, 3]
    fresh = MemoryCache()
    await fresh.set(LICENCE, "a", value)
    assert await fresh.get(LICENCE, "a") == {"items": [1, 2]}


async def test_create_cache_picks_memory_without_a_url() -> None:
    assert isinstance(create_cache(None), MemoryCache)


async def test_an_unreachable_redis_is_a_miss_not_an_error() -> None:
    cache = RedisCache.from_url("redis://127.0.0.1:1/0", prefix="test:down:")
    try:
        await cache.set(MAPPA, "X1", {"level": 1})
        assert await cache.get(MAPPA, "X1") is None
        assert await cache.ping() is False
    finally:
        await cache.close()
