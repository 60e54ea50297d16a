"""Shared column types: every timestamp is stored and returned as an aware UTC datetime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum
from sqlalchemy.types import TypeDecorator


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """`timestamptz` on Postgres; on SQLite, UTC text with the offset dropped, so ordering by text is by time.

    Naive datetimes are refused: a naive value is a bug waiting to shift by an hour.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None]:
        """``process_result_value`` after the driver's own conversion, in one function rather than
        TypeDecorator's two-deep wrapper: a page of pathway statuses reads a thousand timestamps."""
        driver = self.impl_instance.result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if driver is not None:
                value = driver(value)
            if value is None:
                return None
            assert isinstance(value, datetime)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

        return process


def as_utc(stored: str | datetime | None) -> datetime | None:
    """A timestamp as a ``UTCDateTime`` column stores it, read without the column's processing (UTC text on
    SQLite, a datetime on Postgres), as the aware UTC datetime the column would have given."""
    if stored is None:
        return None
    value = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def code_type(codes: type[StrEnum], length: int) -> Enum:
    """A `StrEnum` stored as a plain VARCHAR (no native enum type), so adding a code needs no DDL."""
    return Enum(codes, native_enum=False, length=length, create_constraint=False,
                values_callable=lambda members: [member.value for member in members])
