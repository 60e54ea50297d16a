"""What every write shares: the caller may write this field group, and may see this person."""

from __future__ import annotations

from datetime import UTC, date, datetime

from auth.policy import Access, FieldGroup, may
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, Forbidden, NotFound
from resolvers.person import visible_prisoner
from sources.nomis.models import Prisoner


def require_write(ctx: RequestContext, group: FieldGroup) -> None:
    if not may(ctx.principal, group, Access.WRITE):
        raise Forbidden(f"not permitted to change {group.value}", group=group.value)


async def writable_prisoner(ctx: RequestContext, prisoner_number: str, group: FieldGroup) -> Prisoner:
    """The person, when the caller may change this field group for them. Out of scope is NOT_FOUND."""
    require_write(ctx, group)
    prisoner = await visible_prisoner(ctx, prisoner_number)
    if prisoner is None:
        raise NotFound("no such person", field="prisonerNumber")
    return prisoner


def text(value: str | None, *, field: str, maximum: int, required: bool = True) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BadUserInput(f"{field} must not be empty", field=field)
        return None
    if len(cleaned) > maximum:
        raise BadUserInput(f"{field} must be at most {maximum} characters", field=field)
    return cleaned


def not_in_future(value: date, *, field: str) -> date:
    if value > datetime.now(UTC).date():
        raise BadUserInput(f"{field} must not be in the future", field=field)
    return value


def in_future(value: datetime, *, field: str) -> datetime:
    if value.tzinfo is None:
        raise BadUserInput(f"{field} needs a time-zone offset, e.g. 2027-01-31T10:00:00+00:00", field=field)
    if value <= datetime.now(UTC):
        raise BadUserInput(f"{field} must be in the future", field=field)
    return value


def author(ctx: RequestContext) -> str:
    return ctx.principal.log_name
