"""The cross-request cache in Redis, shared by every replica (``sources/cache.py`` has the entries' format).

A Redis failure is logged and read as a miss, never raised: the upstream system is asked instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from sources.cache import DEFAULT_PREFIX, RESTORED_ENTRIES, STALE_SECONDS, OnLookup, Restored, pack, ttl_for, unpack

log = logging.getLogger(__name__)
T = TypeVar("T")


class RedisCache:
    """Shared cache for N replicas. A Redis failure is logged and treated as a miss, never as an error."""

    def __init__(
        self, client: aioredis.Redis, *, prefix: str = DEFAULT_PREFIX, stale_seconds: float = STALE_SECONDS
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.stale_seconds = stale_seconds
        self.on_lookup: OnLookup | None = None
        self._restored = Restored(RESTORED_ENTRIES)

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
            await self.client.set(self._key(kind, key), pack(value, time.time() + fresh_for), px=keep_ms)
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

    async def get_restored(self, kind: str, key: str, restore: Callable[[Any], T]) -> tuple[T, bool] | None:
        raw = await self._raw(kind, key)
        found = None if raw is None else self._restored.restore(kind, key, raw, restore)
        return None if found is None else (found[0], found[1] > time.time())

    async def get_restored_many(self, kind: str, keys: Sequence[str],
                                restore: Callable[[Any], T]) -> list[tuple[T, bool] | None]:
        if not keys:
            return []
        try:
            raws: list[str | bytes | None] = await self.client.mget([self._key(kind, key) for key in keys])
        except RedisError as error:
            log.warning("cache read failed: %s", type(error).__name__)
            return [None] * len(keys)
        found: list[tuple[T, bool] | None] = []
        for key, raw in zip(keys, raws, strict=True):
            restored = None if raw is None else self._restored.restore(kind, key, raw, restore)
            found.append(None if restored is None else (restored[0], restored[1] > time.time()))
        return found

    async def _raw(self, kind: str, key: str) -> str | bytes | None:
        try:
            raw: str | bytes | None = await self.client.get(self._key(kind, key))
        except RedisError as error:
            log.warning("cache read failed: %s", type(error).__name__)
            return None
        return raw

    async def _read(self, kind: str, key: str) -> tuple[Any, float] | None:
        raw = await self._raw(kind, key)
        return None if raw is None else unpack(raw)
