"""``create_app(settings)``: everything is wired here, and opened and closed in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from auth.authenticate import ONE_LOGIN, Authenticator
from auth.jwks import JwksCache
from auth.tokens import TokenVerifier, TrustedIssuer
from gateway import explorer, health
from gateway.graphql_view import GatewayGraphQL
from gateway.middleware import Authenticate, CorrelationId, SecurityHeaders
from gateway.settings import Settings
from schema import build_schema
from sources.bundle import Sources


def trusted_issuers(settings: Settings) -> list[TrustedIssuer]:
    return [
        TrustedIssuer(name="hmpps-auth", issuer=settings.hmpps_auth_issuer,
                      jwks_url=settings.hmpps_auth_jwks_url, audience=settings.token_audience),
        TrustedIssuer(name=ONE_LOGIN, issuer=settings.one_login_issuer,
                      jwks_url=settings.one_login_jwks_url, audience=settings.token_audience),
    ]


def create_app(settings: Settings) -> Starlette:
    schema = build_schema()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sources = Sources.create(settings.upstreams(), settings.database_url)
        await sources.open()
        jwks_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        verifier = TokenVerifier(trusted_issuers(settings), JwksCache(jwks_http),
                                 algorithms=settings.allowed_algorithms)
        app.state.sources = sources
        app.state.authenticator = Authenticator(verifier, sources.database)
        try:
            yield
        finally:
            await jwks_http.close()
            await sources.close()

    graphql = GatewayGraphQL(schema, graphql_ide="graphiql", allow_queries_via_get=True)
    routes = [
        Route("/health", health.health),
        Route("/health/ping", health.ping),
        Route("/health/liveness", health.liveness),
        Route("/health/readiness", health.readiness),
        Route("/info", health.info),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/assets/vendor/{name}", explorer.vendor_asset),
        Route("/assets/explorer/{name}", explorer.explorer_asset),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(CorrelationId), Middleware(SecurityHeaders), Middleware(Authenticate)])
    app.state.settings = settings
    app.state.schema = schema
    return app
