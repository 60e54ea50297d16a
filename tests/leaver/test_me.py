"""`me`: the signed-in leaver sees themself, limited to the leaver's columns of the policy; nobody else does."""

from __future__ import annotations

from fixtures.population import SyntheticPerson
from tests.leaver.conftest import codes, fresh_leaver_token, gql

ME = """
query Me {
  me {
    prisonerNumber firstName lastName dateOfBirth releaseDate
    licence { licenceId status expiryDate }
    communityOffenderManager { name }
  }
}
"""


async def test_a_linked_leaver_sees_themself_from_nomis_and_cvl(client, tokens, demo_leaver: SyntheticPerson):
    body = await gql(client, tokens["leaver"], ME)

    assert "errors" not in body, body
    me = body["data"]["me"]
    assert (me["prisonerNumber"], me["firstName"], me["lastName"]) == (
        demo_leaver.prisoner_number, demo_leaver.first_name, demo_leaver.last_name)
    assert me["dateOfBirth"] == demo_leaver.date_of_birth.isoformat()
    assert demo_leaver.licence is not None
    assert me["licence"] == {"licenceId": str(demo_leaver.licence.licence_id), "status": "ACTIVE",
                             "expiryDate": demo_leaver.licence.expiry_date.isoformat()
                             if demo_leaver.licence.expiry_date else None}
    assert demo_leaver.com is not None
    assert me["communityOffenderManager"]["name"] == f"{demo_leaver.com.forename} {demo_leaver.com.surname}"


async def test_staff_only_fields_do_not_exist_for_a_leaver(client, tokens):
    body = await gql(client, tokens["leaver"], "{ me { prisonerNumber cellLocation crn } }")

    assert "data" not in body or body["data"] is None
    assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_me_is_null_for_staff_and_integrators(client, tokens):
    for persona in ("prison-staff", "probation-staff", "integrator"):
        body = await gql(client, tokens[persona], "{ me { prisonerNumber } }")
        assert body == {"data": {"me": None}}, persona


async def test_me_and_my_plan_are_null_for_a_leaver_not_linked_yet(client, stack):
    body = await gql(client, fresh_leaver_token(stack), "{ me { prisonerNumber } myPlan { todos { id } } }")
    assert body == {"data": {"me": None, "myPlan": None}}


async def test_a_leavers_plan_does_not_exist_for_staff(client, tokens):
    body = await gql(client, tokens["prison-staff"], "{ myPlan { todos { id } } }")
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
