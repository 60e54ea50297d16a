"""The strawberry ASGI view: builds the per-request context and serves the offline explorer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from auth.principal import ANONYMOUS
from gateway.explorer import explorer_page
from gateway.persisted_view import (
    OperationRequest,
    Refused,
    capped,
    choose_document,
    one_operation,
    refuse_declared_size,
)
from gateway.settings import Settings
from resolvers.context import RequestContext
from resolvers.loaders import create_loaders
from schema.audiences import AudienceSchemas
from schema.limits import GraphQLLimits
from schema.persisted import load_manifest


class GatewayGraphQL(GraphQL[RequestContext, None]):
    def __init__(self, schemas: AudienceSchemas, **options: Any) -> None:
        super().__init__(schemas.full, **options)
        self.schemas = schemas

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> RequestContext:
        state: Any = request.state
        sources = request.app.state.sources
        stale: set[str] = set()
        state.request_context = context = RequestContext(
            principal=getattr(state, "principal", ANONYMOUS),
            sources=sources,
            loaders=create_loaders(sources, stale, naive=request.app.state.settings.naive_loaders),
            correlation_id=getattr(state, "correlation_id", "unknown"),
            stale_systems=stale,
            first_time_code_key=request.app.state.settings.first_time_code_key.get_secret_value().encode(),
            after_response=getattr(state, "after_response", None),
        )
        return context

    def encode_json(self, data: object) -> str | bytes:
        # orjson writes the same compact JSON as strawberry's json.dumps, several times faster on big results.
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:  # an integer past 64 bits, echoed from bad input: the stdlib copes
            return super().encode_json(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return explorer_page(request)

    # --- GraphQL limits and persisted operations (gateway/persisted_view.py) ---------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        after_response: list[Callable[[], Awaitable[None]]] = []  # filled by the operation (the access log)
        scope.setdefault("state", {})["after_response"] = after_response
        try:
            refuse_declared_size(scope, settings.max_body_bytes)
            response = await self.run(Request(scope, receive=capped(receive, settings.max_body_bytes)))
        except HTTPException as e:  # strawberry's own refusals, given a code and a JSON body like ours
            response = Refused(e.status_code, _HTTP_CODES.get(e.status_code, "BAD_REQUEST"), e.reason).response()
        except Refused as refused:
            response = refused.response()
        try:
            await response(scope, receive, send)
        finally:  # within the request still: the in-flight count and a test client both wait for it
            try:
                for job in after_response:
                    await job()
            finally:
                context: RequestContext | None = scope["state"].pop("request_context", None)
                if context is not None:
                    context.release()

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "GET":
            return one_operation(self.parse_query_params(request.query_params))
        content_type, _ = parse_content_type(request.content_type or "")
        if content_type == "application/json":
            return one_operation(self.parse_json(await request.get_body()))
        return await super().parse_http_body(request)

    async def execute_single(
        self, request: Request, request_adapter: AsyncHTTPRequestAdapter, sub_response: Response,
        context: RequestContext, root_value: None, request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if isinstance(request_data, OperationRequest):
            settings: Settings = request.app.state.settings
            chosen = choose_document(request_data, manifest=self.persisted_operations, principal=context.principal,
                                     free_form_allowed=settings.free_form_documents_allowed)
            if isinstance(chosen, ExecutionResult):
                return chosen
            request_data.query = chosen
        return await self.execute_for_audience(request_adapter, context, root_value, request_data)

    # --- One schema contract per audience (schema/audiences.py) ----------------------------------------

    async def execute_for_audience(self, request_adapter: AsyncHTTPRequestAdapter, context: RequestContext,
                                   root_value: None, request_data: GraphQLRequestData) -> ExecutionResult:
        """strawberry's ``execute_single``, against the caller's contract instead of the full schema."""
        allowed = OperationType.from_http(request_adapter.method)
        if not self.allow_queries_via_get and request_adapter.method == "GET":
            allowed -= {OperationType.QUERY}
        try:
            return await self.schemas.for_audience(context.principal.audience).execute(
                request_data.query, root_value=root_value, variable_values=request_data.variables,
                context_value=context, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions)
        except CannotGetOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason()) from e
        except InvalidOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason(request_adapter.method)) from e
        except MissingQueryError as e:
            raise HTTPException(400, "No GraphQL query found in the request") from e

    @cached_property
    def persisted_operations(self) -> dict[str, str]:
        return load_manifest()


_HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def graphql_limits(settings: Settings) -> GraphQLLimits:
    """The schema's limits from settings: ``build_schema(limits=graphql_limits(settings))``."""
    open_introspection = settings.open_introspection
    return GraphQLLimits(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases,
                         max_tokens=settings.max_query_tokens, max_cost=settings.max_query_cost,
                         open_introspection=not settings.is_production if open_introspection is None
                         else open_introspection)
