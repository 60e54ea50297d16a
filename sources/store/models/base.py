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
        return None if value is None else _in_utc(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None]:
        """``process_result_value`` after the driver's own conversion, in one function rather than
        TypeDecorator's two-deep wrapper: a page of rows can hold hundreds of timestamps."""
        driver = self.impl_instance.result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if driver is not None:
                value = driver(value)
            return None if value is None else _in_utc(value)

        return process


def _in_utc(value: datetime) -> datetime:
    """What every ``UTCDateTime`` read ends with: SQLite's naive text is UTC; an aware value is moved to UTC."""
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_utc(stored: str | datetime) -> datetime:
    """A timestamp as a ``UTCDateTime`` column stores it, read without the column's processing (UTC text on
    SQLite, a datetime on Postgres), as the aware UTC datetime the column would have given."""
    return _in_utc(datetime.fromisoformat(stored) if isinstance(stored, str) else stored)


def code_type(codes: type[StrEnum], length: int) -> Enum:
    """A `StrEnum` stored as a plain VARCHAR (no native enum type), so adding a code needs no DDL."""
    return Enum(codes, native_enum=False, length=length, create_constraint=False,
                values_callable=lambda members: [member.value for member in members])
