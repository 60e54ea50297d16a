"""Differential tests: ``PlannedExecutionContext`` answers exactly as graphql-core's standard executor does.

The gateway runs every operation through ``schema/planned_execution.py`` unless ``planned_execution`` is off.
Here each persisted query runs on a planned gateway and on a standard one, over the same stubs and database,
as callers who may and may not see the people asked about; the two must give the same data, nulls, errors
(message, path, locations, extensions), access-log rows and upstream calls. The same holds with nDelius or
the appointments system down, and for a run of staff mutations on two copies of the seeded database. The
corners the gateway's schema has few of are taken on a small schema in ``test_planned_executor_semantics.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from graphql import OperationDefinitionNode, OperationType, parse
from sqlmodel import col, select

from fixtures.population import Population, SyntheticPerson, person_on_licence_with_appointments
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from schema.persisted import load_manifest
from schema.planned_execution import PlannedExecutionContext
from schema.types.pathway import encode_cursor
from sources.store.models import AccessLogEntry
from tests.conftest import settings_for
from tests.support.databases import seeded_copy
from tests.test_person_slice import complete_case

SYSTEMS = ("nomis", "delius", "licences", "appointments")
MISSING = "Z9999ZZ"  # a well-formed prisoner number nobody has
WORKER = {"staffId": "485926", "name": "Sam Worker", "username": "SWORKER"}
Variables = dict[str, Any]


# --- The persisted operations, and who runs them with what ---------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class People:
    """The people the cases ask about."""

    complete: SyntheticPerson  # MDI, with a CRN, a COM, a licence and an upcoming appointment
    without_crn: SyntheticPerson  # MDI, unknown to nDelius
    elsewhere: SyntheticPerson  # LEI: outside the prison staff's caseload and the probation staff's region
    leaver: SyntheticPerson  # the demo leaver, linked to tokens["leaver"] by the seed
    workers: tuple[str, ...]  # MDI people given WORKER before the runs

    @classmethod
    def of(cls, population: Population) -> People:
        complete = complete_case(population, untouched=True)
        mdi = population.by_prison["MDI"]
        return cls(complete=complete, without_crn=next(p for p in mdi if p.crn is None),
                   elsewhere=population.by_prison["LEI"][0], leaver=person_on_licence_with_appointments(population),
                   workers=(complete.prisoner_number, *(p.prisoner_number for p in mdi[:3])))

    def numbers(self, population: Population) -> list[str]:
        """A page of people: in and out of scope, one who does not exist, and a repeat."""
        mdi = [p.prisoner_number for p in population.by_prison["MDI"][:12]]
        others = [p.prisoner_number for p in population.people if p.prison_id != "MDI"][:6]
        return [*mdi, *others, MISSING, mdi[0]]


PERSON_OPERATIONS = ("PersonHeader", "PersonContacts", "PersonLicence", "PersonPathways", "PersonRisk",
                     "PersonApplications", "PersonCaseNotes", "PersonAppointments", "PlanYourFuturePack",
                     "PersonSlice", "BenchPersonOverview")


def query_cases(population: Population, people: People) -> list[Case]:
    """Every persisted query, as callers who may run it, about people in and out of their scope."""
    today = date.today()
    month_ago, year_ago, year_on = (today - timedelta(days=d) for d in (30, 365, -365))
    cases: list[Case] = []
    for name in PERSON_OPERATIONS:
        extra: Variables = {"from": month_ago.isoformat()} if name in ("PersonAppointments",
                                                                        "PlanYourFuturePack") else {}
        asked = [("with a CRN", people.complete), ("without a CRN", people.without_crn),
                 ("outside scope", people.elsewhere)]
        for persona in ("prison-staff", "probation-staff"):
            for label, person in asked:
                main = persona == "prison-staff" and person is people.complete
                cases.append(Case(name, persona, {"prisonerNumber": person.prisoner_number, **extra},
                                  f"{name} {persona} {label}", main=main))
        cases.append(Case(name, "prison-staff", {"prisonerNumber": MISSING, **extra}, f"{name} nobody"))
    cases += [
        Case("BenchPersonOverview", "prison-leader", {"prisonerNumber": people.complete.prisoner_number},
             "BenchPersonOverview prison-leader"),
        Case("PersonCaseNotes", "prison-staff", {"prisonerNumber": people.complete.prisoner_number,
                                                 "pathway": "ACCOMMODATION"}, "PersonCaseNotes one pathway"),
        Case("PersonCaseNotes", "prison-staff", {"prisonerNumber": people.complete.prisoner_number,
                                                 "after": encode_cursor(2)}, "PersonCaseNotes second page"),
    ]
    numbers = people.numbers(population)
    cases += [Case("BenchPeople", persona, {"prisonerNumbers": numbers}, f"BenchPeople {persona}",
                   main=persona == "integrator") for persona in ("integrator", "prison-staff", "probation-staff")]
    caseload: Variables = {"prisonId": "MDI", "sort": "RELEASE_DATE", "descending": False}
    surname = population.by_prison["MDI"][7].last_name
    cases += [
        Case("Caseload", "prison-staff", caseload, "Caseload first page", main=True),
        Case("Caseload", "prison-staff", {**caseload, "after": encode_cursor(20), "sort": "NAME", "descending": True},
             "Caseload second page by name"),
        Case("Caseload", "prison-staff", {**caseload, "releaseWithinDays": 84, "pathway": "ACCOMMODATION",
                                          "status": "IN_PROGRESS", "sort": "PATHWAY_PROGRESS"},
             "Caseload filtered by pathway status"),
        Case("Caseload", "prison-staff", {**caseload, "assignedWorker": WORKER["staffId"], "sort": "WORKER"},
             "Caseload of one worker"),
        Case("Caseload", "prison-staff", {**caseload, "unassigned": True, "sort": "LAST_UPDATED"},
             "Caseload unassigned"),
        Case("Caseload", "prison-staff", {**caseload, "search": surname, "sort": "RELEASE_ELIGIBILITY"},
             "Caseload search"),
        Case("Caseload", "prison-staff", {**caseload, "prisonId": "LEI"}, "Caseload outside scope"),
        Case("Caseload", "probation-staff", caseload, "Caseload probation-staff"),
        Case("BenchCaseload", "prison-leader", {"prisonId": "MDI"}, "BenchCaseload", main=True),
        Case("Dashboard", "prison-leader", {"prisonId": "MDI"}, "Dashboard", main=True),
        Case("Dashboard", "prison-staff", {"prisonId": "MDI"}, "Dashboard without the reports role"),
        Case("Dashboard", "prison-leader", {"prisonId": "LEI"}, "Dashboard outside scope"),
        Case("BenchDashboard", "prison-leader", {"prisonId": "MDI"}, "BenchDashboard", main=True),
        Case("BenchNationalDashboard", "national-leader", {}, "BenchNationalDashboard", main=True),
        Case("BenchNationalDashboard", "prison-leader", {}, "BenchNationalDashboard without the role"),
        Case("WorkerLoad", "prison-staff", {"prisonId": "MDI"}, "WorkerLoad", main=True),
        Case("WorkerLoad", "prison-staff", {"prisonId": "LEI"}, "WorkerLoad outside scope"),
        Case("LeaverAppointments", "leaver", {"from": year_ago.isoformat(), "to": year_on.isoformat()},
             "LeaverAppointments", main=True),
        Case("LeaverAppointments", "leaver", {"from": year_on.isoformat(), "to": year_on.isoformat()},
             "LeaverAppointments none in the window"),
        Case("LeaverLicence", "leaver", {}, "LeaverLicence", main=True),
        Case("LeaverOverview", "leaver", {}, "LeaverOverview", main=True),
        Case("LeaverProfile", "leaver", {}, "LeaverProfile", main=True),
        Case("LeaverTodos", "leaver", {}, "LeaverTodos", main=True),
    ]
    return cases


# Queries left out, each with why. Empty: every persisted query is covered.
NOT_COVERED: dict[str, str] = {}


# --- Running cases on a fresh gateway -------------------------------------------------------------------------


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


async def _run_steps(opened: Opened, steps: list[Step], monkeypatch: pytest.MonkeyPatch) -> dict[str, Answer]:
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


async def _run_cases(opened: Opened, cases: list[Case], monkeypatch: pytest.MonkeyPatch) -> dict[str, Answer]:
    return await _run_steps(opened, [lambda _, case=case: case for case in cases], monkeypatch)


async def _both_ways(settings: Settings, stack: AppStack, tokens: dict[str, str], cases: list[Case],
                     monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """The cases on a planned gateway, then on a standard one; the planner's field runs checked on each."""
    planned = Opened(settings.model_copy(update={"planned_execution": True}), stack, tokens)
    standard = Opened(settings.model_copy(update={"planned_execution": False}), stack, tokens)
    fast = await _run_cases(planned, cases, monkeypatch)
    plain = await _run_cases(standard, cases, monkeypatch)
    assert planned.planned_runs.count > 0, "the planned gateway planned no field: the comparison shows nothing"
    assert standard.planned_runs.count == 0, "the standard gateway ran planned fields"
    return fast, plain


