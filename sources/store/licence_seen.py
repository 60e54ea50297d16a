"""Repository functions for the licence conditions a leaver confirmed reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.models import LicenceSeen, utc_now
from sources.store.sql import dialect_insert


async def seen_by_prisoner_numbers(
    *, session: AsyncSession, prisoner_numbers: Sequence[str]
) -> dict[str, LicenceSeen]:
    """The last confirmation of each person who has made one, in one query."""
    if not prisoner_numbers:
        return {}
    rows = await session.execute(
        select(LicenceSeen).where(col(LicenceSeen.prisoner_number).in_(list(prisoner_numbers)))
        .execution_options(populate_existing=True))
    return {row.prisoner_number: row for row in rows.scalars()}


async def confirm_seen(
    *, session: AsyncSession, prisoner_number: str, licence_id: int, licence_version: str,
    now: datetime | None = None,
) -> LicenceSeen:
    """Record that this person has read this version of their licence conditions (one row per person)."""
    values = {"licence_id": licence_id, "licence_version": licence_version, "seen_at": now or utc_now()}
    await session.execute(
        dialect_insert(session, LicenceSeen).values(prisoner_number=prisoner_number, **values)
        .on_conflict_do_update(index_elements=["prisoner_number"], set_=values))
    seen = await seen_by_prisoner_numbers(session=session, prisoner_numbers=[prisoner_number])
    return seen[prisoner_number]
