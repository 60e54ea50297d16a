"""The access policy, as data: which audience may read or write each field group, and whom they may see.

This mirrors the table in DESIGN.md §6. Resolvers never decide access themselves; they name a field group
and ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from auth.principal import ROLE_ADMIN, ROLE_EDIT, ROLE_NATIONAL_REPORTS, ROLE_READ, ROLE_REPORTS, Audience, Principal


class FieldGroup(StrEnum):
    IDENTITY = "identity"                  # name, date of birth, prisoner number
    CUSTODY = "custody"                    # CRN, prison, cell location
    RELEASE_DATE = "release-date"          # the display release date
    RELEASE_DATES = "release-dates"        # every sentence date
    PATHWAY_STATUS = "pathway-status"
    PATHWAY_HISTORY = "pathway-history"
    CASE_NOTES = "case-notes"
    RISK = "risk"
    LICENCE = "licence"
    APPOINTMENTS = "appointments"
    APPLICATIONS = "applications"          # that an application exists, and its status
    APPLICATION_DETAILS = "application-details"  # dates, costs, refunds
    STAFF_CONTACTS = "staff-contacts"
    COM_NAME = "com-name"                  # the community offender manager's name only
    CONTACT_DETAILS = "contact-details"    # the person's own phone numbers, email and main address (nDelius)
    TODOS = "todos"
    DASHBOARD = "dashboard"
    NATIONAL_DASHBOARD = "national-dashboard"  # every prison's counts, for headquarters
    ACCESS_LOG = "access-log"


class Access(StrEnum):
    READ = "r"
    WRITE = "rw"


@dataclass(frozen=True, slots=True)
class Grant:
    access: Access
    role: str | None = None  # a role the principal must also hold


_STAFF_READ = Grant(Access.READ, ROLE_EDIT)
_STAFF_WRITE = Grant(Access.WRITE, ROLE_EDIT)
_LEAVER = Grant(Access.READ)
_INTEGRATOR = Grant(Access.READ, ROLE_READ)

P, D, L, INT = Audience.PRISON_STAFF, Audience.PROBATION_STAFF, Audience.LEAVER, Audience.INTEGRATOR

POLICY: dict[FieldGroup, dict[Audience, Grant]] = {
    FieldGroup.IDENTITY: {P: _STAFF_READ, D: _STAFF_READ, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.CUSTODY: {P: _STAFF_READ, D: _STAFF_READ, INT: _INTEGRATOR},
    FieldGroup.RELEASE_DATE: {P: _STAFF_READ, D: _STAFF_READ, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.RELEASE_DATES: {P: _STAFF_READ, D: _STAFF_READ, INT: _INTEGRATOR},
    FieldGroup.PATHWAY_STATUS: {P: _STAFF_WRITE, D: _STAFF_WRITE, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.PATHWAY_HISTORY: {P: _STAFF_WRITE, D: _STAFF_WRITE, INT: _INTEGRATOR},
    FieldGroup.CASE_NOTES: {P: _STAFF_WRITE, D: _STAFF_WRITE},
    FieldGroup.RISK: {P: _STAFF_READ, D: _STAFF_READ},
    FieldGroup.LICENCE: {P: _STAFF_READ, D: _STAFF_READ, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.APPOINTMENTS: {P: _STAFF_WRITE, D: _STAFF_WRITE, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.APPLICATIONS: {P: _STAFF_WRITE, D: _STAFF_READ, L: _LEAVER},
    FieldGroup.APPLICATION_DETAILS: {P: _STAFF_WRITE, D: _STAFF_READ},
    FieldGroup.STAFF_CONTACTS: {P: _STAFF_WRITE, D: _STAFF_READ, INT: _INTEGRATOR},
    FieldGroup.COM_NAME: {P: _STAFF_READ, D: _STAFF_READ, L: _LEAVER, INT: _INTEGRATOR},
    FieldGroup.CONTACT_DETAILS: {P: _STAFF_READ, D: _STAFF_READ, L: _LEAVER},
    FieldGroup.TODOS: {L: Grant(Access.WRITE)},
    FieldGroup.DASHBOARD: {P: Grant(Access.READ, ROLE_REPORTS)},
    FieldGroup.NATIONAL_DASHBOARD: {P: Grant(Access.READ, ROLE_NATIONAL_REPORTS)},
    FieldGroup.ACCESS_LOG: {P: Grant(Access.READ, ROLE_ADMIN), D: Grant(Access.READ, ROLE_ADMIN),
                            INT: Grant(Access.READ, ROLE_ADMIN)},
}


def may(principal: Principal, group: FieldGroup, access: Access = Access.READ) -> bool:
    """True when the principal's audience and roles grant this access to the field group."""
    grant = POLICY[group].get(principal.audience)
    if grant is None:
        return False
    if access is Access.WRITE and grant.access is not Access.WRITE:
        return False
    return grant.role is None or principal.has_role(grant.role)


def sees_everyone(principal: Principal) -> bool:
    """Whether the principal's person scope is every person, whatever their record says (an integrator with the
    read role): who they may see is then known before NOMIS has answered."""
    return principal.audience is Audience.INTEGRATOR and principal.has_role(ROLE_READ)


def person_in_scope(principal: Principal, *, prisoner_number: str, prison_id: str | None,
                    probation_region: str | None) -> bool:
    """Person scope: caseload prisons, probation region, self, or what an integrator's role grants."""
    match principal.audience:
        case Audience.PRISON_STAFF:
            return prison_id is not None and prison_id in principal.caseloads
        case Audience.PROBATION_STAFF:
            return probation_region is not None and probation_region == principal.probation_region
        case Audience.LEAVER:
            return principal.prisoner_number == prisoner_number
        case Audience.INTEGRATOR:
            return sees_everyone(principal)
        case _:
            return False


def needs_probation_region(principal: Principal) -> bool:
    """Probation staff scope needs the person's region, which only nDelius knows."""
    return principal.audience is Audience.PROBATION_STAFF
