"""First-time ID codes: a one-time code, with the date of birth, links a One Login account to a prisoner.

Only an HMAC of the code is stored, keyed by a server secret, so a copy of the database does not reveal
live codes and a code can still be found by its hash. A code is valid for 7 days, is used once, and is
locked for 15 minutes after 5 wrong attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.errors import CodeExpired, CodeInvalid, CodeLocked, CodeUsed
from sources.store.models import FirstTimeCode

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
VALID_FOR = timedelta(days=7)
MAX_ATTEMPTS = 5
LOCKED_FOR = timedelta(minutes=15)


def hash_code(code: str, *, key: bytes) -> str:
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def normalise(code: str) -> str:
    """Upper case, without the spaces and hyphens people type between groups."""
    return "".join(code.split()).replace("-", "").upper()


async def issue_code(
    *, session: AsyncSession, prisoner_number: str, date_of_birth: date, now: datetime, key: bytes
) -> str:
    """A new code for this person; any earlier unused code of theirs stops working. Flushes; caller commits."""
    await session.execute(
        update(FirstTimeCode)
        .where(col(FirstTimeCode.prisoner_number) == prisoner_number, col(FirstTimeCode.used_at).is_(None),
               col(FirstTimeCode.expires_at) > now)
        .values(expires_at=now))
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if await _find(session, hash_code(code, key=key)) is None:
            break
    session.add(FirstTimeCode(prisoner_number=prisoner_number, code_hash=hash_code(code, key=key),
                              date_of_birth=date_of_birth, created_at=now, expires_at=now + VALID_FOR))
    await session.flush()
    return code


async def redeem_code(
    *, session: AsyncSession, code: str, date_of_birth: date, now: datetime, key: bytes
) -> str:
    """Use the code and return its prisoner number, or raise CodeInvalid, CodeExpired, CodeUsed, CodeLocked.

    A wrong date of birth counts an attempt, and the count is committed before the error is raised, so a
    caller's rollback cannot undo it. On success the code is marked used (flushed; the caller commits with
    the account link).
    """
    normalised = normalise(code)
    if len(normalised) != CODE_LENGTH or any(c not in ALPHABET for c in normalised):
        raise CodeInvalid()
    row = await _find(session, hash_code(normalised, key=key))
    if row is None:
        raise CodeInvalid()
    if row.used_at is not None:
        raise CodeUsed("this code has already been used")
    if row.locked_until is not None and row.locked_until > now:
        raise CodeLocked(row.locked_until)
    if row.expires_at <= now:
        raise CodeExpired("this code has expired; ask for a new one")
    if row.date_of_birth != date_of_birth:
        await _count_wrong_attempt(session, row, now)
    used = await session.execute(
        update(FirstTimeCode)
        .where(col(FirstTimeCode.id) == row.id, col(FirstTimeCode.used_at).is_(None))
        .values(used_at=now, attempts=0)
        .returning(col(FirstTimeCode.id)))
    if used.scalar_one_or_none() is None:
        raise CodeUsed("this code has already been used")
    await session.flush()
    return row.prisoner_number


async def _count_wrong_attempt(session: AsyncSession, row: FirstTimeCode, now: datetime) -> None:
    counted = await session.execute(
        update(FirstTimeCode).where(col(FirstTimeCode.id) == row.id)
        .values(attempts=FirstTimeCode.attempts + 1).returning(col(FirstTimeCode.attempts)))
    attempts = counted.scalar_one()
    if attempts >= MAX_ATTEMPTS:
        until = now + LOCKED_FOR
        await session.execute(
            update(FirstTimeCode).where(col(FirstTimeCode.id) == row.id).values(attempts=0, locked_until=until))
        await session.commit()
        raise CodeLocked(until)
    await session.commit()
    raise CodeInvalid(attempts_remaining=MAX_ATTEMPTS - attempts)


async def _find(session: AsyncSession, code_hash: str) -> FirstTimeCode | None:
    rows = await session.execute(
        select(FirstTimeCode).where(FirstTimeCode.code_hash == code_hash)
        .order_by(col(FirstTimeCode.created_at).desc(), col(FirstTimeCode.id).desc()).limit(1)
        .execution_options(populate_existing=True))
    return rows.scalar_one_or_none()
