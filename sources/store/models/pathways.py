"""Pathway status tables: the current status with a version, and its append-only history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from sources.store.models.base import UTCDateTime, utc_now


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
        Index("ix_pathway_status_status", "status"),
        Index("ix_pathway_status_updated_at", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
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
    changed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    changed_by: str = Field(max_length=100)
    version: int
