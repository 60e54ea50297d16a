"""The outbox: side effects owed to legacy systems, written with our own change and delivered by workers.

A worker claims due items with a lease (`locked_until`), commits, delivers, then marks each one delivered
or failed. Two workers never hold the same item: on Postgres the claim first locks its candidates with
`FOR UPDATE SKIP LOCKED`, skipping rows another claim holds; on SQLite it is one
`UPDATE ... WHERE id IN (SELECT ... LIMIT n)`, and SQLite runs one writer at a time. A worker that dies
leaves its items to be claimed again when the lease ends; the idempotency key lets the legacy system drop
the repeat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.enums import OutboxKind, OutboxStatus, OutboxSystem
from sources.store.models import OutboxItem, utc_now
from sources.store.sql import dialect_insert, is_postgres

MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
ERROR_LENGTH = 300


class Backlog(NamedTuple):
    depth: int
    oldest_age: timedelta | None


def backoff(attempts: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """Wait before the next try after `attempts` tries: base, 2x, 4x, ... up to `cap`."""
    return min(cap, base * (1 << max(0, min(attempts - 1, 30))))


def retry_at(item: OutboxItem, *, now: datetime) -> datetime | None:
    """When to try `item` again after a failure, or None once it has had MAX_ATTEMPTS tries."""
    return None if item.attempts >= MAX_ATTEMPTS else now + backoff(item.attempts)


async def enqueue(
    *, session: AsyncSession, kind: OutboxKind, system: OutboxSystem, idempotency_key: str,
    payload: dict[str, Any], now: datetime | None = None,
) -> OutboxItem:
    """Add a side effect in the caller's transaction. A repeated idempotency key returns the existing item."""
    now = now or utc_now()
    await session.execute(
        dialect_insert(session, OutboxItem)
        .values(kind=kind, system=system, idempotency_key=idempotency_key, payload=payload,
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)
        .on_conflict_do_nothing(index_elements=["idempotency_key"]))
    rows = await session.execute(
        select(OutboxItem).where(OutboxItem.idempotency_key == idempotency_key)
        .execution_options(populate_existing=True))
    return rows.scalar_one()


async def claim_due(
    *, session: AsyncSession, limit: int, worker_id: str, now: datetime, lease_seconds: float
) -> list[OutboxItem]:
    """Lease up to `limit` due PENDING items to `worker_id`, oldest due first, counting an attempt on each.

    Commit straight after claiming, before delivering, so the lease is visible to other workers.
    """
    due = (col(OutboxItem.status) == OutboxStatus.PENDING, col(OutboxItem.next_attempt_at) <= now,
           or_(col(OutboxItem.locked_until).is_(None), col(OutboxItem.locked_until) <= now))
    candidates = (
        select(OutboxItem.id).where(*due)
        .order_by(col(OutboxItem.next_attempt_at), col(OutboxItem.id)).limit(limit)
        .with_for_update(skip_locked=True))
    chosen: Any = candidates
    if is_postgres(session):
        # Lock the candidates first: inside an UPDATE, Postgres may re-run a LIMIT subquery and take more.
        chosen = list((await session.execute(candidates)).scalars())
    claimed = await session.execute(
        update(OutboxItem).where(col(OutboxItem.id).in_(chosen), *due)
        .values(locked_until=now + timedelta(seconds=lease_seconds), locked_by=worker_id,
                attempts=OutboxItem.attempts + 1)
        .returning(col(OutboxItem.id))
        .execution_options(synchronize_session=False))
    claimed_ids = list(claimed.scalars())
    if not claimed_ids:
        return []
    rows = await session.execute(
        select(OutboxItem).where(col(OutboxItem.id).in_(claimed_ids))
        .order_by(col(OutboxItem.next_attempt_at), col(OutboxItem.id))
        .execution_options(populate_existing=True))
    return list(rows.scalars())


async def mark_delivered(*, session: AsyncSession, item_id: int, now: datetime | None = None) -> None:
    await session.execute(
        update(OutboxItem).where(col(OutboxItem.id) == item_id)
        .values(status=OutboxStatus.DELIVERED, delivered_at=now or utc_now(), locked_until=None, locked_by=None,
                last_error=None))


async def mark_failed(*, session: AsyncSession, item_id: int, error: str, retry_at: datetime | None) -> None:
    """Record a failed try: retry at `retry_at`, or give up (FAILED) when it is None.

    `error` should be short and must not carry an upstream response body; it is cut to 300 characters.
    """
    values: dict[str, Any] = {"last_error": error[:ERROR_LENGTH], "locked_until": None, "locked_by": None}
    if retry_at is None:
        values["status"] = OutboxStatus.FAILED
    else:
        values["next_attempt_at"] = retry_at
    await session.execute(update(OutboxItem).where(col(OutboxItem.id) == item_id).values(**values))


async def depth_and_oldest_age(*, session: AsyncSession, now: datetime | None = None) -> Backlog:
    """How many items are still owed (PENDING) and how long the oldest has waited, for metrics and health."""
    row = (await session.execute(
        select(func.count(), func.min(OutboxItem.created_at)).where(OutboxItem.status == OutboxStatus.PENDING)
    )).one()
    depth, oldest = row
    if oldest is None:
        return Backlog(depth=depth, oldest_age=None)
    return Backlog(depth=depth, oldest_age=(now or utc_now()) - oldest)


async def item(*, session: AsyncSession, item_id: int) -> OutboxItem | None:
    rows = await session.execute(
        select(OutboxItem).where(OutboxItem.id == item_id).execution_options(populate_existing=True))
    return rows.scalar_one_or_none()
