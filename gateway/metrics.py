"""Prometheus metrics, one registry per app (so a test process can build many apps), served at /metrics.

Label values are bounded: operation names come from clients, so only the first ``MAX_OPERATIONS`` distinct
names get their own series and the rest are counted as ``other``. Upstream calls are labelled by system and
outcome, never by path (paths carry prisoner numbers).
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from sources.breaker import BreakerState
from sources.store.outbox import Backlog

MAX_OPERATIONS = 200
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000)

BreakerStates = Callable[[], Mapping[str, BreakerState]]
BacklogReader = Callable[[], Awaitable[Backlog]]
OUTBOX_READ_TIMEOUT_SECONDS = 2.0


def is_operation_name(name: str | None) -> bool:
    return name is not None and _OPERATION_NAME.fullmatch(name) is not None


class _BreakerCollector(Collector):
    """Reads each upstream's circuit state when scraped, so the gauge is never stale."""

    def __init__(self) -> None:
        self.read: BreakerStates = dict

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily("gateway_upstream_circuit_state",
                                   "1 for the circuit breaker's current state per upstream system, else 0.",
                                   labels=["system", "state"])
        for system, current in sorted(self.read().items()):
            for state in BreakerState:
                family.add_metric([system, state.value], 1.0 if state is current else 0.0)
        yield family


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("gateway_graphql_requests", "GraphQL requests by operation, audience and outcome.",
                                ["operation", "audience", "outcome"], registry=r)
        self.request_seconds = Histogram("gateway_graphql_request_seconds", "GraphQL request latency.",
                                         ["operation", "audience"], buckets=LATENCY_BUCKETS, registry=r)
        self.errors = Counter("gateway_graphql_errors", "GraphQL errors in responses, by extensions.code.",
                              ["code"], registry=r)
        self.upstream_calls = Counter("gateway_upstream_calls", "Calls to legacy systems by system and outcome.",
                                      ["system", "outcome"], registry=r)
        self.upstream_seconds = Histogram("gateway_upstream_call_seconds", "Legacy call latency, retries included.",
                                          ["system"], buckets=LATENCY_BUCKETS, registry=r)
        self.batch_sizes = Histogram("gateway_loader_batch_size", "Keys per data-loader batch.",
                                     ["loader"], buckets=BATCH_BUCKETS, registry=r)
        self.in_flight = Gauge("gateway_requests_in_flight", "HTTP requests being served now.", registry=r)
        self.access_log_pending = Gauge("gateway_access_log_pending_rows",
                                        "Access-log rows read but not yet written to the database.",
                                        registry=r)
        self.cache_requests = Counter("gateway_cache_requests", "Cross-request cache lookups by kind and outcome.",
                                      ["cache", "outcome"], registry=r)
        self._breakers = _BreakerCollector()
        r.register(self._breakers)
        self._operations: set[str] = set()
        # Outbox: deliveries counted as they happen; the backlog is read from the database at scrape time.
        self.outbox_deliveries = Counter("gateway_outbox_deliveries", "Outbox delivery attempts by system and outcome.",
                                         ["system", "outcome"], registry=r)
        self.outbox_depth = Gauge("gateway_outbox_depth", "Side effects still owed (PENDING); NaN if unreadable.",
                                  registry=r)
        self.outbox_oldest_age = Gauge("gateway_outbox_oldest_age_seconds",
                                       "Age of the oldest PENDING side effect; 0 when none; NaN if unreadable.",
                                       registry=r)
        self._read_outbox: BacklogReader | None = None

    def watch_breakers(self, read: BreakerStates) -> None:
        self._breakers.read = read

    def watch_outbox(self, read: BacklogReader) -> None:
        self._read_outbox = read

    def observe_outbox_delivery(self, system: str, outcome: str) -> None:
        """The outbox worker's ``on_outcome`` hook."""
        self.outbox_deliveries.labels(system, outcome).inc()

    async def refresh_outbox(self) -> None:
        if self._read_outbox is None:
            return
        try:
            backlog = await asyncio.wait_for(self._read_outbox(), OUTBOX_READ_TIMEOUT_SECONDS)
        except Exception:  # a scrape must answer even when the database does not
            self.outbox_depth.set(math.nan)
            self.outbox_oldest_age.set(math.nan)
            return
        self.outbox_depth.set(backlog.depth)
        self.outbox_oldest_age.set(backlog.oldest_age.total_seconds() if backlog.oldest_age is not None else 0.0)

    def operation_label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if not is_operation_name(name):
            return "invalid"
        if name in self._operations or len(self._operations) < MAX_OPERATIONS:
            self._operations.add(name)
            return name
        return "other"

    def observe_upstream_call(self, system: str, _operation: str, outcome: str, seconds: float) -> None:
        """The ``UpstreamClient.on_call`` hook."""
        self.upstream_calls.labels(system, outcome).inc()
        self.upstream_seconds.labels(system).observe(seconds)

    def observe_cache_lookup(self, kind: str, outcome: str) -> None:
        """The upstream cache's ``on_lookup`` hook: ``hit``, ``miss`` (loaded from the system) or ``stale``."""
        self.cache_requests.labels(kind, outcome).inc()

    async def endpoint(self, _request: Request) -> Response:
        await self.refresh_outbox()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
