"""NOMIS (prisoner search and prison API) shapes, mapped from camelCase JSON."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from sources.http import UpstreamModel


class Prisoner(UpstreamModel):
    """A prisoner-search ``Prisoner``: identity, location and the sentence's key dates."""

    prisoner_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    prison_id: str | None = None
    prison_name: str | None = None
    cell_location: str | None = None
    status: str | None = None
    confirmed_release_date: date | None = None
    actual_parole_date: date | None = None
    home_detention_curfew_actual_date: date | None = None
    conditional_release_date: date | None = None
    automatic_release_date: date | None = None
    home_detention_curfew_eligibility_date: date | None = None
    parole_eligibility_date: date | None = None
    sentence_expiry_date: date | None = None
    licence_expiry_date: date | None = None

    @property
    def display_release_date(self) -> date | None:
        """First present of confirmed, actual parole, HDC actual, conditional, automatic release date."""
        for candidate in (
            self.confirmed_release_date,
            self.actual_parole_date,
            self.home_detention_curfew_actual_date,
            self.conditional_release_date,
            self.automatic_release_date,
        ):
            if candidate is not None:
                return candidate
        return None


class PrisonerPage(UpstreamModel):
    """One page of ``GET /prisoner-search/prison/{prisonId}``."""

    content: tuple[Prisoner, ...]
    total_elements: int
    total_pages: int
    number: int
    size: int
    last: bool


class PrisonSummary(UpstreamModel):
    """A prison in the prison register (``GET /prisons``)."""

    prison_id: str
    prison_name: str
    active: bool = True


class PrisonStaff(UpstreamModel):
    """A key worker or prison offender manager."""

    first_name: str
    last_name: str
    email: str | None = None


class CaseNoteCreated(UpstreamModel):
    case_note_id: str = Field(min_length=1)
