"""The Person type: one person's resettlement picture, assembled from every system."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from functools import partial
from typing import Annotated, TypeAlias, TypeVar

import strawberry

from auth.policy import FieldGroup
from resolvers import person_fields, person_prefetch
from resolvers.contact_details import case_details
from resolvers.errors import BadUserInput
from resolvers.person_prefetch import now_or_later, settled
from schema.context import Info
from schema.permissions import requires
from schema.types.applications import BankApplication, IdApplication
from schema.types.appointment import Appointment
from schema.types.common import Pathway
from schema.types.contact import ContactDetails
from schema.types.licence import LicenceSummary
from schema.types.pathway import CaseNote, CaseNotePage, PathwayStatus, decode_cursor, encode_cursor
from schema.types.release import ReleaseDates
from schema.types.risk import Risk
from schema.types.staff import ResettlementWorker, StaffContact
from sources.appointments.models import Appointment as AppointmentModel
from sources.delius.models import CommunityManager
from sources.licences.models import LicenceSummary as LicenceSummaryModel
from sources.nomis.models import Prisoner, PrisonStaff
from sources.store.allocations import AllocationRow
from sources.store.enums import Pathway as PathwayCode
from sources.store.models import BankApplication as BankApplicationRow
from sources.store.models import IdApplication as IdApplicationRow

T = TypeVar("T")
# Fields that read a loader resolve at once when ``resolvers/person_prefetch.py`` loaded their data for the whole
# page (``people``), and await the loader otherwise; their ``graphql_type`` is the type of the value.
Soon: TypeAlias = T | Awaitable[T]


@strawberry.type(description="A person in custody or on licence, as the caller is allowed to see them.")
class Person:
    prisoner: strawberry.Private[Prisoner]

    @strawberry.field(description="NOMIS prisoner number, e.g. A1234BC.", extensions=requires(FieldGroup.IDENTITY))
    def prisoner_number(self) -> strawberry.ID:
        return strawberry.ID(self.prisoner.prisoner_number)

    @strawberry.field(description="First name, from NOMIS.", extensions=requires(FieldGroup.IDENTITY))
    def first_name(self) -> str:
        return self.prisoner.first_name

    @strawberry.field(description="Last name, from NOMIS.", extensions=requires(FieldGroup.IDENTITY))
    def last_name(self) -> str:
        return self.prisoner.last_name

    @strawberry.field(description="Date of birth, from NOMIS.", extensions=requires(FieldGroup.IDENTITY))
    def date_of_birth(self) -> dt.date | None:
        return self.prisoner.date_of_birth

    @strawberry.field(description="Three-letter code of the current (or last) prison, e.g. MDI.",
                      extensions=requires(FieldGroup.CUSTODY))
    def prison_id(self) -> str | None:
        return self.prisoner.prison_id

    @strawberry.field(description="Name of the current (or last) prison.", extensions=requires(FieldGroup.CUSTODY))
    def prison_name(self) -> str | None:
        return self.prisoner.prison_name

    @strawberry.field(description="Cell location within the prison.", extensions=requires(FieldGroup.CUSTODY))
    def cell_location(self) -> str | None:
        return self.prisoner.cell_location

    @strawberry.field(
        description="The release date to show: the first present of confirmed release, actual parole, home "
        "detention curfew actual, conditional release and automatic release dates.",
        extensions=requires(FieldGroup.RELEASE_DATE))
    def release_date(self) -> dt.date | None:
        return self.prisoner.display_release_date

    @strawberry.field(description="Every sentence date NOMIS holds.", extensions=requires(FieldGroup.RELEASE_DATES))
    def release_dates(self) -> ReleaseDates:
        return ReleaseDates.from_model(self.prisoner)

    @strawberry.field(description="Case reference number in nDelius, e.g. X123456; null when none yet.",
                      extensions=requires(FieldGroup.CUSTODY), graphql_type=str | None)
    def crn(self, info: Info) -> Soon[str | None]:
        return now_or_later(info.context.loaders.crn_by_prisoner_number.load(self.prisoner.prisoner_number), _same)

    @strawberry.field(description="The community offender manager (probation practitioner), from nDelius. "
                      "Null when there is no CRN; `allocated` is false when nobody is allocated yet.",
                      extensions=requires(FieldGroup.COM_NAME), graphql_type=StaffContact | None)
    def community_offender_manager(self, info: Info) -> Soon[StaffContact | None]:
        loaders = info.context.loaders
        crn = loaders.crn_by_prisoner_number.load(self.prisoner.prisoner_number)
        if settled(crn):
            known = crn.result()
            return None if known is None else now_or_later(loaders.community_manager_by_crn.load(known), _manager)
        return now_or_later(person_fields.community_manager(info.context, self.prisoner.prisoner_number), _manager)

    @strawberry.field(description="The person's own phone numbers, email and main address as nDelius holds "
                      "them; only their probation practitioner can change them. Null when there is no CRN or "
                      "nDelius cannot answer (then with UPSTREAM_UNAVAILABLE).",
                      extensions=requires(FieldGroup.CONTACT_DETAILS))
    async def contact_details(self, info: Info) -> ContactDetails | None:
        case = await case_details(info.context, self.prisoner.prisoner_number)
        return None if case is None else ContactDetails.from_model(case)

    @strawberry.field(description="The prison offender manager (POM), from NOMIS.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS), graphql_type=StaffContact | None)
    def prison_offender_manager(self, info: Info) -> Soon[StaffContact | None]:
        loader = info.context.loaders.prison_offender_manager_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _prison_staff)

    @strawberry.field(description="The key worker in the prison, from NOMIS.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS), graphql_type=StaffContact | None)
    def key_worker(self, info: Info) -> Soon[StaffContact | None]:
        loader = info.context.loaders.key_worker_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _prison_staff)

    @strawberry.field(description="The resettlement worker assigned in this service; null when unassigned.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS), graphql_type=ResettlementWorker | None)
    def resettlement_worker(self, info: Info) -> Soon[ResettlementWorker | None]:
        loader = info.context.loaders.allocation_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _worker)

    @strawberry.field(description="Risk of serious harm, MAPPA and predictor scores from nDelius; null without a "
                      "CRN.", extensions=requires(FieldGroup.RISK), graphql_type=Risk | None)
    def risk(self, info: Info) -> Soon[Risk | None]:
        return now_or_later(info.context.loaders.crn_by_prisoner_number.load(self.prisoner.prisoner_number), _risk)

    @strawberry.field(description="The current licence from Create and Vary a Licence, or null when none.",
                      extensions=requires(FieldGroup.LICENCE), graphql_type=LicenceSummary | None)
    def licence(self, info: Info) -> Soon[LicenceSummary | None]:
        loader = info.context.loaders.licence_summary_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _licence)

    @strawberry.field(description="The next appointment from now within a year, or null when none.",
                      extensions=requires(FieldGroup.APPOINTMENTS), graphql_type=Appointment | None)
    def next_appointment(self, info: Info) -> Soon[Appointment | None]:
        found = person_prefetch.next_appointment(info.context, self.prisoner)
        if found is None or isinstance(found, AppointmentModel):
            return _appointment(found)
        return now_or_later(found, _appointment)

    @strawberry.field(description="Appointments from `from` to `to` (inclusive, at most two years), soonest "
                      "first. A person leaving prison sees only those after their release. Null when the appointments "
                      "system or nDelius cannot answer.",
                      extensions=requires(FieldGroup.APPOINTMENTS))
    async def appointments(self, info: Info, from_: Annotated[dt.date, strawberry.argument(name="from")],
                           to: dt.date | None = None) -> list[Appointment] | None:
        end = to or from_ + dt.timedelta(days=365)
        found = await person_fields.appointments(info.context, self.prisoner, from_, end)
        return [Appointment.from_model(a) for a in found]

    @strawberry.field(description="All seven pathways with their status; NOT_STARTED where nothing is recorded.",
                      extensions=requires(FieldGroup.PATHWAY_STATUS), graphql_type=list[PathwayStatus])
    def pathways(self, info: Info) -> Soon[list[PathwayStatus]]:
        number = self.prisoner.prisoner_number
        return now_or_later(info.context.loaders.pathway_statuses_by_prisoner_number.load(number),
                            partial(PathwayStatus.all_seven, number))

    @strawberry.field(description="Case notes written with status changes, newest first, optionally for one "
                      "pathway. `first` is 1 to 100.", extensions=requires(FieldGroup.CASE_NOTES))
    async def case_notes(self, info: Info, pathway: Pathway | None = None,  # type: ignore[valid-type]
                         first: int = 20, after: str | None = None) -> CaseNotePage:
        try:
            offset = decode_cursor(after)
        except ValueError as error:
            raise BadUserInput(str(error), field="after") from error
        code = PathwayCode(pathway) if pathway is not None else None
        total, rows = await person_fields.case_notes(info.context, self.prisoner.prisoner_number, code, first, offset)
        end = offset + len(rows)
        return CaseNotePage(total_count=total, notes=[CaseNote.from_row(r) for r in rows],
                            next_cursor=encode_cursor(end) if end < total else None)

    @strawberry.field(description="Applications for identity documents, newest first.",
                      extensions=requires(FieldGroup.APPLICATIONS), graphql_type=list[IdApplication])
    def id_applications(self, info: Info) -> Soon[list[IdApplication]]:
        loader = info.context.loaders.id_applications_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _id_applications)

    @strawberry.field(description="Applications for a bank account, newest first.",
                      extensions=requires(FieldGroup.APPLICATIONS), graphql_type=list[BankApplication])
    def bank_applications(self, info: Info) -> Soon[list[BankApplication]]:
        loader = info.context.loaders.bank_applications_by_prisoner_number
        return now_or_later(loader.load(self.prisoner.prisoner_number), _bank_applications)



def _same(value: T) -> T:
    return value


def _manager(found: CommunityManager | None) -> StaffContact | None:
    return None if found is None else StaffContact.from_manager(found)


def _prison_staff(found: PrisonStaff | None) -> StaffContact | None:
    return None if found is None else StaffContact.from_prison_staff(found)


def _worker(row: AllocationRow | None) -> ResettlementWorker | None:
    return None if row is None else ResettlementWorker.from_row(row)


def _risk(crn: str | None) -> Risk | None:
    return None if crn is None else Risk(crn=crn)


def _licence(summary: LicenceSummaryModel | None) -> LicenceSummary | None:
    return None if summary is None else LicenceSummary.from_model(summary)


def _appointment(found: AppointmentModel | None) -> Appointment | None:
    return None if found is None else Appointment.from_model(found)


def _id_applications(rows: list[IdApplicationRow]) -> list[IdApplication]:
    return [IdApplication.from_row(r) for r in rows]


def _bank_applications(rows: list[BankApplicationRow]) -> list[BankApplication]:
    return [BankApplication.from_row(r) for r in rows]
