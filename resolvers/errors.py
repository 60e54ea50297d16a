"""Expected failures with a code the client can act on. Everything else is masked by the schema."""

from __future__ import annotations

from typing import Any


class CodedError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = extensions


class BadUserInput(CodedError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)


class Forbidden(CodedError):
    code = "FORBIDDEN"


class NotFound(CodedError):
    code = "NOT_FOUND"


class Conflict(CodedError):
    code = "CONFLICT"
