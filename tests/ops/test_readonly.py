"""READ_ONLY: mutations are refused with a code the client can act on; reads carry on."""

from __future__ import annotations

import strawberry
from strawberry.types import ExecutionResult

from schema import build_schema
from schema.errors import ErrorCodes
from schema.readonly import ReadOnly
from tests.ops.conftest import Gateway, sample
from tests.ops.test_metrics import someone_in_moorland

A_MUTATION = 'mutation Change { updatePathwayStatus(prisonerNumber: "A1234BC", status: DONE) { version } }'


def codes(result: ExecutionResult) -> list[str]:
    return [str((e.extensions or {}).get("code")) for e in result.errors or ()]


async def test_the_real_schema_refuses_a_mutation_as_read_only_not_as_invalid():
    assert codes(await build_schema(read_only=True).execute(A_MUTATION)) == ["READ_ONLY"]
    assert codes(await build_schema().execute(A_MUTATION)) == ["GRAPHQL_VALIDATION_FAILED"]


def tiny_schema(*, read_only: bool) -> tuple[strawberry.Schema, list[str]]:
    written: list[str] = []

    @strawberry.type
    class Query:
        @strawberry.field
        def greeting(self) -> str:
            return "hello"

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def write(self, value: str) -> str:
            written.append(value)
            return value

    extensions = [ErrorCodes, ReadOnly] if read_only else [ErrorCodes]
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions), written


async def test_a_refused_mutation_writes_nothing_and_reads_still_work():
    schema, written = tiny_schema(read_only=True)

    refused = await schema.execute('mutation { write(value: "x") }')
    assert (refused.data, codes(refused), written) == (None, ["READ_ONLY"], [])
    assert "read-only" in refused.errors[0].message
    read = await schema.execute("{ greeting }")
    assert (read.data, read.errors) == ({"greeting": "hello"}, None)


async def test_without_read_only_the_same_mutation_writes():
    schema, written = tiny_schema(read_only=False)
    result = await schema.execute('mutation { write(value: "x") }')
    assert (result.data, written) == ({"write": "x"}, ["x"])


async def test_over_http_reads_carry_on_and_mutations_are_refused(gateway: Gateway, tokens, population):
    async with gateway(read_only=True) as running:
        read = await running.ask(tokens["prison-staff"], someone_in_moorland(population))
        refused = (await running.http.post("/graphql", json={"query": A_MUTATION},
                                           headers={"Authorization": f"Bearer {tokens['prison-staff']}"})).json()
        samples = await running.metrics()

    assert "errors" not in read and read["data"]["person"] is not None
    assert refused["errors"][0]["extensions"]["code"] == "READ_ONLY"
    assert refused["data"] is None
    assert sample(samples, "gateway_graphql_errors_total", code="READ_ONLY") == 1
