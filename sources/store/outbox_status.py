"""Reading where side effects stand, and handing back leases a worker will not use.

``status_by_idempotency_keys`` lets the schema report a side effect as pending, delivered or failed.
``release`` gives back items a stopping worker claimed but never tried, so they need not wait for the lease.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.store.enums import OutboxStatus
from sources.store.models import OutboxItem


async def status_by_idempotency_keys(*, session: AsyncSession, keys: Collection[str]) -> dict[str, OutboxStatus]:
    """The status of each known key; keys with no outbox item are absent."""
    if not keys:
        return {}
    rows = await session.execute(
        select(OutboxItem.idempotency_key, OutboxItem.status).where(col(OutboxItem.idempotency_key).in_(list(keys))))
    return {key: OutboxStatus(status) for key, status in rows.all()}


async def release(*, session: AsyncSession, item_ids: Collection[int], worker_id: str) -> int:
    """Undo the claim of items `worker_id` still holds and never tried: due now, attempt not counted."""
    if not item_ids:
        return 0
    result = await session.execute(
        update(OutboxItem)
        .where(col(OutboxItem.id).in_(list(item_ids)), col(OutboxItem.locked_by) == worker_id,
               col(OutboxItem.status) == OutboxStatus.PENDING)
        .values(locked_until=None, locked_by=None, attempts=OutboxItem.attempts - 1)
        .execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]
