"""Assigning resettlement workers: one or many people, replacing an active allocation, keeping history."""

from __future__ import annotations

from datetime import timedelta

from sources.store import allocations
from sources.store.allocations import Worker
from sources.store.db import Database
from tests.store.conftest import NOW

ALICE = Worker(staff_id="485926", username="ALICE_GEN", name="Alice Smith")
BOB = Worker(staff_id="485927", username="BOB_GEN", name="Bob Jones")


async def test_assign_many_then_reassign_one_and_unassign_another(database: Database) -> None:
    people = ["A1234BC", "B2345CD", "C3456DE"]
    async with database.session() as session:
        await allocations.assign(session=session, prisoner_numbers=people, worker=ALICE, by="lead", now=NOW)
        await session.commit()
        later = NOW + timedelta(days=1)
        await allocations.assign(session=session, prisoner_numbers=["B2345CD", "A1234BC"], worker=BOB, by="lead",
                                 now=later)
        await allocations.assign(session=session, prisoner_numbers=["A1234BC"], worker=BOB, by="lead",
                                 now=later + timedelta(hours=1))
        ended = await allocations.unassign(session=session, prisoner_numbers=["C3456DE", "Z9999ZZ"], by="lead",
                                           now=later)
        await session.commit()

        active = await allocations.allocations_by_prisoner_numbers(session=session, prisoner_numbers=people)
        bobs = await allocations.prisoner_numbers_allocated_to(session=session, staff_id=BOB.staff_id)
        history = await allocations.allocation_history(session=session, prisoner_number="A1234BC")

    assert ended == 1
    assert {n: (a.staff_name, a.allocated_at) for n, a in active.items()} == {
        "A1234BC": ("Bob Jones", later), "B2345CD": ("Bob Jones", later)}
    assert bobs == ["A1234BC", "B2345CD"]
    assert [(a.staff_username, a.unallocated_at, a.unallocated_by) for a in history] == [
        ("BOB_GEN", None, None), ("ALICE_GEN", later, "lead")]


async def test_nobody_allocated_reads_as_empty(database: Database) -> None:
    async with database.session() as session:
        assert await allocations.allocations_by_prisoner_numbers(session=session, prisoner_numbers=["A1234BC"]) == {}
        assert await allocations.allocations_by_prisoner_numbers(session=session, prisoner_numbers=[]) == {}
        assert await allocations.unassign(session=session, prisoner_numbers=["A1234BC"], by="lead") == 0
