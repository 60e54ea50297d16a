"""Appointments as iCalendar (RFC 5545) for a phone or computer calendar, via the ``icalendar`` library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from gateway.leaver.appointments import full_address


def calendar(appointments: Iterable[dict[str, Any]], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Resettlement Passport//Plan your future//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for appointment in appointments:
        event = Event()
        start = datetime.fromisoformat(appointment["start"])
        event.add("uid", f"appointment-{appointment['id']}@resettlement-passport.service.justice.gov.uk")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=appointment.get("durationMinutes") or 60))
        event.add("summary", appointment["type"])
        where = ", ".join(part for part in [appointment.get("location") or "", full_address(appointment)] if part)
        if where:
            event.add("location", where)
        details = [f"With: {appointment['staffName']}" if appointment.get("staffName") else "",
                   f"Bring: {appointment['bring']}" if appointment.get("bring") else ""]
        if any(details):
            event.add("description", "\n".join(d for d in details if d))
        cal.add_component(event)
    return bytes(cal.to_ical())
