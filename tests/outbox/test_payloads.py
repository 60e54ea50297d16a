"""What mutations enqueue, and nDelius's new case-note endpoint that probation staff's notes go to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from fixtures.stubs.base import state_of
from sources.config import UpstreamConfig
from sources.delius import DeliusClient
from sources.errors import UpstreamNotFound
from sources.outbox_payloads import AppointmentPayload, CaseNotePayload, appointment_item, case_note_item
from sources.store.enums import OutboxKind, OutboxSystem, Pathway

WHEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def note(crn: str | None = "X123456") -> CaseNotePayload:
    return CaseNotePayload(prisoner_number="A1234BC", crn=crn, pathway=Pathway.ACCOMMODATION,
                           text="Referred to housing", occurred_at=WHEN, author="PSTAFF_GEN")


def test_each_item_gets_its_own_uuid_key_and_a_payload_that_reads_back_the_same() -> None:
    first, second = case_note_item(note(), system=OutboxSystem.NOMIS), case_note_item(note(), system=OutboxSystem.NOMIS)
    assert (first.kind, first.system) == (OutboxKind.CASE_NOTE, OutboxSystem.NOMIS)
    assert first.idempotency_key != second.idempotency_key
    assert str(uuid.UUID(first.idempotency_key)) == first.idempotency_key
    assert first.payload["occurred_at"] == "2026-11-27T09:30:00Z"
    assert CaseNotePayload.model_validate(first.payload) == note()
    assert case_note_item(note(), system=OutboxSystem.DELIUS, idempotency_key="given").idempotency_key == "given"


def test_a_case_note_goes_only_to_nomis_or_to_delius_with_a_crn() -> None:
    with pytest.raises(ValueError, match="needs the CRN"):
        case_note_item(note(crn=None), system=OutboxSystem.DELIUS)
    with pytest.raises(ValueError, match="NOMIS or nDelius"):
        case_note_item(note(), system=OutboxSystem.APPOINTMENTS)
    assert case_note_item(note(crn=None), system=OutboxSystem.NOMIS).payload["crn"] is None


def test_payloads_refuse_bad_identifiers_naive_times_and_changes() -> None:
    with pytest.raises(ValidationError):
        CaseNotePayload(prisoner_number="a1234bc", pathway=Pathway.HEALTH, text="x", occurred_at=WHEN, author="u")
    with pytest.raises(ValidationError):
        AppointmentPayload(crn="X123456", type="COAP", date_time=datetime(2026, 12, 1, 10), duration="PT1H")
    with pytest.raises(ValidationError):
        AppointmentPayload(crn="X123456", type="COAP", date_time=WHEN, duration="an hour")
    with pytest.raises(ValidationError):
        note().text = "changed"  # type: ignore[misc]


def test_an_appointment_item_is_owed_to_the_appointments_system() -> None:
    item = appointment_item(AppointmentPayload(crn="X123456", type="COAP", date_time=WHEN, duration="PT30M"))
    assert (item.kind, item.system) == (OutboxKind.APPOINTMENT, OutboxSystem.APPOINTMENTS)
    assert item.payload == {"crn": "X123456", "type": "COAP", "date_time": "2026-11-27T09:30:00Z",
                            "duration": "PT30M", "location_description": None, "notes": None}


async def test_delius_keeps_one_case_note_per_idempotency_key(stack, person) -> None:
    async with DeliusClient(UpstreamConfig("delius", stack.urls["delius"], retries=0)) as delius:
        key, text = str(uuid.uuid4()), f"Met the COM ({uuid.uuid4()})"
        first = await delius.post_case_note(person.crn, type="ACCOMMODATION", text=text, occurred_at=WHEN,
                                            idempotency_key=key)
        again = await delius.post_case_note(person.crn, type="ACCOMMODATION", text=text, occurred_at=WHEN,
                                            idempotency_key=key)
        with pytest.raises(UpstreamNotFound):
            await delius.post_case_note("Z999999", type="HEALTH", text="x", occurred_at=WHEN, idempotency_key="k2")
    assert first == again
    [record] = [r for r in state_of(stack.apps["delius"]).written["case_notes"] if r["text"] == text]
    assert (record["id"], record["crn"], record["occurredAt"]) == (first, person.crn, WHEN.isoformat())
