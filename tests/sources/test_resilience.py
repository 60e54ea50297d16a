"""Retries only where repeating is safe, and a breaker that makes a dead system cheap."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fixtures.population import Population, SyntheticPerson
from fixtures.stubs import AppStack, Faults, state_of
from sources.appointments import AppointmentCreate, AppointmentsClient
from sources.breaker import BreakerState, CircuitBreaker
from sources.delius import DeliusClient
from sources.errors import UpstreamBadResponse, UpstreamNotFound, UpstreamUnavailable
from sources.licences import LicencesClient
from sources.nomis import NomisClient


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_and_probes_once() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=5, clock=clock)
    for _ in range(2):
        assert breaker.acquire()
        breaker.record_failure()
    breaker.record_success()  # a success in between resets the count
    for _ in range(3):
        assert breaker.acquire()
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.acquire()
    clock.now = 5.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.acquire() and not breaker.acquire()  # one probe only
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 10.0
    assert breaker.acquire()
    breaker.release()  # an abandoned probe lets the next caller probe
    assert breaker.acquire()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 0


async def test_open_breaker_fails_fast_without_calling_and_closes_after_recovery(
    make_client: Any, stack: AppStack, leaver: SyntheticPerson
) -> None:
    assert leaver.crn is not None
    delius: DeliusClient = await make_client(DeliusClient, "delius", breaker_failures=3, breaker_reset_seconds=0.2)
    state = state_of(stack.apps["delius"])
    state.faults = Faults.failing(500)
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable, match="HTTP 500"):
            await delius.get_mappa(leaver.crn)
    assert delius.breaker_state is BreakerState.OPEN
    started = time.perf_counter()
    with pytest.raises(UpstreamUnavailable, match="circuit open") as caught:
        await delius.get_mappa(leaver.crn)
    assert time.perf_counter() - started < 0.010
    assert caught.value.system == "delius" and len(state.requests) == 3

    state.faults = Faults()
    await asyncio.sleep(0.25)
    assert delius.breaker_state is BreakerState.HALF_OPEN
    assert leaver.mappa is not None and (await delius.get_mappa(leaver.crn)).level == leaver.mappa.level
    assert delius.breaker_state is BreakerState.CLOSED


async def test_not_found_and_bad_requests_do_not_trip_the_breaker(make_client: Any, stack: AppStack) -> None:
    nomis: NomisClient = await make_client(NomisClient, "nomis", breaker_failures=1)
    with pytest.raises(UpstreamNotFound):
        await nomis.get_prisoner("Z9999ZZ")
    state_of(stack.apps["nomis"]).faults = Faults.failing(400)
    with pytest.raises(UpstreamBadResponse):
        await nomis.get_prisoner("Z9999ZZ")
    assert nomis.breaker_state is BreakerState.CLOSED


@pytest.mark.parametrize(("status", "requests"), [(503, 3), (502, 3), (504, 3), (500, 1)])
async def test_reads_retry_only_transient_statuses(
    status: int, requests: int, make_client: Any, stack: AppStack, leaver: SyntheticPerson
) -> None:
    nomis: NomisClient = await make_client(NomisClient, "nomis", retries=2)
    state = state_of(stack.apps["nomis"])
    state.faults = Faults.failing(status)
    with pytest.raises(UpstreamUnavailable, match=f"HTTP {status}"):
        await nomis.get_prisoner(leaver.prisoner_number)
    assert len(state.requests) == requests


async def test_a_404_is_asked_once(make_client: Any, stack: AppStack) -> None:
    nomis: NomisClient = await make_client(NomisClient, "nomis", retries=2)
    with pytest.raises(UpstreamNotFound):
        await nomis.get_prisoner("Z9999ZZ")
    assert len(state_of(stack.apps["nomis"]).requests) == 1


async def test_a_retry_that_succeeds_is_invisible_to_the_caller(
    make_client: Any, stack: AppStack, population: Population
) -> None:
    licences: LicencesClient = await make_client(LicencesClient, "licences", retries=5)
    licences.retry_backoff_seconds = 0.001
    state = state_of(stack.apps["licences"])
    state.faults = Faults(error_rate=0.5, status=503)
    numbers = [p.prisoner_number for p in population.people[:100]]
    for _ in range(5):
        assert await licences.match_licences(numbers)
    assert all(r.path == "/licence/match" and r.method == "POST" for r in state.requests)
    assert len(state.requests) > 5  # some were retried


async def test_batch_lookup_posts_are_retried(make_client: Any, stack: AppStack, population: Population) -> None:
    nomis: NomisClient = await make_client(NomisClient, "nomis", retries=2)
    state = state_of(stack.apps["nomis"])
    state.faults = Faults.failing(503)
    with pytest.raises(UpstreamUnavailable):
        await nomis.get_prisoners_by_numbers([p.prisoner_number for p in population.people[:3]])
    assert len(state.requests_to("/prisoner-search/prisoner-numbers", "POST")) == 3


async def test_writes_are_never_retried(make_client: Any, stack: AppStack, leaver: SyntheticPerson) -> None:
    assert leaver.crn is not None
    appointments: AppointmentsClient = await make_client(AppointmentsClient, "appointments", retries=2)
    nomis: NomisClient = await make_client(NomisClient, "nomis", retries=2)
    for name in ("appointments", "nomis"):
        state_of(stack.apps[name]).faults = Faults.failing(503)
    when = datetime.now(UTC) + timedelta(days=3)
    body = AppointmentCreate(type="COOF", date_time=when, duration="PT1H")
    with pytest.raises(UpstreamUnavailable):
        await appointments.create_appointment(leaver.crn, body, idempotency_key="retry-test-appointment")
    with pytest.raises(UpstreamUnavailable):
        await nomis.post_case_note(
            leaver.prisoner_number,
            type="RESET",
            sub_type="GEN",
            text="x",
            occurred_at=when,
            idempotency_key="retry-test-note",
        )
    assert len(state_of(stack.apps["appointments"]).requests) == 1
    assert len(state_of(stack.apps["nomis"]).requests) == 1


async def test_a_timeout_is_not_retried(make_client: Any, stack: AppStack, leaver: SyntheticPerson) -> None:
    assert leaver.crn is not None
    appointments: AppointmentsClient = await make_client(
        AppointmentsClient, "appointments", retries=2, timeout_seconds=0.15
    )
    state = state_of(stack.apps["appointments"])
    state.faults = Faults(hang=True)
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        await appointments.get_appointments(leaver.crn, start=date.today(), end=date.today())
    assert len(state.requests) == 1


async def test_refused_connections_are_retried_then_reported(make_client: Any, closed_port_url: str) -> None:
    calls: list[tuple[str, str, str]] = []
    nomis: NomisClient = await make_client(NomisClient, "nomis", url=closed_port_url, retries=2)
    nomis.on_call = lambda system, op, outcome, seconds: calls.append((system, op, outcome))
    started = time.perf_counter()
    with pytest.raises(UpstreamUnavailable, match="connection failed"):
        await nomis.get_prisoner("A1234BC")
    assert time.perf_counter() - started >= 0.05  # two jittered backoffs happened
    assert calls == [("nomis", "prisoner", "unavailable")]


async def test_on_call_reports_each_logical_call(make_client: Any, stack: AppStack, leaver: SyntheticPerson) -> None:
    calls: list[tuple[str, str, str, float]] = []
    nomis: NomisClient = await make_client(NomisClient, "nomis", breaker_failures=1)
    nomis.on_call = lambda *call: calls.append(call)
    await nomis.get_prisoner(leaver.prisoner_number)
    with pytest.raises(UpstreamNotFound):
        await nomis.get_prisoner("Z9999ZZ")
    state_of(stack.apps["nomis"]).faults = Faults(malformed=True)
    with pytest.raises(UpstreamBadResponse):
        await nomis.get_prisoner(leaver.prisoner_number)
    state_of(stack.apps["nomis"]).faults = Faults.failing(500)
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await nomis.get_prisoner(leaver.prisoner_number)
    outcomes = [(op, outcome) for _, op, outcome, _ in calls]
    assert outcomes == [
        ("prisoner", "success"),
        ("prisoner", "not_found"),
        ("prisoner", "bad_response"),
        ("prisoner", "unavailable"),
        ("prisoner", "circuit_open"),
    ]
    assert all(system == "nomis" and seconds >= 0 for system, _, _, seconds in calls)
