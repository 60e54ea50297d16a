"""Confirming the licence conditions were seen: one record per person, the latest confirmation wins."""

from __future__ import annotations

from datetime import timedelta

from sources.store import licence_seen
from sources.store.db import Database
from tests.store.conftest import NOW


async def test_confirming_again_replaces_the_earlier_confirmation(database: Database) -> None:
    async with database.session() as session:
        first = await licence_seen.confirm_seen(session=session, prisoner_number="A1234BC", licence_id=101,
                                                licence_version="1.0", now=NOW)
        await session.commit()
        assert (first.licence_id, first.licence_version, first.seen_at) == (101, "1.0", NOW)
        await licence_seen.confirm_seen(session=session, prisoner_number="A1234BC", licence_id=101,
                                        licence_version="2.1", now=NOW + timedelta(days=2))
        await session.commit()
        seen = await licence_seen.seen_by_prisoner_numbers(session=session, prisoner_numbers=["A1234BC", "B2345CD"])

    assert {n: (s.licence_version, s.seen_at) for n, s in seen.items()} == {
        "A1234BC": ("2.1", NOW + timedelta(days=2))}
