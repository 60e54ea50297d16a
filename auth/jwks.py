"""Cached JSON Web Key Sets of the trusted identity providers.

Keys are cached for ``ttl_seconds``. A token with an unknown ``kid`` triggers a refetch (the issuer may
have rotated its key), at most once per ``min_refresh_interval`` per issuer, so a flood of forged kids
cannot turn the gateway into a load generator against the identity provider.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

MAX_JWKS_BYTES = 256 * 1024
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=5, connect=2)

Jwk = Mapping[str, Any]


class JwksUnavailable(Exception):
    """No usable key set: the fetch failed and nothing is cached."""


@dataclass(frozen=True)
class _KeySet:
    keys: Mapping[str, Jwk]
    fetched_at: float


def parse_jwks(document: object) -> dict[str, Jwk]:
    """Signing keys by kid; keys without a kid, or meant for encryption, are ignored."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK Set")
    keys: dict[str, Jwk] = {}
    for key in document["keys"]:
        if isinstance(key, dict) and isinstance(key.get("kid"), str) and key.get("use", "sig") == "sig":
            keys[key["kid"]] = key
    return keys


class JwksCache:
    """One cache for all issuers, keyed by JWKS URL. Give it a session, or a factory it will own."""

    def __init__(self, session: aiohttp.ClientSession | Callable[[], aiohttp.ClientSession], *,
                 ttl_seconds: float = 300, min_refresh_interval: float = 10,
                 timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session if isinstance(session, aiohttp.ClientSession) else None
        self._factory = None if isinstance(session, aiohttp.ClientSession) else session
        self._ttl = ttl_seconds
        self._min_refresh = min_refresh_interval
        self._timeout = timeout
        self._clock = clock
        self._sets: dict[str, _KeySet] = {}
        self._last_forced: dict[str, float] = {}
        self._last_failure: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.fetch_count = 0

    async def get_key(self, jwks_url: str, kid: str) -> Jwk | None:
        """The key ``kid`` of the set at ``jwks_url``, or None when the issuer does not publish it.

        Raises ``JwksUnavailable`` when the set cannot be fetched and none is cached.
        """
        key_set = await self._fresh(jwks_url)
        if kid in key_set.keys:
            return key_set.keys[kid]
        key_set = await self._refresh(jwks_url, stale=key_set, forced=True)
        return key_set.keys.get(kid)

    def cached_key(self, jwks_url: str, kid: str) -> Jwk | None:
        """A key already in the cache, without any network call."""
        key_set = self._sets.get(jwks_url)
        return key_set.keys.get(kid) if key_set else None

    def fresh_key(self, jwks_url: str, kid: str) -> Jwk | None:
        """A key of a set fetched within the TTL, without any network call: what ``get_key`` would give now
        without fetching, or None when it would have to fetch first."""
        key_set = self._sets.get(jwks_url)
        if key_set is None or self._clock() - key_set.fetched_at >= self._ttl:
            return None
        return key_set.keys.get(kid)

    async def close(self) -> None:
        """Close the session if this cache created it."""
        if self._factory is not None and self._session is not None:
            await self._session.close()
            self._session = None

    async def _fresh(self, jwks_url: str) -> _KeySet:
        key_set = self._sets.get(jwks_url)
        if key_set is not None and self._clock() - key_set.fetched_at < self._ttl:
            return key_set
        return await self._refresh(jwks_url, stale=key_set)

    def _recently(self, times: dict[str, float], jwks_url: str) -> bool:
        last = times.get(jwks_url)
        return last is not None and self._clock() - last < self._min_refresh

    async def _refresh(self, jwks_url: str, *, stale: _KeySet | None, forced: bool = False) -> _KeySet:
        """Fetch unless someone else just did, an unknown-kid refetch just happened, or the issuer
        just failed; in those cases answer from the cache."""
        async with self._locks.setdefault(jwks_url, asyncio.Lock()):
            current = self._sets.get(jwks_url)
            if current is not None and current is not stale:
                return current  # another request refreshed it while we waited
            if (forced and self._recently(self._last_forced, jwks_url)) or \
                    self._recently(self._last_failure, jwks_url):
                if current is None:
                    raise JwksUnavailable(f"{jwks_url}: recent fetch failed")
                return current
            if forced:
                self._last_forced[jwks_url] = self._clock()
            try:
                keys = await self._fetch(jwks_url)
            except JwksUnavailable:
                self._last_failure[jwks_url] = self._clock()
                if current is None:
                    raise
                return current  # keep serving the keys we have while the issuer is down
            self._sets[jwks_url] = _KeySet(keys, self._clock())
            return self._sets[jwks_url]

    async def _fetch(self, jwks_url: str) -> dict[str, Jwk]:
        self.fetch_count += 1
        try:
            async with self._client().get(jwks_url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise JwksUnavailable(f"{jwks_url}: HTTP {response.status}")
                body = await response.content.read(MAX_JWKS_BYTES + 1)
                if len(body) > MAX_JWKS_BYTES:
                    raise JwksUnavailable(f"{jwks_url}: key set too large")
                return parse_jwks(json.loads(body))
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise JwksUnavailable(f"{jwks_url}: {type(exc).__name__}") from exc

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            assert self._factory is not None
            self._session = self._factory()
        return self._session
