"""Outbox delivery against the real stub systems over HTTP, on SQLite and (when configured) Postgres."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from fixtures.population import Population, SyntheticPerson
from fixtures.stubs.base import state_of
from fixtures.stubs.runner import AppStack
from gateway.outbox_worker import OutboxWorker
from gateway.settings import Settings
from sources.bundle import Sources
from sources.outbox_payloads import (
    AppointmentPayload,
    CaseNotePayload,
    OutboxEntry,
    appointment_item,
    case_note_item,
)
from sources.store import outbox
from sources.store.db import Database
from sources.store.enums import OutboxSystem, Pathway
from sources.store.models import OutboxItem

WRITING_SYSTEMS = ("nomis", "delius", "appointments")


@pytest.fixture(autouse=True)
def healthy_stubs(stack: AppStack) -> Iterator[None]:
    """Each test starts and ends with the writing stubs healthy and their request logs empty."""
    for name in WRITING_SYSTEMS:
        state_of(stack.apps[name]).reset()
    yield
    for name in WRITING_SYSTEMS:
        state_of(stack.apps[name]).reset()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def sources(settings: Settings, database: Database) -> AsyncIterator[Sources]:
    """The gateway's bundle of sources, as one replica would open it."""
    bundle = Sources.create(settings.upstreams(), settings.database_url)
    await bundle.open()
    try:
        yield bundle
    finally:
        await bundle.close()


@pytest.fixture(scope="session")
def person(population: Population) -> SyntheticPerson:
    return next(p for p in population.people if p.crn)


def worker(sources: Sources, name: str = "worker-a", **options: Any) -> OutboxWorker:
    defaults: dict[str, Any] = {"poll_seconds": 0.05, "batch": 20, "lease_seconds": 30.0}
    return OutboxWorker(sources, worker_id=name, **{**defaults, **options})


def case_note(person: SyntheticPerson, system: OutboxSystem = OutboxSystem.NOMIS) -> OutboxEntry:
    """A case note with text unique to this call, so a test can count its copies in the stub."""
    payload = CaseNotePayload(prisoner_number=person.prisoner_number, crn=person.crn, pathway=Pathway.HEALTH,
                              text=f"GP registration booked ({uuid.uuid4()})",
                              occurred_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC), author="PSTAFF_GEN")
    return case_note_item(payload, system=system)


def appointment(person: SyntheticPerson) -> OutboxEntry:
    assert person.crn is not None
    payload = AppointmentPayload(crn=person.crn, type="COAP", duration="PT1H",
                                 date_time=datetime.now(UTC).replace(microsecond=0) + timedelta(days=14),
                                 location_description="Sheffield Probation Office", notes=f"Bring ID ({uuid.uuid4()})")
    return appointment_item(payload)


async def enqueue(database: Database, *entries: OutboxEntry) -> None:
    """What a mutation does: enqueue in its own transaction and commit."""
    async with database.session() as session:
        for entry in entries:
            await outbox.enqueue(session=session, **entry._asdict())
        await session.commit()


async def stored(database: Database, entry: OutboxEntry) -> OutboxItem:
    async with database.session() as session:
        rows = await session.execute(
            select(OutboxItem).where(OutboxItem.idempotency_key == entry.idempotency_key)
            .execution_options(populate_existing=True))
        return rows.scalar_one()


async def make_due(database: Database) -> None:
    """Skip the backoff: every pending item is due now."""
    async with database.session() as session:
        await session.execute(update(OutboxItem).where(col(OutboxItem.status) == "PENDING")
                              .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()


def written(stack: AppStack, system: str, entry: OutboxEntry) -> list[dict[str, Any]]:
    """Records the stub holds for this entry (matched on its unique text or notes)."""
    if entry.payload.get("text"):
        kind, field, value = "case_notes", "text", entry.payload["text"]
    else:
        kind, field, value = "appointments", "notes", entry.payload["notes"]
    return [r for r in state_of(stack.apps[system]).written.get(kind, []) if r.get(field) == value]


WRITE_PATHS = {"nomis": "/case-notes/", "delius": "/probation-cases/", "appointments": "/appointments/"}


def posts(stack: AppStack, system: str) -> int:
    """Write attempts the stub received (retries included), since the test began."""
    return len(state_of(stack.apps[system]).requests_to(WRITE_PATHS[system], "POST"))
