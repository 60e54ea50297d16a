"""/metrics: what an on-call engineer graphs and alerts on."""

from __future__ import annotations

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from fixtures.population import Population
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from gateway.metrics import MAX_OPERATIONS, GatewayMetrics
from sources.cache import MAPPA, MemoryCache, get_or_load, ttl_for
from sources.errors import UpstreamUnavailable
from tests.ops.conftest import Gateway, sample


def someone_in_moorland(population: Population) -> str:
    return next(p.prisoner_number for p in population.by_prison["MDI"] if p.crn)


async def test_a_query_shows_up_as_a_request_and_as_upstream_calls(gateway: Gateway, tokens, population):
    async with gateway() as running:
        body = await running.ask(tokens["prison-staff"], someone_in_moorland(population))
        assert "errors" not in body, body
        samples = await running.metrics()

    assert sample(samples, "gateway_graphql_requests_total",
                  operation="Person", audience="prison-staff", outcome="success") == 1
    assert sample(samples, "gateway_graphql_request_seconds_count", operation="Person", audience="prison-staff") == 1
    assert sample(samples, "gateway_upstream_calls_total", system="nomis", outcome="success") >= 1
    assert sample(samples, "gateway_upstream_calls_total", system="delius", outcome="success") >= 1
    assert sample(samples, "gateway_upstream_call_seconds_count", system="nomis") >= 1
    assert sample(samples, "gateway_loader_batch_size_count", loader="prisoner_by_number") == 1
    for system in ("nomis", "delius", "licences", "appointments"):
        assert sample(samples, "gateway_upstream_circuit_state", system=system, state="closed") == 1
        assert sample(samples, "gateway_upstream_circuit_state", system=system, state="open") == 0


async def test_an_upstream_outage_is_a_partial_answer_an_error_code_and_failed_calls(
    gateway: Gateway, tokens, population, stack: AppStack
):
    delius = state_of(stack.apps["delius"])
    delius.faults = Faults.failing(503)
    try:
        async with gateway() as running:
            body = await running.ask(tokens["prison-staff"], someone_in_moorland(population))
            samples = await running.metrics()
    finally:
        delius.reset()

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert sample(samples, "gateway_graphql_requests_total",
                  operation="Person", audience="prison-staff", outcome="partial") == 1
    assert sample(samples, "gateway_graphql_errors_total", code="UPSTREAM_UNAVAILABLE") >= 1
    assert sample(samples, "gateway_upstream_calls_total", system="delius", outcome="unavailable") >= 1
    assert sample(samples, "gateway_upstream_calls_total", system="delius", outcome="success") == 0


async def test_circuit_state_is_read_when_scraped(gateway: Gateway):
    async with gateway() as running:
        breaker = running.app.state.sources.licences.breaker
        for _ in range(breaker.failure_threshold):
            breaker.record_failure()
        samples = await running.metrics()

    assert sample(samples, "gateway_upstream_circuit_state", system="licences", state="open") == 1
    assert sample(samples, "gateway_upstream_circuit_state", system="licences", state="closed") == 0
    assert sample(samples, "gateway_upstream_circuit_state", system="nomis", state="closed") == 1


async def test_a_refused_token_is_counted_as_unauthenticated(gateway: Gateway):
    async with gateway() as running:
        body = await running.ask("not-a-token", "A1234BC")
        samples = await running.metrics()

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert sample(samples, "gateway_graphql_requests_total",
                  operation="unknown", audience="none", outcome="unauthenticated") == 1


async def test_each_app_counts_only_its_own_requests(gateway: Gateway, tokens, population):
    async with gateway() as first, gateway() as second:
        await first.ask(tokens["prison-staff"], someone_in_moorland(population))
        first_samples, second_samples = await first.metrics(), await second.metrics()

    key = {"operation": "Person", "audience": "prison-staff", "outcome": "success"}
    assert sample(first_samples, "gateway_graphql_requests_total", **key) == 1
    assert sample(second_samples, "gateway_graphql_requests_total", **key) == 0


async def test_metrics_can_be_switched_off(gateway: Gateway):
    async with gateway(metrics_enabled=False) as running:
        response = await running.http.get("/metrics")
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "label"), [(None, "anonymous"), ("bad name!", "invalid"), ("Caseload", "Caseload")])
def test_operation_labels_are_safe(name, label):
    assert GatewayMetrics().operation_label(name) == label


def test_client_chosen_operation_names_cannot_grow_the_series_without_bound():
    metrics = GatewayMetrics()
    labels = {metrics.operation_label(f"Op{i}") for i in range(MAX_OPERATIONS + 50)}
    assert len(labels) == MAX_OPERATIONS + 1
    assert "other" in labels
    assert metrics.operation_label("Op0") == "Op0"  # names seen before the cap keep their series


async def test_the_ndelius_cache_shows_a_miss_then_a_hit(gateway: Gateway, tokens, population):
    number = someone_in_moorland(population)
    async with gateway() as running:
        first = await running.ask(tokens["prison-staff"], number)
        after_first = await running.metrics()
        second = await running.ask(tokens["prison-staff"], number)
        after_second = await running.metrics()

    assert first["data"] == second["data"]
    assert sample(after_first, "gateway_cache_requests_total", cache="crn", outcome="miss") == 1
    assert sample(after_first, "gateway_cache_requests_total", cache="crn", outcome="hit") == 0
    assert sample(after_second, "gateway_cache_requests_total", cache="crn", outcome="miss") == 1
    assert sample(after_second, "gateway_cache_requests_total", cache="crn", outcome="hit") == 1


async def test_a_stale_copy_served_in_an_outage_is_counted_as_stale():
    now = [0.0]
    cache = MemoryCache(clock=lambda: now[0])
    metrics = GatewayMetrics()
    cache.on_lookup = metrics.observe_cache_lookup

    async def answer() -> str:
        return "N54"

    async def outage() -> str:
        raise UpstreamUnavailable("delius", "unavailable: HTTP 503")

    await get_or_load(cache, MAPPA, "X123456", answer, dump=str, restore=str)
    now[0] += ttl_for(MAPPA) + 1
    value, stale = await get_or_load(cache, MAPPA, "X123456", outage, dump=str, restore=str)
    with pytest.raises(UpstreamUnavailable):
        await get_or_load(cache, MAPPA, "X999999", outage, dump=str, restore=str)

    assert (value, stale) == ("N54", True)
    samples = {(s.name, frozenset(s.labels.items())): s.value for family in
               text_string_to_metric_families(generate_latest(metrics.registry).decode()) for s in family.samples}
    assert sample(samples, "gateway_cache_requests_total", cache=MAPPA, outcome="miss") == 2
    assert sample(samples, "gateway_cache_requests_total", cache=MAPPA, outcome="stale") == 1
    assert sample(samples, "gateway_cache_requests_total", cache=MAPPA, outcome="hit") == 0
