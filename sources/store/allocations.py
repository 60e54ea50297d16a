"""Repository functions for case allocation: who is the resettlement worker for each person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, update
from sqlalchemy import select as sql_select  # five columns: more than sqlmodel's select() overloads take
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col, select

from sources.store.models import CaseAllocation, PrisonPopulation, utc_now


@dataclass(frozen=True, slots=True)
class Worker:
    """A member of staff who can be allocated people (ids come from HMPPS Auth / NOMIS)."""

    staff_id: str
    username: str
    name: str


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    """A worker and how many people in one prison they are assigned now (their capacity in use)."""

    worker: Worker
    assigned: int


async def workers_in_prison(*, session: AsyncSession, prison_id: str) -> list[WorkerLoad]:
    """Everyone who holds, or has held, an allocation for someone now in the prison, by name.

    There is no staff directory to ask, so the prison's workers are those our allocations know. A worker
    whose people have all moved on stays listed with 0, so their spare capacity shows. Names and usernames
    come from the worker's latest allocation, in case either changed.
    """
    active = func.sum(case((col(CaseAllocation.unallocated_at).is_(None), 1), else_=0))
    rows = await session.execute(
        sql_select(col(CaseAllocation.staff_id), col(CaseAllocation.staff_username), col(CaseAllocation.staff_name),
                   func.max(CaseAllocation.allocated_at), active)
        .join(PrisonPopulation, col(PrisonPopulation.prisoner_number) == CaseAllocation.prisoner_number)
        .where(col(PrisonPopulation.prison_id) == prison_id)
        .group_by(col(CaseAllocation.staff_id), col(CaseAllocation.staff_username), col(CaseAllocation.staff_name)))
    latest: dict[str, tuple[datetime, Worker]] = {}
    counts: dict[str, int] = {}
    for staff_id, username, name, allocated_at, assigned in rows.all():
        counts[staff_id] = counts.get(staff_id, 0) + int(assigned or 0)
        if staff_id not in latest or allocated_at > latest[staff_id][0]:
            latest[staff_id] = (allocated_at, Worker(staff_id=staff_id, username=username, name=name))
    loads = [WorkerLoad(worker=worker, assigned=counts[staff_id]) for staff_id, (_, worker) in latest.items()]
    return sorted(loads, key=lambda load: (load.worker.name.casefold(), load.worker.staff_id))


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


class AllocationRow(NamedTuple):
    """The reader's view of an active ``case_allocation`` row, as plain values."""

    prisoner_number: str
    staff_id: str
    staff_username: str
    staff_name: str


async def allocation_rows_by_prisoner_numbers(
    *, session: AsyncSession | AsyncConnection, prisoner_numbers: Sequence[str]
) -> dict[str, AllocationRow]:
    """Like ``allocations_by_prisoner_numbers`` for readers: plain rows, no ORM objects to build and track."""
    if not prisoner_numbers:
        return {}
    rows = await session.execute(
        sql_select(col(CaseAllocation.prisoner_number), col(CaseAllocation.staff_id),
                   col(CaseAllocation.staff_username), col(CaseAllocation.staff_name))
        .where(col(CaseAllocation.prisoner_number).in_(list(prisoner_numbers)), _active()))
    make = AllocationRow._make
    return {row[0]: make(row) for row in rows}


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
