"""Our own data put straight into the staff app's database, as colleagues elsewhere would have left it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.settings import Settings
from sources.store import allocations
from sources.store.allocations import Worker
from sources.store.db import Database
from sources.store.models import PathwayStatusChange

ALICE = Worker(staff_id="485926", username="ALICE_GEN", name="Alice Smith")
BOB = Worker(staff_id="485927", username="BOB_GEN", name="Bob Jones")


async def assign_workers(settings: Settings, assignments: dict[Worker, list[str]]) -> None:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            for worker, numbers in assignments.items():
                await allocations.assign(session=session, prisoner_numbers=numbers, worker=worker, by="lead")
            await session.commit()
    finally:
        await database.dispose()


async def add_case_notes(settings: Settings, number: str, pathway: str, count: int) -> list[str]:
    """``count`` case notes on one pathway, an hour apart, the newest first in the returned texts."""
    database = Database(settings.database_url)
    start = datetime.now(UTC) - timedelta(days=1)
    texts = [f"Progress check {i + 1} on {pathway.lower()}." for i in range(count)]
    try:
        async with database.session() as session:
            session.add_all(PathwayStatusChange(
                prisoner_number=number, pathway=pathway, from_status="IN_PROGRESS", to_status="IN_PROGRESS",
                case_note=text, changed_at=start + timedelta(hours=i), changed_by="COLLEAGUE", version=1)
                for i, text in enumerate(texts))
            await session.commit()
    finally:
        await database.dispose()
    return texts[::-1]
