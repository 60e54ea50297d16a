"""Delivering one outbox item to its legacy system, and deciding what a failure means.

A legacy system that is down (``UpstreamUnavailable``: 5xx, timeout, refused, circuit open) is tried again
after the outbox's backoff. One that refuses the request (``UpstreamNotFound``, ``UpstreamBadResponse``: a
4xx, or an answer we cannot read) will refuse it again, so the item is FAILED at once. Errors recorded here
are our own short messages (system and HTTP status), never an upstream response body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from sources.appointments.client import AppointmentsClient
from sources.appointments.models import AppointmentCreate, AppointmentLocation
from sources.delius.client import DeliusClient
from sources.errors import UpstreamError, UpstreamUnavailable
from sources.nomis.client import NomisClient
from sources.outbox_payloads import AppointmentPayload, CaseNotePayload
from sources.store import outbox
from sources.store.enums import OutboxKind, OutboxSystem, Pathway
from sources.store.models import OutboxItem

NOMIS_CASE_NOTE_TYPE = "RESET"
NOMIS_CASE_NOTE_SUB_TYPES = {
    Pathway.ACCOMMODATION: "ACCOM",
    Pathway.ATTITUDES_THINKING_AND_BEHAVIOUR: "ATB",
    Pathway.CHILDREN_FAMILIES_AND_COMMUNITY: "CHDFAMCOM",
    Pathway.DRUGS_AND_ALCOHOL: "DRUG_ALCOHOL",
    Pathway.EDUCATION_SKILLS_AND_WORK: "ED_SKL_WRK",
    Pathway.FINANCE_AND_ID: "FINANCE_ID",
    Pathway.HEALTH: "HEALTH",
}
"""NOMIS files resettlement case notes under type RESET, with one sub-type per pathway."""


class Clients(Protocol):
    """The adapters delivery needs; ``sources.bundle.Sources`` is one."""

    @property
    def nomis(self) -> NomisClient: ...
    @property
    def delius(self) -> DeliusClient: ...
    @property
    def appointments(self) -> AppointmentsClient: ...


class UndeliverableItem(ValueError):
    """The stored item cannot be sent anywhere: an unknown kind and system, or a payload that fails checks."""


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one try came to. ``retry_at`` is set only for RETRY; ``error`` is safe to store and log."""

    outcome: Outcome
    error: str | None = None
    retry_at: datetime | None = None


async def deliver(item: OutboxItem, clients: Clients) -> str:
    """Send `item` once, with its idempotency key; return the id the legacy system gave. Raises on failure."""
    key, kind, system = item.idempotency_key, OutboxKind(item.kind), OutboxSystem(item.system)
    try:
        if kind is OutboxKind.CASE_NOTE and system is OutboxSystem.NOMIS:
            note = CaseNotePayload.model_validate(item.payload)
            return await clients.nomis.post_case_note(
                note.prisoner_number, type=NOMIS_CASE_NOTE_TYPE, sub_type=NOMIS_CASE_NOTE_SUB_TYPES[note.pathway],
                text=note.text, occurred_at=note.occurred_at, idempotency_key=key)
        if kind is OutboxKind.CASE_NOTE and system is OutboxSystem.DELIUS:
            note = CaseNotePayload.model_validate(item.payload)
            if note.crn is None:
                raise UndeliverableItem("a case note for nDelius has no CRN")
            return await clients.delius.post_case_note(
                note.crn, type=note.pathway.value, text=note.text, occurred_at=note.occurred_at, idempotency_key=key)
        if kind is OutboxKind.APPOINTMENT and system is OutboxSystem.APPOINTMENTS:
            appointment = AppointmentPayload.model_validate(item.payload)
            return await clients.appointments.create_appointment(
                appointment.crn, _appointment_body(appointment), idempotency_key=key)
    except ValidationError:
        raise UndeliverableItem(f"stored {kind.value.lower()} payload is not valid") from None
    raise UndeliverableItem(f"no delivery for {kind.value} to {system.value}")


async def attempt(item: OutboxItem, clients: Clients, *, now: datetime) -> Attempt:
    """Deliver `item` and classify the result; never raises for an upstream or payload failure."""
    try:
        await deliver(item, clients)
    except UpstreamUnavailable as error:
        when = outbox.retry_at(item, now=now)
        if when is None:
            return Attempt(Outcome.FAILED, f"gave up after {item.attempts} attempts: {error}")
        return Attempt(Outcome.RETRY, str(error), when)
    except (UpstreamError, UndeliverableItem) as error:
        return Attempt(Outcome.FAILED, str(error))
    return Attempt(Outcome.DELIVERED)


async def record(*, session: AsyncSession, item: OutboxItem, result: Attempt, now: datetime) -> None:
    """Write what `attempt` found, in the caller's transaction."""
    assert item.id is not None
    if result.outcome is Outcome.DELIVERED:
        await outbox.mark_delivered(session=session, item_id=item.id, now=now)
    else:
        await outbox.mark_failed(session=session, item_id=item.id, error=result.error or result.outcome.value,
                                 retry_at=result.retry_at)


def _appointment_body(payload: AppointmentPayload) -> AppointmentCreate:
    location = None if payload.location_description is None else AppointmentLocation(
        description=payload.location_description)
    return AppointmentCreate(type=payload.type, date_time=payload.date_time, duration=payload.duration,
                             location=location, notes=payload.notes)
