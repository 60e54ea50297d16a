"""The GraphQL schema."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.errors import ErrorCodes
from schema.query import Query

SNAPSHOT = Path(__file__).parent / "schema.graphql"


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[ErrorCodes], config=StrawberryConfig(auto_camel_case=True))


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
