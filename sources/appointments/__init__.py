"""Probation appointments."""

from sources.appointments.client import AppointmentsClient
from sources.appointments.models import (
    Appointment,
    AppointmentAddress,
    AppointmentCreate,
    AppointmentLocation,
    AppointmentStaff,
    AppointmentType,
    iso_duration_minutes,
)

__all__ = [
    "Appointment",
    "AppointmentAddress",
    "AppointmentCreate",
    "AppointmentLocation",
    "AppointmentStaff",
    "AppointmentType",
    "AppointmentsClient",
    "iso_duration_minutes",
]
