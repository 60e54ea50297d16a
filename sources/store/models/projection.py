"""The prison projection: a refreshable read model of each prison's population, copied from NOMIS.

These rows are never our own record of a person. They are replaced wholesale, prison by prison, at most
every 10 minutes or on demand, so the caseload and the dashboard can filter, sort and count in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from sources.store.models.base import UTCDateTime


class PrisonPopulation(SQLModel, table=True):
    """One person in one prison as NOMIS last reported them."""

    __tablename__ = "prison_population"
    __table_args__ = (
        Index("ix_prison_population_release", "prison_id", "release_date"),
        Index("ix_prison_population_name", "prison_id", "last_name", "first_name"),
        Index("ix_prison_population_prisoner_number", "prisoner_number"),
    )

    prison_id: str = Field(max_length=6, primary_key=True)
    prisoner_number: str = Field(max_length=7, primary_key=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    date_of_birth: date | None = None
    release_date: date | None = None  # the display release date (DESIGN.md §4)
    home_detention_curfew_eligibility_date: date | None = None
    parole_eligibility_date: date | None = None
    cell_location: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=40)
    refreshed_at: datetime = Field(sa_type=UTCDateTime)


class PrisonProjectionState(SQLModel, table=True):
    """When each prison's projection was last read from NOMIS, and how many people it held."""

    __tablename__ = "prison_projection_state"

    prison_id: str = Field(max_length=6, primary_key=True)
    refreshed_at: datetime = Field(sa_type=UTCDateTime)
    people: int = 0
