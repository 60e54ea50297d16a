"""The background worker that delivers the outbox: side effects owed to NOMIS, nDelius and appointments.

Each cycle claims due items in one transaction and commits, so the lease is visible to every replica; then
it delivers each item outside any transaction, and marks it in a fresh one. A worker that dies between
claim and mark loses nothing: its items come back when the lease ends, and the repeat carries the same
idempotency key, so the legacy system keeps one copy. ``stop()`` finishes the item in hand and gives the
rest of the batch straight back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from gateway.metrics import GatewayMetrics
from gateway.settings import Settings
from sources.bundle import Sources
from sources.cache import forget_appointments
from sources.delivery import Attempt, Outcome, attempt, record
from sources.store import outbox
from sources.store.db import Database
from sources.store.enums import OutboxKind
from sources.store.models import OutboxItem, utc_now
from sources.store.outbox_status import release

STOP_TIMEOUT_SECONDS = 10.0
MAX_IDLE_BACKOFF = 30
OnOutcome = Callable[[str, str], None]
"""Called once per attempt with (system, outcome): ``delivered``, ``retry`` or ``failed``."""


def default_worker_id() -> str:
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class OutboxWorker:
    def __init__(self, sources: Sources, *, worker_id: str | None = None, poll_seconds: float = 1.0,
                 batch: int = 20, lease_seconds: float = 30.0, log: Any = None, on_outcome: OnOutcome | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.sources = sources
        self.worker_id = worker_id or default_worker_id()
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.log = (log if log is not None else structlog.get_logger()).bind(worker_id=self.worker_id)
        self.on_outcome = on_outcome
        self.clock = clock
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Run cycles in a background task until ``stop()``."""
        if self.running:
            return
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=f"outbox-worker-{self.worker_id}")

    async def stop(self, timeout_seconds: float = STOP_TIMEOUT_SECONDS) -> None:
        """Finish the item in hand, give back the rest, then stop. Cancels only if that takes too long."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=timeout_seconds)
        if not done:  # an item stuck past the timeout keeps its lease and comes back to another worker
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def claim(self) -> list[OutboxItem]:
        """Lease a batch of due items to this worker and commit."""
        async with self.database.session() as session:
            items = await outbox.claim_due(session=session, limit=self.batch, worker_id=self.worker_id,
                                           now=self.clock(), lease_seconds=self.lease_seconds)
            await session.commit()
        return items

    async def run_once(self) -> int:
        """One cycle: claim, deliver one by one, mark each. Returns how many items were tried."""
        items = await self.claim()
        # Stop trying well inside the lease, so no other worker claims an item while this one sends it.
        deadline = time.monotonic() + self.lease_seconds / 2
        for tried, item in enumerate(items):
            if self._stopping.is_set() or time.monotonic() > deadline:
                await self._give_back(items[tried:])
                return tried
            await self._deliver(item)
        return len(items)

    @property
    def database(self) -> Database:
        return self.sources.database

    async def _deliver(self, item: OutboxItem) -> None:
        try:
            result = await attempt(item, self.sources, now=self.clock())
        except Exception as error:  # a bug, not the upstream: keep the item, back off like an outage
            retry_at = outbox.retry_at(item, now=self.clock())
            outcome = Outcome.RETRY if retry_at is not None else Outcome.FAILED
            result = Attempt(outcome, f"unexpected {type(error).__name__}", retry_at)
        async with self.database.session() as session:
            await record(session=session, item=item, result=result, now=self.clock())
            await session.commit()
        if result.outcome is Outcome.DELIVERED and item.kind is OutboxKind.APPOINTMENT:
            await forget_appointments(self.sources.cache, str(item.payload["crn"]))  # the new one shows at once
        if self.on_outcome is not None:
            self.on_outcome(item.system.value, result.outcome.value)
        fields = {"item_id": item.id, "kind": item.kind.value, "system": item.system.value, "attempts": item.attempts}
        if result.outcome is Outcome.DELIVERED:
            self.log.info("outbox_delivered", **fields)
        elif result.outcome is Outcome.RETRY:
            self.log.warning("outbox_retry", error=result.error,
                             retry_at=result.retry_at.isoformat() if result.retry_at else None, **fields)
        else:
            self.log.error("outbox_failed", error=result.error, **fields)

    async def _give_back(self, items: list[OutboxItem]) -> None:
        async with self.database.session() as session:
            await release(session=session, item_ids=[i.id for i in items if i.id is not None],
                          worker_id=self.worker_id)
            await session.commit()

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                tried = await self.run_once()
                failures = 0
            except Exception as error:  # the database is down or not migrated: never die, try again later
                failures += 1
                tried = 0
                self.log.warning("outbox_cycle_failed", error=type(error).__name__, failures=failures)
            if tried < self.batch:
                await self._idle(self.poll_seconds * min(2 ** min(failures, 10), MAX_IDLE_BACKOFF))

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


async def read_backlog(database: Database) -> outbox.Backlog:
    async with database.session() as session:
        return await outbox.depth_and_oldest_age(session=session)


def start_outbox(settings: Settings, sources: Sources, *, log: Any,
                 metrics: GatewayMetrics | None) -> OutboxWorker | None:
    """Wire the outbox into the app: its backlog into the metrics, and a started worker when enabled."""
    if metrics is not None:
        metrics.watch_outbox(lambda: read_backlog(sources.database))
    if not settings.outbox_worker_enabled:
        return None
    worker = OutboxWorker(sources, poll_seconds=settings.outbox_poll_seconds, batch=settings.outbox_batch,
                          lease_seconds=settings.outbox_lease_seconds, log=log.bind(component="outbox"),
                          on_outcome=metrics.observe_outbox_delivery if metrics is not None else None)
    worker.start()
    return worker
