"""The access log records who read whose data, reads back newest first, and cannot be changed."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sources.store import access_log
from sources.store.db import Database
from sources.store.models import AccessLogEntryCreate
from tests.store.conftest import NOW


def _entry(minutes: int, person: str = "A1234BC", principal: str = "PRISON_USER") -> AccessLogEntryCreate:
    return AccessLogEntryCreate(at=NOW + timedelta(minutes=minutes), principal=principal, audience="STAFF",
                                prisoner_number=person, field_groups=["identity", "risk"],
                                correlation_id=f"corr-{minutes}")


async def _append_some(database: Database) -> None:
    async with database.session() as session:
        written = await access_log.append(session=session, entries=[
            _entry(0), _entry(1, person="B2345CD", principal="leaver"), _entry(2), _entry(3)])
        await session.commit()
    assert written == 4


async def test_reads_newest_first_per_person_and_pages_back(database: Database) -> None:
    await _append_some(database)
    async with database.session() as session:
        everyone = await access_log.read(session=session, limit=10)
        first_page = await access_log.read(session=session, prisoner_number="A1234BC", limit=2)
        next_page = await access_log.read(session=session, prisoner_number="A1234BC", limit=2,
                                          before=first_page[-1].at)

    assert [e.correlation_id for e in everyone] == ["corr-3", "corr-2", "corr-1", "corr-0"]
    assert [e.correlation_id for e in first_page] == ["corr-3", "corr-2"]
    assert [e.correlation_id for e in next_page] == ["corr-0"]
    assert first_page[0].at == NOW + timedelta(minutes=3)
    assert first_page[0].field_groups == ["identity", "risk"]
    assert everyone[2].principal == "leaver"


@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET principal = 'someone else'",
    "DELETE FROM access_log",
])
async def test_the_database_refuses_to_change_or_delete_entries(database: Database, statement: str) -> None:
    await _append_some(database)
    async with database.session() as session:
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text(statement))
        await session.rollback()
        assert len(await access_log.read(session=session, limit=10)) == 4


def test_the_module_offers_no_way_to_change_entries() -> None:
    functions = {name for name, _ in inspect.getmembers(access_log, inspect.iscoroutinefunction)}
    assert functions == {"append", "read"}
