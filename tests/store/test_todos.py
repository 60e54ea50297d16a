"""The leaver's to-dos: create, list, update with a version, complete, delete, never across people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from sources.store import todos
from sources.store.db import Database
from sources.store.errors import NotFound, VersionConflict
from sources.store.models import TodoCreate, TodoUpdate
from tests.store.conftest import NOW

ME, SOMEONE_ELSE = "A1234BC", "B2345CD"


async def test_todo_lifecycle_is_scoped_to_the_person(database: Database) -> None:
    async with database.session() as session:
        bank = await todos.create_todo(session=session, prisoner_number=ME, now=NOW,
                                       todo=TodoCreate(title="Open a bank account", due_date=date(2026, 12, 10)))
        gp = await todos.create_todo(session=session, prisoner_number=ME, now=NOW,
                                     todo=TodoCreate(title="Register with a GP", due_date=date(2026, 12, 1)))
        await todos.create_todo(session=session, prisoner_number=SOMEONE_ELSE, todo=TodoCreate(title="Theirs"))
        await session.commit()
        assert bank.id is not None and gp.id is not None

        done = await todos.update_todo(session=session, prisoner_number=ME, todo_id=gp.id, expected_version=1,
                                       changes=TodoUpdate(completed=True, notes="Booked"),
                                       now=NOW + timedelta(days=1))
        await session.commit()
        assert (done.completed_at, done.notes, done.title, done.version) == (
            NOW + timedelta(days=1), "Booked", "Register with a GP", 2)

        mine = await todos.todos_for(session=session, prisoner_number=ME)
        assert [t.title for t in mine] == ["Open a bank account", "Register with a GP"]
        assert [t.title for t in await todos.todos_for(session=session, prisoner_number=ME,
                                                       include_completed=False)] == ["Open a bank account"]

        with pytest.raises(VersionConflict) as conflict:
            await todos.update_todo(session=session, prisoner_number=ME, todo_id=gp.id, expected_version=1,
                                    changes=TodoUpdate(title="Stale"))
        assert conflict.value.current.title == "Register with a GP"
        with pytest.raises(NotFound):
            await todos.update_todo(session=session, prisoner_number=SOMEONE_ELSE, todo_id=gp.id,
                                    expected_version=2, changes=TodoUpdate(title="Not yours"))
        with pytest.raises(NotFound):
            await todos.delete_todo(session=session, prisoner_number=SOMEONE_ELSE, todo_id=bank.id)

        await todos.delete_todo(session=session, prisoner_number=ME, todo_id=bank.id)
        await session.commit()
        assert [t.title for t in await todos.todos_for(session=session, prisoner_number=ME)] == ["Register with a GP"]
        assert await todos.todo(session=session, prisoner_number=ME, todo_id=bank.id) is None


def test_titles_are_required_and_at_most_200_characters() -> None:
    TodoCreate(title="x" * 200)
    for bad in ("", "x" * 201):
        with pytest.raises(ValidationError):
            TodoCreate(title=bad)
