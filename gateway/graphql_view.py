"""The strawberry ASGI view: builds the per-request context and serves the offline explorer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from auth.principal import ANONYMOUS
from gateway.explorer import explorer_page
from resolvers.context import RequestContext
from resolvers.loaders import create_loaders


class GatewayGraphQL(GraphQL[RequestContext, None]):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> RequestContext:
        state: Any = request.state
        sources = request.app.state.sources
        return RequestContext(
            principal=getattr(state, "principal", ANONYMOUS),
            sources=sources,
            loaders=create_loaders(sources),
            correlation_id=getattr(state, "correlation_id", "unknown"),
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return explorer_page(request)
