"""First-time ID codes: prison staff issue one before release; the leaver redeems it, with their date of
birth, to link their GOV.UK One Login account to their prison record. Works once per account."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError

from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.leaver import CodeLocked, CodeRejected
from resolvers.person import visible_prisoner
from sources.nomis.models import Prisoner
from sources.store import errors as store
from sources.store.first_time_codes import LOCKED_FOR, MAX_ATTEMPTS, VALID_FOR, issue_code, redeem_code
from sources.store.leavers import link_account

ALREADY_LINKED = "This account is already linked to a prison record."


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Linked:
    prisoner_number: str
    linked_at: datetime


async def issue(ctx: RequestContext, raw_prisoner_number: str) -> IssuedCode:
    """A new code bound to the person's NOMIS date of birth; any earlier unused code stops working."""
    prisoner = await visible_prisoner(ctx, raw_prisoner_number)
    if prisoner is None:
        raise NotFound("No such person.", field="prisonerNumber")
    born = _date_of_birth(prisoner)
    now = datetime.now(UTC)
    async with ctx.sources.database.session() as session:
        code = await issue_code(session=session, prisoner_number=prisoner.prisoner_number, date_of_birth=born,
                                now=now, key=_key(ctx))
        await session.commit()
    return IssuedCode(code=code, expires_at=now + VALID_FOR)


async def link(ctx: RequestContext, *, code: str, date_of_birth: date) -> Linked:
    """Link the signed-in One Login account to the person the code was issued for."""
    principal = ctx.principal
    if principal.prisoner_number is not None:
        raise Conflict(ALREADY_LINKED)
    now = datetime.now(UTC)
    attempts = SubjectAttempts(ctx, principal.subject)
    await attempts.refuse_if_locked(now)
    async with ctx.sources.database.session() as session:
        try:
            number = await redeem_code(session=session, code=code, date_of_birth=date_of_birth, now=now,
                                       key=_key(ctx))
        except store.CodeInvalid as e:
            left = await attempts.failed(now)
            remaining = left if e.attempts_remaining is None else min(left, e.attempts_remaining)
            raise CodeRejected(_invalid_message(remaining), reason="INVALID", attempts_remaining=remaining) from None
        except store.CodeExpired:
            raise CodeRejected("This code has expired. Ask for a new one.", reason="EXPIRED") from None
        except store.CodeUsed:
            raise CodeRejected("This code has already been used. Ask for a new one.", reason="USED") from None
        except store.CodeLocked as e:
            raise CodeLocked(e.until) from None
        try:
            account = await link_account(session=session, subject=principal.subject, prisoner_number=number)
            await session.commit()
        except IntegrityError:  # the same account linked in a concurrent request; this code stays unused
            raise Conflict(ALREADY_LINKED) from None
    return Linked(prisoner_number=number, linked_at=account.linked_at)


def _invalid_message(attempts_remaining: int | None) -> str:
    if attempts_remaining is None:
        return "The code or date of birth is not right. Check them and try again."
    return (f"The code or date of birth is not right. You have {attempts_remaining} of {MAX_ATTEMPTS} attempts "
            f"left before this code is paused for {LOCKED_FOR.seconds // 60} minutes.")


def _date_of_birth(prisoner: Prisoner) -> date:
    if prisoner.date_of_birth is None:
        raise BadUserInput("NOMIS holds no date of birth for this person, so a code cannot be issued.",
                           field="prisonerNumber")
    return prisoner.date_of_birth


def _key(ctx: RequestContext) -> bytes:
    if not ctx.first_time_code_key:
        raise RuntimeError("first_time_code_key is missing from the request context")
    return ctx.first_time_code_key


class SubjectAttempts:
    """Wrong attempts by one One Login account, whatever code it tried (a code that does not exist included).

    Kept in the shared cache (Redis when configured), so every replica counts them; after MAX_ATTEMPTS the
    account is paused for LOCKED_FOR. The key is a hash: the cache never holds a leaver's subject.
    """

    KIND = "link_attempts"

    def __init__(self, ctx: RequestContext, subject: str) -> None:
        self.cache = ctx.sources.cache
        self.key = hashlib.sha256(subject.encode()).hexdigest()

    async def refuse_if_locked(self, now: datetime) -> None:
        state = await self.cache.get(self.KIND, self.key) or {}
        until = state.get("locked_until")
        if until and datetime.fromisoformat(until) > now:
            raise CodeLocked(datetime.fromisoformat(until))

    async def failed(self, now: datetime) -> int:
        """Count a wrong attempt; returns how many are left (0 means now paused)."""
        state = await self.cache.get(self.KIND, self.key) or {}
        failures = int(state.get("failures", 0)) + 1
        locked_until = (now + LOCKED_FOR).isoformat() if failures >= MAX_ATTEMPTS else None
        await self.cache.set(self.KIND, self.key, {"failures": failures, "locked_until": locked_until},
                             ttl=LOCKED_FOR.total_seconds())
        if locked_until:
            raise CodeLocked(now + LOCKED_FOR)
        return MAX_ATTEMPTS - failures
