"""`contactDetails`: the person's own phone numbers, email and address from nDelius, for themself and staff only."""

from __future__ import annotations

from fixtures.population import SyntheticPerson
from fixtures.stubs.base import Faults, state_of
from tests.leaver.conftest import codes, gql

CONTACT = "contactDetails { telephone mobile email address { lines town county postcode } }"
ME = f"query Me {{ me {{ firstName {CONTACT} }} }}"
PERSON = f"query P($n: ID!) {{ person(prisonerNumber: $n) {{ firstName {CONTACT} }} }}"


def held(person: SyntheticPerson) -> dict[str, object]:
    """What nDelius holds for the person, in the schema's shape."""
    contact, address = person.contact, person.contact.address
    street = " ".join(p for p in (address.building_number, address.street_name) if p)
    return {"telephone": contact.telephone, "mobile": contact.mobile, "email": contact.email,
            "address": {"lines": [p for p in (address.building_name, street, address.district) if p],
                        "town": address.town, "county": address.county, "postcode": address.postcode}}


async def test_a_leaver_sees_their_own_contact_details_as_ndelius_holds_them(client, tokens, demo_leaver):
    body = await gql(client, tokens["leaver"], ME)

    assert "errors" not in body, body
    assert body["data"]["me"]["contactDetails"] == held(demo_leaver)


async def test_prison_staff_see_the_contact_details_of_someone_in_their_caseload(client, tokens, another_person):
    body = await gql(client, tokens["prison-staff"], PERSON, n=another_person.prisoner_number)

    assert "errors" not in body, body
    assert body["data"]["person"]["contactDetails"] == held(another_person)


async def test_contact_details_do_not_exist_for_an_integrator(client, tokens, another_person):
    body = await gql(client, tokens["integrator"], PERSON, n=another_person.prisoner_number)

    assert body.get("data") is None
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_when_ndelius_is_down_contact_details_are_null_and_unavailable_and_the_rest_still_shows(
        client, tokens, stack, demo_leaver):
    delius = state_of(stack.apps["delius"])
    delius.faults = Faults.failing(503)
    try:
        body = await gql(client, tokens["leaver"], ME)
    finally:
        delius.faults = Faults()

    assert body["data"]["me"] == {"firstName": demo_leaver.first_name, "contactDetails": None}
    [error] = body["errors"]
    assert error["path"] == ["me", "contactDetails"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE" and error["extensions"]["system"] == "delius"
