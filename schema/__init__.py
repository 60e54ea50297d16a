"""The GraphQL schema."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from schema.errors import ErrorCodes
from schema.limits import GraphQLLimits, enforcing
from schema.observability import Observability
from schema.query import Query
from schema.readonly import ReadOnly
from schema.stale import StaleMarker

SNAPSHOT = Path(__file__).parent / "schema.graphql"


def build_schema(*, read_only: bool = False, limits: GraphQLLimits | None = None) -> strawberry.Schema:
    extensions: list[type[SchemaExtension]] = [StaleMarker, enforcing(limits or GraphQLLimits()), ErrorCodes]
    # Operations: Observability goes first so it unwinds last and sees the coded errors; ReadOnly when on.
    extensions = [Observability, *extensions, *([ReadOnly] if read_only else [])]
    return strawberry.Schema(query=Query, extensions=extensions, config=StrawberryConfig(auto_camel_case=True))


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
