"""Probation appointments."""

from __future__ import annotations

import datetime as dt

import strawberry

from sources.appointments.models import Appointment as AppointmentModel


@strawberry.type(description="A postal address.")
class Address:
    lines: list[str] = strawberry.field(description="Building, street and district, one line each.")
    town: str | None = strawberry.field(description="Town or city.")
    county: str | None = strawberry.field(description="County.")
    postcode: str | None = strawberry.field(description="Postcode.")


@strawberry.type(description="A probation appointment.")
class Appointment:
    id: strawberry.ID = strawberry.field(description="Appointment id in the appointments system.")
    type: str = strawberry.field(description="What kind of appointment, in words.")
    type_code: str = strawberry.field(description="The appointments system's code for the type.")
    start: dt.datetime = strawberry.field(description="When it starts (ISO 8601 with offset).")
    duration_minutes: int | None = strawberry.field(description="How long it lasts, in minutes.")
    staff_name: str | None = strawberry.field(description="Who the appointment is with.")
    location: str | None = strawberry.field(description="Where it takes place, as one line.")
    address: Address | None = strawberry.field(description="The full address of the location.")
    notes: str | None = strawberry.field(description="Notes, e.g. what to bring.")

    @classmethod
    def from_model(cls, m: AppointmentModel) -> Appointment:
        staff = " ".join(p for p in (m.staff.forename, m.staff.surname) if p) if m.staff else None
        return cls(id=strawberry.ID(m.id), type=m.type.description or m.type.code, type_code=m.type.code,
                   start=m.date_time, duration_minutes=m.duration_minutes, staff_name=staff or None,
                   location=_one_line(m), address=_address(m), notes=m.notes or m.description)


def _address(m: AppointmentModel) -> Address | None:
    if m.location is None or m.location.address is None:
        return None
    a = m.location.address
    street = " ".join(p for p in (a.building_number, a.street_name) if p)
    lines = [p for p in (a.building_name, street, a.district) if p]
    return Address(lines=lines, town=a.town, county=a.county, postcode=a.postcode)


def _one_line(m: AppointmentModel) -> str | None:
    if m.location is None:
        return None
    parts = [m.location.description]
    address = _address(m)
    if address is not None:
        parts += [*address.lines, address.town, address.postcode]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen) or None
