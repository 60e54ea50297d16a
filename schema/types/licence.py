"""Licences from Create and Vary a Licence (CVL)."""

from __future__ import annotations

import datetime as dt

import strawberry

from sources.licences.models import LicenceSummary as LicenceSummaryModel


@strawberry.type(description="A licence's headline facts, from the CVL licence match.")
class LicenceSummary:
    licence_id: strawberry.ID = strawberry.field(description="CVL licence id.")
    status: str = strawberry.field(description="CVL status code, e.g. ACTIVE or VARIATION_IN_PROGRESS.")
    type_code: str | None = strawberry.field(description="Licence type, e.g. AP (licence) or AP_PSS.")
    start_date: dt.date | None = strawberry.field(description="When the licence starts.")
    expiry_date: dt.date | None = strawberry.field(description="When the licence expires.")

    @classmethod
    def from_model(cls, m: LicenceSummaryModel) -> LicenceSummary:
        return cls(licence_id=strawberry.ID(str(m.licence_id)), status=m.licence_status,
                   type_code=m.licence_type, start_date=m.licence_start_date, expiry_date=m.licence_expiry_date)
