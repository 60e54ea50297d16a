"""Repository functions for pathway statuses. Keyword-only, one session passed in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, type_coerce, update
from sqlalchemy import select as sql_select  # six columns: more than sqlmodel's select() overloads take
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.dml import ReturningInsert, ReturningUpdate
from sqlalchemy.types import NullType
from sqlmodel import col, select

from sources.store.enums import Pathway, PathwayStatusCode
from sources.store.errors import VersionConflict
from sources.store.models import PathwayStatus, PathwayStatusChange, utc_now
from sources.store.models.base import as_utc
from sources.store.sql import dialect_insert


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


class StatusRow(NamedTuple):
    """One ``pathway_status`` row as plain values: what readers need, without an ORM object per row.

    The time of the last change is kept as the driver read it and made a datetime only when asked for: a
    200-person page of statuses holds 1,400 of them, and most queries select the status alone."""

    prisoner_number: str
    pathway: str
    status: str
    stored_at: str | datetime
    updated_by: str
    version: int

    @property
    def updated_at(self) -> datetime:
        return as_utc(self.stored_at)


# Built once: a statement object remembers its cache key, so a reused one skips building the expression and
# working out which compiled SQL it is (on a caseload page, more main-thread time than running the query).
_STATUS_ROWS = (sql_select(col(PathwayStatus.prisoner_number), col(PathwayStatus.pathway), col(PathwayStatus.status),
                           type_coerce(col(PathwayStatus.updated_at), NullType()), col(PathwayStatus.updated_by),
                           col(PathwayStatus.version))
                .where(col(PathwayStatus.prisoner_number).in_(bindparam("numbers", expanding=True))))


async def status_rows_by_prisoner_numbers(
    *, session: AsyncSession | AsyncConnection, prisoner_numbers: Sequence[str]
) -> dict[str, list[StatusRow]]:
    """Every recorded pathway status for the given people, in one query, as plain rows.

    The read path of a 200-person query: building and tracking an ORM object per row cost more than the query.
    """
    found: dict[str, list[StatusRow]] = defaultdict(list)
    if not prisoner_numbers:
        return found
    rows = await session.execute(_STATUS_ROWS, {"numbers": list(prisoner_numbers)})
    make = StatusRow._make
    for row in rows:
        found[row[0]].append(make(row))
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


async def status_for(*, session: AsyncSession, prisoner_number: str, pathway: Pathway) -> PathwayStatus | None:
    """The current status row, re-read from the database (never a stale copy from the session)."""
    rows = await session.execute(
        select(PathwayStatus)
        .where(PathwayStatus.prisoner_number == prisoner_number, PathwayStatus.pathway == pathway.value)
        .execution_options(populate_existing=True)
    )
    return rows.scalar_one_or_none()


async def set_status(
    *,
    session: AsyncSession,
    prisoner_number: str,
    pathway: Pathway,
    status: PathwayStatusCode,
    expected_version: int,
    case_note: str | None,
    changed_by: str,
    now: datetime | None = None,
) -> PathwayStatus:
    """Change one pathway's status if nobody else has since `expected_version` (0: never set), with history.

    The write is a conditional INSERT or UPDATE, so of two concurrent writers holding the same version exactly
    one succeeds; the other gets `VersionConflict` carrying the row as it now is. Flushes; the caller commits.
    """
    now = now or utc_now()
    current = await status_for(session=session, prisoner_number=prisoner_number, pathway=pathway)
    if (current.version if current else 0) != expected_version:
        raise VersionConflict(current)
    from_status = current.status if current else None  # read now: the UPDATE below refreshes `current`
    values = {"status": status.value, "updated_at": now, "updated_by": changed_by}
    statement: ReturningInsert[int | None] | ReturningUpdate[int | None]
    if current is None:
        statement = (
            dialect_insert(session, PathwayStatus)
            .values(prisoner_number=prisoner_number, pathway=pathway.value, version=1, **values)
            .on_conflict_do_nothing(index_elements=["prisoner_number", "pathway"])
            .returning(col(PathwayStatus.id))
        )
    else:
        statement = (
            update(PathwayStatus)
            .where(col(PathwayStatus.id) == current.id, col(PathwayStatus.version) == expected_version)
            .values(version=PathwayStatus.version + 1, **values)
            .returning(col(PathwayStatus.id))
        )
    if (await session.execute(statement)).scalar_one_or_none() is None:
        raise VersionConflict(await status_for(session=session, prisoner_number=prisoner_number, pathway=pathway))
    session.add(PathwayStatusChange(
        prisoner_number=prisoner_number, pathway=pathway.value, from_status=from_status,
        to_status=status.value, case_note=case_note, changed_at=now, changed_by=changed_by,
        version=expected_version + 1,
    ))
    await session.flush()
    changed = await status_for(session=session, prisoner_number=prisoner_number, pathway=pathway)
    assert changed is not None
    return changed


async def history(
    *, session: AsyncSession, prisoner_number: str, pathway: Pathway | None = None
) -> list[PathwayStatusChange]:
    """Every status change for a person (optionally one pathway), newest first."""
    query = select(PathwayStatusChange).where(PathwayStatusChange.prisoner_number == prisoner_number)
    if pathway is not None:
        query = query.where(PathwayStatusChange.pathway == pathway.value)
    query = query.order_by(col(PathwayStatusChange.changed_at).desc(), col(PathwayStatusChange.id).desc())
    return list((await session.execute(query)).scalars())


async def history_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, list[PathwayStatusChange]]:
    """Every status change for each person, newest first, in one query."""
    found: dict[str, list[PathwayStatusChange]] = defaultdict(list)
    if not prisoner_numbers:
        return found
    query = (select(PathwayStatusChange)
             .where(col(PathwayStatusChange.prisoner_number).in_(list(prisoner_numbers)))
             .order_by(col(PathwayStatusChange.changed_at).desc(), col(PathwayStatusChange.id).desc()))
    for row in (await session.execute(query)).scalars():
        found[row.prisoner_number].append(row)
    return found
