"""Limits at the HTTP edge: body size, no batches, no mutations over GET, introspection and suggestions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from auth.principal import Audience, Principal
from gateway.graphql_view import graphql_limits
from gateway.settings import Settings
from schema import build_schema
from schema.limits import GraphQLLimits
from tests.limits.conftest import bearer
from tests.test_settings import SAFE_PRODUCTION

LIMIT = 64 * 1024


def body_of(size: int) -> bytes:
    """A JSON body of exactly ``size`` bytes; the padding is whitespace inside the document."""
    empty = json.dumps({"query": "{ __typename }"}).encode()
    return json.dumps({"query": "{ __typename }" + " " * (size - len(empty))}).encode()


async def post_raw(client, body, token):
    return await client.post("/graphql", content=body,
                             headers={"Content-Type": "application/json", **bearer(token)})


async def test_a_body_at_the_size_limit_is_accepted(client, tokens):
    response = await post_raw(client, body_of(LIMIT), tokens["integrator"])
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_one_byte_over_the_size_limit_is_refused_with_413(client, tokens):
    response = await post_raw(client, body_of(LIMIT + 1), tokens["integrator"])
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


async def test_a_streamed_body_without_a_length_is_cut_off_too(client, tokens):
    async def chunks() -> AsyncIterator[bytes]:
        body = body_of(LIMIT + 1)
        for start in range(0, len(body), 4096):
            yield body[start:start + 4096]

    response = await post_raw(client, chunks(), tokens["integrator"])
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_the_body_limit_is_configurable(gateway_with, tokens):
    async with gateway_with(max_body_bytes=100) as http:
        assert (await post_raw(http, body_of(100), tokens["integrator"])).status_code == 200
        assert (await post_raw(http, body_of(101), tokens["integrator"])).status_code == 413


async def test_a_batch_is_refused_with_a_coded_error(client, tokens):
    response = await client.post("/graphql", json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}],
                                 headers=bearer(tokens["integrator"]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BATCHING_NOT_SUPPORTED"}


async def test_a_mutation_over_get_is_refused(client, tokens):
    response = await client.get("/graphql", params={"query": "mutation { __typename }"},
                                headers={"Accept": "application/json", **bearer(tokens["integrator"])})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "GET" in error["message"]


async def test_a_query_over_get_still_works(client, tokens):
    response = await client.get("/graphql", params={"query": "{ __typename }"},
                                headers={"Accept": "application/json", **bearer(tokens["integrator"])})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_aliases_over_http_at_and_over_the_limit(client, tokens):
    def aliased(count: int) -> dict[str, str]:
        return {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"}

    at = await client.post("/graphql", json=aliased(30), headers=bearer(tokens["integrator"]))
    over = await client.post("/graphql", json=aliased(31), headers=bearer(tokens["integrator"]))
    assert "errors" not in at.json()
    assert over.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"


async def test_a_huge_list_is_refused_before_any_upstream_call(client, tokens):
    query = "query($n: [ID!]!) { people(prisonerNumbers: $n) { crn nextAppointment { start } } }"
    response = await client.post("/graphql", json={"query": query, "variables": {"n": ["A1234BC"] * 2000}},
                                 headers=bearer(tokens["integrator"]))
    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_a_number_past_64_bits_in_a_response_is_still_encoded():
    # A refusal names the cost, which crafted variables can push past any 64-bit integer; orjson cannot
    # write that, so the view falls back to the standard library rather than failing the response.
    from gateway.graphql_view import GatewayGraphQL
    from schema.audiences import AudienceSchemas

    view = GatewayGraphQL(AudienceSchemas.build(build_schema()))
    body = {"errors": [{"message": "too costly", "extensions": {"code": "QUERY_TOO_COMPLEX", "cost": 2**70}}]}
    assert json.loads(view.encode_json(body)) == body
    assert json.loads(view.encode_json({"data": {"n": 1}})) == {"data": {"n": 1}}


# Introspection and suggestions: the production decision, through ``schema.execute``.
CLOSED = build_schema(limits=GraphQLLimits(open_introspection=False))
OPEN = build_schema(limits=GraphQLLimits(open_introspection=True))
STAFF = Principal(audience=Audience.PRISON_STAFF, subject="s")
INTEGRATOR = Principal(audience=Audience.INTEGRATOR, subject="i", client_id="c")


async def errors_of(schema, query: str, principal: Principal) -> list[dict]:
    result = await schema.execute(query, context_value=SimpleNamespace(principal=principal, correlation_id="t"))
    return [e.formatted for e in result.errors or []]


@pytest.mark.parametrize("audience", [Audience.PRISON_STAFF, Audience.PROBATION_STAFF, Audience.LEAVER,
                                      Audience.PUBLIC])
async def test_closed_introspection_refuses_every_audience_but_integrators(audience):
    errors = await errors_of(CLOSED, "{ __schema { queryType { name } } }", Principal(audience=audience, subject="x"))
    assert [e["extensions"]["code"] for e in errors] == ["INTROSPECTION_DISABLED"]


async def test_closed_introspection_still_serves_integrators_and_typename():
    assert await errors_of(CLOSED, "{ __schema { queryType { name } } }", INTEGRATOR) == []
    assert await errors_of(CLOSED, "{ __typename }", STAFF) == []


async def test_suggestions_are_removed_only_where_introspection_is_closed():
    query = '{ person(prisonerNumber: "A1234BC") { firstNam } }'
    closed = await errors_of(CLOSED, query, STAFF)
    assert closed[0]["message"] == "Cannot query field 'firstNam' on type 'Person'."
    assert closed[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "Did you mean" in (await errors_of(CLOSED, query, INTEGRATOR))[0]["message"]
    assert "Did you mean" in (await errors_of(OPEN, query, STAFF))[0]["message"]


def test_production_closes_introspection_and_dev_opens_it():
    assert graphql_limits(Settings(**SAFE_PRODUCTION)).open_introspection is False
    assert graphql_limits(Settings()).open_introspection is True
    assert graphql_limits(Settings(**SAFE_PRODUCTION, open_introspection=True)).open_introspection is True


def test_settings_map_onto_the_schema_limits():
    limits = graphql_limits(Settings(max_query_depth=4, max_aliases=5, max_query_tokens=60, max_query_cost=70))
    assert (limits.max_depth, limits.max_aliases, limits.max_tokens, limits.max_cost) == (4, 5, 60, 70)
    assert graphql_limits(Settings()) == GraphQLLimits(open_introspection=True)
