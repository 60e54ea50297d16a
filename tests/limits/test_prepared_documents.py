"""Remembered parsing and validation (schema/prepared.py) must never let through what a fresh check refuses:
the cost limit still reads each request's variables, and a document valid for one audience is still
invalid for an audience whose contract lacks its fields."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import strawberry

from auth.principal import ROLE_EDIT, ROLE_READ, Audience, Principal
from schema import build_schema
from schema.audiences import AudienceSchemas
from schema.limits import GraphQLLimits

STAFF = Principal(audience=Audience.PRISON_STAFF, subject="staff", roles=frozenset({ROLE_EDIT}),
                  caseloads=frozenset({"MDI"}))
LEAVER = Principal(audience=Audience.LEAVER, subject="leaver", prisoner_number="A1234BC")
INTEGRATOR = Principal(audience=Audience.INTEGRATOR, subject="client", roles=frozenset({ROLE_READ}))

# No prisoner numbers: the resolver answers [] without calling any system, so only validation is under test.
PEOPLE = "query($n: [ID!]!) { people(prisonerNumbers: $n) { prisonerNumber crn } }"
INTROSPECT = "{ __schema { queryType { name } } }"


def schemas(limits: GraphQLLimits) -> AudienceSchemas:
    return AudienceSchemas.build(build_schema(limits=limits))


async def codes(schema: strawberry.Schema, principal: Principal, query: str,
                variables: dict[str, Any] | None = None) -> list[str]:
    context = SimpleNamespace(principal=principal, correlation_id="test")
    result = await schema.execute(query, variable_values=variables, context_value=context)
    return [str((e.extensions or {}).get("code")) for e in result.errors or []]


async def test_a_remembered_document_is_still_refused_when_its_variables_make_it_too_costly():
    # crn costs 3 and prisonerNumber 1: 1 + 4n, so 100 people cost 401.
    staff = schemas(GraphQLLimits(max_cost=400)).for_audience(Audience.PRISON_STAFF)
    assert await codes(staff, STAFF, PEOPLE, {"n": []}) == []
    assert await codes(staff, STAFF, PEOPLE, {"n": ["A1234BC"] * 100}) == ["QUERY_TOO_COMPLEX"]
    assert await codes(staff, STAFF, PEOPLE, {"n": []}) == []  # and small again is still fine


async def test_a_document_valid_for_staff_is_still_invalid_for_a_leaver():
    built = schemas(GraphQLLimits())
    assert await codes(built.for_audience(Audience.PRISON_STAFF), STAFF, PEOPLE, {"n": []}) == []
    leaver = built.for_audience(Audience.LEAVER)
    assert await codes(leaver, LEAVER, PEOPLE, {"n": []}) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await codes(leaver, LEAVER, PEOPLE, {"n": []}) == ["GRAPHQL_VALIDATION_FAILED"]  # not remembered


async def test_introspection_allowed_for_an_integrator_is_still_refused_for_staff_in_production():
    built = schemas(GraphQLLimits(open_introspection=False))
    assert await codes(built.for_audience(Audience.INTEGRATOR), INTEGRATOR, INTROSPECT) == []
    assert await codes(built.for_audience(Audience.PRISON_STAFF), STAFF, INTROSPECT) == ["INTROSPECTION_DISABLED"]


async def test_a_syntax_error_is_reported_each_time_and_a_valid_document_is_parsed_once():
    built = build_schema()
    documents = next(e for e in built.extensions if hasattr(e, "documents")).documents  # type: ignore[union-attr]
    for _ in range(2):
        assert await codes(built, INTEGRATOR, "{ people(") == ["GRAPHQL_PARSE_FAILED"]
    parsed_before = len(documents.parsed)
    for _ in range(3):
        assert await codes(built, INTEGRATOR, PEOPLE, {"n": []}) == []
    assert len(documents.parsed) == parsed_before + 1
