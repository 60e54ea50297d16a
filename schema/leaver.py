"""Plan Your Future: the leaver's own view (`me`, `myPlan`), their changes, and the staff code that links them.

The leaver's own writes are guarded by the TO-DOS write grant, which only the leaver audience holds; the
resolvers then act on the principal's own prisoner number and never on one named in the request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from auth.policy import Access, FieldGroup
from resolvers import first_time_codes, leaver
from resolvers.person import visible_prisoner
from schema.context import Info
from schema.permissions import Public, requires
from schema.types.person import Person
from sources.store.models import LicenceSeen as LicenceSeenRow
from sources.store.models import TodoItem

_TODOS = requires(FieldGroup.TODOS)
_LEAVER_WRITES = requires(FieldGroup.TODOS, Access.WRITE)
_LICENCE = requires(FieldGroup.LICENCE)
# Issuing a code is part of getting someone ready for release: the ID-and-applications write grant, which
# prison staff hold (with the edit role) and probation staff do not.
_ISSUE_CODES = requires(FieldGroup.APPLICATIONS, Access.WRITE)


@strawberry.type(description="One item on a prison leaver's own to-do list.")
class Todo:
    id: strawberry.ID = strawberry.field(description="Opaque id of the to-do.", extensions=_TODOS)
    title: str = strawberry.field(description="What to do, 1 to 200 characters.", extensions=_TODOS)
    notes: str | None = strawberry.field(description="Notes, up to 2000 characters.", extensions=_TODOS)
    due_date: dt.date | None = strawberry.field(description="When it is due, if the leaver set a date.",
                                                extensions=_TODOS)
    completed: bool = strawberry.field(description="True once the leaver ticked it off.", extensions=_TODOS)
    completed_at: dt.datetime | None = strawberry.field(description="When it was ticked off (UTC).",
                                                        extensions=_TODOS)
    version: int = strawberry.field(
        description="Optimistic-concurrency version; send it back as expectedVersion when you change the to-do.",
        extensions=_TODOS)

    @classmethod
    def from_model(cls, row: TodoItem) -> Todo:
        return cls(id=strawberry.ID(str(row.id)), title=row.title, notes=row.notes, due_date=row.due_date,
                   completed=row.completed_at is not None, completed_at=row.completed_at, version=row.version)


@strawberry.type(description="The licence conditions a prison leaver last confirmed reading.")
class LicenceSeen:
    licence_id: strawberry.ID = strawberry.field(description="CVL licence id.", extensions=_LICENCE)
    version: str | None = strawberry.field(description="CVL version of the conditions, e.g. 1.1.",
                                           extensions=_LICENCE)
    seen_at: dt.datetime = strawberry.field(description="When the leaver confirmed (UTC).", extensions=_LICENCE)

    @classmethod
    def from_model(cls, row: LicenceSeenRow) -> LicenceSeen:
        return cls(licence_id=strawberry.ID(str(row.licence_id)), version=row.licence_version or None,
                   seen_at=row.seen_at)


@strawberry.type(description="A prison leaver's own plan: their to-dos and whether their licence changed.")
class MyPlan:
    prisoner_number: strawberry.Private[str]

    @strawberry.field(description="The to-dos: open ones first, then by due date, then oldest first.",
                      extensions=_TODOS)
    async def todos(self, info: Info, include_completed: bool = True) -> list[Todo]:
        rows = await leaver.todos_of(info.context, self.prisoner_number, include_completed=include_completed)
        return [Todo.from_model(row) for row in rows]

    @strawberry.field(description="The licence conditions last confirmed as read; null when never confirmed.",
                      extensions=_LICENCE)
    async def licence_seen(self, info: Info) -> LicenceSeen | None:
        seen = await leaver.seen_by(info.context, self.prisoner_number)
        return None if seen is None else LicenceSeen.from_model(seen)

    @strawberry.field(description="True when the current licence (or its version) differs from the one last "
                      "confirmed as read, or none was confirmed yet; false when there is no licence. Null when "
                      "CVL is unavailable.", extensions=_LICENCE)
    async def licence_conditions_changed_since_seen(self, info: Info) -> bool | None:
        return await leaver.conditions_changed_since_seen(info.context, self.prisoner_number)


@strawberry.type(description="The outcome of linking a GOV.UK One Login account to a prison record.")
class LinkResult:
    linked_at: dt.datetime = strawberry.field(description="When the account was linked (UTC).",
                                              extensions=requires(FieldGroup.IDENTITY))
    person: Person | None = strawberry.field(
        description="The linked person, as `me` will show them from now on; null when NOMIS is unavailable.",
        extensions=requires(FieldGroup.IDENTITY))


@strawberry.type(description="A first-time ID code to give to a person leaving prison, with its expiry.")
class FirstTimeCode:
    code: str = strawberry.field(description="Six characters; shown once and never again.", extensions=_ISSUE_CODES)
    expires_at: dt.datetime = strawberry.field(description="When the code stops working (UTC), 7 days on.",
                                               extensions=_ISSUE_CODES)


@strawberry.type(description="A prison leaver's own view.")
class LeaverQueries:
    @strawberry.field(description="The signed-in prison leaver, limited to what a leaver may see. Null for "
                      "anyone else, and for a leaver whose account is not linked yet.", extensions=[Public()])
    async def me(self, info: Info) -> Person | None:
        number = leaver.linked_prisoner_number(info.context)
        prisoner = None if number is None else await visible_prisoner(info.context, number)
        return None if prisoner is None else Person(prisoner=prisoner)

    @strawberry.field(description="The signed-in leaver's own plan; null while the account is not linked.",
                      extensions=_TODOS)
    def my_plan(self, info: Info) -> MyPlan | None:
        number = leaver.linked_prisoner_number(info.context)
        return None if number is None else MyPlan(prisoner_number=number)


@strawberry.type(description="Changes a prison leaver makes to their own account and plan.")
class LeaverMutations:
    @strawberry.mutation(description="Link the signed-in One Login account to a prison record, once, with the "
                         "first-time code from prison staff and the date of birth. Wrong attempts are counted: "
                         "BAD_USER_INPUT (field code; reason INVALID, EXPIRED or USED; attemptsRemaining), then "
                         "CODE_LOCKED with lockedUntil. CONFLICT when the account is already linked.",
                         extensions=_LEAVER_WRITES)
    async def link_account(self, info: Info, code: str, date_of_birth: dt.date) -> LinkResult:
        linked = await first_time_codes.link(info.context, code=code, date_of_birth=date_of_birth)
        prisoner = await info.context.loaders.prisoner_by_number.load(linked.prisoner_number)
        return LinkResult(linked_at=linked.linked_at, person=None if prisoner is None else Person(prisoner=prisoner))

    @strawberry.mutation(description="Add a to-do.", extensions=_LEAVER_WRITES)
    async def add_todo(self, info: Info, title: str, notes: str | None = None,
                       due_date: dt.date | None = None) -> Todo:
        row = await leaver.add_todo(info.context, title=title, notes=notes, due_date=due_date)
        return Todo.from_model(row)

    @strawberry.mutation(description="Change a to-do. Omitted arguments are left alone; a null notes or dueDate "
                         "clears it. CONFLICT when expectedVersion is stale.", extensions=_LEAVER_WRITES)
    async def update_todo(
        self, info: Info, id: strawberry.ID, expected_version: int, title: str | None = strawberry.UNSET,
        notes: str | None = strawberry.UNSET, due_date: dt.date | None = strawberry.UNSET,
        completed: bool | None = strawberry.UNSET,
    ) -> Todo:
        sent = {"title": title, "notes": notes, "due_date": due_date, "completed": completed}
        changes: dict[str, Any] = {k: v for k, v in sent.items() if v is not strawberry.UNSET}
        row = await leaver.update_todo(info.context, todo_id=str(id), expected_version=expected_version,
                                       changes=changes)
        return Todo.from_model(row)

    @strawberry.mutation(description="Delete a to-do; returns its id.", extensions=_LEAVER_WRITES)
    async def delete_todo(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        await leaver.delete_todo(info.context, str(id))
        return id

    @strawberry.mutation(description="Confirm having read this version of the current licence's conditions. "
                         "BAD_USER_INPUT when the licence is not the leaver's current one or the version is not "
                         "the current version.", extensions=_LEAVER_WRITES)
    async def confirm_licence_seen(self, info: Info, licence_id: strawberry.ID, version: str) -> LicenceSeen:
        row = await leaver.confirm_licence_seen(info.context, licence_id=str(licence_id), version=version)
        return LicenceSeen.from_model(row)


@strawberry.type(description="Staff actions that let a person leaving prison start using Plan Your Future.")
class FirstTimeCodeMutations:
    @strawberry.mutation(description="Issue a first-time ID code for a person in your caseload, bound to their "
                         "NOMIS date of birth. Any earlier unused code of theirs stops working. NOT_FOUND when the "
                         "person does not exist or is outside your scope.", extensions=_ISSUE_CODES)
    async def issue_first_time_code(self, info: Info, prisoner_number: strawberry.ID) -> FirstTimeCode:
        issued = await first_time_codes.issue(info.context, str(prisoner_number))
        return FirstTimeCode(code=issued.code, expires_at=issued.expires_at)
