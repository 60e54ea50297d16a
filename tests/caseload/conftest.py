"""The caseload and dashboard over MDI: an independent reckoning from the stub population and the seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fixtures.population import Population, SyntheticPerson
from fixtures.seed import demo_statuses
from fixtures.stubs.base import StubState, state_of
from fixtures.stubs.runner import AppStack
from gateway.settings import Settings
from sources.store import allocations
from sources.store.allocations import Worker
from sources.store.db import Database

PATHWAYS = ("ACCOMMODATION", "ATTITUDES_THINKING_AND_BEHAVIOUR", "CHILDREN_FAMILIES_AND_COMMUNITY",
            "DRUGS_AND_ALCOHOL", "EDUCATION_SKILLS_AND_WORK", "FINANCE_AND_ID", "HEALTH")
STATUSES = ("NOT_STARTED", "SUPPORT_REQUIRED", "IN_PROGRESS", "SUPPORT_NOT_REQUIRED", "SUPPORT_DECLINED", "DONE")
ALICE = Worker(staff_id="485926", username="ALICE_GEN", name="Alice Smith")
BOB = Worker(staff_id="485927", username="BOB_GEN", name="Bob Jones")


def today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


def due_within(person: SyntheticPerson, days: int) -> bool:
    released = person.release_date
    return released is not None and today() <= released < today() + timedelta(days=days)


def by_release_date(people: list[SyntheticPerson]) -> list[SyntheticPerson]:
    dated = sorted((p for p in people if p.release_date), key=lambda p: (p.release_date, p.prisoner_number))
    return dated + sorted((p for p in people if not p.release_date), key=lambda p: p.prisoner_number)


@dataclass(frozen=True)
class Reckoning:
    """What the caseload should say, worked out without the gateway."""

    population: Population
    statuses: dict[tuple[str, str], str]
    assigned: dict[str, Worker]

    @property
    def mdi(self) -> list[SyntheticPerson]:
        return self.population.by_prison["MDI"]

    def status(self, number: str, pathway: str) -> str:
        return self.statuses.get((number, pathway), "NOT_STARTED")

    def pathways(self, number: str) -> list[dict[str, str]]:
        return [{"pathway": p, "status": self.status(number, p)} for p in PATHWAYS]


@pytest.fixture
async def assigned(seeded: Settings, population: Population) -> dict[str, Worker]:
    """A few MDI people due within 12 weeks get a worker: Alice has five, Bob three."""
    soon = [p.prisoner_number for p in by_release_date([p for p in population.by_prison["MDI"] if due_within(p, 84)])]
    chosen = {**{n: ALICE for n in soon[1:6]}, **{n: BOB for n in soon[10:13]}}
    database = Database(seeded.database_url)
    try:
        async with database.session() as session:
            for worker in (ALICE, BOB):
                numbers = [n for n, w in chosen.items() if w == worker]
                await allocations.assign(session=session, prisoner_numbers=numbers, worker=worker, by="lead")
            await session.commit()
    finally:
        await database.dispose()
    return chosen


@pytest.fixture
def reckoning(population: Population, assigned: dict[str, Worker]) -> Reckoning:
    statuses = {(n, p): s for n, p, s in demo_statuses(population)}
    return Reckoning(population=population, statuses=statuses, assigned=assigned)


@pytest.fixture
def upstream_logs(stack: AppStack) -> dict[str, StubState]:
    """The stubs' request logs, emptied."""
    states = {name: state_of(stack.apps[name]) for name in ("nomis", "delius", "licences", "appointments")}
    for state in states.values():
        state.requests.clear()
    return states
