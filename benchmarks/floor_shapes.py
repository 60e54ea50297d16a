"""The floor's hand-written JSON: the same values the gateway's types give, built directly from the models."""

from __future__ import annotations

from typing import Any

from sources.appointments.models import Appointment
from sources.delius.models import CommunityManager
from sources.licences.models import LicenceSummary
from sources.nomis.models import PrisonStaff
from sources.store.enums import Pathway

Json = dict[str, Any]


def latest_licences(summaries: list[LicenceSummary]) -> dict[str, LicenceSummary]:
    found: dict[str, LicenceSummary] = {}
    for summary in summaries:
        current = found.get(summary.nomis_id)
        if current is None or summary.licence_id > current.licence_id:
            found[summary.nomis_id] = summary
    return found


def licence(summary: LicenceSummary | None, *, full: bool) -> Json | None:
    if summary is None:
        return None
    out: Json = {"licenceId": str(summary.licence_id), "status": summary.licence_status}
    if full:
        out["typeCode"] = summary.licence_type
        out["startDate"] = _iso(summary.licence_start_date)
    out["expiryDate"] = _iso(summary.licence_expiry_date)
    return out


def next_appointment(found: list[Appointment] | None, now: Any, *, full: bool) -> Json | None:
    upcoming = sorted((a for a in found or [] if a.date_time >= now), key=lambda a: a.date_time)
    if not upcoming:
        return None
    a = upcoming[0]
    out: Json = {"id": a.id, "typeCode": a.type.code, "start": a.date_time.isoformat()}
    if full:
        out["durationMinutes"] = a.duration_minutes
    return out


def pathways(rows: dict[str, tuple[str, int]], *, full: bool) -> list[Json]:
    out = []
    for code in Pathway:
        status, version = rows.get(code.value, ("NOT_STARTED", 0))
        out.append({"pathway": code.value, "status": status, "version": version} if full
                   else {"pathway": code.value, "status": status})
    return out


def community_manager(manager: CommunityManager | None) -> Json | None:
    if manager is None:
        return None
    name = manager.name
    full_name = f"{name.forename} {name.surname}" if name and not manager.unallocated else None
    return {"allocated": not manager.unallocated, "name": full_name, "email": manager.email,
            "telephone": manager.telephone_number}


def prison_staff(staff: PrisonStaff | None) -> Json | None:
    if staff is None:
        return None
    return {"allocated": True, "name": f"{staff.first_name} {staff.last_name}", "email": staff.email}


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
