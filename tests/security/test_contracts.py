"""Each audience's schema contract holds exactly the fields the policy could ever grant it, and that contract is
what the audience introspects and what its documents are validated against."""

from __future__ import annotations

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType

from auth.principal import Audience
from schema import build_schema, export_sdl
from schema.audiences import AudienceSchemas, Contract, audiences_of, granted, guard_of
from schema.permissions import Requires
from tests.security.conftest import post

FULL = build_schema()
SCHEMAS = AudienceSchemas.build(FULL)


def guarded_fields() -> list[tuple[str, str, Requires]]:
    found = []
    for type_name, named in FULL._schema.type_map.items():
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and not type_name.startswith("__"):
            found += [(type_name, name, guard) for name, field in named.fields.items()
                      if isinstance(guard := guard_of(field), Requires)]
    return found


@pytest.mark.parametrize("contract", list(Contract))
def test_no_contract_holds_a_field_its_audiences_are_never_granted(contract: Contract) -> None:
    type_map = SCHEMAS.contracts[contract]._schema.type_map
    leaked = [f"{t}.{f}" for t, f, guard in guarded_fields()
              if not granted(contract, guard) and f in getattr(type_map.get(t), "fields", {})]
    assert leaked == []


def test_the_staff_contract_keeps_every_field_staff_are_granted() -> None:
    type_map = SCHEMAS.contracts[Contract.STAFF]._schema.type_map
    missing = [f"{t}.{f}" for t, f, guard in guarded_fields()
               if granted(Contract.STAFF, guard) and t in type_map and f not in type_map[t].fields]  # type: ignore[union-attr]
    assert missing == []


def test_the_exported_sdl_is_still_the_full_schema() -> None:
    sdl = export_sdl()
    assert "crn: String" in sdl and "accessLog(" in sdl


def test_every_audience_has_a_contract() -> None:
    assert {a for c in Contract for a in audiences_of(c)} == set(Audience)


INTROSPECT_PERSON = '{ __type(name: "Person") { fields { name } } }'
INTROSPECT_TYPES = "{ __schema { types { name } queryType { fields { name } } } }"


async def person_fields(client, token) -> set[str]:
    body = (await post(client, token, INTROSPECT_PERSON)).json()
    person = body["data"]["__type"]
    return set() if person is None else {f["name"] for f in person["fields"]}


async def type_names(client, token) -> set[str]:
    body = (await post(client, token, INTROSPECT_TYPES)).json()
    return {t["name"] for t in body["data"]["__schema"]["types"]}


async def test_a_leaver_introspects_no_staff_only_field(client, tokens) -> None:
    fields = await person_fields(client, tokens["leaver"])
    assert {"prisonerNumber", "firstName", "releaseDate", "licence"} <= fields
    assert not fields & {"crn", "prisonId", "cellLocation", "releaseDates", "caseNotes", "risk"}
    assert not await type_names(client, tokens["leaver"]) & {"CaseNote", "Risk", "RiskOfSeriousHarm", "Mappa",
                                                             "AccessLogEntry", "PrisonDashboard"}


async def test_an_integrator_introspects_no_case_notes_or_risk(client, tokens) -> None:
    fields = await person_fields(client, tokens["integrator"])
    assert {"crn", "prisonId", "pathways", "licence"} <= fields
    assert not fields & {"caseNotes", "risk", "idApplications", "bankApplications"}
    assert not await type_names(client, tokens["integrator"]) & {"CaseNote", "Risk", "Mappa", "RiskPredictor"}


async def test_staff_introspect_case_notes_and_risk(client, tokens) -> None:
    assert {"crn", "caseNotes", "risk"} <= await person_fields(client, tokens["prison-staff"])


async def test_the_public_contract_has_no_person_at_all(client) -> None:
    body = (await post(client, None, INTROSPECT_TYPES)).json()
    assert "Person" not in {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {f["name"] for f in body["data"]["__schema"]["queryType"]["fields"]} >= {"audience"}
    assert (await post(client, None, "{ audience }")).json() == {"data": {"audience": "public"}}


async def test_a_leaver_asking_for_a_crn_gets_a_validation_error_not_a_resolver_refusal(client, tokens, population):
    from fixtures.population import person_on_licence_with_appointments

    me = person_on_licence_with_appointments(population).prisoner_number
    body = (await post(client, tokens["leaver"], "query($n: ID!) { person(prisonerNumber: $n) { crn } }",
                       {"n": me})).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "'crn'" in error["message"] and "path" not in error
