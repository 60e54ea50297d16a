"""The outbox: owed side effects are claimed by one worker at a time, retried with backoff, never lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sources.store import outbox
from sources.store.db import Database
from sources.store.enums import OutboxKind, OutboxStatus, OutboxSystem
from sources.store.models import OutboxItem
from tests.store.conftest import NOW


async def _enqueue(database: Database, key: str, minutes_ago: int = 0) -> OutboxItem:
    async with database.session() as session:
        item = await outbox.enqueue(session=session, kind=OutboxKind.CASE_NOTE, system=OutboxSystem.NOMIS,
                                    idempotency_key=key, payload={"text": "Referral sent", "pathway": "HEALTH"},
                                    now=NOW - timedelta(minutes=minutes_ago))
        await session.commit()
        return item


async def _claim(database: Database, worker: str, limit: int = 10, at_minutes: int = 0) -> list[OutboxItem]:
    async with database.session() as session:
        items = await outbox.claim_due(session=session, limit=limit, worker_id=worker,
                                       now=NOW + timedelta(minutes=at_minutes), lease_seconds=60)
        await session.commit()
        return items


async def test_enqueue_is_idempotent_by_key_and_keeps_the_payload(database: Database) -> None:
    first = await _enqueue(database, "status-change-1")
    again = await _enqueue(database, "status-change-1")
    assert again.id == first.id
    assert (first.status, first.attempts, first.payload) == (
        OutboxStatus.PENDING, 0, {"text": "Referral sent", "pathway": "HEALTH"})
    async with database.session() as session:
        assert (await outbox.depth_and_oldest_age(session=session, now=NOW)).depth == 1


async def test_a_rolled_back_change_owes_nothing(database: Database) -> None:
    async with database.session() as session:
        await outbox.enqueue(session=session, kind=OutboxKind.APPOINTMENT, system=OutboxSystem.APPOINTMENTS,
                             idempotency_key="appointment-1", payload={}, now=NOW)
        await session.rollback()
    assert await _claim(database, "w1") == []


async def test_claim_leases_oldest_due_items_and_hides_them_from_other_workers(database: Database) -> None:
    await _enqueue(database, "b", minutes_ago=1)
    await _enqueue(database, "a", minutes_ago=2)
    await _enqueue(database, "c", minutes_ago=0)

    first = await _claim(database, "w1", limit=2)
    second = await _claim(database, "w2", limit=10)

    assert [i.idempotency_key for i in first] == ["a", "b"]
    assert all(i.locked_by == "w1" and i.attempts == 1 for i in first)
    assert [i.idempotency_key for i in second] == ["c"]
    assert await _claim(database, "w3") == []


async def test_delivered_items_are_never_claimed_again(database: Database) -> None:
    item = await _enqueue(database, "k")
    [claimed] = await _claim(database, "w1")
    async with database.session() as session:
        assert claimed.id is not None
        await outbox.mark_delivered(session=session, item_id=claimed.id, now=NOW)
        await session.commit()
        stored = await outbox.item(session=session, item_id=item.id or 0)
        backlog = await outbox.depth_and_oldest_age(session=session, now=NOW)
    assert stored is not None and (stored.status, stored.delivered_at, stored.locked_by) == (
        OutboxStatus.DELIVERED, NOW, None)
    assert await _claim(database, "w2", at_minutes=120) == []
    assert backlog == outbox.Backlog(depth=0, oldest_age=None)


async def test_a_failed_item_waits_for_its_backoff_then_a_crashed_workers_lease_runs_out(database: Database) -> None:
    await _enqueue(database, "k")
    [claimed] = await _claim(database, "w1")
    retry = outbox.retry_at(claimed, now=NOW)
    assert retry == NOW + outbox.BACKOFF_BASE
    async with database.session() as session:
        await outbox.mark_failed(session=session, item_id=claimed.id or 0, error="nomis 503" + "x" * 500,
                                 retry_at=retry)
        await session.commit()

    assert await _claim(database, "w2", at_minutes=0) == []
    [again] = await _claim(database, "w2", at_minutes=1)
    assert (again.attempts, again.last_error) == (2, ("nomis 503" + "x" * 500)[:300])
    # w2 dies without marking: nobody may take it until the lease (60 s) ends, then someone does.
    assert await _claim(database, "w3", at_minutes=1) == []
    [rescued] = await _claim(database, "w3", at_minutes=3)
    assert (rescued.locked_by, rescued.attempts) == ("w3", 3)


async def test_gives_up_after_max_attempts_and_reports_backlog(database: Database) -> None:
    await _enqueue(database, "old", minutes_ago=30)
    await _enqueue(database, "new", minutes_ago=5)
    async with database.session() as session:
        backlog = await outbox.depth_and_oldest_age(session=session, now=NOW)
    assert backlog == outbox.Backlog(depth=2, oldest_age=timedelta(minutes=30))

    [claimed] = await _claim(database, "w1", limit=1)
    claimed.attempts = outbox.MAX_ATTEMPTS
    assert outbox.retry_at(claimed, now=NOW) is None
    async with database.session() as session:
        await outbox.mark_failed(session=session, item_id=claimed.id or 0, error="rejected", retry_at=None)
        await session.commit()
        stored = await outbox.item(session=session, item_id=claimed.id or 0)
        backlog = await outbox.depth_and_oldest_age(session=session, now=NOW)
    assert stored is not None and stored.status == OutboxStatus.FAILED
    assert backlog == outbox.Backlog(depth=1, oldest_age=timedelta(minutes=5))


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert outbox.backoff(40) == outbox.BACKOFF_CAP


async def test_two_workers_claiming_at_once_never_share_an_item(database: Database) -> None:
    for n in range(40):
        await _enqueue(database, f"item-{n:02d}", minutes_ago=40 - n)

    batches = await asyncio.gather(*(_claim(database, f"w{w}", limit=7) for w in range(4)))

    claimed = [item.idempotency_key for batch in batches for item in batch]
    assert len(claimed) == len(set(claimed)) == 28
    for worker, batch in enumerate(batches):
        assert all(item.locked_by == f"w{worker}" for item in batch)
