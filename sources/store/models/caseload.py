"""Case allocation: the resettlement worker for a person. History is kept; one active row per person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from sources.store.models.base import UTCDateTime, utc_now

ACTIVE = text("unallocated_at IS NULL")


class CaseAllocation(SQLModel, table=True):
    __tablename__ = "case_allocation"
    __table_args__ = (
        Index("uq_case_allocation_active", "prisoner_number", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("ix_case_allocation_person", "prisoner_number", "allocated_at"),
        Index("ix_case_allocation_staff_active", "staff_id", sqlite_where=ACTIVE, postgresql_where=ACTIVE),
    )

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7)
    staff_id: str = Field(max_length=40)
    staff_username: str = Field(max_length=100)
    staff_name: str = Field(max_length=200)
    allocated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    allocated_by: str = Field(max_length=100)
    unallocated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unallocated_by: str | None = Field(default=None, max_length=100)
