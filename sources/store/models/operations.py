"""Operational tables: the outbox of side effects owed to legacy systems, and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from sources.store.enums import OutboxKind, OutboxStatus, OutboxSystem
from sources.store.models.base import UTCDateTime, code_type, utc_now


class OutboxItem(SQLModel, table=True):
    """One side effect, delivered at least once by a worker and made once-only by its idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: OutboxKind = Field(sa_type=code_type(OutboxKind, 20))
    system: OutboxSystem = Field(sa_type=code_type(OutboxSystem, 20))
    idempotency_key: str = Field(max_length=200, unique=True)
    payload: dict[str, Any] = Field(sa_type=JSON)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=code_type(OutboxStatus, 20))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_by: str | None = Field(default=None, max_length=100)


class AccessLogEntryBase(SQLModel):
    at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    principal: str = Field(max_length=200)
    audience: str = Field(max_length=30)
    prisoner_number: str = Field(max_length=7)
    field_groups: list[str] = Field(sa_type=JSON)
    correlation_id: str | None = Field(default=None, max_length=100)


class AccessLogEntryCreate(AccessLogEntryBase):
    """One read to record: who (`principal`; "leaver" for leavers), whose data, which field groups."""


class AccessLogEntry(AccessLogEntryBase, table=True):
    """Append-only: the database refuses UPDATE and DELETE on this table."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_prisoner_number", "prisoner_number", "at"),
        Index("ix_access_log_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
