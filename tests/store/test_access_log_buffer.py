"""The access log's buffer: rows wait, are written together in the order read, and are kept when a write fails."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import weakref
from datetime import timedelta

import pytest

from sources.store import access_log
from sources.store.access_log import AccessLogRow
from sources.store.access_log_buffer import AccessLogBuffer
from sources.store.db import Database
from tests.store.conftest import NOW

NEVER = 3600.0  # the timer never fires within a test


def _row(n: int) -> AccessLogRow:
    return AccessLogRow(at=NOW + timedelta(seconds=n), principal="PRISON_USER", audience="prison-staff",
                        prisoner_number=f"A{n:04d}BC", field_groups=["identity"], correlation_id=f"read-{n}")


async def _written(database: Database) -> list[str]:
    async with database.session() as session:
        return [e.correlation_id or "" for e in reversed(await access_log.read(session=session, limit=500))]


async def test_rows_wait_for_a_flush_and_are_written_in_the_order_read(database: Database) -> None:
    buffer = AccessLogBuffer(database, interval=NEVER)
    buffer.add([_row(1), _row(2)])
    buffer.add([_row(3)])
    assert await _written(database) == [] and buffer.pending == 3
    await buffer.flush()
    assert await _written(database) == ["read-1", "read-2", "read-3"]
    assert buffer.pending == 0
    await buffer.close()


async def test_enough_rows_are_written_at_once_without_waiting_for_the_interval(database: Database) -> None:
    buffer = AccessLogBuffer(database, interval=NEVER, flush_rows=3)
    buffer.add([_row(1), _row(2)])
    await asyncio.sleep(0)
    assert buffer.pending == 2, "below the threshold: waits"
    buffer.add([_row(3)])
    for _ in range(200):  # bounded: the write started by add, on its own task
        if buffer.pending == 0 and await _written(database):
            break
        await asyncio.sleep(0.01)
    assert await _written(database) == ["read-1", "read-2", "read-3"]
    await buffer.close()


async def test_a_failed_write_keeps_its_rows_ahead_of_later_ones(database: Database, monkeypatch, caplog) -> None:
    buffer = AccessLogBuffer(database, interval=NEVER)
    append = access_log.append

    async def broken(**_: object) -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(access_log, "append", broken)
    buffer.add([_row(1), _row(2)])
    with caplog.at_level(logging.ERROR, logger="gateway.access_log"):
        await buffer.flush()  # never raises: the readers have their answers
    assert [r.getMessage() for r in caplog.records] == ["access log write failed"]
    buffer.add([_row(3)])
    monkeypatch.setattr(access_log, "append", append)
    await buffer.flush()
    assert await _written(database) == ["read-1", "read-2", "read-3"]
    await buffer.close()


async def test_past_the_bound_the_oldest_rows_are_given_up_and_that_is_logged(database: Database, monkeypatch,
                                                                              caplog) -> None:
    buffer = AccessLogBuffer(database, interval=NEVER, max_pending=2)
    append = access_log.append

    async def broken(**_: object) -> int:
        raise RuntimeError("database gone")

    monkeypatch.setattr(access_log, "append", broken)
    buffer.add([_row(1), _row(2), _row(3)])
    with caplog.at_level(logging.ERROR, logger="gateway.access_log"):
        await buffer.flush()
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert [getattr(r, "people", None) for r in given_up] == [1]
    monkeypatch.setattr(access_log, "append", append)
    await buffer.flush()
    assert await _written(database) == ["read-2", "read-3"]
    await buffer.close()


@pytest.mark.parametrize("interval", [0.0, NEVER])
async def test_close_writes_what_waits(database: Database, interval: float) -> None:
    buffer = AccessLogBuffer(database, interval=interval)
    buffer.add([_row(1)])
    await buffer.close()
    assert await _written(database) == ["read-1"]


async def test_a_waiting_write_keeps_nothing_of_the_request_that_queued_it(database: Database) -> None:
    """The timer is scheduled during a request; taking that request's context variables along would keep its
    data (a page of people) alive until the write."""
    buffer = AccessLogBuffer(database, interval=NEVER)
    held: contextvars.ContextVar[object] = contextvars.ContextVar("held")

    class Page:
        pass

    page = Page()
    alive = weakref.ref(page)

    def in_request(data: object) -> None:
        held.set(data)
        buffer.add([_row(1)])

    contextvars.copy_context().run(in_request, page)
    del page
    gc.collect()
    assert alive() is None, "the waiting write held the request's context"
    assert buffer.pending == 1
    await buffer.close()
    assert await _written(database) == ["read-1"]