def _non_null_leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_non_null_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_non_null_leaves(v) for v in value)
    return value is not None


def _assert_same(fast: dict[str, Answer], plain: dict[str, Answer]) -> None:
    for label, answer in fast.items():
        other = plain[label]
        assert answer.status == other.status == 200, (label, answer.status, other.status)
        assert answer.data == other.data, f"{label}: data differ"
        assert answer.errors == other.errors, f"{label}: errors differ"
        assert answer.extensions == other.extensions, f"{label}: extensions differ"
        assert answer.log == other.log, f"{label}: access log differs"
        assert answer.calls == other.calls, f"{label}: upstream calls differ"


async def _prepare(settings: Settings, stack: AppStack, tokens: dict[str, str], people: People,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Data beyond the seed, so that the applications, workers, to-dos and licence-seen fields have something to
    show; through the clients' own persisted mutations."""
    licence = people.leaver.licence
    assert licence is not None
    today = date.today().isoformat()
    number = people.complete.prisoner_number
    setup = [
        Case("AssignWorker", "prison-staff", {"prisonerNumbers": list(people.workers), "worker": WORKER}, "worker"),
        Case("RecordIdApplication", "prison-staff", {
            "prisonerNumber": number, "documentType": "BIRTH_CERTIFICATE", "applicationSubmittedDate": today,
            "costOfApplication": "11.00", "isPriorityApplication": True}, "id application"),
        Case("RecordBankApplication", "prison-staff", {
            "prisonerNumber": number, "bankName": "Example Bank", "applicationSubmittedDate": today}, "bank"),
        Case("LeaverAddTodo", "leaver", {"title": "Register with a GP", "notes": "Take the letter",
                                         "dueDate": today}, "todo"),
        Case("LeaverConfirmLicenceSeen", "leaver", {"licenceId": str(licence.licence_id),
                                                    "version": licence.version}, "licence seen"),
    ]
    answers = await _run_cases(Opened(settings, stack, tokens), setup, monkeypatch)
    for label, answer in answers.items():
        assert answer.errors == [] and answer.data, (label, answer.errors)


# --- 1. Every persisted query, both ways ------------------------------------------------------------------------


def _settings(stack: AppStack, seeded: Settings, **overrides: object) -> Settings:
    # No outbox worker: nothing delivered in the background adds calls to a stub's log mid-run. The documents are
    # the clients' own and fit the limits; short timeouts keep the outage cases quick.
    return settings_for(stack, seeded.database_url, outbox_worker_enabled=False, delius_timeout_seconds=1.0,
                        appointments_timeout_seconds=1.0, **overrides)


async def test_every_persisted_query_answers_as_the_standard_executor_does(stack, seeded, tokens, population,
                                                                          monkeypatch):
    operations = persisted_operations()
    people = People.of(population)
    cases = query_cases(population, people)
    queries = {name for name, op in operations.items() if op.kind is OperationType.QUERY}
    assert {c.operation for c in cases} | set(NOT_COVERED) == queries, "a persisted query has no case here"
    assert all(any(c.main for c in cases if c.operation == name) for name in queries - set(NOT_COVERED))
    settings = _settings(stack, seeded)
    await _prepare(settings, stack, tokens, people, monkeypatch)
    # A first pass reads each prison's population into the projection, which the caseload and dashboards then
    # share; without it the first gateway would make NOMIS calls that the second need not.
    await _run_cases(Opened(settings, stack, tokens), cases, monkeypatch)

    fast, plain = await _both_ways(settings, stack, tokens, cases, monkeypatch)

    _assert_same(fast, plain)
    for case in cases:
        answer = fast[case.label]
        if case.main:  # not vacuous: each operation answered somebody in full
            assert answer.errors == [], (case.label, answer.errors)
            assert answer.data and all(answer.data.values()), (case.label, answer.data)
            assert _non_null_leaves(answer.data) >= 3, (case.label, answer.data)
    # Between them the cases show people's data read, refused and absent, and outsiders answered as nobody.
    assert any(fast[c.label].log for c in cases) and any(fast[c.label].errors for c in cases)
    for case in cases:
        if case.label.endswith(("outside scope", "nobody")) and case.operation in PERSON_OPERATIONS:
            assert fast[case.label].data == {"person": None}, case.label
    assert fast["PersonApplications prison-staff with a CRN"].data["person"]["idApplications"]
    assert fast["WorkerLoad"].data["prison"]["workers"]
    assert fast["LeaverTodos"].data["myPlan"]["todos"]


# --- 2. With a legacy system down -------------------------------------------------------------------------------


def fault_cases(population: Population, people: People) -> list[Case]:
    numbers = people.numbers(population)
    person = {"prisonerNumber": people.complete.prisoner_number}
    return [
        Case("BenchPersonOverview", "prison-staff", person, "overview"),
        Case("BenchPersonOverview", "prison-staff", {"prisonerNumber": people.without_crn.prisoner_number},
             "overview without a CRN"),
        Case("PlanYourFuturePack", "prison-staff", {**person, "from": (date.today() - timedelta(days=30)).isoformat()},
             "pack"),
        Case("PersonSlice", "probation-staff", person, "slice as probation-staff"),
        Case("BenchPeople", "prison-staff", {"prisonerNumbers": numbers}, "people"),
        Case("BenchPeople", "integrator", {"prisonerNumbers": numbers}, "people as integrator"),
        Case("Caseload", "prison-staff", {"prisonId": "MDI", "sort": "NAME", "descending": False}, "caseload"),
        Case("LeaverOverview", "leaver", {}, "leaver overview"),
    ]


@pytest.mark.parametrize("down", ["delius", "appointments"])
async def test_with_a_system_down_the_planned_executor_answers_as_the_standard_one(
        stack, seeded, tokens, population, monkeypatch, down):
    people = People.of(population)
    cases = fault_cases(population, people)
    # A breaker that opens mid-request makes the number of calls to the failing system depend on timing, in
    # either executor: here it stays shut, so every failing call is made and retried the same way both times.
    settings = _settings(stack, seeded, upstream_breaker_failures=1_000_000)
    await _run_cases(Opened(settings, stack, tokens), cases, monkeypatch)  # the projection, as above
    try:
        state_of(stack.apps[down]).faults = Faults.failing(503)
        fast, plain = await _both_ways(settings, stack, tokens, cases, monkeypatch)
    finally:
        for name in SYSTEMS:
            state_of(stack.apps[name]).faults = Faults()

    _assert_same(fast, plain)
    # Not vacuous: each page still answered, and the outage shows as coded errors at paths inside it.
    for label in ("overview", "pack", "people", "people as integrator", "leaver overview"):
        answer = fast[label]
        assert answer.data and all(answer.data.values()), (label, answer.data)
        errors = [json.loads(e) for e in answer.errors]
        assert errors and all(e["extensions"] == {"code": "UPSTREAM_UNAVAILABLE", "system": down} for e in errors)
        assert all(len(e["path"]) >= 2 for e in errors), label


# --- 3. Mutations, on two copies of the seeded database ---------------------------------------------------------


def mutation_steps(people: People) -> list[Step]:
    """A staff member's edits, each after the answers before it (versions and ids come from those)."""
    number = people.complete.prisoner_number
    person = {"prisonerNumber": number}
    today = date.today().isoformat()
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)

    def accommodation(answers: dict[str, Answer]) -> dict[str, Any]:
        pathways = answers["read pathways"].data["person"]["pathways"]
        return dict(next(p for p in pathways if p["pathway"] == "ACCOMMODATION"))

    def set_status(label: str, status: str, note: str, version: Callable[[dict[str, Answer]], int]) -> Step:
        return lambda a: Case("SetPathwayStatus", "prison-staff", {"input": {
            **person, "pathway": "ACCOMMODATION", "status": status, "expectedVersion": version(a),
            "caseNote": note}}, label)

    def id_application(answers: dict[str, Answer]) -> str:
        return str(answers["record id application"].data["recordIdApplication"]["id"])

    return [
        lambda a: Case("PersonPathways", "prison-staff", person, "read pathways"),
        set_status("set status", "IN_PROGRESS", "Referred to the housing team.", lambda a: accommodation(a)["version"]),
        set_status("stale status", "DONE", "Housing secured.", lambda a: accommodation(a)["version"]),
        set_status("empty note", "DONE", "", lambda a: accommodation(a)["version"] + 1),
        lambda a: Case("RecordIdApplication", "prison-staff", {
            **person, "documentType": "PASSPORT", "applicationSubmittedDate": today, "costOfApplication": "82.50",
            "isPriorityApplication": False}, "record id application"),
        lambda a: Case("UpdateIdApplication", "prison-staff", {
            **person, "id": id_application(a), "expectedVersion": 1, "status": "ACCEPTED"}, "update id application"),
        lambda a: Case("UpdateIdApplication", "prison-staff", {
            **person, "id": id_application(a), "expectedVersion": 1, "status": "REJECTED"}, "stale id application"),
        lambda a: Case("AssignWorker", "prison-staff", {"prisonerNumbers": [number], "worker": WORKER}, "assign"),
        lambda a: Case("AssignWorker", "prison-staff", {
            "prisonerNumbers": [number, people.elsewhere.prisoner_number], "worker": WORKER}, "assign out of scope"),
        lambda a: Case("CreateAppointment", "prison-staff", {"input": {
            **person, "type": "Housing advice", "start": start.isoformat(), "durationMinutes": 45,
            "location": "Probation office, 1 High Street", "notes": "Bring ID"}}, "create appointment"),
        lambda a: Case("SetPathwayStatus", "probation-staff", {"input": {
            "prisonerNumber": people.elsewhere.prisoner_number, "pathway": "HEALTH", "status": "DONE",
            "expectedVersion": 0, "caseNote": "Registered with a GP."}}, "set status outside scope"),
        lambda a: Case("PersonPathways", "prison-staff", person, "pathways after"),
        lambda a: Case("PersonCaseNotes", "prison-staff", {**person, "pathway": "ACCOMMODATION"}, "notes after"),
        lambda a: Case("PersonApplications", "prison-staff", person, "applications after"),
        lambda a: Case("WorkerLoad", "prison-staff", {"prisonId": "MDI"}, "workers after"),
    ]


