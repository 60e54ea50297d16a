"""The workloads: each a persisted operation (web_clients/bench/operations), who sends it, and its variables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixtures.population import Population
from schema.persisted import operation_id

OPERATIONS = Path(__file__).resolve().parent.parent / "web_clients" / "bench" / "operations"
BULK = 200
Variables = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Workload:
    key: str
    title: str
    operation: str
    persona: str
    variables: Callable[[Population, int], list[Variables]]
    """Variables for ``n`` requests."""
    cold: bool = False
    floor: bool = True
    """Whether the floor serves it yet (no floor: ratios are left out)."""
    needs: str = ""
    """A schema field the workload needs; it is skipped when the schema has none."""
    page: str = ""
    """A page of the gateway's to GET instead of a GraphQL operation (W5)."""
    national: bool = False
    """Runs in the national phase: 90,000 people on Postgres."""

    @property
    def document(self) -> str:
        return (OPERATIONS / f"{self.operation}.graphql").read_text(encoding="utf-8")

    @property
    def operation_id(self) -> str:
        return "" if self.page else operation_id(self.document)


def _mdi(population: Population) -> list[str]:
    return [p.prisoner_number for p in population.by_prison["MDI"]]


def _person(population: Population, n: int) -> list[Variables]:
    people = _mdi(population)
    return [{"prisonerNumber": people[i % len(people)]} for i in range(n)]


def bulk_chunks(population: Population) -> list[list[str]]:
    """Disjoint sets of 200 people, so each cold request asks for people the gateway has not seen."""
    numbers = [p.prisoner_number for p in population.people]
    return [numbers[i:i + BULK] for i in range(0, len(numbers) - BULK + 1, BULK)]


def _bulk_cold(population: Population, n: int) -> list[Variables]:
    chunks = bulk_chunks(population)
    return [{"prisonerNumbers": chunks[i]} for i in range(min(n, len(chunks)))]


def _bulk_warm(population: Population, n: int) -> list[Variables]:
    return [{"prisonerNumbers": bulk_chunks(population)[0]} for _ in range(n)]


def _prison(_: Population, n: int) -> list[Variables]:
    return [{"prisonId": "MDI"} for _ in range(n)]


def _none(_: Population, n: int) -> list[Variables]:
    return [{} for _ in range(n)]


WORKLOADS = (
    Workload("W0", "the stack alone: an operation that reads nothing", "BenchStack", "prison-leader", _none),
    Workload("W1", "caseload (MDI, first 20, 12 weeks)", "BenchCaseload", "prison-leader", _prison, needs="prison"),
    Workload("W2", "person overview", "BenchPersonOverview", "prison-leader", _person),
    Workload("W3 cold", "bulk 200 people, cold cache", "BenchPeople", "integrator", _bulk_cold, cold=True),
    Workload("W3 warm", "bulk 200 people, warm cache", "BenchPeople", "integrator", _bulk_warm),
    Workload("W4", "dashboard (MDI)", "BenchDashboard", "prison-leader", _prison, needs="prison"),
    Workload("W5", "leaver overview page (HTML)", "", "leaver", _none, floor=False,
             page="/plan-your-future/overview"),
)
NATIONAL = Workload("W4 national", "national dashboard (every prison, Postgres)", "BenchNationalDashboard",
                    "national-leader", _none, needs="nationalDashboard", national=True)


def leaves(value: Any) -> int:
    """Resolved leaf values in a response's data: every scalar or null."""
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value)
    return 1
