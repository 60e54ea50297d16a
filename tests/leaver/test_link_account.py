"""First-time codes through the API: staff issue, the leaver links once; wrong tries are counted and locked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from fixtures.population import SyntheticPerson
from sources.store.db import Database
from sources.store.models import FirstTimeCode
from tests.leaver.conftest import ISSUE, LINK, codes, error_of, fresh_leaver_token, gql

WRONG_BIRTHDAY = "1901-01-01"


async def issue(client, tokens, person: SyntheticPerson) -> str:
    body = await gql(client, tokens["prison-staff"], ISSUE, n=person.prisoner_number)
    assert "errors" not in body, body
    issued = body["data"]["issueFirstTimeCode"]
    expires = datetime.fromisoformat(issued["expiresAt"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    return str(issued["code"])


async def link(client, token: str, code: str, born: str) -> dict:
    return await gql(client, token, LINK, code=code, born=born)


async def test_the_right_code_links_the_account_and_me_works_from_then_on(client, tokens, stack, another_person):
    code = await issue(client, tokens, another_person)
    token = fresh_leaver_token(stack)

    body = await link(client, token, code, another_person.date_of_birth.isoformat())

    assert "errors" not in body, body
    assert body["data"]["linkAccount"]["person"] == {"prisonerNumber": another_person.prisoner_number,
                                                     "firstName": another_person.first_name}
    me = await gql(client, token, "{ me { prisonerNumber } myPlan { todos { id } } }")
    assert me == {"data": {"me": {"prisonerNumber": another_person.prisoner_number}, "myPlan": {"todos": []}}}


async def test_a_code_works_once(client, tokens, stack, another_person):
    code = await issue(client, tokens, another_person)
    born = another_person.date_of_birth.isoformat()
    assert "errors" not in await link(client, fresh_leaver_token(stack), code, born)

    again = error_of(await link(client, fresh_leaver_token(stack), code, born))

    assert again["extensions"] == {"code": "BAD_USER_INPUT", "field": "code", "reason": "USED",
                                   "attemptsRemaining": None}


async def test_a_new_code_replaces_the_earlier_one(client, tokens, stack, another_person):
    first = await issue(client, tokens, another_person)
    await issue(client, tokens, another_person)

    body = await link(client, fresh_leaver_token(stack), first, another_person.date_of_birth.isoformat())

    assert error_of(body)["extensions"]["reason"] == "EXPIRED"


async def test_a_wrong_date_of_birth_counts_down_the_attempts(client, tokens, stack, another_person):
    code = await issue(client, tokens, another_person)
    token = fresh_leaver_token(stack)

    remaining = [error_of(await link(client, token, code, WRONG_BIRTHDAY))["extensions"]["attemptsRemaining"]
                 for _ in range(4)]

    assert remaining == [4, 3, 2, 1]
    assert await gql(client, token, "{ me { prisonerNumber } }") == {"data": {"me": None}}


async def test_an_unknown_code_is_refused_without_saying_why(client, stack, another_person):
    body = await link(client, fresh_leaver_token(stack), "ZZZZZZ", another_person.date_of_birth.isoformat())
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "code", "reason": "INVALID",
                                   "attemptsRemaining": 4}
    assert body["data"] is None


async def test_guessing_codes_that_do_not_exist_pauses_the_account_after_five(client, tokens, stack,
                                                                            another_person):
    token = fresh_leaver_token(stack)
    born = another_person.date_of_birth.isoformat()
    guesses = [error_of(await link(client, token, guess, born))["extensions"]
               for guess in ("ZZZZZA", "ZZZZZB", "ZZZZZC", "ZZZZZD", "ZZZZZE")]
    code = await issue(client, tokens, another_person)
    right = error_of(await link(client, token, code, born))

    assert [g.get("attemptsRemaining") for g in guesses[:4]] == [4, 3, 2, 1]
    assert guesses[4]["code"] == right["extensions"]["code"] == "CODE_LOCKED"
    assert await gql(client, token, "{ me { prisonerNumber } }") == {"data": {"me": None}}


async def test_five_wrong_attempts_lock_the_code_even_for_the_right_date_of_birth(client, tokens, stack,
                                                                                  another_person):
    code = await issue(client, tokens, another_person)
    token = fresh_leaver_token(stack)
    for _ in range(4):
        await link(client, token, code, WRONG_BIRTHDAY)

    fifth = error_of(await link(client, token, code, WRONG_BIRTHDAY))
    right = error_of(await link(client, token, code, another_person.date_of_birth.isoformat()))

    assert fifth["extensions"]["code"] == right["extensions"]["code"] == "CODE_LOCKED"
    locked_until = datetime.fromisoformat(right["extensions"]["lockedUntil"])
    assert timedelta(minutes=14) < locked_until - datetime.now(UTC) <= timedelta(minutes=15)


async def test_an_expired_code_is_refused(client, tokens, stack, seeded, another_person):
    code = await issue(client, tokens, another_person)
    database = Database(seeded.database_url)
    try:
        async with database.session() as session:
            await session.execute(update(FirstTimeCode).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
            await session.commit()
    finally:
        await database.dispose()

    body = await link(client, fresh_leaver_token(stack), code, another_person.date_of_birth.isoformat())

    assert error_of(body)["extensions"]["reason"] == "EXPIRED"


async def test_a_linked_leaver_cannot_link_again(client, tokens, another_person):
    code = await issue(client, tokens, another_person)

    body = await link(client, tokens["leaver"], code, another_person.date_of_birth.isoformat())

    assert error_of(body)["extensions"]["code"] == "CONFLICT"


async def test_only_leavers_may_link_and_only_prison_staff_may_issue(client, tokens, stack, another_person):
    # Each audience validates against its own contract: a field it can never use does not exist for it.
    for persona in ("prison-staff", "probation-staff", "integrator"):
        body = await link(client, tokens[persona], "ABCDEF", "1990-01-01")
        assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"], persona
    for persona, token in (("leaver", tokens["leaver"]), ("unlinked", fresh_leaver_token(stack)),
                           ("integrator", tokens["integrator"])):
        body = await gql(client, token, ISSUE, n=another_person.prisoner_number)
        assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"], persona
    # Probation staff share the staff contract but the policy gives them no write access to applications.
    body = await gql(client, tokens["probation-staff"], ISSUE, n=another_person.prisoner_number)
    assert codes(body) == ["FORBIDDEN"]


async def test_staff_may_issue_codes_only_inside_their_caseload(client, tokens, population):
    elsewhere = population.by_prison["LEI"][0]
    for number in (elsewhere.prisoner_number, "Z9999ZZ"):
        body = await gql(client, tokens["prison-staff"], ISSUE, n=number)
        assert error_of(body)["extensions"] == {"code": "NOT_FOUND", "field": "prisonerNumber"}
    body = await gql(client, tokens["prison-staff"], ISSUE, n="not-a-number")
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "prisonerNumber"}
