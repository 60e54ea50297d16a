"""Generated queries, from each audience's own contract, with plausible and junk arguments: whatever comes
back, it is never a 500 and never carries a traceback, and an unexpected error is masked down to its code and
correlation id.

Queries only: generated mutations would really write (the mutations' own tests cover their input checks).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth.principal import ANONYMOUS
from fixtures.population import Population
from fixtures.stubs.runner import AppStack
from schema import build_schema
from schema.audiences import AudienceSchemas
from tests.security.conftest import PERSONAS, post, principal_of, seeded_gateway

SCHEMAS = AudienceSchemas.build(build_schema())
PLAUSIBLE = ["A1234BC", "Z9999ZZ", "MDI", "LEI", "2030-01-01", "2030-01-01T09:00:00+00:00", ""]
MAX_DEPTH = 4
FUZZ = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def literal(type_: GraphQLInputType, draw: st.DrawFn) -> str:
    """A GraphQL literal of roughly this type: often right, sometimes junk (validation must refuse it)."""
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type, draw)
    if isinstance(type_, GraphQLList):
        return "[" + ", ".join(literal(type_.of_type, draw) for _ in range(draw(st.integers(0, 3)))) + "]"
    if draw(st.integers(0, 9)) == 0:  # junk of any kind, anywhere
        return json.dumps(draw(st.text(max_size=40)))
    if isinstance(type_, GraphQLEnumType):
        return draw(st.sampled_from([*type_.values, "NOT_A_VALUE"]))
    if isinstance(type_, GraphQLInputObjectType):
        fields = [f"{name}: {literal(f.type, draw)}" for name, f in type_.fields.items()
                  if isinstance(f.type, GraphQLNonNull) or draw(st.booleans())]
        return "{" + ", ".join(fields) + "}"
    name = get_named_type(type_).name
    if name == "Int":
        return str(draw(st.one_of(st.integers(-5, 600), st.integers())))
    if name == "Float":
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if name == "Boolean":
        return draw(st.sampled_from(["true", "false"]))
    return json.dumps(draw(st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=30))))


def selection(type_: Any, draw: st.DrawFn, depth: int) -> str:
    if isinstance(type_, GraphQLUnionType) or depth >= MAX_DEPTH:
        return "__typename"
    fields = sorted(type_.fields.items())
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique_by=lambda f: f[0]))
    parts = []
    for name, field in chosen:
        arguments = [f"{a}: {literal(arg.type, draw)}" for a, arg in field.args.items()
                     if isinstance(arg.type, GraphQLNonNull) or draw(st.booleans())]
        text = name + (f"({', '.join(arguments)})" if arguments else "")
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            text += " { " + selection(named, draw, depth + 1) + " }"
        parts.append(text)
    return " ".join(parts)


@st.composite
def documents(draw: st.DrawFn, query_type: GraphQLObjectType) -> str:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.text(max_size=200))  # not GraphQL at all
    return "query Fuzz { " + selection(query_type, draw, 1) + " }"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fuzz_client(stack: AppStack, population: Population,
                      tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_gateway("sqlite", stack, population, tmp_path_factory.mktemp("fuzz")) as http:
        yield http


def fuzz_case(persona: str | None) -> Any:
    audience = ANONYMOUS.audience if persona is None else principal_of(persona).audience
    query_type = SCHEMAS.for_audience(audience)._schema.query_type
    assert query_type is not None

    @FUZZ
    @given(document=documents(query_type))
    @pytest.mark.asyncio(loop_scope="module")
    async def run(fuzz_client: httpx.AsyncClient, tokens: dict[str, str], document: str) -> None:
        response = await post(fuzz_client, tokens[persona] if persona else None, document)
        assert response.status_code < 500, (document, response.text)
        assert "Traceback" not in response.text and 'File "' not in response.text, (document, response.text)
        for error in response.json().get("errors", []) if response.status_code == 200 else ():
            if error["extensions"].get("code") == "INTERNAL_SERVER_ERROR":  # masked: no detail, just the id
                assert error["message"] == "Unexpected error.", (document, response.text)
                assert set(error["extensions"]) == {"code", "correlationId"}, (document, response.text)

    return run


test_fuzz_anonymous = fuzz_case(None)
test_fuzz_prison_staff = fuzz_case("prison-staff")
test_fuzz_probation_staff = fuzz_case("probation-staff")
test_fuzz_integrator = fuzz_case("integrator")
test_fuzz_leaver = fuzz_case("leaver")
test_fuzz_admin = fuzz_case("admin")
assert {"prison-staff", "probation-staff", "integrator", "leaver", "admin"} <= set(PERSONAS)
