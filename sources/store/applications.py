"""Repository functions for ID-document and bank-account applications, scoped by prisoner number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.enums import BankApplicationStatus
from sources.store.errors import NotFound, VersionConflict
from sources.store.models import (
    BankApplication,
    BankApplicationLog,
    IdApplication,
    IdApplicationCreate,
    IdApplicationUpdate,
    utc_now,
)

Versioned = TypeVar("Versioned", IdApplication, BankApplication)


async def create_id_application(
    *, session: AsyncSession, prisoner_number: str, application: IdApplicationCreate, created_by: str,
    now: datetime | None = None,
) -> IdApplication:
    """Record a new ID application as PENDING. Flushes; the caller commits."""
    now = now or utc_now()
    row = IdApplication(**application.model_dump(), prisoner_number=prisoner_number, created_by=created_by,
                        created_at=now, status_updated_at=now)
    session.add(row)
    await session.flush()
    return row


async def id_applications_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, list[IdApplication]]:
    """Each person's ID applications, newest first, in one query."""
    query = (select(IdApplication).where(col(IdApplication.prisoner_number).in_(list(prisoner_numbers)))
             .order_by(col(IdApplication.created_at).desc(), col(IdApplication.id).desc()))
    return await _grouped(session, query)


async def update_id_application(
    *, session: AsyncSession, prisoner_number: str, application_id: int, expected_version: int,
    changes: IdApplicationUpdate, now: datetime | None = None,
) -> IdApplication:
    """Apply the set fields of `changes` if the application is still at `expected_version`."""
    values: dict[str, Any] = changes.model_dump(exclude_unset=True)
    if "status" in values:
        values["status_updated_at"] = now or utc_now()
    return await _update_versioned(session, IdApplication, prisoner_number, application_id, expected_version, values)


async def create_bank_application(
    *, session: AsyncSession, prisoner_number: str, bank_name: str, application_submitted_date: date,
    created_by: str, now: datetime | None = None,
) -> BankApplication:
    """Record a new bank application as PENDING, with the first entry of its status log."""
    now = now or utc_now()
    row = BankApplication(prisoner_number=prisoner_number, bank_name=bank_name, created_by=created_by,
                          application_submitted_date=application_submitted_date, created_at=now)
    session.add(row)
    await session.flush()
    assert row.id is not None
    session.add(BankApplicationLog(bank_application_id=row.id, status=row.status, changed_at=now,
                                   changed_by=created_by))
    await session.flush()
    return row


async def set_bank_application_status(
    *, session: AsyncSession, prisoner_number: str, application_id: int, expected_version: int,
    status: BankApplicationStatus, changed_by: str, now: datetime | None = None,
) -> BankApplication:
    """Move a bank application to `status` if still at `expected_version`, appending to its status log."""
    row = await _update_versioned(session, BankApplication, prisoner_number, application_id, expected_version,
                                  {"status": status})
    session.add(BankApplicationLog(bank_application_id=application_id, status=status,
                                   changed_at=now or utc_now(), changed_by=changed_by))
    await session.flush()
    return row


async def bank_applications_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, list[BankApplication]]:
    """Each person's bank applications, newest first, in one query."""
    query = (select(BankApplication).where(col(BankApplication.prisoner_number).in_(list(prisoner_numbers)))
             .order_by(col(BankApplication.created_at).desc(), col(BankApplication.id).desc()))
    return await _grouped(session, query)


async def bank_application_logs(
    *, session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[BankApplicationLog]]:
    """Each application's status log, oldest first, in one query."""
    found: dict[int, list[BankApplicationLog]] = defaultdict(list)
    rows = await session.execute(
        select(BankApplicationLog).where(col(BankApplicationLog.bank_application_id).in_(list(application_ids)))
        .order_by(col(BankApplicationLog.changed_at), col(BankApplicationLog.id)))
    for row in rows.scalars():
        found[row.bank_application_id].append(row)
    return found


async def _grouped(session: AsyncSession, query: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for row in (await session.execute(query)).scalars():
        found[row.prisoner_number].append(row)
    return found


async def _get(session: AsyncSession, model: type[Versioned], prisoner_number: str, row_id: int) -> Versioned | None:
    rows = await session.execute(
        select(model).where(model.id == row_id, model.prisoner_number == prisoner_number)
        .execution_options(populate_existing=True))
    return rows.scalar_one_or_none()


async def _update_versioned(
    session: AsyncSession, model: type[Versioned], prisoner_number: str, row_id: int, expected_version: int,
    values: dict[str, Any],
) -> Versioned:
    """Conditional UPDATE on (id, prisoner number, version): NotFound, VersionConflict or the new row."""
    done = await session.execute(
        update(model)
        .where(col(model.id) == row_id, col(model.prisoner_number) == prisoner_number,
               col(model.version) == expected_version)
        .values(version=model.version + 1, **values)
        .returning(col(model.id)))
    current = await _get(session, model, prisoner_number, row_id)
    if current is None:
        raise NotFound(f"no such application for {prisoner_number}")
    if done.scalar_one_or_none() is None:
        raise VersionConflict(current)
    return current
