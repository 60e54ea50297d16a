"""The leaver's own data: account link, first-time code, to-dos and licence-seen confirmation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from sources.store.models.base import UTCDateTime, utc_now


class LeaverAccount(SQLModel, table=True):
    """A GOV.UK One Login subject linked to a prisoner number."""

    __tablename__ = "leaver_account"

    id: int | None = Field(default=None, primary_key=True)
    one_login_subject: str = Field(max_length=200, unique=True)
    prisoner_number: str = Field(max_length=7, index=True)
    linked_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class FirstTimeCode(SQLModel, table=True):
    """A one-time code that links an account to a prisoner number. Only a keyed hash of the code is kept."""

    __tablename__ = "first_time_code"

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7, index=True)
    code_hash: str = Field(max_length=64, index=True)
    date_of_birth: date
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TodoBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=2000)
    due_date: date | None = None


class TodoCreate(TodoBase):
    """A new to-do; validated on construction."""


class TodoUpdate(SQLModel):
    """The fields an update may change; unset fields are left alone. `completed` sets or clears completed_at."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=2000)
    due_date: date | None = None
    completed: bool | None = None


class TodoItem(TodoBase, table=True):
    __tablename__ = "todo_item"
    __table_args__ = (Index("ix_todo_item_person", "prisoner_number", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    version: int = 1


class LicenceSeen(SQLModel, table=True):
    """The version of the licence conditions the leaver last confirmed reading."""

    __tablename__ = "licence_seen"

    id: int | None = Field(default=None, primary_key=True)
    prisoner_number: str = Field(max_length=7, unique=True)
    licence_id: int
    licence_version: str = Field(max_length=20)
    seen_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
