"""Record and update ID-document and bank-account applications (prison staff)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from auth.policy import FieldGroup
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.writes.common import author, not_in_future, text, writable_prisoner
from sources.store import applications as store
from sources.store.enums import BankApplicationStatus, DocumentType, IdApplicationStatus
from sources.store.errors import NotFound as RowNotFound
from sources.store.errors import VersionConflict
from sources.store.models import BankApplication, IdApplication, IdApplicationCreate, IdApplicationUpdate

MAX_MONEY = Decimal("10000")


@contextmanager
def _as_coded_errors() -> Iterator[None]:
    """The store's outcomes for a versioned application, as the errors a client acts on."""
    try:
        yield
    except RowNotFound as error:
        raise NotFound("no such application for this person", field="id") from error
    except VersionConflict as conflict:
        version = getattr(conflict.current, "version", None)  # read before the session expires the row
        raise Conflict("someone else changed this application; reload it", currentVersion=version) from conflict


def _money(value: Decimal | None, *, field: str) -> Decimal | None:
    if value is None:
        return None
    if value < 0 or value > MAX_MONEY or value != value.quantize(Decimal("0.01")):
        raise BadUserInput(f"{field} must be between 0 and {MAX_MONEY} pounds, in pence", field=field)
    return value


async def record_id_application(ctx: RequestContext, *, prisoner_number: str, document_type: DocumentType,
                                submitted: date, cost: Decimal, priority: bool) -> IdApplication:
    not_in_future(submitted, field="applicationSubmittedDate")
    _money(cost, field="costOfApplication")
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.APPLICATIONS)
    create = IdApplicationCreate(document_type=document_type, application_submitted_date=submitted,
                                 cost_of_application=cost, is_priority_application=priority)
    async with ctx.sources.database.session() as session:
        row = await store.create_id_application(session=session, prisoner_number=prisoner.prisoner_number,
                                                application=create, created_by=author(ctx))
        await session.commit()
    return row


async def update_id_application(ctx: RequestContext, *, prisoner_number: str, application_id: int,
                                expected_version: int, status: IdApplicationStatus | None,
                                received: date | None, refund: Decimal | None) -> IdApplication:
    if received is not None:
        not_in_future(received, field="dateIsReceived")
    _money(refund, field="refundAmount")
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.APPLICATIONS)
    values = {k: v for k, v in {"status": status, "date_is_received": received, "refund_amount": refund}.items()
              if v is not None}
    if not values:
        raise BadUserInput("give at least one of status, dateIsReceived and refundAmount", field="status")
    async with ctx.sources.database.session() as session:
        with _as_coded_errors():
            row = await store.update_id_application(
                session=session, prisoner_number=prisoner.prisoner_number, application_id=application_id,
                expected_version=expected_version, changes=IdApplicationUpdate.model_validate(values))
        await session.commit()
    return row


async def record_bank_application(ctx: RequestContext, *, prisoner_number: str, bank_name: str,
                                  submitted: date) -> BankApplication:
    bank = text(bank_name, field="bankName", maximum=100)
    assert bank is not None
    not_in_future(submitted, field="applicationSubmittedDate")
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.APPLICATIONS)
    async with ctx.sources.database.session() as session:
        row = await store.create_bank_application(session=session, prisoner_number=prisoner.prisoner_number,
                                                  bank_name=bank, application_submitted_date=submitted,
                                                  created_by=author(ctx))
        await session.commit()
    return row


async def update_bank_application(ctx: RequestContext, *, prisoner_number: str, application_id: int,
                                  expected_version: int, status: BankApplicationStatus) -> BankApplication:
    prisoner = await writable_prisoner(ctx, prisoner_number, FieldGroup.APPLICATIONS)
    async with ctx.sources.database.session() as session:
        with _as_coded_errors():
            row = await store.set_bank_application_status(
                session=session, prisoner_number=prisoner.prisoner_number, application_id=application_id,
                expected_version=expected_version, status=status, changed_by=author(ctx))
        await session.commit()
    return row
