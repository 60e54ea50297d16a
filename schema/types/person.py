"""The Person type: one person's resettlement picture, assembled from every system."""

from __future__ import annotations

import datetime as dt

import strawberry

from auth.policy import FieldGroup
from resolvers import person_fields
from schema.context import Info
from schema.permissions import requires
from schema.types.appointment import Appointment
from schema.types.common import Pathway, PathwayStatusValue
from schema.types.licence import LicenceSummary
from schema.types.staff import StaffContact
from sources.nomis.models import Prisoner
from sources.store.enums import Pathway as PathwayCode
from sources.store.enums import PathwayStatusCode


@strawberry.type(description="The sentence dates NOMIS holds for a person. Absent dates are null.")
class ReleaseDates:
    confirmed_release_date: dt.date | None = strawberry.field(description="Confirmed release date.")
    conditional_release_date: dt.date | None = strawberry.field(description="Conditional release date (CRD).")
    automatic_release_date: dt.date | None = strawberry.field(description="Automatic release date (ARD).")
    actual_parole_date: dt.date | None = strawberry.field(description="Actual parole date (APD).")
    parole_eligibility_date: dt.date | None = strawberry.field(description="Parole eligibility date (PED).")
    home_detention_curfew_eligibility_date: dt.date | None = strawberry.field(
        description="Home detention curfew eligibility date (HDCED).")
    home_detention_curfew_actual_date: dt.date | None = strawberry.field(
        description="Home detention curfew actual date (HDCAD).")
    sentence_expiry_date: dt.date | None = strawberry.field(description="Sentence expiry date (SED).")
    licence_expiry_date: dt.date | None = strawberry.field(description="Licence expiry date (LED).")

    @classmethod
    def from_model(cls, p: Prisoner) -> ReleaseDates:
        return cls(
            confirmed_release_date=p.confirmed_release_date,
            conditional_release_date=p.conditional_release_date,
            automatic_release_date=p.automatic_release_date,
            actual_parole_date=p.actual_parole_date,
            parole_eligibility_date=p.parole_eligibility_date,
            home_detention_curfew_eligibility_date=p.home_detention_curfew_eligibility_date,
            home_detention_curfew_actual_date=p.home_detention_curfew_actual_date,
            sentence_expiry_date=p.sentence_expiry_date,
            licence_expiry_date=p.licence_expiry_date,
        )


@strawberry.type(description="The status of one resettlement pathway for one person.")
class PathwayStatus:
    pathway: Pathway = strawberry.field(description="Which pathway.")  # type: ignore[valid-type]
    status: PathwayStatusValue = strawberry.field(  # type: ignore[valid-type]
        description="Where support stands; NOT_STARTED when nobody has recorded anything yet.")
    updated_at: dt.datetime | None = strawberry.field(description="When the status last changed (UTC).")
    version: int = strawberry.field(
        description="Optimistic-concurrency version; send it back when you change the status. 0 means never set.")


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

    @strawberry.field(description="Three-letter code of the current prison, e.g. MDI.",
                      extensions=requires(FieldGroup.CUSTODY))
    def prison_id(self) -> str | None:
        return self.prisoner.prison_id

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

    @strawberry.field(description="The current licence from Create and Vary a Licence, or null when none.",
                      extensions=requires(FieldGroup.LICENCE))
    async def licence(self, info: Info) -> LicenceSummary | None:
        summary = await info.context.loaders.licence_summary_by_prisoner_number.load(self.prisoner.prisoner_number)
        return None if summary is None else LicenceSummary.from_model(summary)

    @strawberry.field(description="The next appointment from now within a year, or null when none.",
                      extensions=requires(FieldGroup.APPOINTMENTS))
    async def next_appointment(self, info: Info) -> Appointment | None:
        found = await person_fields.next_appointment(info.context, self.prisoner.prisoner_number)
        return None if found is None else Appointment.from_model(found)

    @strawberry.field(description="All seven pathways with their status; NOT_STARTED where nothing is recorded.",
                      extensions=requires(FieldGroup.PATHWAY_STATUS))
    async def pathways(self, info: Info) -> list[PathwayStatus]:
        rows = await info.context.loaders.pathway_statuses_by_prisoner_number.load(self.prisoner.prisoner_number)
        recorded = {row.pathway: row for row in rows}
        result = []
        for code in PathwayCode:
            row = recorded.get(code.value)
            result.append(PathwayStatus(
                pathway=code,
                status=PathwayStatusCode(row.status) if row else PathwayStatusCode.NOT_STARTED,
                updated_at=row.updated_at if row else None,
                version=row.version if row else 0,
            ))
        return result
