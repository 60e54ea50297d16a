"""Refreshing the prison projection from NOMIS: page through the population, replace the prison's rows.

A prison is refreshed at most every ``PROJECTION_TTL`` unless forced. Refreshes of one prison are
serialised: in one process by an asyncio lock, and across replicas on Postgres by a transaction-level
advisory lock, under which the state row is read again so an older copy never replaces a newer one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from sources.cache import PRISON_POPULATION, ttl_for
from sources.errors import UpstreamError
from sources.nomis.client import NomisClient
from sources.nomis.models import Prisoner
from sources.store.db import Database
from sources.store.models import PrisonPopulation, PrisonProjectionState, utc_now
from sources.store.sql import dialect_insert, is_postgres

PROJECTION_TTL = timedelta(seconds=ttl_for(PRISON_POPULATION))
PAGE_SIZE = 2000  # the most prisoner search gives per page
_INSERT_CHUNK = 5000
_ADVISORY_NAMESPACE = 7_310_001  # first key of pg_advisory_xact_lock(int, int): "prison projection"

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ProjectionState:
    """How fresh a prison's projection is. ``stale`` when NOMIS failed and an older copy is served."""

    prison_id: str
    refreshed_at: datetime
    people: int
    stale: bool = False


_locks: WeakKeyDictionary[Database, dict[str, asyncio.Lock]] = WeakKeyDictionary()


def _lock(database: Database, prison_id: str) -> asyncio.Lock:
    return _locks.setdefault(database, {}).setdefault(prison_id, asyncio.Lock())


async def ensure_projection(database: Database, nomis: NomisClient, prison_id: str, *, force: bool = False,
                            max_age: timedelta = PROJECTION_TTL, clock: Clock = utc_now) -> ProjectionState:
    """The prison's projection state, refreshed first when older than ``max_age`` (or when ``force``d).

    A forced refresh is satisfied by any refresh that started after it was asked for. When NOMIS fails,
    the last copy is served marked ``stale``; with no copy at all the ``UpstreamError`` propagates.
    """
    asked_at = clock()
    async with _lock(database, prison_id):
        current = await projection_state(database, prison_id)
        if current is not None and _fresh(current, asked_at, force=force, max_age=max_age):
            return current
        started_at = clock()
        try:
            prisoners = await fetch_prison_population(nomis, prison_id)
        except UpstreamError:
            if current is None:
                raise
            return dataclasses.replace(current, stale=True)
        return await replace_prison_population(database, prison_id, prisoners, refreshed_at=started_at)


def _fresh(state: ProjectionState, asked_at: datetime, *, force: bool, max_age: timedelta) -> bool:
    if state.refreshed_at >= asked_at:
        return True
    return not force and asked_at - state.refreshed_at < max_age


_STATE = (select(col(PrisonProjectionState.refreshed_at), col(PrisonProjectionState.people))
          .where(col(PrisonProjectionState.prison_id) == bindparam("prison_id")))
"""Built once, like the statements in sources/store/pathways.py: it runs on every caseload and dashboard request."""


async def projection_state(database: Database, prison_id: str) -> ProjectionState | None:
    """Read on every caseload and dashboard request: two columns on a plain connection, no ORM object."""
    async with database.connection() as connection:
        row = (await connection.execute(_STATE, {"prison_id": prison_id})).first()
        return None if row is None else ProjectionState(prison_id, row[0], row[1])


async def fetch_prison_population(nomis: NomisClient, prison_id: str) -> list[Prisoner]:
    """Everyone NOMIS holds in the prison, page by page (``GET /prisoner-search/prison/{prisonId}``)."""
    found: list[Prisoner] = []
    page = 0
    while True:
        batch = await nomis.get_prisoners_in_prison(prison_id, page=page, size=PAGE_SIZE)
        found.extend(batch.content)
        if batch.last or not batch.content:
            return found
        page += 1


