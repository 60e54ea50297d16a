"""Probation appointments shapes. Durations stay ISO-8601 strings and are also given in minutes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, ConfigDict

from sources.delius.models import Address
from sources.http import UpstreamModel

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def iso_duration_minutes(iso: str) -> int:
    """Minutes in an ISO-8601 duration such as ``PT1H30M`` (days count as 24 hours; seconds round down)."""
    match = _DURATION.match(iso)
    if match is None or iso in {"P", "PT"}:
        raise ValueError(f"not an ISO-8601 duration: {iso!r}")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return days * 1440 + hours * 60 + minutes + seconds // 60


def _checked_duration(value: str) -> str:
    iso_duration_minutes(value)
    return value


IsoDuration = Annotated[str, AfterValidator(_checked_duration)]


class AppointmentType(UpstreamModel):
    code: str
    description: str | None = None


class AppointmentStaff(UpstreamModel):
    forename: str | None = None
    surname: str | None = None
    email: str | None = None
    telephone: str | None = None


# The appointments service sends the probation address shape nDelius uses; one model maps both.
AppointmentAddress = Address


class AppointmentLocation(UpstreamModel):
    description: str | None = None
    address: AppointmentAddress | None = None


class Appointment(UpstreamModel):
    """One result of ``GET /appointments/{crn}``; ``date_time`` always carries its offset."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    id: str
    type: AppointmentType
    date_time: AwareDatetime
    duration: IsoDuration
    staff: AppointmentStaff | None = None
    location: AppointmentLocation | None = None
    description: str | None = None
    notes: str | None = None

    @property
    def duration_minutes(self) -> int:
        return iso_duration_minutes(self.duration)

    @property
    def end(self) -> datetime:
        return self.date_time + timedelta(minutes=self.duration_minutes)


class AppointmentCreate(UpstreamModel):
    """Body of ``POST /appointments/{crn}``."""

    type: str
    date_time: AwareDatetime
    duration: IsoDuration
    location: AppointmentLocation | None = None
    notes: str | None = None


class AppointmentCreated(UpstreamModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    id: str


class AppointmentList(UpstreamModel):
    results: tuple[Appointment, ...]
