"""Licences from Create and Vary a Licence (CVL)."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.context import Info
from sources.licences.models import Licence as LicenceModel
from sources.licences.models import LicenceSummary as LicenceSummaryModel


@strawberry.type(description="One licence condition.")
class LicenceCondition:
    code: str | None = strawberry.field(description="CVL condition code.")
    category: str | None = strawberry.field(description="For additional conditions, the category.")
    text: str = strawberry.field(description="The condition as the person must keep it.")


@strawberry.type(description="Every condition of a licence, grouped as CVL groups them.")
class LicenceConditions:
    standard: list[LicenceCondition] = strawberry.field(description="Standard conditions every licence has.")
    additional: list[LicenceCondition] = strawberry.field(description="Additional conditions chosen for this person.")
    bespoke: list[LicenceCondition] = strawberry.field(description="Conditions written for this person alone.")
    version: str | None = strawberry.field(description="CVL's version of the licence; it changes when varied.")

    @classmethod
    def from_model(cls, m: LicenceModel) -> LicenceConditions:
        return cls(
            standard=[LicenceCondition(code=c.code, category=None, text=c.text)
                      for c in (*m.standard_licence_conditions, *m.standard_pss_conditions)],
            additional=[LicenceCondition(code=c.code, category=c.category, text=c.expanded_text or c.text)
                        for c in m.additional_licence_conditions],
            bespoke=[LicenceCondition(code=None, category=None, text=c.text) for c in m.bespoke_conditions],
            version=m.version,
        )


@strawberry.type(description="A licence from CVL: its headline facts and, on request, its conditions.")
class LicenceSummary:
    licence_id: strawberry.ID = strawberry.field(description="CVL licence id.")
    status: str = strawberry.field(description="CVL status code, e.g. ACTIVE or VARIATION_IN_PROGRESS.")
    type_code: str | None = strawberry.field(description="Licence type, e.g. AP (licence) or AP_PSS.")
    start_date: dt.date | None = strawberry.field(description="When the licence starts.")
    expiry_date: dt.date | None = strawberry.field(description="When the licence expires.")

    @strawberry.field(description="The licence's conditions (one more CVL call per licence, cached for an hour).")
    async def conditions(self, info: Info) -> LicenceConditions | None:
        found = await info.context.loaders.licence_by_id.load(int(self.licence_id))
        return None if found is None else LicenceConditions.from_model(found)

    @classmethod
    def from_model(cls, m: LicenceSummaryModel) -> LicenceSummary:
        return cls(licence_id=strawberry.ID(str(m.licence_id)), status=m.licence_status, type_code=m.licence_type,
                   start_date=m.licence_start_date, expiry_date=m.licence_expiry_date)
