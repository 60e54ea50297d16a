"""ID and bank applications: recorded per person, updated with a version, bank status changes logged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sources.store import applications as apps
from sources.store.db import Database
from sources.store.enums import BankApplicationStatus, DocumentType, IdApplicationStatus
from sources.store.errors import NotFound, VersionConflict
from sources.store.models import IdApplication, IdApplicationCreate, IdApplicationUpdate
from tests.store.conftest import NOW

PERSON = "A1234BC"


def _birth_certificate() -> IdApplicationCreate:
    return IdApplicationCreate(document_type=DocumentType.BIRTH_CERTIFICATE,
                               application_submitted_date=date(2026, 11, 20), cost_of_application=Decimal("11.00"),
                               have_gro=True, is_uk_national_born_overseas=False, country_of_birth="England")


async def _create_id(database: Database) -> IdApplication:
    async with database.session() as session:
        row = await apps.create_id_application(session=session, prisoner_number=PERSON,
                                               application=_birth_certificate(), created_by="worker1", now=NOW)
        await session.commit()
        return row


async def test_id_application_is_recorded_pending_and_read_back_exactly(database: Database) -> None:
    await _create_id(database)
    async with database.session() as session:
        found = await apps.id_applications_by_prisoner_numbers(session=session, prisoner_numbers=[PERSON, "B2345CD"])
    [row] = found[PERSON]
    assert (row.document_type, row.status, row.cost_of_application, row.version) == (
        DocumentType.BIRTH_CERTIFICATE, IdApplicationStatus.PENDING, Decimal("11.00"), 1)
    assert (row.created_at, row.application_submitted_date) == (NOW, date(2026, 11, 20))
    assert "B2345CD" not in found


def test_bad_id_application_input_is_refused_before_any_write() -> None:
    with pytest.raises(ValidationError):
        IdApplicationCreate(document_type="LIBRARY_CARD", application_submitted_date=date(2026, 1, 1),  # type: ignore[arg-type]
                            cost_of_application=Decimal("1"))
    with pytest.raises(ValidationError):
        IdApplicationCreate(document_type=DocumentType.PASSPORT, application_submitted_date=date(2026, 1, 1),
                            cost_of_application=Decimal("-5"))


async def test_id_application_update_needs_the_current_version_and_the_right_person(database: Database) -> None:
    created = await _create_id(database)
    assert created.id is not None
    accepted = IdApplicationUpdate(status=IdApplicationStatus.ACCEPTED, date_is_received=date(2026, 12, 1),
                                   refund_amount=Decimal("11.00"))
    async with database.session() as session:
        updated = await apps.update_id_application(session=session, prisoner_number=PERSON,
                                                   application_id=created.id, expected_version=1, changes=accepted,
                                                   now=NOW + timedelta(days=4))
        await session.commit()
        assert (updated.status, updated.version, updated.status_updated_at) == (
            IdApplicationStatus.ACCEPTED, 2, NOW + timedelta(days=4))
        assert updated.document_type == DocumentType.BIRTH_CERTIFICATE

        with pytest.raises(VersionConflict) as conflict:
            await apps.update_id_application(session=session, prisoner_number=PERSON, application_id=created.id,
                                             expected_version=1, changes=IdApplicationUpdate(
                                                 status=IdApplicationStatus.REJECTED))
        assert conflict.value.current.status == IdApplicationStatus.ACCEPTED
        with pytest.raises(NotFound):
            await apps.update_id_application(session=session, prisoner_number="B2345CD",
                                             application_id=created.id, expected_version=2, changes=accepted)


async def test_bank_application_status_changes_are_logged_in_order(database: Database) -> None:
    async with database.session() as session:
        row = await apps.create_bank_application(session=session, prisoner_number=PERSON, bank_name="Barclays",
                                                 application_submitted_date=date(2026, 11, 1), created_by="w1",
                                                 now=NOW)
        await session.commit()
        assert row.id is not None
        await apps.set_bank_application_status(session=session, prisoner_number=PERSON, application_id=row.id,
                                               expected_version=1, status=BankApplicationStatus.ACCOUNT_OPENED,
                                               changed_by="w2", now=NOW + timedelta(days=3))
        await session.commit()
        with pytest.raises(VersionConflict):
            await apps.set_bank_application_status(session=session, prisoner_number=PERSON, application_id=row.id,
                                                   expected_version=1, status=BankApplicationStatus.DECLINED,
                                                   changed_by="w3")
        await session.rollback()
        found = await apps.bank_applications_by_prisoner_numbers(session=session, prisoner_numbers=[PERSON])
        logs = await apps.bank_application_logs(session=session, application_ids=[row.id])

    assert [(a.bank_name, a.status, a.version) for a in found[PERSON]] == [
        ("Barclays", BankApplicationStatus.ACCOUNT_OPENED, 2)]
    assert [(log.status, log.changed_by, log.changed_at) for log in logs[row.id]] == [
        (BankApplicationStatus.PENDING, "w1", NOW),
        (BankApplicationStatus.ACCOUNT_OPENED, "w2", NOW + timedelta(days=3)),
    ]
