"""The access log: who read which person's data. Append-only: there is deliberately no update or delete
here, and the database refuses both (a trigger added by migration 0002)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col, select

from sources.store.models import AccessLogEntry, AccessLogEntryCreate

READ_LIMIT = 500


async def append(*, session: AsyncSession | AsyncConnection, entries: Sequence[AccessLogEntryCreate]) -> int:
    """Write the entries in one statement, in the caller's transaction. Returns how many were written."""
    if not entries:
        return 0
    await session.execute(insert(AccessLogEntry), [entry.model_dump() for entry in entries])
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
