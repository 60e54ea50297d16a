"""The access log: who read which person's data. Append-only: there is deliberately no update or delete
here, and the database refuses both (a trigger added by migration 0002)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col, select

from sources.store.models import AccessLogEntry, AccessLogEntryCreate

READ_LIMIT = 500


class AccessLogRow(TypedDict):
    """An entry as the insert takes it (``AccessLogEntryCreate.model_dump()``): the reads of a 200-person query
    are written as plain rows, where building and dumping a model per person cost more than the insert."""

    at: datetime
    principal: str
    audience: str
    prisoner_number: str
    field_groups: list[str]
    correlation_id: str | None


async def append(*, session: AsyncSession | AsyncConnection,
                 entries: Sequence[AccessLogEntryCreate | AccessLogRow]) -> int:
    """Write the entries in one statement, in the caller's transaction. Returns how many were written."""
    if not entries:
        return 0
    await session.execute(insert(AccessLogEntry), [
        entry.model_dump() if isinstance(entry, AccessLogEntryCreate) else entry for entry in entries])
    return len(entries)


async def read(
    *, session: AsyncSession, prisoner_number: str | None = None, limit: int = 100, before: datetime | None = None
) -> list[AccessLogEntry]:
    """Entries newest first, optionally for one person and only those strictly before `before`."""
    query = select(AccessLogEntry)
    if prisoner_number is not None:
        query = query.where(AccessLogEntry.prisoner_number == prisoner_number)
    if before is not None:
        query = query.where(col(AccessLogEntry.at) < before)
    query = query.order_by(col(AccessLogEntry.at).desc(), col(AccessLogEntry.id).desc())
    return list((await session.execute(query.limit(max(1, min(limit, READ_LIMIT))))).scalars())
