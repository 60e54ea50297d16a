"""The one place where HTTP to a legacy system happens and where its failures become ``UpstreamError``.

Every adapter subclasses ``UpstreamClient``: one ``ClientSession`` per upstream for the life of the app,
an explicit timeout, a connection cap, a concurrency cap, bounded retries for idempotent reads only, and a
circuit breaker.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any, Self, TypeVar, cast
from urllib.parse import quote

import aiohttp
import orjson
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from sources.breaker import BreakerState, CircuitBreaker
from sources.config import UpstreamConfig
from sources.errors import UpstreamBadResponse, UpstreamError, UpstreamNotFound, UpstreamUnavailable

T = TypeVar("T")
OnCall = Callable[[str, str, str, float], None]
"""Hook called once per logical call: (system, operation, outcome, seconds). Outcomes are below."""

OUTCOME_SUCCESS = "success"
OUTCOME_NOT_FOUND = "not_found"
OUTCOME_UNAVAILABLE = "unavailable"
OUTCOME_BAD_RESPONSE = "bad_response"
OUTCOME_CIRCUIT_OPEN = "circuit_open"
OUTCOME_CANCELLED = "cancelled"
RETRY_STATUSES = frozenset({502, 503, 504})


class _Transient(UpstreamUnavailable):
    """A failure worth retrying for an idempotent call: refused/dropped connection, 502, 503, 504."""


class _CircuitOpen(UpstreamUnavailable):
    pass


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    params: Mapping[str, str] | None = None
    body: Any = None
    headers: Mapping[str, str] | None = None
    retryable: bool = False

    @classmethod
    def post(cls, path: str, body: Any, idempotency_key: str | None, idempotent: bool) -> _Request:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return cls("POST", path, body=body, headers=headers, retryable=idempotent)


class UpstreamModel(BaseModel):
    """Base for upstream shapes: frozen, snake_case attributes read from camelCase JSON, extras ignored."""

    model_config = ConfigDict(frozen=True, alias_generator=to_camel, populate_by_name=True, extra="ignore")


def segment(value: str) -> str:
    """Quote a caller-supplied identifier as a single path segment, so it can never change the route."""
    return quote(value, safe="")


@lru_cache(maxsize=128)
def _adapter(type_: Hashable) -> TypeAdapter[Any]:
    return TypeAdapter(cast(Any, type_))


class UpstreamClient:
    """Base adapter. Subclasses call ``_get``/``_post`` (typed) or ``_get_json``/``_post_json`` (raw)."""

    retry_backoff_seconds = 0.05
    retry_backoff_cap_seconds = 1.0

    def __init__(self, config: UpstreamConfig, *, on_call: OnCall | None = None) -> None:
        self.config = config
        self.system = config.system
        self.on_call = on_call
        # Tracing hook (gateway/tracing.py): aiohttp trace configs for the session, set before ``open()``.
        self.trace_configs: list[aiohttp.TraceConfig] = []
        self.breaker = CircuitBreaker(
            failure_threshold=config.breaker_failures, reset_seconds=config.breaker_reset_seconds
        )
        self._session: aiohttp.ClientSession | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._jitter = random.Random()

    @property
    def breaker_state(self) -> BreakerState:
        return self.breaker.state

    async def open(self) -> None:
        """Create the one session for this upstream. Call inside the running event loop."""
        if self._session is not None:
            return
        self._semaphore = asyncio.Semaphore(self.config.concurrency)
        self._session = aiohttp.ClientSession(
            base_url=self.config.url.rstrip("/") + "/",
            timeout=aiohttp.ClientTimeout(total=self.config.timeout_seconds),
            connector=aiohttp.TCPConnector(limit=self.config.max_connections),
            headers={"Accept": "application/json"},
            raise_for_status=False,
            trace_configs=self.trace_configs or None,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def ping(self) -> bool:
        """GET the health path; True only for a 2xx. Never raises and never trips the breaker."""
        try:
            async with self._require_session().get(self.config.health_path.lstrip("/")) as response:
                return 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def _get_json(self, path: str, params: Mapping[str, str] | None = None, *, op: str | None = None) -> Any:
        return await self._call(_Request("GET", path, params=params, retryable=True), op)

    async def _post_json(
        self,
        path: str,
        body: Any,
        *,
        idempotency_key: str | None = None,
        idempotent: bool = False,
        op: str | None = None,
    ) -> Any:
        """POST JSON. ``idempotent`` marks a read sent as a POST (batch lookups): only those retry."""
        return await self._call(_Request.post(path, body, idempotency_key, idempotent), op)

    async def _get(
        self, path: str, type_: type[T], *, params: Mapping[str, str] | None = None, op: str | None = None
    ) -> T:
        result: T = await self._call(_Request("GET", path, params=params, retryable=True), op, type_)
        return result

    async def _post(
        self,
        path: str,
        body: Any,
        type_: type[T],
        *,
        idempotency_key: str | None = None,
        idempotent: bool = False,
        op: str | None = None,
    ) -> T:
        result: T = await self._call(_Request.post(path, body, idempotency_key, idempotent), op, type_)
        return result

    async def _call(self, request: _Request, op: str | None, type_: Any = None) -> Any:
        """One logical call: breaker, retries, translation, parsing and the ``on_call`` report."""
        started = time.perf_counter()
        outcome = OUTCOME_UNAVAILABLE
        try:
            data = await self._through_breaker(request)
            result = data if type_ is None else self._parse(type_, data)
            outcome = OUTCOME_SUCCESS
            return result
        except _CircuitOpen:
            outcome = OUTCOME_CIRCUIT_OPEN
            raise
        except asyncio.CancelledError:
            outcome = OUTCOME_CANCELLED
            raise
        except UpstreamNotFound:
            outcome = OUTCOME_NOT_FOUND
            raise
        except UpstreamBadResponse:
            outcome = OUTCOME_BAD_RESPONSE
            raise
        finally:
            if self.on_call is not None:
                label = op or f"{request.method} {request.path}"
                self.on_call(self.system, label, outcome, time.perf_counter() - started)

    async def _through_breaker(self, request: _Request) -> Any:
        if not self.breaker.acquire():
            raise _CircuitOpen(self.system, "unavailable: circuit open")
        try:
            data = await self._with_retries(request)
        except UpstreamUnavailable:
            self.breaker.record_failure()
            raise
        except UpstreamError:
            self.breaker.record_success()  # it answered: the system is up
            raise
        except BaseException:
            self.breaker.release()
            raise
        self.breaker.record_success()
        return data

    async def _with_retries(self, request: _Request) -> Any:
        attempts = 1 + (self.config.retries if request.retryable else 0)
        for attempt in range(attempts):
            try:
                return await self._attempt(request)
            except _Transient:
                if attempt == attempts - 1:
                    raise
            backoff = min(self.retry_backoff_cap_seconds, self.retry_backoff_seconds * 2**attempt)
            await asyncio.sleep(backoff * self._jitter.uniform(0.5, 1.5))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, request: _Request) -> Any:
        session, semaphore = self._require_session(), self._semaphore
        assert semaphore is not None
        async with semaphore:
            try:
                async with session.request(
                    request.method,
                    request.path.lstrip("/"),
                    params=request.params,
                    json=request.body,
                    headers=request.headers,
                ) as response:
                    status = response.status
                    if status == 404:
                        raise UpstreamNotFound(self.system, "not found: HTTP 404")
                    if status >= 500:
                        error = _Transient if status in RETRY_STATUSES else UpstreamUnavailable
                        raise error(self.system, f"unavailable: HTTP {status}")
                    if status >= 400:
                        raise UpstreamBadResponse(self.system, f"rejected the request: HTTP {status}")
                    raw = await response.read()
            except TimeoutError:
                raise UpstreamUnavailable(self.system, "unavailable: timed out") from None
            except aiohttp.ClientConnectionError:
                raise _Transient(self.system, "unavailable: connection failed") from None
            except aiohttp.ClientError:
                raise UpstreamUnavailable(self.system, "unavailable: transport error") from None
        if not raw:
            return None
        try:
            return orjson.loads(raw)  # the 200-person NOMIS batch: stdlib json was a visible share of its CPU
        except ValueError:  # orjson.JSONDecodeError is one
            raise UpstreamBadResponse(self.system, "bad response: body is not JSON") from None

    def _parse(self, type_: type[T], data: Any) -> T:
        try:
            result: T = _adapter(cast(Hashable, type_)).validate_python(data)
        except ValidationError:
            raise UpstreamBadResponse(self.system, "bad response: unexpected shape") from None
        return result

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError(f"{self.system} client used before open()")
        return self._session
