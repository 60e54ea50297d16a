"""nDelius (resettlement-passport-and-delius) shapes, mapped from camelCase JSON."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from sources.http import UpstreamModel


class CodeDescription(UpstreamModel):
    code: str
    description: str


class PersonName(UpstreamModel):
    forename: str
    surname: str


class ContactDetails(UpstreamModel):
    telephone: str | None = None
    mobile: str | None = None
    email: str | None = None


class Address(UpstreamModel):
    building_name: str | None = None
    building_number: str | None = None
    street_name: str | None = None
    district: str | None = None
    town: str | None = None
    county: str | None = None
    postcode: str | None = None


class CaseDetails(UpstreamModel):
    """``GET /probation-cases/{crn}/details``."""

    crn: str
    noms_id: str | None = None
    name: PersonName
    date_of_birth: date | None = None
    contact_details: ContactDetails | None = None
    main_address: Address | None = None
    probation_region: CodeDescription | None = None


class CommunityManager(UpstreamModel):
    """The community offender manager; ``unallocated`` is true when nobody holds the case yet."""

    name: PersonName | None = None
    unallocated: bool = False
    email: str | None = None
    telephone_number: str | None = None
    team: CodeDescription | None = None


class Mappa(UpstreamModel):
    level: int
    level_description: str | None = None
    category: int
    category_description: str | None = None
    is_nominal: bool = False
    review_date: date | None = None
    start_date: date | None = None


class RiskOfSeriousHarm(UpstreamModel):
    overall_risk_level: str | None = None
    risk_to_children_in_community: str | None = None
    risk_to_public_in_community: str | None = None
    risk_to_known_adult_in_community: str | None = None
    risk_to_staff_in_community: str | None = None
    assessed_on: datetime | None = None


class RiskPredictor(UpstreamModel):
    name: str
    score: float
    level: str | None = None


class CrnLookup(UpstreamModel):
    crn: str


class CaseNoteCreated(UpstreamModel):
    """Answer to ``POST /probation-cases/{crn}/case-notes``: the new contact's id."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    id: str = Field(min_length=1)
