"""Every error leaves with a code; unexpected ones are masked and carry the correlation id."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import CodedError
from sources.errors import UpstreamError

log = logging.getLogger("gateway.errors")


_BAD_VARIABLE = re.compile(r"^Variable '\$(?P<name>\w+)' (?:(?:has|got) invalid value(?: at '(?P<at>[^']+)')?|"
                           r"of required type .* was not provided|of non-null type .* must not be null)")


def coded(error: GraphQLError, correlation_id: str) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):  # parse, validation or variable coercion
        bad_variable = _BAD_VARIABLE.match(error.message)
        if bad_variable:  # a value the client sent, not a mistake in the document: name the field
            field = bad_variable.group("at") or bad_variable.group("name")
            return _with(error, error.message, {"code": "BAD_USER_INPUT", "field": field})
        code = "GRAPHQL_VALIDATION_FAILED" if error.nodes else "GRAPHQL_PARSE_FAILED"
        return _with(error, error.message, {"code": code})
    if isinstance(original, CodedError):
        return _with(error, str(original), {"code": original.code, **original.extensions})
    if isinstance(original, UpstreamError):
        return _with(error, f"{original.system} is unavailable; this part of the answer is missing",
                     {"code": "UPSTREAM_UNAVAILABLE", "system": original.system})
    log.error("unexpected error", exc_info=original, extra={"correlation_id": correlation_id})
    return _with(error, "Unexpected error.", {"code": "INTERNAL_SERVER_ERROR", "correlationId": correlation_id})


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions=extensions)


class ErrorCodes(SchemaExtension):
    """Rewrites result errors: coded errors keep their code, the rest become INTERNAL_SERVER_ERROR."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        correlation_id = getattr(context, "correlation_id", "unknown")
        result.errors = [coded(e, correlation_id) for e in result.errors]
