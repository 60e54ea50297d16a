"""Confirming the licence conditions were read, and the banner flag that says they changed since."""

from __future__ import annotations

from sqlalchemy import update

from fixtures.population import SyntheticPerson
from sources.store.db import Database
from sources.store.models import LicenceSeen
from tests.leaver.conftest import error_of, gql

PLAN = "{ myPlan { licenceSeen { licenceId version seenAt } licenceConditionsChangedSinceSeen } }"
CONFIRM = """
mutation Confirm($id: ID!, $version: String!) {
  confirmLicenceSeen(licenceId: $id, version: $version) { licenceId version seenAt }
}
"""


async def test_confirming_the_current_version_clears_the_changed_flag(client, tokens, demo_leaver: SyntheticPerson):
    licence = demo_leaver.licence
    assert licence is not None
    before = await gql(client, tokens["leaver"], PLAN)
    assert before == {"data": {"myPlan": {"licenceSeen": None, "licenceConditionsChangedSinceSeen": True}}}

    confirmed = await gql(client, tokens["leaver"], CONFIRM, id=str(licence.licence_id), version=licence.version)

    assert "errors" not in confirmed, confirmed
    seen = confirmed["data"]["confirmLicenceSeen"]
    assert (seen["licenceId"], seen["version"]) == (str(licence.licence_id), licence.version)
    after = await gql(client, tokens["leaver"], PLAN)
    assert after["data"]["myPlan"] == {"licenceSeen": seen, "licenceConditionsChangedSinceSeen": False}


async def test_a_newer_version_than_the_one_confirmed_raises_the_flag_again(client, tokens, seeded, demo_leaver):
    licence = demo_leaver.licence
    assert licence is not None
    await gql(client, tokens["leaver"], CONFIRM, id=str(licence.licence_id), version=licence.version)
    database = Database(seeded.database_url)
    try:
        async with database.session() as session:  # as if the leaver had confirmed an earlier version
            await session.execute(update(LicenceSeen).values(licence_version="0.9"))
            await session.commit()
    finally:
        await database.dispose()

    after = await gql(client, tokens["leaver"], PLAN)

    assert after["data"]["myPlan"]["licenceConditionsChangedSinceSeen"] is True


async def test_only_the_current_version_of_ones_own_licence_can_be_confirmed(client, tokens, demo_leaver,
                                                                            another_person):
    licence, theirs = demo_leaver.licence, another_person.licence
    assert licence is not None and theirs is not None
    wrong_licence = await gql(client, tokens["leaver"], CONFIRM, id=str(theirs.licence_id), version=theirs.version)
    wrong_version = await gql(client, tokens["leaver"], CONFIRM, id=str(licence.licence_id), version="0.9")

    assert error_of(wrong_licence)["extensions"] == {"code": "BAD_USER_INPUT", "field": "licenceId"}
    assert error_of(wrong_version)["extensions"] == {"code": "BAD_USER_INPUT", "field": "version",
                                                     "currentVersion": licence.version}
    plan = await gql(client, tokens["leaver"], PLAN)
    assert plan["data"]["myPlan"]["licenceSeen"] is None
