"""Reading GOV.UK form fields: dates typed as day, month and year."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def date_parts(form: FormData, prefix: str) -> dict[str, str]:
    return {part: text(form, f"{prefix}-{part}") for part in ("day", "month", "year")}


def typed_date(parts: dict[str, str]) -> date | None:
    """The date typed, or None when it is not a real date (a blank date is also None; check ``any(parts)``)."""
    try:
        year = int(parts["year"])
        return date(year, int(parts["month"]), int(parts["day"])) if year >= 1900 else None
    except ValueError:
        return None
