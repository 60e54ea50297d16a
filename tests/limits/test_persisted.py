"""Persisted operations: the manifest matches the clients' files, and only integrators may send free form."""

from __future__ import annotations

from pathlib import Path

from graphql import parse, validate

from schema import build_schema
from schema.persisted import MANIFEST, build_manifest, load_manifest, manifest_text, operation_id
from tests.limits.conftest import bearer
from tests.test_person_slice import complete_case

SLICE_FILE = Path(__file__).resolve().parents[2] / "web_clients" / "operations" / "person_slice.graphql"
SLICE_ID = operation_id(SLICE_FILE.read_text(encoding="utf-8"))


def test_the_committed_manifest_matches_the_clients_operation_files():
    assert MANIFEST.read_text(encoding="utf-8") == manifest_text(build_manifest()), (
        "schema/persisted_operations.json is stale; run `python -m schema.persisted`")


def test_every_persisted_operation_is_valid_against_the_schema():
    schema = build_schema()._schema
    for document in load_manifest().values():
        assert validate(schema, parse(document)) == []


def test_the_manifest_is_built_from_operations_folders_only(tmp_path):
    (tmp_path / "staff" / "operations").mkdir(parents=True)
    (tmp_path / "staff" / "operations" / "a.graphql").write_text("{ __typename }")
    (tmp_path / "staff" / "other.graphql").write_text("{ other }")
    (tmp_path / "node_modules" / "x" / "operations").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "operations" / "b.graphql").write_text("{ vendored }")
    assert build_manifest(tmp_path) == {operation_id("{ __typename }"): "{ __typename }"}


async def test_a_persisted_operation_by_id_runs_where_free_form_is_refused(gateway_with, tokens, population):
    person = complete_case(population)
    async with gateway_with(allow_free_form_documents=False) as http:
        response = await http.post("/graphql", json={"id": SLICE_ID,
                                                     "variables": {"prisonerNumber": person.prisoner_number}},
                                   headers=bearer(tokens["prison-staff"]))
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["person"]["crn"] == person.crn


async def test_a_persisted_operation_in_apollo_shape_runs(gateway_with, tokens, population):
    person = complete_case(population)
    async with gateway_with(allow_free_form_documents=False) as http:
        response = await http.post("/graphql", json={
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": SLICE_ID}},
            "variables": {"prisonerNumber": person.prisoner_number}}, headers=bearer(tokens["prison-staff"]))
    assert response.json()["data"]["person"]["prisonerNumber"] == person.prisoner_number


async def test_a_persisted_operation_by_id_over_get_runs(gateway_with, tokens, population):
    person = complete_case(population)
    async with gateway_with(allow_free_form_documents=False) as http:
        response = await http.get("/graphql", params={"id": SLICE_ID,
                                                      "variables": f'{{"prisonerNumber": "{person.prisoner_number}"}}'},
                                  headers={"Accept": "application/json", **bearer(tokens["prison-staff"])})
    assert response.json()["data"]["person"]["lastName"] == person.last_name


async def test_an_unknown_id_is_not_found(client, tokens):
    response = await client.post("/graphql", json={"id": "0" * 64}, headers=bearer(tokens["prison-staff"]))
    assert response.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_FOUND"}


async def test_free_form_is_refused_to_staff_when_settings_require_persisted_operations(gateway_with, tokens):
    async with gateway_with(allow_free_form_documents=False) as http:
        for persona in ("prison-staff", "probation-staff", "leaver"):
            response = await http.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(tokens[persona]))
            assert response.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_REQUIRED"}, persona
        anonymous = await http.post("/graphql", json={"query": "{ __typename }"})
        assert anonymous.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_REQUIRED"}


async def test_integrators_may_send_free_form_when_staff_may_not(gateway_with, tokens):
    async with gateway_with(allow_free_form_documents=False) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(tokens["integrator"]))
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_free_form_is_allowed_for_everyone_in_development_settings(client, tokens):
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer(tokens["prison-staff"]))
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_apollo_retry_with_the_text_runs_only_where_free_form_is_allowed(gateway_with, tokens):
    query = "{ __typename }"
    retry = {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation_id(query)}}}
    async with gateway_with() as http:
        assert (await http.post("/graphql", json=retry, headers=bearer(tokens["prison-staff"]))).json() == {
            "data": {"__typename": "Query"}}
    async with gateway_with(allow_free_form_documents=False) as http:
        refused = await http.post("/graphql", json=retry, headers=bearer(tokens["prison-staff"]))
    assert refused.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_FOUND"}
