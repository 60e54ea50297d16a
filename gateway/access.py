"""One JSON log line and one set of metrics per HTTP request, in plain ASGI middleware.

Sits inside ``CorrelationId`` (so the id is known) and outside ``Authenticate`` (so refused tokens are
counted too). The GraphQL details come from the ``OperationRecord`` that ``schema.observability`` fills in.
"""

from __future__ import annotations

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import FilteringBoundLogger

from auth.principal import Principal
from gateway.metrics import GatewayMetrics, is_operation_name
from gateway.shutdown import InFlight
from schema.observability import OperationRecord, current_operation

GRAPHQL_PATH = "/graphql"
QUIET_PATHS = frozenset({"/health/ping", "/health/liveness", "/health/readiness", "/metrics"})
"""Probes and scrapes arrive every few seconds; they are logged only when they fail."""


def outcome(status: int, record: OperationRecord) -> str:
    if status == 401:
        return "unauthenticated"
    if status >= 500:
        return "error"
    if status >= 400:
        return "rejected"
    if not record.error_codes:
        return "success"
    return "partial" if record.has_data else "failed"


class ObserveRequests:
    def __init__(self, app: ASGIApp, *, log: FilteringBoundLogger, metrics: GatewayMetrics | None,
                 in_flight: InFlight) -> None:
        self.app = app
        self.log = log
        self.metrics = metrics
        self.in_flight = in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        record = OperationRecord()
        status = 500  # what the client sees if the app raises before it answers

        async def send_watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        token = current_operation.set(record)
        try:
            with self.in_flight.track(), structlog.contextvars.bound_contextvars(
                    correlation_id=state.get("correlation_id", "unknown")):
                try:
                    await self.app(scope, receive, send_watching)
                finally:
                    self._report(scope, status, record, time.perf_counter() - started)
        finally:
            current_operation.reset(token)

    def _report(self, scope: Scope, status: int, record: OperationRecord, seconds: float) -> None:
        principal: Principal | None = scope.get("state", {}).get("principal")
        audience = principal.audience.value if principal is not None else "none"
        path: str = scope["path"]
        result = outcome(status, record)
        is_graphql = path == GRAPHQL_PATH and (record.executed or status >= 400)
        if self.metrics is not None and is_graphql:
            operation = self.metrics.operation_label(record.name) if record.executed else "unknown"
            self.metrics.requests.labels(operation, audience, result).inc()
            self.metrics.request_seconds.labels(operation, audience).observe(seconds)
            for code in record.error_codes:
                self.metrics.errors.labels(code).inc()
            for loader, size in record.batch_sizes:
                self.metrics.batch_sizes.labels(loader).observe(size)
        if path in QUIET_PATHS and status < 500:
            return
        fields: dict[str, object] = {
            "method": scope["method"], "path": path, "status": status, "duration_ms": round(seconds * 1000, 2),
            "principal": principal.log_name if principal is not None else None, "audience": audience,
        }
        if is_graphql:
            fields |= {
                "operation": record.name if is_operation_name(record.name) else None,
                "operation_type": record.type,
                "outcome": result,
                "error_codes": sorted(set(record.error_codes)),
            }
        self.log.info("request", **fields)
