"""Dates and times as a person in England or Wales reads them, in either language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "cy": ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
           "Tachwedd", "Rhagfyr"],
}
DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "cy": ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"],
}


def as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date()
    return value


def as_local(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(LONDON)


def long_date(value: date | datetime | str | None, lang: str = "en", weekday: bool = False) -> str:
    """``Tuesday 3 March 2026`` / ``Dydd Mawrth 3 Mawrth 2026``; empty for no date."""
    day = as_date(value)
    if day is None:
        return ""
    text = f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"
    return f"{DAYS[lang][day.weekday()]} {text}" if weekday else text


def time_of_day(value: datetime | str) -> str:
    """``9:30am`` (GOV.UK style), in UK time."""
    local = as_local(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
