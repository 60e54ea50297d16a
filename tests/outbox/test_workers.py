"""Several workers, crashes and shutdowns: every side effect is delivered, and delivered exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

from fixtures.stubs.base import Faults, state_of
from gateway.outbox_worker import OutboxWorker
from sources.bundle import Sources
from sources.delivery import deliver
from sources.store.enums import OutboxStatus
from tests.outbox.conftest import case_note, enqueue, posts, stored, worker, written


async def test_a_worker_that_crashes_after_sending_is_covered_by_the_next_one_without_a_duplicate(
    stack, database, sources, person
):
    entry = case_note(person)
    await enqueue(database, entry)
    a = worker(sources, "worker-a", lease_seconds=0.3)
    b = worker(sources, "worker-b", lease_seconds=30)

    [claimed] = await a.claim()
    first_id = await deliver(claimed, sources)  # the note reached NOMIS; then worker A died before marking it
    assert await b.run_once() == 0  # A's lease still holds
    await asyncio.sleep(0.4)
    assert await b.run_once() == 1

    item = await stored(database, entry)
    assert (item.status, item.attempts) == (OutboxStatus.DELIVERED, 2)
    assert posts(stack, "nomis") == 2
    [record] = written(stack, "nomis", entry)
    assert record["caseNoteId"] == first_id


async def test_a_worker_that_crashes_after_claiming_loses_nothing(stack, database, sources, person):
    entries = [case_note(person) for _ in range(3)]
    await enqueue(database, *entries)
    assert len(await worker(sources, "worker-a", lease_seconds=0.2).claim()) == 3
    await asyncio.sleep(0.3)

    assert await worker(sources, "worker-b").run_once() == 3
    for entry in entries:
        assert (await stored(database, entry)).status == OutboxStatus.DELIVERED
        assert len(written(stack, "nomis", entry)) == 1


async def test_stop_finishes_the_item_in_hand_and_gives_the_rest_back_at_once(stack, database, sources, person):
    entries = [case_note(person) for _ in range(3)]
    await enqueue(database, *entries)
    nomis = state_of(stack.apps["nomis"])
    nomis.faults = Faults(latency_ms=300)
    a = worker(sources, "worker-a")
    a.start()
    for _ in range(500):  # until the first note is on its way, at most 5 s
        if nomis.requests:
            break
        await asyncio.sleep(0.01)
    await a.stop()
    assert not a.running

    first, *rest = [await stored(database, e) for e in entries]
    assert first.status == OutboxStatus.DELIVERED
    assert [(i.status, i.attempts, i.locked_by) for i in rest] == [(OutboxStatus.PENDING, 0, None)] * 2

    nomis.faults = Faults()
    assert await worker(sources, "worker-b").run_once() == 2  # no waiting for a lease
    for entry in entries:
        assert len(written(stack, "nomis", entry)) == 1


async def test_two_workers_side_by_side_deliver_thirty_items_once_each(stack, settings, database, sources, person):
    entries = [case_note(person) for _ in range(30)]
    await enqueue(database, *entries)
    state_of(stack.apps["nomis"]).faults = Faults(latency_ms=5)
    other = Sources.create(settings.upstreams(), settings.database_url)  # a second replica: its own pools
    await other.open()
    counts: Counter[str] = Counter()

    async def drain(w: OutboxWorker) -> None:
        tried = 1
        while tried:  # until nothing is left for this worker
            tried = await w.run_once()

    try:
        a = worker(sources, "worker-a", batch=4, on_outcome=lambda *_: counts.update(["a"]))
        b = worker(other, "worker-b", batch=4, on_outcome=lambda *_: counts.update(["b"]))
        await asyncio.gather(drain(a), drain(b))
    finally:
        await other.close()

    assert counts["a"] + counts["b"] == 30
    assert counts["a"] and counts["b"]
    assert posts(stack, "nomis") == 30
    for entry in entries:
        item = await stored(database, entry)
        assert (item.status, item.attempts) == (OutboxStatus.DELIVERED, 1)
        assert len(written(stack, "nomis", entry)) == 1
