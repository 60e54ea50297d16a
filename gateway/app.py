"""``create_app(settings)``: everything is wired here, and opened and closed in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

import aiohttp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from auth.authenticate import ONE_LOGIN, Authenticator
from auth.jwks import JwksCache
from auth.tokens import TokenVerifier, TrustedIssuer
from gateway import explorer, health
from gateway.access import ObserveRequests
from gateway.csrf import CsrfProtect, session_config
from gateway.graphql_view import GatewayGraphQL, graphql_limits
from gateway.leaver import mount as mount_leaver_pages
from gateway.logs import access_logger, route_stdlib_logging
from gateway.metrics import GatewayMetrics
from gateway.middleware import Authenticate, CorrelationId, SecurityHeaders
from gateway.outbox_worker import start_outbox
from gateway.ratelimit import RateLimit, closing, create_counter
from gateway.settings import Environment, Settings
from gateway.shutdown import InFlight
from gateway.staff_app import staff_routes
from gateway.tracing import Tracing
from schema import build_schema
from schema.audiences import AudienceSchemas
from sources.bundle import Sources
from sources.http import OnCall


def trusted_issuers(settings: Settings) -> list[TrustedIssuer]:
    return [
        TrustedIssuer(name="hmpps-auth", issuer=settings.hmpps_auth_issuer,
                      jwks_url=settings.hmpps_auth_jwks_url, audience=settings.token_audience),
        TrustedIssuer(name=ONE_LOGIN, issuer=settings.one_login_issuer,
                      jwks_url=settings.one_login_jwks_url, audience=settings.token_audience),
    ]


def create_app(settings: Settings, *, log_output: TextIO | None = None) -> Starlette:
    """``log_output`` is where the JSON access log goes (stdout unless a test captures it)."""
    schema = build_schema(read_only=settings.read_only, limits=graphql_limits(settings),
                          planned=settings.planned_execution)
    metrics = GatewayMetrics() if settings.metrics_enabled else None
    tracing = Tracing.from_settings(settings)  # None unless an OTLP endpoint is configured
    if tracing is not None:
        tracing.trace_schema(schema)
    in_flight = InFlight()
    log = access_logger(log_output, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.environment is not Environment.TEST:
            route_stdlib_logging(settings.log_level)
        sources = Sources.create(settings.upstreams(), settings.database_url, settings.redis_url,
                                 access_log_flush_seconds=settings.access_log_flush_seconds)
        if metrics is not None:
            observe_upstreams(sources, metrics)
        if tracing is not None:
            tracing.instrument(sources)
        await sources.open()
        jwks_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        jwks = JwksCache(jwks_http)
        # One HTTP session and one key cache for the identity providers, shared by the API's token checks and
        # the sign-in callbacks of the staff app and the leaver pages.
        app.state.identity_http, app.state.jwks = jwks_http, jwks
        verifier = TokenVerifier(trusted_issuers(settings), jwks,
                                 algorithms=settings.allowed_algorithms)
        app.state.sources = sources
        app.state.authenticator = Authenticator(verifier, sources.database)
        log.info("started", read_only=settings.read_only, environment=settings.environment.value)
        # Outbox worker: started once the sources are open, stopped (item in hand finished) before they close.
        outbox_worker = start_outbox(settings, sources, log=log, metrics=metrics)
        app.state.outbox_worker = outbox_worker
        if tracing is not None:
            tracing.start()
        try:
            yield
        finally:
            # The server has stopped accepting; let the requests it already took finish with open sources.
            drained = await in_flight.drained(settings.shutdown_grace_seconds)
            log.info("stopping", requests_in_flight=in_flight.count, drained=drained)
            if outbox_worker is not None:
                await outbox_worker.stop()
            await jwks_http.close()
            await sources.close()
            if tracing is not None:
                await tracing.stop()  # flushes the spans still queued

    # One contract per audience (schema/audiences.py); the view runs each caller against theirs.
    graphql = GatewayGraphQL(AudienceSchemas.build(schema), graphql_ide="graphiql", allow_queries_via_get=True)
    routes = [
        Route("/health", health.health),
        Route("/health/ping", health.ping),
        Route("/health/liveness", health.liveness),
        Route("/health/readiness", health.readiness),
        Route("/info", health.info),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/assets/vendor/{name}", explorer.vendor_asset),
        Route("/assets/explorer/{name}", explorer.explorer_asset),
        *staff_routes(),  # the staff app, its sign-in and its assets (gateway/staff_app.py)
    ]
    if metrics is not None:
        metrics.in_flight.set_function(lambda: in_flight.count)
        routes.append(Route("/metrics", metrics.endpoint))
    # Rate limit and CSRF: CSRF before the token is even looked at; the rate limit once the caller is known.
    rate_counter = create_counter(settings.redis_url)
    middleware = [
        *([tracing.middleware()] if tracing is not None else []),  # the request span encloses everything
        Middleware(CorrelationId),
        Middleware(ObserveRequests, log=log, metrics=metrics, in_flight=in_flight),
        Middleware(SecurityHeaders),
        Middleware(CsrfProtect, config=session_config(settings.session_secret.get_secret_value(),
                                                      secure=settings.is_production)),
        Middleware(Authenticate),
        Middleware(RateLimit, counter=rate_counter, per_minute=settings.rate_limit_per_minute),
    ]
    app = Starlette(routes=routes, lifespan=closing(lifespan, rate_counter), middleware=middleware)
    app.state.settings = settings
    app.state.schema = schema
    app.state.metrics = metrics
    app.state.tracing = tracing
    app.state.in_flight = in_flight
    mount_leaver_pages(app, settings)  # Plan Your Future pages at /plan-your-future (gateway/leaver/)
    return app


def observe_upstreams(sources: Sources, metrics: GatewayMetrics) -> None:
    """Report every upstream call, circuit state and cache lookup to the metrics, keeping any call hook set."""
    clients = sources.upstream_clients
    for client in clients.values():
        client.on_call = chain_on_call(client.on_call, metrics.observe_upstream_call)
    sources.cache.on_lookup = metrics.observe_cache_lookup
    metrics.access_log_pending.set_function(lambda: sources.access_log.pending)
    metrics.watch_breakers(lambda: {name: c.breaker_state for name, c in clients.items()})


def chain_on_call(first: OnCall | None, second: OnCall) -> OnCall:
    if first is None:
        return second

    def both(system: str, operation: str, outcome: str, seconds: float) -> None:
        first(system, operation, outcome, seconds)
        second(system, operation, outcome, seconds)

    return both
