"""Probation appointments adapter: one call per CRN."""

from __future__ import annotations

from datetime import date

from sources.appointments.models import Appointment, AppointmentCreate, AppointmentCreated, AppointmentList
from sources.http import UpstreamClient, segment


class AppointmentsClient(UpstreamClient):
    """Appointments with the probation service, before and after release."""

    async def get_appointments(self, crn: str, *, start: date, end: date) -> list[Appointment]:
        """``GET /appointments/{crn}?startDate&endDate`` (both inclusive)."""
        page = await self._get(
            f"/appointments/{segment(crn)}",
            AppointmentList,
            params={"startDate": start.isoformat(), "endDate": end.isoformat()},
            op="appointments",
        )
        return list(page.results)

    async def create_appointment(self, crn: str, body: AppointmentCreate, *, idempotency_key: str) -> str:
        """``POST /appointments/{crn}`` with ``Idempotency-Key``; returns the new id. Never retried here."""
        created = await self._post(
            f"/appointments/{segment(crn)}",
            body.model_dump(mode="json", by_alias=True, exclude_none=True),
            AppointmentCreated,
            idempotency_key=idempotency_key,
            op="create_appointment",
        )
        return created.id
