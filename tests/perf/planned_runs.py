"""Running persisted operations on fresh gateways, planned and standard, and comparing what they answered.

The machinery of ``test_planned_execution.py``; the cases themselves are in ``planned_cases.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from graphql import OperationDefinitionNode, OperationType, parse
from sqlmodel import col, select

from fixtures.population import Population
from fixtures.stubs.base import state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from schema.persisted import load_manifest
from schema.planned_execution import PlannedExecutionContext
from sources.store.models import AccessLogEntry
from tests.conftest import settings_for
from tests.support.databases import seeded_copy

SYSTEMS = ("nomis", "delius", "licences", "appointments")
Variables = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Operation:
    id: str
    name: str
    kind: OperationType


def persisted_operations() -> dict[str, Operation]:
    """Every operation in the manifest, by name (names are unique across the clients)."""
    found: dict[str, Operation] = {}
    for operation_id, document in load_manifest().items():
        [definition] = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
        assert definition.name is not None, f"an anonymous persisted operation: {document[:60]}"
        name = definition.name.value
        assert name not in found, f"two persisted operations are called {name}"
        found[name] = Operation(operation_id, name, definition.operation)
    return found


@dataclass(frozen=True, slots=True)
class Case:
    operation: str
    persona: str
    variables: Variables
    label: str
    main: bool = False
    """The case that shows the operation is not vacuous: no errors, and every root field has data."""



@dataclass(slots=True)
class Answer:
    status: int
    data: Any
    errors: list[str]
    extensions: Any
    calls: dict[str, Counter[tuple[str, str, str, str]]]
    log: list[tuple[str, tuple[str, ...], str, str]] = field(default_factory=list)
    correlation_id: str = ""


def _errors(body: dict[str, Any]) -> list[str]:
    """Errors in a stable order (it follows completion), each with the run's correlation id taken out."""
    errors = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        if "correlationId" in extensions:
            error = {**error, "extensions": {**extensions, "correlationId": "<this request>"}}
        errors.append(json.dumps(error, sort_keys=True))
    return sorted(errors)


def _calls(stack: AppStack) -> dict[str, Counter[tuple[str, str, str, str]]]:
    """Each system's requests since the last clear: method, path, query string and body."""
    return {name: Counter((r.method, r.path, json.dumps(r.query, sort_keys=True), json.dumps(r.json_body))
                          for r in state_of(stack.apps[name]).requests) for name in SYSTEMS}


@dataclass(slots=True)
class PlannedRuns:
    """How many fields the planner ran (``PlannedExecutionContext._run``), to show the planned path was taken."""

    count: int = 0


class Gateway:
    """One fresh gateway (fresh caches, breakers and rate limits) for a run of requests."""

    def __init__(self, http: httpx.AsyncClient, app: Any, opened: Opened) -> None:
        self.http, self.app, self.stack, self.tokens = http, app, opened.stack, opened.tokens
        self.operations = persisted_operations()

    async def send(self, operation: str, persona: str, variables: Variables) -> Answer:
        """The persisted operation by id, as the first-party clients send it."""
        for name in SYSTEMS:
            state_of(self.stack.apps[name]).requests.clear()
        response = await self.http.post(
            "/graphql", json={"id": self.operations[operation].id, "variables": variables},
            headers={"Authorization": f"Bearer {self.tokens[persona]}"})
        body = response.json()
        return Answer(status=response.status_code, data=body.get("data"), errors=_errors(body),
                      extensions=body.get("extensions"), calls=_calls(self.stack),
                      correlation_id=response.headers["x-correlation-id"])

    async def attach_logs(self, answers: list[Answer]) -> None:
        ids = [a.correlation_id for a in answers]
        await self.app.state.sources.access_log.flush()  # the rows still waiting to be written together
        async with self.app.state.sources.database.session() as session:
            rows = (await session.execute(select(AccessLogEntry).where(
                col(AccessLogEntry.correlation_id).in_(ids)))).scalars().all()
        for answer in answers:
            answer.log = sorted((r.prisoner_number, tuple(r.field_groups), r.principal, r.audience)
                                for r in rows if r.correlation_id == answer.correlation_id)


@dataclass(slots=True)
class Opened:
    settings: Settings
    stack: AppStack
    tokens: dict[str, str]
    planned_runs: PlannedRuns = field(default_factory=PlannedRuns)


