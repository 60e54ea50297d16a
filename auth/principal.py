"""Who is calling: the principal built from a verified token, and the audience it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ROLE_EDIT = "ROLE_RESETTLEMENT_PASSPORT_EDIT"
ROLE_REPORTS = "ROLE_RESETTLEMENT_PASSPORT_REPORTS"
ROLE_NATIONAL_REPORTS = "ROLE_RESETTLEMENT_PASSPORT_NATIONAL_REPORTS"
ROLE_READ = "ROLE_RESETTLEMENT_PASSPORT_READ"
ROLE_ADMIN = "ROLE_RESETTLEMENT_PASSPORT_ADMIN"


class Audience(StrEnum):
    PRISON_STAFF = "prison-staff"
    PROBATION_STAFF = "probation-staff"
    LEAVER = "leaver"
    INTEGRATOR = "integrator"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller, as the rest of the gateway sees it. Never carries a leaver's personal data."""

    audience: Audience
    subject: str
    username: str | None = None
    display_name: str | None = None
    client_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    caseloads: frozenset[str] = field(default_factory=frozenset)
    probation_region: str | None = None
    prisoner_number: str | None = None

    @property
    def log_name(self) -> str:
        """What logs and the access log may name: a username or client id, never a leaver."""
        if self.audience is Audience.LEAVER:
            return "leaver"
        return self.username or self.client_id or self.subject

    def has_role(self, role: str) -> bool:
        return role in self.roles


ANONYMOUS = Principal(audience=Audience.PUBLIC, subject="anonymous")


def staff_or_client_principal(claims: dict[str, Any]) -> Principal | None:
    """Map HMPPS Auth claims to a principal; None when the token grants nothing we know."""
    roles = frozenset(str(r) for r in claims.get("authorities", ()) if isinstance(r, str))
    source = claims.get("auth_source")
    common: dict[str, Any] = {
        "subject": str(claims.get("sub", "")),
        "username": claims.get("user_name"),
        "display_name": claims.get("name"),
        "client_id": claims.get("client_id"),
        "roles": roles,
    }
    if source == "nomis":
        caseloads = frozenset(str(c) for c in claims.get("caseloads", ()) if isinstance(c, str))
        return Principal(audience=Audience.PRISON_STAFF, caseloads=caseloads, **common)
    if source == "delius":
        region = claims.get("probation_region")
        return Principal(audience=Audience.PROBATION_STAFF,
                         probation_region=str(region) if region else None, **common)
    if source in (None, "none") and claims.get("client_id"):
        return Principal(audience=Audience.INTEGRATOR, **common)
    return None


def leaver_principal(subject: str, prisoner_number: str | None) -> Principal:
    return Principal(audience=Audience.LEAVER, subject=subject, prisoner_number=prisoner_number)
