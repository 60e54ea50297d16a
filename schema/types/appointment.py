"""Probation appointments."""

from __future__ import annotations

import datetime as dt

import strawberry

from sources.appointments.models import Appointment as AppointmentModel


@strawberry.type(description="A probation appointment.")
class Appointment:
    id: strawberry.ID = strawberry.field(description="Appointment id in the appointments system.")
    type: str = strawberry.field(description="What kind of appointment, in words.")
    start: dt.datetime = strawberry.field(description="When it starts (ISO 8601 with offset).")
    duration_minutes: int | None = strawberry.field(description="How long it lasts, in minutes.")
    location: str | None = strawberry.field(description="Where it takes place, as one line of address.")

    @classmethod
    def from_model(cls, m: AppointmentModel) -> Appointment:
        return cls(id=strawberry.ID(m.id), type=m.type.description or m.type.code, start=m.date_time,
                   duration_minutes=m.duration_minutes, location=_one_line(m))


def _one_line(m: AppointmentModel) -> str | None:
    if m.location is None:
        return None
    parts = [m.location.description]
    if m.location.address is not None:
        a = m.location.address
        street = " ".join(p for p in (a.building_number, a.street_name) if p)
        parts += [a.building_name, street, a.district, a.town, a.postcode]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen) or None
