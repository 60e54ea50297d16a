"""A leaver's token reaches nobody but the leaver: not at the root, not in `people`, not nested, not under an
alias or a fragment, and not in a batch."""

from __future__ import annotations

from graphql import GraphQLObjectType, get_named_type

from fixtures.population import Population, person_on_licence_with_appointments
from schema import build_schema
from schema.audiences import AudienceSchemas, Contract
from tests.security.conftest import complete_case, post

# Every field of the leaver's contract that returns a Person, and why it cannot name someone else.
PERSON_ROUTES = {
    "Query.person": "scoped to self by person_in_scope; tested below",
    "Query.people": "scoped to self by person_in_scope; tested below",
    "Query.me": "takes no argument: always the signed-in leaver",
    "LinkResult.person": "the person the leaver's own first-time code links them to (tests/leaver)",
}


def me_and_other(population: Population) -> tuple[str, str]:
    return person_on_licence_with_appointments(population).prisoner_number, complete_case(population, "MDI")


def test_every_route_to_a_person_in_the_leaver_contract_is_known() -> None:
    schema = AudienceSchemas.build(build_schema()).contracts[Contract.LEAVER]._schema
    routes = {f"{type_name}.{name}" for type_name, named in schema.type_map.items()
              if isinstance(named, GraphQLObjectType) and not type_name.startswith("__")
              for name, field in named.fields.items() if get_named_type(field.type).name == "Person"}
    assert routes <= set(PERSON_ROUTES), f"a new route to Person; test it here: {routes - set(PERSON_ROUTES)}"


async def test_root_people_aliases_and_fragments_show_only_the_leaver(client, tokens, population) -> None:
    me, other = me_and_other(population)
    query = """
    query($me: ID!, $other: ID!) {
      mine: person(prisonerNumber: $me) { prisonerNumber }
      theirs: person(prisonerNumber: $other) { prisonerNumber }
      both: people(prisonerNumbers: [$me, $other]) { prisonerNumber }
      ... on Query { viaFragment: person(prisonerNumber: $other) { ...Names } }
    }
    fragment Names on Person { firstName lastName }
    """
    body = (await post(client, tokens["leaver"], query, {"me": me, "other": other})).json()
    assert body == {"data": {"mine": {"prisonerNumber": me}, "theirs": None, "both": [{"prisonerNumber": me}],
                             "viaFragment": None}}


async def test_many_aliases_for_other_people_all_come_back_empty(client, tokens, population) -> None:
    others = [p.prisoner_number for p in population.by_prison["MDI"][:10]]
    query = "{ " + " ".join(f'p{i}: person(prisonerNumber: "{n}") {{ firstName }}' for i, n in enumerate(others)) + " }"
    body = (await post(client, tokens["leaver"], query)).json()
    assert body == {"data": {f"p{i}": None for i in range(len(others))}}


async def test_staff_routes_to_other_people_do_not_exist_for_a_leaver(client, tokens) -> None:
    body = (await post(client, tokens["leaver"], '{ prison(id: "MDI") { caseload { edges { node { firstName } } } } }'
                       )).json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_batch_is_refused_before_any_operation_runs(client, tokens, population) -> None:
    me, other = me_and_other(population)
    batch = [{"query": "query($n: ID!) { person(prisonerNumber: $n) { firstName } }", "variables": {"n": n}}
             for n in (me, other)]
    response = await client.post("/graphql", json=batch, headers={"Authorization": f"Bearer {tokens['leaver']}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCHING_NOT_SUPPORTED"
