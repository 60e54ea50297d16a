"""What a mutation owes a legacy system, as the outbox stores it, and how to build the row to enqueue.

A mutation builds an ``OutboxEntry`` here and writes it in its own transaction::

    entry = case_note_item(payload, system=OutboxSystem.NOMIS)
    await outbox.enqueue(session=session, **entry._asdict())

The idempotency key is a fresh UUID made here, once, and sent as ``Idempotency-Key`` on every attempt, so
the legacy system keeps one copy however often the worker retries.
"""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sources.appointments.models import IsoDuration
from sources.store.enums import OutboxKind, OutboxSystem, Pathway

CASE_NOTE_SYSTEMS = frozenset({OutboxSystem.NOMIS, OutboxSystem.DELIUS})


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseNotePayload(_Payload):
    """A case note for a pathway change: to NOMIS for prison staff, to nDelius (needs ``crn``) for probation."""

    prisoner_number: str = Field(pattern=r"^[A-Z]\d{4}[A-Z]{2}$")
    crn: str | None = Field(default=None, pattern=r"^[A-Z]\d{6}$")
    pathway: Pathway
    text: str = Field(min_length=1, max_length=4000)
    occurred_at: AwareDatetime
    author: str = Field(min_length=1, max_length=100)
    """Username of the member of staff who wrote it; kept for the record, not sent (no adapter takes it yet)."""


class AppointmentPayload(_Payload):
    """A post-release appointment to create in the probation appointments system."""

    crn: str = Field(pattern=r"^[A-Z]\d{6}$")
    type: str = Field(min_length=1, max_length=50)
    date_time: AwareDatetime
    duration: IsoDuration
    location_description: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)


class OutboxEntry(NamedTuple):
    """The keyword arguments of ``sources.store.outbox.enqueue`` (besides ``session``)."""

    kind: OutboxKind
    system: OutboxSystem
    idempotency_key: str
    payload: dict[str, Any]


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def case_note_item(payload: CaseNotePayload, *, system: OutboxSystem,
                   idempotency_key: str | None = None) -> OutboxEntry:
    """The outbox row for a case note to ``system`` (NOMIS or DELIUS); nDelius needs the CRN."""
    if system not in CASE_NOTE_SYSTEMS:
        raise ValueError(f"case notes go to NOMIS or nDelius, not {system}")
    if system is OutboxSystem.DELIUS and payload.crn is None:
        raise ValueError("a case note for nDelius needs the CRN")
    return OutboxEntry(OutboxKind.CASE_NOTE, system, idempotency_key or new_idempotency_key(),
                       payload.model_dump(mode="json"))


def appointment_item(payload: AppointmentPayload, *, idempotency_key: str | None = None) -> OutboxEntry:
    """The outbox row for an appointment to create in the appointments system."""
    return OutboxEntry(OutboxKind.APPOINTMENT, OutboxSystem.APPOINTMENTS,
                       idempotency_key or new_idempotency_key(), payload.model_dump(mode="json"))
