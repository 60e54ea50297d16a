"""The SQLite engine runs each statement in one trip to the connection's thread and answers as aiosqlite's own
adapter does: the same rows and types, counts, ids and errors, and transactions that commit or roll back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col

from sources.store.db import Database
from sources.store.models import AccessLogEntry, PathwayStatus
from sources.store.sqlite_driver import OneTripConnection
from tests.store.conftest import NOW

ROW = {"prisoner_number": "A1234BC", "pathway": "ACCOMMODATION", "status": "IN_PROGRESS", "updated_at": NOW,
       "updated_by": "someone", "version": 1}


@pytest.fixture
async def engines(tmp_path: Path) -> AsyncIterator[tuple[Database, AsyncEngine]]:
    """The gateway's engine and aiosqlite's stock one, on the same migrated file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}"
    database = Database(url)
    await database.migrate()
    stock = create_async_engine(url)
    try:
        yield database, stock
    finally:
        await stock.dispose()
        await database.dispose()


async def _trips(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(fn)
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def test_reads_and_writes_answer_as_the_stock_adapter_does(engines: tuple[Database, AsyncEngine]) -> None:
    database, stock = engines
    async with database.transaction() as connection:
        written = await connection.execute(insert(PathwayStatus), [ROW, {**ROW, "pathway": "HEALTH", "version": 2}])
        assert written.rowcount == 2
        one = await connection.execute(insert(AccessLogEntry).values(
            at=NOW, principal="p", audience="a", prisoner_number="A1234BC", field_groups=["identity"]))
        assert one.inserted_primary_key == (1,)
        changed = await connection.execute(update(PathwayStatus).where(col(PathwayStatus.pathway) == "HEALTH")
                                           .values(version=3))
        assert changed.rowcount == 1
    query = select(PathwayStatus).order_by(col(PathwayStatus.pathway))
    async with database.session() as session:
        ours = [row.model_dump() for row in (await session.execute(query)).scalars()]
    async with stock.connect() as connection:
        theirs = (await connection.execute(query)).mappings().all()
    assert ours == [dict(row) for row in theirs]
    assert [r["updated_at"] for r in ours] == [NOW, NOW] and [r["version"] for r in ours] == [1, 3]
    async with database.connection() as connection:
        assert (await connection.execute(text("SELECT field_groups FROM access_log"))).scalar_one() == '["identity"]'
        assert (await connection.execute(text("SELECT 1 WHERE 0"))).first() is None


async def test_errors_are_the_drivers_and_roll_back_the_transaction(engines: tuple[Database, AsyncEngine]) -> None:
    database, _ = engines
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with database.transaction() as connection:
            await connection.execute(insert(PathwayStatus), [ROW])
            await connection.execute(insert(PathwayStatus), [ROW])
    async with database.connection() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM pathway_status"))).scalar_one() == 0


async def test_one_trip_per_statement_and_none_to_return_a_reading_connection(
        engines: tuple[Database, AsyncEngine], monkeypatch: pytest.MonkeyPatch) -> None:
    database, _ = engines
    async with database.connection() as connection:  # opened (and its pragmas set) before counting
        await connection.execute(text("SELECT 1"))
    trips = await _trips(monkeypatch)
    async with database.connection() as connection:
        assert isinstance((await connection.get_raw_connection()).dbapi_connection, OneTripConnection)
        await connection.execute(text("SELECT count(*) FROM pathway_status"))
        await connection.execute(text("SELECT count(*) FROM access_log"))
    assert len(trips) == 2  # a statement each, and no rollback: nothing was begun
    trips.clear()
    async with database.transaction() as connection:
        await connection.execute(insert(PathwayStatus), [ROW])
    assert len(trips) == 2  # the insert, and the commit it needs
