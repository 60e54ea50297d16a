"""The access log's writes, gathered: one transaction per short interval instead of one per request.

Every staff or integrator read of people's data appends rows to ``access_log``. Written one transaction per
request, those commits cost more than the reads they record: on SQLite each one also empties every other pooled
connection's page cache, so the next request's queries start cold (a warm 200-person page spent 9 of its 24 ms
of CPU there). Here rows wait in memory for at most ``interval`` seconds (or until ``flush_rows`` are waiting)
and are written together, in the order they were read. The rows keep the time of the read, not of the write.

Nothing is dropped quietly. A failed write is logged and its rows go back to wait for the next attempt; only
past ``max_pending`` rows (a database down for long) are the oldest given up, and that is logged with how many.
``flush`` writes what is waiting now (the admin's ``accessLog`` read and shutdown call it), so a process that
stops cleanly loses nothing; a crash loses at most the last interval. ``interval`` 0 writes with each request.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Sequence

from sources.store import access_log
from sources.store.access_log import AccessLogRow
from sources.store.db import Database

log = logging.getLogger("gateway.access_log")

FLUSH_ROWS = 5_000
MAX_PENDING = 100_000


class AccessLogBuffer:
    def __init__(self, database: Database, *, interval: float, flush_rows: int = FLUSH_ROWS,
                 max_pending: int = MAX_PENDING) -> None:
        self.database = database
        self.interval = interval
        self.flush_rows = flush_rows
        self.max_pending = max_pending
        self._pending: list[AccessLogRow] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def immediate(self) -> bool:
        """Whether the caller is to ``flush`` after each ``add`` (interval 0): nothing is scheduled then."""
        return self.interval <= 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, entries: Sequence[AccessLogRow]) -> None:
        """Queue rows to write; the write is scheduled, never awaited here."""
        if not entries:
            return
        self._pending.extend(entries)
        if self.immediate or self._closed:
            return
        if len(self._pending) >= self.flush_rows:
            self._start_flush()
        elif self._timer is None:
            self._schedule()

    async def flush(self) -> None:
        """Write every row waiting now, in one transaction. A failure is logged and the rows wait again."""
        async with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                async with self.database.transaction() as connection:
                    await access_log.append(session=connection, entries=batch)
            except Exception:  # the readers have their answers; the rows wait for the next attempt
                log.exception("access log write failed", extra={"people": len(batch)})
                self._requeue(batch)

    async def close(self) -> None:
        """Write what is waiting (one last attempt) and schedule nothing more."""
        self._closed = True
        if self._flushing:
            await asyncio.gather(*self._flushing, return_exceptions=True)
        await self.flush()
        if self._pending:
            log.error("access log rows not written at shutdown", extra={"people": len(self._pending)})

    def _requeue(self, batch: list[AccessLogRow]) -> None:
        self._pending[:0] = batch  # before anything read since, so rows stay in the order they were read
        over = len(self._pending) - self.max_pending
        if over > 0:
            del self._pending[:over]
            log.error("access log rows given up after failed writes", extra={"people": over})
        if self._pending and not self.immediate and not self._closed and self._timer is None:
            self._schedule()

    def _schedule(self) -> None:
        # In a context of its own: a copy of the request's (taken by default) would keep what the request's context
        # variables hold alive until the write, after the request has ended.
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._start_flush,
                                                            context=contextvars.Context())

    def _start_flush(self) -> None:
        if self._timer is not None:  # fired, or overtaken by enough rows to write now
            self._timer.cancel()
            self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush(), context=contextvars.Context())
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)
