"""Repository functions for pathway statuses. Keyword-only, one session passed in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.models import PathwayStatus, PathwayStatusChange, utc_now


async def statuses_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, list[PathwayStatus]]:
    """Every recorded pathway status for the given people, in one query."""
    found: dict[str, list[PathwayStatus]] = defaultdict(list)
    if not prisoner_numbers:
        return found
    rows = await session.execute(
        select(PathwayStatus).where(col(PathwayStatus.prisoner_number).in_(list(prisoner_numbers)))
    )
    for row in rows.scalars():
        found[row.prisoner_number].append(row)
    return found


async def insert_initial_statuses(
    *, session: AsyncSession, statuses: Iterable[tuple[str, str, str]], updated_by: str
) -> int:
    """Bulk-insert (prisoner_number, pathway, status) rows with their first history entry."""
    now = utc_now()
    count = 0
    for prisoner_number, pathway, status in statuses:
        session.add(PathwayStatus(prisoner_number=prisoner_number, pathway=pathway, status=status,
                                  updated_at=now, updated_by=updated_by, version=1))
        session.add(PathwayStatusChange(prisoner_number=prisoner_number, pathway=pathway, from_status=None,
                                        to_status=status, changed_at=now, changed_by=updated_by, version=1))
        count += 1
    await session.flush()
    return count
