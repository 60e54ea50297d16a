"""Expected failures of the store, as typed exceptions the schema maps to coded errors."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

RowT = TypeVar("RowT")


class StoreError(Exception):
    """Base class: an expected outcome, never a bug."""


class VersionConflict(StoreError, Generic[RowT]):
    """The caller's `expected_version` is stale. `current` is the row as it is now (None if there is none)."""

    def __init__(self, current: RowT | None) -> None:
        super().__init__("the record was changed by someone else; reload and try again")
        self.current = current


class NotFound(StoreError):
    """No such record for this person."""


class CodeInvalid(StoreError):
    """No such code, or the date of birth does not match. `attempts_remaining` is set when a code matched."""

    def __init__(self, attempts_remaining: int | None = None) -> None:
        super().__init__("the code or date of birth is not right")
        self.attempts_remaining = attempts_remaining


class CodeExpired(StoreError):
    """The code is past its 7 days."""


class CodeUsed(StoreError):
    """The code has already linked an account."""


class CodeLocked(StoreError):
    """Too many wrong attempts; try again after `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many attempts; try again after {until.isoformat()}")
        self.until = until
