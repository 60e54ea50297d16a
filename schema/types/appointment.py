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


def _duration_minutes(root: Appointment) -> int | None:
    return root.model.duration_minutes


def _staff_name(root: Appointment) -> str | None:
    staff = root.model.staff
    if staff is None:
        return None
    return " ".join(p for p in (staff.forename, staff.surname) if p) or None


def _location(root: Appointment) -> str | None:
    return _one_line(root.model)


def _address_of(root: Appointment) -> Address | None:
    return _address(root.model)


@strawberry.type(description="A probation appointment.")
class Appointment:
    # What a page of people usually selects is copied; the rest is worked out from the upstream record only when
    # asked for (a 200-person page built two addresses per next appointment and showed neither).
    model: strawberry.Private[AppointmentModel]
    id: strawberry.ID = strawberry.field(description="Appointment id in the appointments system.")
    type: str = strawberry.field(description="What kind of appointment, in words.")
    type_code: str = strawberry.field(description="The appointments system's code for the type.")
    start: dt.datetime = strawberry.field(description="When it starts (ISO 8601 with offset).")
    duration_minutes: int | None = strawberry.field(resolver=_duration_minutes,
                                                    description="How long it lasts, in minutes.")
    staff_name: str | None = strawberry.field(resolver=_staff_name, description="Who the appointment is with.")
    location: str | None = strawberry.field(resolver=_location, description="Where it takes place, as one line.")
    address: Address | None = strawberry.field(resolver=_address_of,
                                               description="The full address of the location.")
    notes: str | None = strawberry.field(description="Notes, e.g. what to bring.")

    @classmethod
    def from_model(cls, m: AppointmentModel) -> Appointment:
        return cls(model=m, id=strawberry.ID(m.id), type=m.type.description or m.type.code, type_code=m.type.code,
                   start=m.date_time, notes=m.notes or m.description)


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
