"""Sentence dates from NOMIS."""

from __future__ import annotations

import datetime as dt

import strawberry

from sources.nomis.models import Prisoner


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