# Two values are written afresh by each run, so they differ between the two copies: the time a status or note was
# recorded (in data, and in a CONFLICT's ``current``), and the outbox item's reference (a random id the legacy
# system dedupes on). Times from before the runs (the seed's) and everything else, the ids of new rows included
# (each copy's sequences start from the same seed), must match.
WRITTEN_AT = frozenset({"updatedAt", "changedAt", "createdAt"})


def _without_fresh_values(value: Any, since: str) -> Any:
    if isinstance(value, dict):
        return {k: "<written by this run>" if k in WRITTEN_AT and isinstance(v, str) and v >= since
                else "<random>" if k == "reference" and v is not None
                else _without_fresh_values(v, since) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_fresh_values(v, since) for v in value]
    return value


async def _fresh_copy(database_url: str, population: Population, file: Path) -> str:
    """A fresh copy of the seeded database: a new file for SQLite, the process's database rebuilt for Postgres."""
    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{file}"
    await seeded_copy(database_url, population, file.parent)
    return database_url


async def test_staff_mutations_answer_as_with_the_standard_executor(stack, seeded, tokens, population, monkeypatch,
                                                                    tmp_path):
    people = People.of(population)
    steps = mutation_steps(people)
    settings = _settings(stack, seeded)
    runs: dict[bool, dict[str, Answer]] = {}
    counts: dict[bool, PlannedRuns] = {}
    since = datetime.now(UTC).isoformat()  # the same format as the API's date-times, so strings compare as times
    for planned in (True, False):
        url = await _fresh_copy(seeded.database_url, population, tmp_path / f"planned-{planned}.db")
        opened = Opened(settings.model_copy(update={"database_url": url, "planned_execution": planned}), stack, tokens)
        runs[planned] = await _run_steps(opened, steps, monkeypatch)
        counts[planned] = opened.planned_runs
    assert counts[True].count > 0 and counts[False].count == 0

    fast, plain = runs[True], runs[False]
    assert list(fast) == list(plain)
    for label, answer in fast.items():
        other = plain[label]
        assert _without_fresh_values(answer.data, since) == _without_fresh_values(other.data, since), \
            f"{label}: data differ"
        assert ([_without_fresh_values(json.loads(e), since) for e in answer.errors]
                == [_without_fresh_values(json.loads(e), since) for e in other.errors]), f"{label}: errors differ"
        assert answer.log == other.log, f"{label}: access log differs"
        assert answer.calls == other.calls, f"{label}: upstream calls differ"
    # Not vacuous: the edits were made, refused where they should be, and read back.
    codes = {label: [json.loads(e)["extensions"]["code"] for e in a.errors] for label, a in fast.items()}
    assert codes["set status"] == [] and fast["set status"].data["setPathwayStatus"]["pathwayStatus"]
    assert codes["stale status"] == ["CONFLICT"] and codes["empty note"] == ["BAD_USER_INPUT"]
    assert codes["stale id application"] == ["CONFLICT"] and codes["assign out of scope"] == ["NOT_FOUND"]
    assert codes["create appointment"] == [] and fast["create appointment"].data["createAppointment"]
    assert codes["set status outside scope"] == ["NOT_FOUND"]
    notes = fast["notes after"].data["person"]["caseNotes"]["notes"]
    assert notes[0]["text"] == "Referred to the housing team."
    assert fast["applications after"].data["person"]["idApplications"][0]["status"] == "ACCEPTED"
