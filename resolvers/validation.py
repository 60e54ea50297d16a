"""Input formats from DESIGN.md §4."""

from __future__ import annotations

import re

from resolvers.errors import BadUserInput

PRISONER_NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
CRN = re.compile(r"^[A-Z]\d{6}$")


def prisoner_number(value: str, *, field: str = "prisonerNumber") -> str:
    cleaned = value.strip().upper()
    if not PRISONER_NUMBER.fullmatch(cleaned):
        raise BadUserInput(f"{field} must look like A1234BC", field=field)
    return cleaned
