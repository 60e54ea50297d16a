"""The leaver's own plan: who they are, their to-dos, and the licence conditions they confirmed reading.

Every function here acts on the principal's own prisoner number and nobody else's; there is no argument
that names a person.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from auth.principal import Audience
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, CodedError, Conflict, Forbidden, NotFound
from sources.licences.models import Licence
from sources.store import licence_seen, todos
from sources.store.errors import NotFound as StoreNotFound
from sources.store.errors import VersionConflict
from sources.store.models import LicenceSeen, TodoCreate, TodoItem, TodoUpdate

TITLE_MAX = 200
NOTES_MAX = 2000


class CodeRejected(BadUserInput):
    """A first-time code that cannot link: `reason` is INVALID, EXPIRED or USED."""

    def __init__(self, message: str, *, reason: str, attempts_remaining: int | None = None) -> None:
        super().__init__(message, field="code")
        self.extensions.update(reason=reason, attemptsRemaining=attempts_remaining)


class CodeLocked(CodedError):
    """Too many wrong attempts at one code; `lockedUntil` says when the person may try again."""

    code = "CODE_LOCKED"

    def __init__(self, until: datetime) -> None:
        super().__init__("Too many wrong attempts. Try again later.", lockedUntil=until.isoformat())


class NotLinked(Forbidden):
    def __init__(self) -> None:
        super().__init__("Link your account with your first-time code first.", reason="NOT_LINKED")


def linked_prisoner_number(ctx: RequestContext) -> str | None:
    """The leaver's own prisoner number; None for anyone else and for a leaver not linked yet."""
    principal = ctx.principal
    return principal.prisoner_number if principal.audience is Audience.LEAVER else None


def own_prisoner_number(ctx: RequestContext) -> str:
    number = linked_prisoner_number(ctx)
    if number is None:
        raise NotLinked()
    return number


# --- To-dos ---------------------------------------------------------------------------------------------

async def todos_of(ctx: RequestContext, prisoner_number: str, *, include_completed: bool) -> list[TodoItem]:
    async with ctx.sources.database.session() as session:
        return await todos.todos_for(session=session, prisoner_number=prisoner_number,
                                     include_completed=include_completed)


async def add_todo(ctx: RequestContext, *, title: str, notes: str | None, due_date: date | None) -> TodoItem:
    number = own_prisoner_number(ctx)
    new = TodoCreate(title=_title(title), notes=_notes(notes), due_date=due_date)
    async with ctx.sources.database.session() as session:
        row = await todos.create_todo(session=session, prisoner_number=number, todo=new)
        await session.commit()
    return row


async def update_todo(ctx: RequestContext, *, todo_id: str, expected_version: int,
                      changes: dict[str, Any]) -> TodoItem:
    """Apply `changes` (only the keys the caller sent); CONFLICT when `expected_version` is stale."""
    number = own_prisoner_number(ctx)
    if "title" in changes:
        if changes["title"] is None:
            raise BadUserInput("title cannot be removed", field="title")
        changes["title"] = _title(changes["title"])
    if "notes" in changes:
        changes["notes"] = _notes(changes["notes"])
    async with ctx.sources.database.session() as session:
        try:
            row = await todos.update_todo(session=session, prisoner_number=number, todo_id=_todo_id(todo_id),
                                          expected_version=expected_version, changes=TodoUpdate(**changes))
        except StoreNotFound:
            raise NotFound("No such to-do.", field="id") from None
        except VersionConflict as conflict:
            current = conflict.current
            raise Conflict("The to-do was changed elsewhere; reload it and try again.",
                           currentVersion=None if current is None else current.version) from None
        await session.commit()
    return row


async def delete_todo(ctx: RequestContext, todo_id: str) -> None:
    number = own_prisoner_number(ctx)
    async with ctx.sources.database.session() as session:
        try:
            await todos.delete_todo(session=session, prisoner_number=number, todo_id=_todo_id(todo_id))
        except StoreNotFound:
            raise NotFound("No such to-do.", field="id") from None
        await session.commit()


def _todo_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound("No such to-do.", field="id")  # an id we never issued is simply not there
    return int(raw)


def _title(value: str) -> str:
    cleaned = value.strip()
    if not 1 <= len(cleaned) <= TITLE_MAX:
        raise BadUserInput(f"title must be 1 to {TITLE_MAX} characters", field="title")
    return cleaned


def _notes(value: str | None) -> str | None:
    if value is not None and len(value) > NOTES_MAX:
        raise BadUserInput(f"notes must be at most {NOTES_MAX} characters", field="notes")
    return None if value is None else value.strip() or None


# --- Licence conditions seen ----------------------------------------------------------------------------

async def current_licence(ctx: RequestContext, prisoner_number: str) -> Licence | None:
    """The person's current CVL licence with its conditions and version, or None when they have none.

    Read from CVL itself, not the hour-long licence cache: the version confirmed must be the current one.
    """
    summary = await ctx.loaders.licence_summary_by_prisoner_number.load(prisoner_number)
    return None if summary is None else await ctx.sources.licences.get_licence(summary.licence_id)


async def seen_by(ctx: RequestContext, prisoner_number: str) -> LicenceSeen | None:
    async with ctx.sources.database.session() as session:
        seen = await licence_seen.seen_by_prisoner_numbers(session=session, prisoner_numbers=[prisoner_number])
    return seen.get(prisoner_number)


async def conditions_changed_since_seen(ctx: RequestContext, prisoner_number: str) -> bool:
    """True when there is a licence whose id or version differs from the last one confirmed (or none was)."""
    licence = await current_licence(ctx, prisoner_number)
    if licence is None:
        return False
    seen = await seen_by(ctx, prisoner_number)
    return seen is None or (seen.licence_id, seen.licence_version) != (licence.id, licence.version or "")


async def confirm_licence_seen(ctx: RequestContext, *, licence_id: str, version: str) -> LicenceSeen:
    """Record that the leaver read this version of their current licence; refused for any other."""
    number = own_prisoner_number(ctx)
    licence = await current_licence(ctx, number)
    if licence is None or str(licence.id) != licence_id.strip():
        raise BadUserInput("This is not your current licence.", field="licenceId")
    if (licence.version or "") != version.strip():
        stale = BadUserInput("These are not the current conditions of your licence; reload them and read again.",
                             field="version")
        stale.extensions["currentVersion"] = licence.version
        raise stale
    async with ctx.sources.database.session() as session:
        row = await licence_seen.confirm_seen(session=session, prisoner_number=number, licence_id=licence.id,
                                              licence_version=licence.version or "",
                                              now=datetime.now(UTC))
        await session.commit()
    return row