Step = Callable[[dict[str, Answer]], Case]
"""The next request, given the answers so far (a mutation's version or id comes from an earlier answer)."""


async def run_steps(opened: Opened, steps: list[Step], monkeypatch: pytest.MonkeyPatch) -> dict[str, Answer]:
    """Every step, in order, on one fresh gateway; with the planner's field runs counted."""
    original = PlannedExecutionContext._run
    runs = opened.planned_runs

    def counted(self: PlannedExecutionContext, *args: Any) -> Any:
        runs.count += 1
        return original(self, *args)

    answers: dict[str, Answer] = {}
    app = create_app(opened.settings)
    with monkeypatch.context() as patch:
        patch.setattr(PlannedExecutionContext, "_run", counted)
        async with LifespanManager(app) as manager:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app),
                                         base_url="http://g") as http:
                gateway = Gateway(http, app, opened)
                for step in steps:
                    case = step(answers)
                    assert case.label not in answers, f"two cases are labelled {case.label}"
                    answers[case.label] = await gateway.send(case.operation, case.persona, case.variables)
                await gateway.attach_logs(list(answers.values()))
    return answers


async def run_cases(opened: Opened, cases: list[Case], monkeypatch: pytest.MonkeyPatch) -> dict[str, Answer]:
    return await run_steps(opened, [lambda _, case=case: case for case in cases], monkeypatch)


async def both_ways(settings: Settings, stack: AppStack, tokens: dict[str, str], cases: list[Case],
                     monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """The cases on a planned gateway, then on a standard one; the planner's field runs checked on each."""
    planned = Opened(settings.model_copy(update={"planned_execution": True}), stack, tokens)
    standard = Opened(settings.model_copy(update={"planned_execution": False}), stack, tokens)
    fast = await run_cases(planned, cases, monkeypatch)
    plain = await run_cases(standard, cases, monkeypatch)
    assert planned.planned_runs.count > 0, "the planned gateway planned no field: the comparison shows nothing"
    assert standard.planned_runs.count == 0, "the standard gateway ran planned fields"
    return fast, plain


def non_null_leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(non_null_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(non_null_leaves(v) for v in value)
    return value is not None


def assert_same(fast: dict[str, Answer], plain: dict[str, Answer]) -> None:
    for label, answer in fast.items():
        other = plain[label]
        assert answer.status == other.status == 200, (label, answer.status, other.status)
        assert answer.data == other.data, f"{label}: data differ"
        assert answer.errors == other.errors, f"{label}: errors differ"
        assert answer.extensions == other.extensions, f"{label}: extensions differ"
        assert answer.log == other.log, f"{label}: access log differs"
        assert answer.calls == other.calls, f"{label}: upstream calls differ"


def gateway_settings(stack: AppStack, seeded: Settings, **overrides: object) -> Settings:
    # No outbox worker: nothing delivered in the background adds calls to a stub's log mid-run. The documents are
    # the clients' own and fit the limits; short timeouts keep the outage cases quick.
    return settings_for(stack, seeded.database_url, outbox_worker_enabled=False, delius_timeout_seconds=1.0,
                        appointments_timeout_seconds=1.0, **overrides)


# Two values are written afresh by each run, so they differ between the two copies: the time a status or note was
# recorded (in data, and in a CONFLICT's ``current``), and the outbox item's reference (a random id the legacy
# system dedupes on). Times from before the runs (the seed's) and everything else, the ids of new rows included
# (each copy's sequences start from the same seed), must match.
WRITTEN_AT = frozenset({"updatedAt", "changedAt", "createdAt"})


def without_fresh_values(value: Any, since: str) -> Any:
    if isinstance(value, dict):
        return {k: "<written by this run>" if k in WRITTEN_AT and isinstance(v, str) and v >= since
                else "<random>" if k == "reference" and v is not None
                else without_fresh_values(v, since) for k, v in value.items()}
    if isinstance(value, list):
        return [without_fresh_values(v, since) for v in value]
    return value


async def fresh_copy(database_url: str, population: Population, file: Path) -> str:
    """A fresh copy of the seeded database: a new file for SQLite, the process's database rebuilt for Postgres."""
    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{file}"
    await seeded_copy(database_url, population, file.parent)
    return database_url
