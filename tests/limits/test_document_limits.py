"""Depth, alias, token and cost limits through ``schema.execute``: at the limit passes, one over is refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from graphql import parse, validate

from auth.principal import ANONYMOUS
from schema import build_schema
from schema.cost import DEFAULT_LIST_SIZE, FIELD_WEIGHTS, LIST_SIZES
from schema.errors import ErrorCodes
from schema.limits import GraphQLLimits, enforcing, limit_rules

LIMITS = GraphQLLimits(max_cost=5000)  # explicit, so the boundary below does not move with the default


@strawberry.type
class Node:
    """A tree as deep and wide as a test wants."""

    @strawberry.field
    def name(self) -> str:
        return "n"

    @strawberry.field
    def child(self) -> Node:
        return Node()

    @strawberry.field
    def items(self, first: int | None = None) -> list[Node]:
        return [Node()] * (first or 0)

    @strawberry.field
    def tagged(self, tags: list[str]) -> list[Node]:
        return [Node() for _ in tags]


@strawberry.type
class Query:
    @strawberry.field
    def node(self) -> Node:
        return Node()


TREE = strawberry.Schema(query=Query, extensions=[enforcing(LIMITS), ErrorCodes])


async def run(query: str, variables: dict[str, Any] | None = None) -> tuple[dict[str, Any] | None, list[dict]]:
    context = SimpleNamespace(principal=ANONYMOUS, correlation_id="test")
    result = await TREE.execute(query, variable_values=variables, context_value=context)
    return result.data, [e.formatted for e in result.errors or []]


def nested(levels: int) -> str:
    """`{ node { child { ... name } } }` with ``levels`` levels of fields."""
    return "{ node { " + "child { " * (levels - 2) + "name" + " }" * (levels - 1) + " }"


async def test_depth_at_the_limit_passes():
    data, errors = await run(nested(LIMITS.max_depth))
    assert errors == [] and data is not None


async def test_one_level_over_the_depth_limit_is_refused():
    data, errors = await run(nested(LIMITS.max_depth + 1))
    assert data is None
    assert [e["extensions"] for e in errors] == [{"code": "QUERY_TOO_DEEP", "depth": 11, "limit": 10}]
    assert errors[0]["message"] == "The query is 11 levels deep; the limit is 10."


async def test_depth_counts_through_fragments():
    query = "{ node { ...deep } } fragment deep on Node { " + "child { " * 9 + "name" + " }" * 9 + " }"
    _, errors = await run(query)
    assert [e["extensions"]["code"] for e in errors] == ["QUERY_TOO_DEEP"]


def aliased(count: int) -> str:
    return "{ node { " + " ".join(f"a{i}: name" for i in range(count)) + " } }"


async def test_aliases_at_the_limit_pass():
    _, errors = await run(aliased(LIMITS.max_aliases))
    assert errors == []


async def test_one_alias_over_the_limit_is_refused():
    _, errors = await run(aliased(LIMITS.max_aliases + 1))
    assert [e["extensions"] for e in errors] == [{"code": "TOO_MANY_ALIASES", "aliases": 31, "limit": 30}]


async def test_aliases_are_counted_across_the_whole_document():
    half = " ".join(f"a{i}: name" for i in range(16))
    query = f"query A {{ node {{ {half} }} }} query B {{ node {{ {half} }} }}"
    context = SimpleNamespace(principal=ANONYMOUS, correlation_id="test")
    result = await TREE.execute(query, operation_name="A", context_value=context)
    assert [e.extensions for e in result.errors or []] == [{"code": "TOO_MANY_ALIASES", "aliases": 32,
                                                             "limit": 30}]


def tokens(count: int) -> str:
    """A document of exactly ``count`` lexical tokens, 15 of them around a list of strings."""
    return '{ node { tagged(tags: [' + ' "t"' * (count - 15) + ' ]) { name } } }'


async def test_tokens_at_the_limit_pass():
    _, errors = await run(tokens(LIMITS.max_tokens))
    assert errors == []


async def test_one_token_over_the_limit_is_refused():
    data, errors = await run(tokens(LIMITS.max_tokens + 1))
    assert data is None
    assert [e["extensions"] for e in errors] == [{"code": "QUERY_TOO_LARGE", "limit": 2000}]


async def test_comments_do_not_count_as_tokens():
    _, errors = await run("# a comment\n" * 50 + tokens(LIMITS.max_tokens))
    assert errors == []


async def test_an_ordinary_syntax_error_is_still_a_parse_failure():
    _, errors = await run("{ node { name }")
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_PARSE_FAILED"]


# Cost: node(1) + items(1) + first x (name(1) + child(1) + child's name(1)) = 2 + 3 * first
def listed(first: str) -> str:
    return f"{{ node {{ items(first: {first}) {{ name child {{ name }} }} }} }}"


async def test_cost_at_the_limit_passes():
    data, errors = await run(listed("1666"))  # 2 + 3 * 1666 = 5000
    assert errors == [] and len(data["node"]["items"]) == 1666


async def test_one_over_the_cost_limit_is_refused():
    data, errors = await run(listed("1667"))  # 5003
    assert data is None
    assert [e["extensions"] for e in errors] == [{"code": "QUERY_TOO_COMPLEX", "cost": 5003, "limit": 5000}]


async def test_cost_reads_list_sizes_from_variables_and_their_defaults():
    query = "query($n: Int = 1667) { node { items(first: $n) { name child { name } } } }"
    assert (await run(query))[1][0]["extensions"]["cost"] == 5003
    assert (await run(query, {"n": 10}))[1] == []


async def test_cost_uses_the_length_of_a_list_argument():
    query = "query($tags: [String!]!) { node { tagged(tags: $tags) { name } } }"
    assert (await run(query, {"tags": ["t"] * 4998}))[1] == []  # 2 + 4998
    _, errors = await run(query, {"tags": ["t"] * 4999})
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_an_unbounded_list_costs_the_default_size():
    _, errors = await run("{ node { items { " + " ".join(f"a{i}: name" for i in range(30)) + " } } }")
    assert errors == []  # 2 + 50 * 30 = 1502
    query = "{ node { items { items { name child { name } } } } }"  # 2 + 50 * (1 + 50 * 3)
    assert (await run(query))[1][0]["extensions"]["cost"] == 2 + DEFAULT_LIST_SIZE * (1 + DEFAULT_LIST_SIZE * 3)


# The real schema's weights.
GATEWAY = build_schema()
SLICE = ("query($n: [ID!]!) { people(prisonerNumbers: $n) { prisonerNumber lastName releaseDate "
         "licence { status } crn communityOffenderManager { name } nextAppointment { start } pathways { status } } }")


def refusals(query: str, variables: dict[str, Any], limits: GraphQLLimits = LIMITS) -> list[str]:
    errors = validate(GATEWAY._schema, parse(query), [limit_rules(limits, variables)])
    return [str(e.original_error.code) for e in errors if e.original_error]


def test_every_weighted_field_exists_in_the_schema():
    for key in [*FIELD_WEIGHTS, *LIST_SIZES]:
        type_name, field = key.split(".")
        assert field in GATEWAY._schema.get_type(type_name).fields, key


def test_the_person_slice_for_two_hundred_people_fits_and_one_more_person_each_time_counts():
    # 1 + n * (3 plain + licence 2 + crn 3 + com 4 + next appointment 4 + 7 pathways + 1) = 1 + 24n
    assert refusals(SLICE, {"n": ["A0000AA"] * 208}) == []           # 4993
    assert refusals(SLICE, {"n": ["A0000AA"] * 209}) == ["QUERY_TOO_COMPLEX"]  # 5017


def test_per_person_upstream_fields_cost_more_than_plain_ones():
    plain = "query($n: [ID!]!) { people(prisonerNumbers: $n) { prisonerNumber lastName releaseDate } }"
    upstream = "query($n: [ID!]!) { people(prisonerNumbers: $n) { crn nextAppointment { start } } }"
    assert refusals(plain, {"n": ["A"] * 1666}) == []  # 1 + 3n
    assert refusals(upstream, {"n": ["A"] * 1666}) == ["QUERY_TOO_COMPLEX"]  # 1 + 7n


@pytest.mark.parametrize("audience_limits", [GraphQLLimits(max_cost=10)])
def test_the_cost_limit_is_configurable(audience_limits):
    query = "{ person(prisonerNumber: \"A1234BC\") { crn communityOffenderManager { name } } }"  # 1 + 3 + 4
    assert refusals(query, {}, audience_limits) == []
    assert refusals(query.replace("crn", "crn nextAppointment { start }"), {}, audience_limits) == [
        "QUERY_TOO_COMPLEX"]
