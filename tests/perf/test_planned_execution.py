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
from datetime import UTC, datetime

import pytest
from graphql import OperationType

from fixtures.stubs.base import Faults, state_of
from tests.perf.planned_cases import (
    NOT_COVERED,
    PERSON_OPERATIONS,
    People,
    fault_cases,
    mutation_steps,
    prepare,
    query_cases,
)
from tests.perf.planned_runs import (
    SYSTEMS,
    Answer,
    Opened,
    PlannedRuns,
    assert_same,
    both_ways,
    fresh_copy,
    gateway_settings,
    non_null_leaves,
    persisted_operations,
    run_cases,
    run_steps,
    without_fresh_values,
)

# --- 1. Every persisted query, both ways ------------------------------------------------------------------------


async def test_every_persisted_query_answers_as_the_standard_executor_does(stack, seeded, tokens, population,
                                                                          monkeypatch):
    operations = persisted_operations()
    people = People.of(population)
    cases = query_cases(population, people)
    queries = {name for name, op in operations.items() if op.kind is OperationType.QUERY}
    assert {c.operation for c in cases} | set(NOT_COVERED) == queries, "a persisted query has no case here"
    assert all(any(c.main for c in cases if c.operation == name) for name in queries - set(NOT_COVERED))
    settings = gateway_settings(stack, seeded)
    await prepare(settings, stack, tokens, people, monkeypatch)
    # A first pass reads each prison's population into the projection, which the caseload and dashboards then
    # share; without it the first gateway would make NOMIS calls that the second need not.
    await run_cases(Opened(settings, stack, tokens), cases, monkeypatch)

    fast, plain = await both_ways(settings, stack, tokens, cases, monkeypatch)

    assert_same(fast, plain)
    for case in cases:
        answer = fast[case.label]
        if case.main:  # not vacuous: each operation answered somebody in full
            assert answer.errors == [], (case.label, answer.errors)
            assert answer.data and all(answer.data.values()), (case.label, answer.data)
            asked = 1 if case.operation == "BenchStack" else 3  # BenchStack asks for __typename alone
            assert non_null_leaves(answer.data) >= asked, (case.label, answer.data)
    # Between them the cases show people's data read, refused and absent, and outsiders answered as nobody.
    assert any(fast[c.label].log for c in cases) and any(fast[c.label].errors for c in cases)
    for case in cases:
        if case.label.endswith(("outside scope", "nobody")) and case.operation in PERSON_OPERATIONS:
            assert fast[case.label].data == {"person": None}, case.label
    assert fast["PersonApplications prison-staff with a CRN"].data["person"]["idApplications"]
    assert fast["WorkerLoad"].data["prison"]["workers"]
    assert fast["LeaverTodos"].data["myPlan"]["todos"]


# --- 2. With a legacy system down -------------------------------------------------------------------------------


@pytest.mark.parametrize("down", ["delius", "appointments"])
async def test_with_a_system_down_the_planned_executor_answers_as_the_standard_one(
        stack, seeded, tokens, population, monkeypatch, down):
    people = People.of(population)
    cases = fault_cases(population, people)
    # A breaker that opens mid-request makes the number of calls to the failing system depend on timing, in
    # either executor: here it stays shut, so every failing call is made and retried the same way both times.
    settings = gateway_settings(stack, seeded, upstream_breaker_failures=1_000_000)
    await run_cases(Opened(settings, stack, tokens), cases, monkeypatch)  # the projection, as above
    try:
        state_of(stack.apps[down]).faults = Faults.failing(503)
        fast, plain = await both_ways(settings, stack, tokens, cases, monkeypatch)
    finally:
        for name in SYSTEMS:
            state_of(stack.apps[name]).faults = Faults()

    assert_same(fast, plain)
    # Not vacuous: each page still answered, and the outage shows as coded errors at paths inside it.
    for label in ("overview", "pack", "people", "people as integrator", "leaver overview"):
        answer = fast[label]
        assert answer.data and all(answer.data.values()), (label, answer.data)
        errors = [json.loads(e) for e in answer.errors]
        assert errors and all(e["extensions"] == {"code": "UPSTREAM_UNAVAILABLE", "system": down} for e in errors)
        assert all(len(e["path"]) >= 2 for e in errors), label


# --- 3. Mutations, on two copies of the seeded database ---------------------------------------------------------


async def test_staff_mutations_answer_as_with_the_standard_executor(stack, seeded, tokens, population, monkeypatch,
                                                                    tmp_path):
    people = People.of(population)
    steps = mutation_steps(people)
    settings = gateway_settings(stack, seeded)
    runs: dict[bool, dict[str, Answer]] = {}
    counts: dict[bool, PlannedRuns] = {}
    since = datetime.now(UTC).isoformat()  # the same format as the API's date-times, so strings compare as times
    for planned in (True, False):
        url = await fresh_copy(seeded.database_url, population, tmp_path / f"planned-{planned}.db")
        opened = Opened(settings.model_copy(update={"database_url": url, "planned_execution": planned}), stack, tokens)
        runs[planned] = await run_steps(opened, steps, monkeypatch)
        counts[planned] = opened.planned_runs
    assert counts[True].count > 0 and counts[False].count == 0

    fast, plain = runs[True], runs[False]
    assert list(fast) == list(plain)
    for label, answer in fast.items():
        other = plain[label]
        assert without_fresh_values(answer.data, since) == without_fresh_values(other.data, since), \
            f"{label}: data differ"
        assert ([without_fresh_values(json.loads(e), since) for e in answer.errors]
                == [without_fresh_values(json.loads(e), since) for e in other.errors]), f"{label}: errors differ"
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
