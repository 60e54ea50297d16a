"""Repository functions for case allocation: who is the resettlement worker for each person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.models import CaseAllocation, utc_now


@dataclass(frozen=True, slots=True)
class Worker:
    """A member of staff who can be allocated people (ids come from HMPPS Auth / NOMIS)."""

    staff_id: str
    username: str
    name: str


async def allocations_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, CaseAllocation]:
    """The active allocation of each person who has one, in one query. Unallocated people are absent."""
    if not prisoner_numbers:
        return {}
    rows = await session.execute(
        select(CaseAllocation)
        .where(col(CaseAllocation.prisoner_number).in_(list(prisoner_numbers)), _active())
        .execution_options(populate_existing=True))
    return {row.prisoner_number: row for row in rows.scalars()}


async def prisoner_numbers_allocated_to(*, session: AsyncSession, staff_id: str) -> list[str]:
    """Everyone currently allocated to this worker."""
    rows = await session.execute(
        select(CaseAllocation.prisoner_number).where(CaseAllocation.staff_id == staff_id, _active())
        .order_by(col(CaseAllocation.prisoner_number)))
    return list(rows.scalars())


async def allocation_history(*, session: AsyncSession, prisoner_number: str) -> list[CaseAllocation]:
    """Every allocation a person has had, newest first."""
    rows = await session.execute(
        select(CaseAllocation).where(CaseAllocation.prisoner_number == prisoner_number)
        .order_by(col(CaseAllocation.allocated_at).desc(), col(CaseAllocation.id).desc()))
    return list(rows.scalars())


async def assign(
    *, session: AsyncSession, prisoner_numbers: Sequence[str], worker: Worker, by: str, now: datetime | None = None
) -> dict[str, CaseAllocation]:
    """Allocate one or many people to `worker`, ending any other active allocation they had.

    People already allocated to this worker keep their allocation unchanged. Flushes; the caller commits.
    """
    now = now or utc_now()
    numbers = sorted(set(prisoner_numbers))
    existing = await allocations_by_prisoner_numbers(session=session, prisoner_numbers=numbers)
    moving = [number for number in numbers
              if number in existing and existing[number].staff_id != worker.staff_id]
    await _end(session, moving, by=by, now=now)
    result = {number: existing[number] for number in numbers if number in existing and number not in moving}
    for number in numbers:
        if number not in result:
            result[number] = CaseAllocation(
                prisoner_number=number, staff_id=worker.staff_id, staff_username=worker.username,
                staff_name=worker.name, allocated_at=now, allocated_by=by)
            session.add(result[number])
    await session.flush()
    return result


async def unassign(
    *, session: AsyncSession, prisoner_numbers: Sequence[str], by: str, now: datetime | None = None
) -> int:
    """End the active allocation of each of these people. Returns how many allocations were ended."""
    return await _end(session, sorted(set(prisoner_numbers)), by=by, now=now or utc_now())


async def _end(session: AsyncSession, prisoner_numbers: Sequence[str], *, by: str, now: datetime) -> int:
    if not prisoner_numbers:
        return 0
    ended = await session.execute(
        update(CaseAllocation)
        .where(col(CaseAllocation.prisoner_number).in_(list(prisoner_numbers)), _active())
        .values(unallocated_at=now, unallocated_by=by)
        .returning(col(CaseAllocation.id)))
    count = len(ended.all())
    await session.flush()
    return count


def _active() -> ColumnElement[bool]:
    return col(CaseAllocation.unallocated_at).is_(None)