async def replace_prison_population(database: Database, prison_id: str, prisoners: Sequence[Prisoner], *,
                                    refreshed_at: datetime) -> ProjectionState:
    """Replace the prison's rows in one transaction, unless a newer copy was written meanwhile."""
    async with database.session() as session:
        if is_postgres(session):
            await session.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(:prison_id))"),
                                  {"ns": _ADVISORY_NAMESPACE, "prison_id": prison_id})
        existing = await session.get(PrisonProjectionState, prison_id, populate_existing=True)
        if existing is not None and existing.refreshed_at >= refreshed_at:
            await session.rollback()
            return ProjectionState(prison_id, existing.refreshed_at, existing.people)
        await _write(session, prison_id, prisoners, refreshed_at)
        await session.commit()
    return ProjectionState(prison_id, refreshed_at, len(prisoners))


async def _write(session: AsyncSession, prison_id: str, prisoners: Sequence[Prisoner],
                 refreshed_at: datetime) -> None:
    await session.execute(delete(PrisonPopulation).where(PrisonPopulation.prison_id == prison_id))  # type: ignore[arg-type]
    rows = [_row(prison_id, p, refreshed_at) for p in {p.prisoner_number: p for p in prisoners}.values()]
    for start in range(0, len(rows), _INSERT_CHUNK):
        await session.execute(insert(PrisonPopulation), rows[start:start + _INSERT_CHUNK])
    values = {"refreshed_at": refreshed_at, "people": len(rows)}
    await session.execute(
        dialect_insert(session, PrisonProjectionState).values(prison_id=prison_id, **values)
        .on_conflict_do_update(index_elements=["prison_id"], set_=values))


def _row(prison_id: str, p: Prisoner, refreshed_at: datetime) -> dict[str, Any]:
    return {
        "prison_id": prison_id, "prisoner_number": p.prisoner_number, "first_name": p.first_name,
        "last_name": p.last_name, "date_of_birth": p.date_of_birth, "release_date": p.display_release_date,
        "home_detention_curfew_eligibility_date": p.home_detention_curfew_eligibility_date,
        "parole_eligibility_date": p.parole_eligibility_date, "cell_location": p.cell_location,
        "status": p.status, "refreshed_at": refreshed_at,
    }


async def projection_states(database: Database) -> dict[str, ProjectionState]:
    """Every prison's projection state, in one query."""
    async with database.session() as session:
        rows = await session.execute(select(PrisonProjectionState))
        return {row.prison_id: ProjectionState(row.prison_id, row.refreshed_at, row.people) for row in rows.scalars()}


@dataclass(frozen=True, slots=True)
class Projections:
    """The projections of the prisons asked for, and whether the projection holds any other prison."""

    states: dict[str, ProjectionState]
    """The prisons asked for that have a copy, fresh or stale; one never read is left out."""
    others: frozenset[str]
    """Prisons in the projection that were not asked for (inactive ones a prison dashboard once read)."""

    @property
    def whole(self) -> bool:
        """The projection holds exactly these prisons: a count over them may read it without a filter."""
        return not self.others


async def ensure_projections(database: Database, nomis: NomisClient, prison_ids: Sequence[str], *,
                             max_age: timedelta = PROJECTION_TTL, clock: Clock = utc_now,
                             concurrency: int = 4) -> Projections:
    """Many prisons' projections (a national view): one read of their states, then only stale ones refreshed.

    A prison whose refresh fails keeps its last copy, marked stale; one never read at all is left out, so
    a national count is over the prisons it can vouch for, and the caller says which are missing.
    """
    states = await projection_states(database)
    asked_at = clock()
    gate = asyncio.Semaphore(concurrency)

    async def refresh(prison_id: str) -> None:
        async with gate:
            try:
                states[prison_id] = await ensure_projection(database, nomis, prison_id, max_age=max_age, clock=clock)
            except UpstreamError:
                states.pop(prison_id, None)

    stale = [p for p in prison_ids if p not in states or not _fresh(states[p], asked_at, force=False, max_age=max_age)]
    await asyncio.gather(*(refresh(p) for p in stale))
    asked = set(prison_ids)
    return Projections({p: states[p] for p in prison_ids if p in states},
                       frozenset(p for p in states if p not in asked))
