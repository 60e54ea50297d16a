"""First-time codes as a leaver meets them: right code, wrong date of birth, lockout, expiry, single use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sources.store import first_time_codes as codes
from sources.store.db import Database
from sources.store.errors import CodeExpired, CodeInvalid, CodeLocked, CodeUsed
from sources.store.models import FirstTimeCode
from tests.store.conftest import NOW

KEY = b"test-key-for-first-time-codes"
PERSON = "A1234BC"
BORN = date(1990, 5, 17)


async def _issue(database: Database, person: str = PERSON, at: timedelta = timedelta(0)) -> str:
    async with database.session() as session:
        code = await codes.issue_code(session=session, prisoner_number=person, date_of_birth=BORN, now=NOW + at,
                                      key=KEY)
        await session.commit()
        return code


async def _redeem(database: Database, code: str, born: date = BORN, after: timedelta = timedelta(0)) -> str:
    async with database.session() as session:
        number = await codes.redeem_code(session=session, code=code, date_of_birth=born, now=NOW + after, key=KEY)
        await session.commit()
        return number


async def test_right_code_and_date_of_birth_give_the_prisoner_number_once(database: Database) -> None:
    code = await _issue(database)
    assert len(code) == 6 and set(code) <= set(codes.ALPHABET)

    assert await _redeem(database, f" {code[:3].lower()}-{code[3:]} ", after=timedelta(days=6)) == PERSON
    with pytest.raises(CodeUsed):
        await _redeem(database, code, after=timedelta(days=6, minutes=1))


async def test_the_plain_code_is_not_stored(database: Database) -> None:
    code = await _issue(database)
    async with database.session() as session:
        [row] = (await session.execute(FirstTimeCode.__table__.select())).all()  # type: ignore[attr-defined]
    assert code not in [str(value) for value in row]
    assert row.code_hash != codes.hash_code(code, key=b"another key")


async def test_unknown_or_malformed_codes_are_invalid(database: Database) -> None:
    await _issue(database)
    for wrong in ("ZZZZZZ", "O0I1", ""):
        with pytest.raises(CodeInvalid) as invalid:
            await _redeem(database, wrong)
        assert invalid.value.attempts_remaining is None


async def test_wrong_date_of_birth_counts_attempts_and_five_lock_the_code(database: Database) -> None:
    code = await _issue(database)
    for remaining in (4, 3, 2, 1):
        with pytest.raises(CodeInvalid) as invalid:
            await _redeem(database, code, born=date(1991, 5, 17))
        assert invalid.value.attempts_remaining == remaining

    with pytest.raises(CodeLocked) as locked:
        await _redeem(database, code, born=date(1991, 5, 17))
    assert locked.value.until == NOW + codes.LOCKED_FOR
    with pytest.raises(CodeLocked):
        await _redeem(database, code, after=timedelta(minutes=14))

    assert await _redeem(database, code, after=timedelta(minutes=15)) == PERSON


async def test_codes_expire_after_seven_days(database: Database) -> None:
    code = await _issue(database)
    with pytest.raises(CodeExpired):
        await _redeem(database, code, after=codes.VALID_FOR)


async def test_a_new_code_replaces_the_persons_earlier_code(database: Database) -> None:
    old = await _issue(database)
    new = await _issue(database, at=timedelta(hours=1))
    other = await _issue(database, person="B2345CD", at=timedelta(hours=1))

    with pytest.raises(CodeExpired):
        await _redeem(database, old, after=timedelta(hours=2))
    assert await _redeem(database, new, after=timedelta(hours=2)) == PERSON
    assert await _redeem(database, other, after=timedelta(hours=2)) == "B2345CD"
