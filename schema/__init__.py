"""The GraphQL schema."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from resolvers.errors import CodedError
from schema.access_log import AccessLog
from schema.errors import ErrorCodes
from schema.limits import GraphQLLimits, enforcing
from schema.mutations import Mutation
from schema.observability import Observability
from schema.planned_execution import PlannedExecutionContext
from schema.queries import Query
from schema.readonly import ReadOnly
from schema.stale import StaleMarker
from sources.errors import UpstreamError

SNAPSHOT = Path(__file__).parent / "schema.graphql"


class GatewaySchema(strawberry.Schema):
    """Logs only what an on-call engineer must act on: not bad input, refusals or a legacy outage, which
    are expected, carry a code, and are counted in the metrics."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, CodedError | UpstreamError):
                continue
            StrawberryLogger.error(error, execution_context)


def build_schema(*, read_only: bool = False, limits: GraphQLLimits | None = None,
                 planned: bool = True) -> strawberry.Schema:
    """``planned``: run operations through ``PlannedExecutionContext`` (schema/planned_execution.py); off, every
    field takes graphql-core's standard path."""
    extensions: list[type[SchemaExtension]] = [StaleMarker, enforcing(limits or GraphQLLimits()), ErrorCodes]
    # Operations: Observability goes first so it unwinds last and sees the coded errors; ReadOnly when on.
    extensions = [Observability, *extensions, *([ReadOnly] if read_only else [])]
    extensions.append(AccessLog)  # writes the operation's reads of people's data (schema/access_log.py)
    return GatewaySchema(query=Query, mutation=Mutation, extensions=extensions,
                         config=StrawberryConfig(auto_camel_case=True),
                         execution_context_class=PlannedExecutionContext if planned else None)


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
