"""OpenTelemetry tracing: one trace per request, exported over OTLP/HTTP when an endpoint is configured.

Without an endpoint nothing is wired: no middleware, no trace configs, no engine listeners, no spans. With
one, the request span comes from the ASGI instrumentation, the GraphQL operation, parse and validation spans
from ``GraphQLSpans``, each upstream HTTP call from the aiohttp client instrumentation (which also sends the
trace context to the system as ``traceparent``) and each database query from the SQLAlchemy instrumentation.
The tracer provider belongs to the app, never to the process, so a test process can build many apps. The
SDK still reads the standard ``OTEL_*`` variables (sampler, exporter headers and timeout, resource).

Spans never carry a leaver's data: paths are cut down to templates (anything but the API's own words
becomes ``{id}``), query strings are dropped, the GraphQL document and its variables are not recorded, and
SQL is recorded with its placeholders, never its values.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import aiohttp
import strawberry
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Tracer
from starlette.middleware import Middleware
from strawberry.extensions import SchemaExtension
from yarl import URL

from gateway.metrics import is_operation_name
from gateway.settings import Settings
from sources.bundle import Sources

# Probes, scrapes and static files are not worth a trace.
UNTRACED_PATHS = r"/health,/info$,/metrics$,/assets/,/plan-your-future/static/"
_API_WORD = re.compile(r"[a-z][a-z-]*(\.[a-z]+)?")
_PATH_KEYS = frozenset({"http.target", "url.path"})
_URL_KEYS = frozenset({"http.url", "url.full"})
_QUERY_KEYS = frozenset({"url.query"})


def path_template(path: str) -> str:
    """``/prisoner/A1234BC/key-worker`` -> ``/prisoner/{id}/key-worker``: only the API's own words survive."""
    return "/".join(part if not part or _API_WORD.fullmatch(part) else "{id}" for part in path.split("/"))


class GraphQLSpans(SchemaExtension):
    """Spans for the operation and its parsing and validation; resolvers get none (too many, too costly)."""

    tracer: ClassVar[Tracer]

    def on_operation(self) -> Iterator[None]:
        with self.tracer.start_as_current_span("graphql") as span:
            yield
            context = self.execution_context
            try:
                operation_type: str | None = context.operation_type.value
            except RuntimeError:  # the document did not parse
                operation_type = None
            name = context.operation_name if is_operation_name(context.operation_name) else None
            span.update_name(" ".join(part for part in (operation_type or "graphql", name) if part))
            if operation_type:
                span.set_attribute("graphql.operation.type", operation_type)
            if name:
                span.set_attribute("graphql.operation.name", name)
            principal = getattr(context.context, "principal", None)
            if principal is not None:
                span.set_attribute("passport.audience", str(principal.audience))

    def on_parse(self) -> Iterator[None]:
        with self.tracer.start_as_current_span("graphql.parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with self.tracer.start_as_current_span("graphql.validate"):
            yield


class RequestSpansOnly(SpanProcessor):
    """Drops client spans that belong to no request (health pings, the outbox worker's polls), which would
    otherwise be a trace of their own every second; passes everything else to ``inner``."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        if span.parent is None and span.kind is SpanKind.CLIENT:
            return
        self.inner.on_end(span)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


class Tracing:
    """The app's tracer provider and the instrumentation wired to it."""

    def __init__(self, provider: TracerProvider, traces_url: str) -> None:
        self.provider = provider
        self.traces_url = traces_url

    @classmethod
    def from_settings(cls, settings: Settings) -> Tracing | None:
        """None when no OTLP endpoint is configured: tracing is off."""
        if not settings.otel_exporter_otlp_endpoint:
            return None
        resource = Resource.create({SERVICE_NAME: settings.otel_service_name, SERVICE_VERSION: settings.git_ref})
        # As the OTLP specification says of OTEL_EXPORTER_OTLP_ENDPOINT: a base URL, plus the signal's path.
        return cls(TracerProvider(resource=resource), settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces")

    def trace_schema(self, schema: strawberry.Schema) -> None:
        """Put ``GraphQLSpans`` first, so its operation span encloses every other extension's work."""
        spans = type("GraphQLSpans", (GraphQLSpans,), {"tracer": self.provider.get_tracer("gateway.graphql")})
        schema.extensions = (spans, *schema.extensions)

    def middleware(self) -> Middleware:
        """The request span (outermost middleware); continues a caller's ``traceparent`` if one is sent."""
        return Middleware(OpenTelemetryMiddleware, excluded_urls=UNTRACED_PATHS, default_span_details=_span_details,
                          server_request_hook=_scrub_server_span, tracer_provider=self.provider,
                          meter_provider=NoOpMeterProvider(), exclude_spans=["receive", "send"])

    def instrument(self, sources: Sources) -> None:
        """Upstream HTTP calls and database queries; call before ``sources.open()``."""
        for system, client in sources.upstream_clients.items():
            client.trace_configs.append(self._upstream_trace_config(system))
        meter = NoOpMeterProvider().get_meter("gateway.tracing")
        # The library's per-engine tracer: event listeners on this engine only, no global patching.
        EngineTracer(  # type: ignore[no-untyped-call]
            self.provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"), sources.database.engine.sync_engine,
            meter.create_up_down_counter("db.client.connections.usage"))

    def start(self) -> None:
        """Start exporting (the batch processor runs a thread, so this belongs in the lifespan)."""
        exporter = OTLPSpanExporter(endpoint=self.traces_url)
        self.provider.add_span_processor(RequestSpansOnly(BatchSpanProcessor(exporter)))

    async def stop(self) -> None:
        """Flush what is left and stop; in a thread, so the event loop keeps serving while the export runs."""
        await asyncio.to_thread(self.provider.shutdown)

    def _upstream_trace_config(self, system: str) -> aiohttp.TraceConfig:
        def name_call(span: trace.Span, params: aiohttp.TraceRequestStartParams) -> None:
            span.update_name(f"{params.method} {path_template(params.url.path)}")
            span.set_attribute("peer.service", system)

        return create_trace_config(url_filter=_scrub_url, request_hook=name_call, tracer_provider=self.provider,
                                   meter_provider=NoOpMeterProvider())


def _scrub_url(url: URL) -> str:
    return f"{url.origin()}{path_template(url.path)}"


def _span_details(scope: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return f"{scope.get('method', 'HTTP')} {path_template(scope.get('path', ''))}", {}


def _scrub_server_span(span: trace.Span, scope: dict[str, Any]) -> None:
    """Replace the path and URL attributes the ASGI instrumentation recorded (whichever semantic
    conventions it follows) by the path template, without the query string."""
    attributes = getattr(span, "attributes", None)
    if not span.is_recording() or not attributes:
        return
    template = path_template(scope.get("path", ""))
    for key, value in list(attributes.items()):
        if key in _PATH_KEYS:
            span.set_attribute(key, template)
        elif key in _URL_KEYS:
            parts = urlsplit(str(value))
            span.set_attribute(key, f"{parts.scheme}://{parts.netloc}{template}")
        elif key in _QUERY_KEYS:
            span.set_attribute(key, "")
