"""SQLModel tables. Keyed by prisoner number; names and dates stay in NOMIS and nDelius."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class PathwayStatusBase(SQLModel):
    prisoner_number: str = Field(max_length=7, index=True)
    pathway: str = Field(max_length=40)
    status: str = Field(max_length=30)


class PathwayStatus(PathwayStatusBase, table=True):
    """Current status of one pathway for one person, with a version for optimistic concurrency."""

    __tablename__ = "pathway_status"
    __table_args__ = (
        UniqueConstraint("prisoner_number", "pathway", name="uq_pathway_status_person_pathway"),
        Index("ix_pathway_status_pathway_status", "pathway", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    updated_at: datetime = Field(default_factory=utc_now)
    updated_by: str = Field(max_length=100)
    version: int = Field(default=1)


class PathwayStatusChange(SQLModel, table=True):
    """Append-only history of status changes, with the case-note text."""

    __tablename__ = "pathway_status_change"
    __table_args__ = (Index("ix_pathway_status_change_person", "prisoner_number", "pathway", "changed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7)
    pathway: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str = Field(max_length=30)
    case_note: str | None = Field(default=None, max_length=4000)
    changed_at: datetime = Field(default_factory=utc_now)
    changed_by: str = Field(max_length=100)
    version: int


class LeaverAccount(SQLModel, table=True):
    """A GOV.UK One Login subject linked to a prisoner number."""

    __tablename__ = "leaver_account"

    id: int | None = Field(default=None, primary_key=True)
    one_login_subject: str = Field(max_length=200, unique=True)
    prisoner_number: str = Field(max_length=7, index=True)
    linked_at: datetime = Field(default_factory=utc_now)
