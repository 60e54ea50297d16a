"""The Person type: one person's resettlement picture, assembled from every system."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from auth.policy import FieldGroup
from resolvers import person_fields
from resolvers.errors import BadUserInput
from schema.context import Info
from schema.permissions import requires
from schema.types.applications import BankApplication, IdApplication
from schema.types.appointment import Appointment
from schema.types.common import Pathway
from schema.types.licence import LicenceSummary
from schema.types.pathway import CaseNote, CaseNotePage, PathwayStatus, decode_cursor, encode_cursor
from schema.types.release import ReleaseDates
from schema.types.risk import Risk
from schema.types.staff import ResettlementWorker, StaffContact
from sources.nomis.models import Prisoner
from sources.store.enums import Pathway as PathwayCode


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
                      extensions=requires(FieldGroup.CUSTODY))
    async def crn(self, info: Info) -> str | None:
        return await info.context.loaders.crn_by_prisoner_number.load(self.prisoner.prisoner_number)

    @strawberry.field(description="The community offender manager (probation practitioner), from nDelius. "
                      "Null when there is no CRN; `allocated` is false when nobody is allocated yet.",
                      extensions=requires(FieldGroup.COM_NAME))
    async def community_offender_manager(self, info: Info) -> StaffContact | None:
        manager = await person_fields.community_manager(info.context, self.prisoner.prisoner_number)
        return None if manager is None else StaffContact.from_manager(manager)

    @strawberry.field(description="The prison offender manager (POM), from NOMIS.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    async def prison_offender_manager(self, info: Info) -> StaffContact | None:
        found = await info.context.loaders.prison_offender_manager_by_prisoner_number.load(
            self.prisoner.prisoner_number)
        return None if found is None else StaffContact.from_prison_staff(found)

    @strawberry.field(description="The key worker in the prison, from NOMIS.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    async def key_worker(self, info: Info) -> StaffContact | None:
        found = await info.context.loaders.key_worker_by_prisoner_number.load(self.prisoner.prisoner_number)
        return None if found is None else StaffContact.from_prison_staff(found)

    @strawberry.field(description="The resettlement worker assigned in this service; null when unassigned.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    async def resettlement_worker(self, info: Info) -> ResettlementWorker | None:
        row = await info.context.loaders.allocation_by_prisoner_number.load(self.prisoner.prisoner_number)
        return None if row is None else ResettlementWorker.from_row(row)

    @strawberry.field(description="Risk of serious harm, MAPPA and predictor scores from nDelius; null without a "
                      "CRN.", extensions=requires(FieldGroup.RISK))
    async def risk(self, info: Info) -> Risk | None:
        crn = await info.context.loaders.crn_by_prisoner_number.load(self.prisoner.prisoner_number)
        return None if crn is None else Risk(crn=crn)

    @strawberry.field(description="The current licence from Create and Vary a Licence, or null when none.",
                      extensions=requires(FieldGroup.LICENCE))
    async def licence(self, info: Info) -> LicenceSummary | None:
        loader = info.context.loaders.licence_summary_by_prisoner_number
        summary = await loader.load(self.prisoner.prisoner_number)
        return None if summary is None else LicenceSummary.from_model(summary)

    @strawberry.field(description="The next appointment from now within a year, or null when none.",
                      extensions=requires(FieldGroup.APPOINTMENTS))
    async def next_appointment(self, info: Info) -> Appointment | None:
        found = await person_fields.next_appointment(info.context, self.prisoner)
        return None if found is None else Appointment.from_model(found)

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
                      extensions=requires(FieldGroup.PATHWAY_STATUS))
    async def pathways(self, info: Info) -> list[PathwayStatus]:
        number = self.prisoner.prisoner_number
        rows = await info.context.loaders.pathway_statuses_by_prisoner_number.load(number)
        return PathwayStatus.all_seven(number, rows)

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
                      extensions=requires(FieldGroup.APPLICATIONS))
    async def id_applications(self, info: Info) -> list[IdApplication]:
        rows = await info.context.loaders.id_applications_by_prisoner_number.load(self.prisoner.prisoner_number)
        return [IdApplication.from_row(r) for r in rows]

    @strawberry.field(description="Applications for a bank account, newest first.",
                      extensions=requires(FieldGroup.APPLICATIONS))
    async def bank_applications(self, info: Info) -> list[BankApplication]:
        rows = await info.context.loaders.bank_applications_by_prisoner_number.load(self.prisoner.prisoner_number)
        return [BankApplication.from_row(r) for r in rows]
