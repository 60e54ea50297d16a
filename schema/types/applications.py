"""ID-document and bank-account applications, recorded by prison staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from auth.policy import FieldGroup
from schema.permissions import requires
from sources.store.enums import BankApplicationStatus, DocumentType, IdApplicationStatus
from sources.store.models import BankApplication as BankApplicationRow
from sources.store.models import IdApplication as IdApplicationRow

DocumentTypeValue = strawberry.enum(DocumentType, description="Which identity document is applied for.")
IdApplicationStatusValue = strawberry.enum(IdApplicationStatus, description="Where an ID application stands.")
BankApplicationStatusValue = strawberry.enum(BankApplicationStatus,
                                             description="Where a bank-account application stands.")
_DETAIL = requires(FieldGroup.APPLICATION_DETAILS)


@strawberry.type(description="An application for an identity document.")
class IdApplication:
    id: strawberry.ID = strawberry.field(description="Our id for the application.")
    document_type: DocumentTypeValue = strawberry.field(description="The document.")  # type: ignore[valid-type]
    status: IdApplicationStatusValue = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    application_submitted_date: dt.date = strawberry.field(description="When it was sent.", extensions=_DETAIL)
    is_priority_application: bool = strawberry.field(description="Paid for priority service.", extensions=_DETAIL)
    cost_of_application: Decimal = strawberry.field(description="What it cost, in pounds.", extensions=_DETAIL)
    refund_amount: Decimal | None = strawberry.field(description="Any refund, in pounds.", extensions=_DETAIL)
    date_is_received: dt.date | None = strawberry.field(description="When the document arrived.",
                                                        extensions=_DETAIL)
    version: int = strawberry.field(description="Send back when updating; a stale one gets CONFLICT.",
                                    extensions=_DETAIL)

    @classmethod
    def from_row(cls, r: IdApplicationRow) -> IdApplication:
        return cls(id=strawberry.ID(str(r.id)), document_type=r.document_type, status=r.status,
                   application_submitted_date=r.application_submitted_date,
                   is_priority_application=r.is_priority_application, cost_of_application=r.cost_of_application,
                   refund_amount=r.refund_amount, date_is_received=r.date_is_received, version=r.version)


@strawberry.type(description="An application to open a bank account.")
class BankApplication:
    id: strawberry.ID = strawberry.field(description="Our id for the application.")
    bank_name: str = strawberry.field(description="Which bank.")
    status: BankApplicationStatusValue = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    application_submitted_date: dt.date = strawberry.field(description="When it was sent.", extensions=_DETAIL)
    version: int = strawberry.field(description="Send back when updating; a stale one gets CONFLICT.",
                                    extensions=_DETAIL)

    @classmethod
    def from_row(cls, r: BankApplicationRow) -> BankApplication:
        return cls(id=strawberry.ID(str(r.id)), bank_name=r.bank_name, status=r.status,
                   application_submitted_date=r.application_submitted_date, version=r.version)
