"""ID-document and bank-account applications. Enum columns hold the `StrEnum` code as a string."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric
from sqlmodel import Field, SQLModel

from sources.store.enums import BankApplicationStatus, DocumentType, IdApplicationStatus
from sources.store.models.base import UTCDateTime, code_type, utc_now

MONEY = Numeric(10, 2)


class IdApplicationBase(SQLModel):
    document_type: DocumentType = Field(sa_type=code_type(DocumentType, 40))
    application_submitted_date: date
    is_priority_application: bool = False
    cost_of_application: Decimal = Field(ge=0, max_digits=10, decimal_places=2, sa_type=MONEY)
    refund_amount: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2, sa_type=MONEY)
    have_gro: bool | None = None
    is_uk_national_born_overseas: bool | None = None
    country_of_birth: str | None = Field(default=None, max_length=100)
    case_number: str | None = Field(default=None, max_length=50)
    court_details: str | None = Field(default=None, max_length=500)
    drivers_licence_type: str | None = Field(default=None, max_length=50)
    drivers_licence_application_made_at: str | None = Field(default=None, max_length=50)


class IdApplicationCreate(IdApplicationBase):
    """What a caller records; validated on construction (lengths, non-negative money)."""


class IdApplicationUpdate(SQLModel):
    """The fields an update may change; unset fields are left alone."""

    status: IdApplicationStatus | None = None
    date_is_received: date | None = None
    refund_amount: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)
    is_priority_application: bool | None = None
    cost_of_application: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)


class IdApplication(IdApplicationBase, table=True):
    __tablename__ = "id_application"
    __table_args__ = (Index("ix_id_application_person", "prisoner_number", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7)
    status: IdApplicationStatus = Field(default=IdApplicationStatus.PENDING, sa_type=code_type(IdApplicationStatus, 20))
    status_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    date_is_received: date | None = None
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    version: int = 1


class BankApplication(SQLModel, table=True):
    __tablename__ = "bank_application"
    __table_args__ = (Index("ix_bank_application_person", "prisoner_number", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7)
    bank_name: str = Field(max_length=100)
    application_submitted_date: date
    status: BankApplicationStatus = Field(
        default=BankApplicationStatus.PENDING, sa_type=code_type(BankApplicationStatus, 30)
    )
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    version: int = 1


class BankApplicationLog(SQLModel, table=True):
    """Every status a bank application has had, oldest first."""

    __tablename__ = "bank_application_log"

    id: int | None = Field(default=None, primary_key=True)
    bank_application_id: int = Field(
        sa_type=Integer, sa_column_args=[ForeignKey("bank_application.id", ondelete="CASCADE")], index=True
    )
    status: BankApplicationStatus = Field(sa_type=code_type(BankApplicationStatus, 30))
    changed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    changed_by: str = Field(max_length=100)
