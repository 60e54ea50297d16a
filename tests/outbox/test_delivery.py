"""One worker delivering what mutations owe: once each, through an outage, and never a refused request twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from fixtures.stubs.base import Faults, state_of
from sources.store import outbox
from sources.store.enums import OutboxStatus, OutboxSystem
from sources.store.models import OutboxItem
from sources.store.outbox_status import status_by_idempotency_keys
from tests.outbox.conftest import (
    appointment,
    case_note,
    enqueue,
    make_due,
    posts,
    stored,
    worker,
    written,
)


async def test_each_side_effect_reaches_its_system_exactly_once(stack, database, sources, person):
    to_nomis, to_delius, booked = case_note(person), case_note(person, OutboxSystem.DELIUS), appointment(person)
    await enqueue(database, to_nomis, to_delius, booked)
    async with database.session() as session:
        before = await status_by_idempotency_keys(session=session, keys=[to_nomis.idempotency_key, "unknown"])
    assert before == {to_nomis.idempotency_key: OutboxStatus.PENDING}

    a = worker(sources)
    assert await a.run_once() == 3
    assert await a.run_once() == 0

    for entry, system in ((to_nomis, "nomis"), (to_delius, "delius"), (booked, "appointments")):
        assert len(written(stack, system, entry)) == 1, system
        item = await stored(database, entry)
        assert (item.status, item.attempts, item.last_error, item.locked_by) == (
            OutboxStatus.DELIVERED, 1, None, None), system
    [note] = written(stack, "nomis", to_nomis)
    assert (note["offenderIdentifier"], note["type"], note["subType"]) == (person.prisoner_number, "RESET", "HEALTH")
    [contact] = written(stack, "delius", to_delius)
    assert (contact["crn"], contact["type"]) == (person.crn, "HEALTH")
    [created] = written(stack, "appointments", booked)
    assert (created["crn"], created["duration"], created["location"]) == (
        person.crn, "PT1H", {"description": "Sheffield Probation Office"})
    async with database.session() as session:
        after = await status_by_idempotency_keys(session=session, keys=[e.idempotency_key for e in (to_nomis, booked)])
        assert (await outbox.depth_and_oldest_age(session=session)).depth == 0
    assert set(after.values()) == {OutboxStatus.DELIVERED}


async def test_an_outage_leaves_the_item_pending_until_the_system_recovers(stack, database, sources, person):
    entry = case_note(person)
    await enqueue(database, entry)
    nomis = state_of(stack.apps["nomis"])
    nomis.faults = Faults.failing(503)
    a = worker(sources)

    started = datetime.now(UTC)
    assert await a.run_once() == 1
    item = await stored(database, entry)
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.PENDING, 1, "nomis unavailable: HTTP 503")
    assert item.next_attempt_at >= started + outbox.BACKOFF_BASE - timedelta(seconds=1)
    assert await a.run_once() == 0  # backing off

    await make_due(database)
    assert await a.run_once() == 1
    assert (await stored(database, entry)).attempts == 2

    nomis.faults = Faults()
    await make_due(database)
    assert await a.run_once() == 1
    item = await stored(database, entry)
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.DELIVERED, 3, None)
    assert len(written(stack, "nomis", entry)) == 1
    assert posts(stack, "nomis") == 3


async def test_a_refused_request_fails_at_once_without_retry_or_upstream_text(stack, database, sources, person):
    refused, unknown_case = case_note(person), case_note(person, OutboxSystem.DELIUS)
    unknown_case.payload["crn"] = "Z999999"  # well formed, but no such probation case
    await enqueue(database, refused, unknown_case)
    state_of(stack.apps["nomis"]).faults = Faults.failing(400)
    a = worker(sources)

    assert await a.run_once() == 2
    await make_due(database)
    assert await a.run_once() == 0
    first, second = await stored(database, refused), await stored(database, unknown_case)
    assert (first.status, first.attempts, first.last_error) == (
        OutboxStatus.FAILED, 1, "nomis rejected the request: HTTP 400")
    assert (second.status, second.last_error) == (OutboxStatus.FAILED, "delius not found: HTTP 404")
    assert "injected" not in (first.last_error or "")
    assert posts(stack, "nomis") == 1
    async with database.session() as session:
        assert (await outbox.depth_and_oldest_age(session=session)).depth == 0


async def test_a_stored_payload_that_no_longer_validates_fails_without_a_call(stack, database, sources, person):
    entry = case_note(person)
    entry.payload["pathway"] = "NOT_A_PATHWAY"
    await enqueue(database, entry)

    assert await worker(sources).run_once() == 1
    item = await stored(database, entry)
    assert (item.status, item.last_error) == (OutboxStatus.FAILED, "stored case_note payload is not valid")
    assert posts(stack, "nomis") == 0


async def test_it_gives_up_after_the_last_attempt(stack, database, sources, person):
    entry = case_note(person)
    await enqueue(database, entry)
    async with database.session() as session:
        await session.execute(update(OutboxItem).where(col(OutboxItem.idempotency_key) == entry.idempotency_key)
                              .values(attempts=outbox.MAX_ATTEMPTS - 1))
        await session.commit()
    state_of(stack.apps["nomis"]).faults = Faults.failing(503)
    outcomes: list[tuple[str, str]] = []

    assert await worker(sources, on_outcome=lambda *o: outcomes.append(o)).run_once() == 1
    item = await stored(database, entry)
    assert (item.status, item.last_error) == (
        OutboxStatus.FAILED, f"gave up after {outbox.MAX_ATTEMPTS} attempts: nomis unavailable: HTTP 503")
    assert outcomes == [("nomis", "failed")]
