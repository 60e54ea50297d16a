"""Setting a pathway status: versions, history, and what two people editing at once see."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from sources.store.db import Database
from sources.store.enums import Pathway, PathwayStatusCode
from sources.store.errors import VersionConflict
from sources.store.models import PathwayStatus
from sources.store.pathways import history, set_status, status_for, statuses_by_prisoner_numbers
from tests.store.conftest import NOW

PERSON = "A1234BC"


async def _set(database: Database, status: PathwayStatusCode, expected_version: int, note: str,
               by: str = "worker1", offset_minutes: int = 0) -> PathwayStatus:
    async with database.session() as session:
        row = await set_status(session=session, prisoner_number=PERSON, pathway=Pathway.ACCOMMODATION,
                               status=status, expected_version=expected_version, case_note=note, changed_by=by,
                               now=NOW + timedelta(minutes=offset_minutes))
        await session.commit()
        return row


async def test_first_status_is_version_one_and_later_changes_bump_the_version(database: Database) -> None:
    first = await _set(database, PathwayStatusCode.SUPPORT_REQUIRED, 0, "Needs a hostel place")
    second = await _set(database, PathwayStatusCode.IN_PROGRESS, 1, "Referral sent", offset_minutes=5)

    assert (first.version, first.status) == (1, "SUPPORT_REQUIRED")
    assert (second.version, second.status, second.updated_at) == (2, "IN_PROGRESS", NOW + timedelta(minutes=5))
    assert second.updated_at.utcoffset() == timedelta(0)
    async with database.session() as session:
        stored = await statuses_by_prisoner_numbers(session=session, prisoner_numbers=[PERSON, "Z9999ZZ"])
    assert [(row.pathway, row.status, row.version) for row in stored[PERSON]] == [
        ("ACCOMMODATION", "IN_PROGRESS", 2)]
    assert "Z9999ZZ" not in stored


async def test_stale_version_is_refused_with_the_current_row_and_history_is_kept(database: Database) -> None:
    await _set(database, PathwayStatusCode.SUPPORT_REQUIRED, 0, "Needs a hostel place", by="alice")
    await _set(database, PathwayStatusCode.IN_PROGRESS, 1, "Referral sent", by="alice", offset_minutes=5)

    with pytest.raises(VersionConflict) as conflict:
        await _set(database, PathwayStatusCode.DONE, 1, "Bob read version 1", by="bob", offset_minutes=9)

    current = conflict.value.current
    assert isinstance(current, PathwayStatus)
    assert (current.status, current.version, current.updated_by) == ("IN_PROGRESS", 2, "alice")
    async with database.session() as session:
        changes = await history(session=session, prisoner_number=PERSON, pathway=Pathway.ACCOMMODATION)
        assert (await status_for(session=session, prisoner_number=PERSON, pathway=Pathway.ACCOMMODATION)) == current
    assert [(c.from_status, c.to_status, c.case_note, c.version) for c in changes] == [
        ("SUPPORT_REQUIRED", "IN_PROGRESS", "Referral sent", 2),
        (None, "SUPPORT_REQUIRED", "Needs a hostel place", 1),
    ]


async def test_version_zero_means_never_set_and_conflicts_once_someone_has_set_it(database: Database) -> None:
    await _set(database, PathwayStatusCode.NOT_STARTED, 0, "first")
    with pytest.raises(VersionConflict) as conflict:
        await _set(database, PathwayStatusCode.DONE, 0, "second")
    assert conflict.value.current is not None and conflict.value.current.status == "NOT_STARTED"


async def test_a_version_for_a_status_never_set_conflicts_with_nothing_current(database: Database) -> None:
    with pytest.raises(VersionConflict) as conflict:
        await _set(database, PathwayStatusCode.DONE, 3, "made-up version")
    assert conflict.value.current is None
    async with database.session() as session:
        assert await history(session=session, prisoner_number=PERSON) == []


@pytest.mark.parametrize("expected_version", [0, 1])
async def test_two_concurrent_writers_with_the_same_version_exactly_one_wins(
    database: Database, expected_version: int
) -> None:
    if expected_version:
        await _set(database, PathwayStatusCode.NOT_STARTED, 0, "initial")

    results = await asyncio.gather(
        _set(database, PathwayStatusCode.IN_PROGRESS, expected_version, "from alice", by="alice"),
        _set(database, PathwayStatusCode.SUPPORT_DECLINED, expected_version, "from bob", by="bob"),
        return_exceptions=True,
    )

    winners = [r for r in results if isinstance(r, PathwayStatus)]
    losers = [r for r in results if isinstance(r, VersionConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].current is not None
    assert (losers[0].current.status, losers[0].current.version) == (winners[0].status, expected_version + 1)
    async with database.session() as session:
        changes = await history(session=session, prisoner_number=PERSON)
    assert len(changes) == expected_version + 1
    assert changes[0].changed_by == winners[0].updated_by
