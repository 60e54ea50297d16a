"""Repository functions for the leaver's own to-dos. Every call is scoped by prisoner number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.errors import NotFound, VersionConflict
from sources.store.models import TodoCreate, TodoItem, TodoUpdate, utc_now


async def create_todo(
    *, session: AsyncSession, prisoner_number: str, todo: TodoCreate, now: datetime | None = None
) -> TodoItem:
    now = now or utc_now()
    row = TodoItem(**todo.model_dump(), prisoner_number=prisoner_number, created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    return row


async def todos_for(*, session: AsyncSession, prisoner_number: str, include_completed: bool = True) -> list[TodoItem]:
    """A person's to-dos: open ones first, then by due date (undated last), then oldest first."""
    query = select(TodoItem).where(TodoItem.prisoner_number == prisoner_number)
    if not include_completed:
        query = query.where(col(TodoItem.completed_at).is_(None))
    query = query.order_by(col(TodoItem.completed_at).is_not(None), col(TodoItem.due_date).is_(None),
                           col(TodoItem.due_date), col(TodoItem.created_at), col(TodoItem.id))
    return list((await session.execute(query.execution_options(populate_existing=True))).scalars())


async def todo(*, session: AsyncSession, prisoner_number: str, todo_id: int) -> TodoItem | None:
    rows = await session.execute(
        select(TodoItem).where(TodoItem.id == todo_id, TodoItem.prisoner_number == prisoner_number)
        .execution_options(populate_existing=True))
    return rows.scalar_one_or_none()


async def update_todo(
    *, session: AsyncSession, prisoner_number: str, todo_id: int, expected_version: int, changes: TodoUpdate,
    now: datetime | None = None,
) -> TodoItem:
    """Apply the set fields of `changes` if the to-do is still at `expected_version`."""
    now = now or utc_now()
    values: dict[str, Any] = changes.model_dump(exclude_unset=True, exclude={"completed"})
    if changes.completed is not None:
        values["completed_at"] = now if changes.completed else None
    done = await session.execute(
        update(TodoItem)
        .where(col(TodoItem.id) == todo_id, col(TodoItem.prisoner_number) == prisoner_number,
               col(TodoItem.version) == expected_version)
        .values(version=TodoItem.version + 1, updated_at=now, **values)
        .returning(col(TodoItem.id)))
    changed = done.scalar_one_or_none()
    current = await todo(session=session, prisoner_number=prisoner_number, todo_id=todo_id)
    if current is None:
        raise NotFound(f"no such to-do for {prisoner_number}")
    if changed is None:
        raise VersionConflict(current)
    return current


async def delete_todo(*, session: AsyncSession, prisoner_number: str, todo_id: int) -> None:
    """Delete a to-do; NotFound if it is not this person's."""
    deleted = await session.execute(
        delete(TodoItem).where(col(TodoItem.id) == todo_id, col(TodoItem.prisoner_number) == prisoner_number)
        .returning(col(TodoItem.id)))
    if deleted.scalar_one_or_none() is None:
        raise NotFound(f"no such to-do for {prisoner_number}")
    await session.flush()
