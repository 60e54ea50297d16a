"""The JSON access log: one line per request that an on-call engineer can grep by correlation id."""

from __future__ import annotations

import io
import json
import logging

from fixtures.idp.personas import DEMO_LEAVER
from fixtures.population import Population, person_on_licence_with_appointments
from gateway.logs import route_stdlib_logging
from tests.ops.conftest import Gateway
from tests.ops.test_metrics import someone_in_moorland


async def test_one_json_line_per_request_with_the_correlation_id(gateway: Gateway, tokens, population: Population):
    async with gateway() as running:
        await running.ask(tokens["prison-staff"], someone_in_moorland(population), **{"X-Correlation-Id": "abc-123"})
        (line,) = running.requests_logged()

    assert line["correlation_id"] == "abc-123"
    assert line["operation"] == "Person"
    assert line["operation_type"] == "query"
    assert line["principal"] == "PRISON_STAFF_DEMO"
    assert line["audience"] == "prison-staff"
    assert (line["status"], line["outcome"], line["level"]) == (200, "success", "info")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0


async def test_a_generated_correlation_id_is_the_one_returned_to_the_caller(gateway: Gateway, tokens, population):
    async with gateway() as running:
        response = await running.http.post("/graphql", json={"query": "{ __typename }"},
                                           headers={"Authorization": f"Bearer {tokens['integrator']}"})
        (line,) = running.requests_logged()

    assert line["correlation_id"] == response.headers["x-correlation-id"]
    assert line["principal"] == "resettlement-passport-integrator"


async def test_a_leaver_is_logged_as_leaver_and_nothing_personal_is_written(gateway: Gateway, tokens, population):
    me = person_on_licence_with_appointments(population)
    async with gateway() as running:
        body = await running.ask(tokens["leaver"], me.prisoner_number,
                                 query="query Mine($n: ID!) { person(prisonerNumber: $n) { prisonerNumber } }")
        assert body["data"]["person"]["prisonerNumber"] == me.prisoner_number
        (line,) = running.requests_logged()
        written = running.log.getvalue()

    assert (line["principal"], line["audience"]) == ("leaver", "leaver")
    for personal in (me.prisoner_number, me.first_name, me.last_name, DEMO_LEAVER.subject, DEMO_LEAVER.email):
        assert personal not in written


async def test_errors_are_logged_with_their_codes(gateway: Gateway):
    async with gateway() as running:
        await running.http.post("/graphql", json={"query": "query Broken { nope }"})
        (line,) = running.requests_logged()

    assert line["outcome"] == "failed"
    assert line["error_codes"] == ["GRAPHQL_VALIDATION_FAILED"]
    assert line["principal"] == "anonymous"


async def test_probes_are_not_logged_unless_they_fail(gateway: Gateway):
    async with gateway() as running:
        for path in ("/health/ping", "/health/liveness", "/health/readiness", "/metrics"):
            assert (await running.http.get(path)).status_code == 200
        await running.http.get("/info")
        logged = [line["path"] for line in running.log_lines() if line.get("event") == "request"]

    assert logged == ["/info"]


async def test_shutdown_is_logged(gateway: Gateway):
    async with gateway() as running:
        pass
    events = [line["event"] for line in running.log_lines()]
    assert events == ["started", "stopping"]


def test_standard_library_logs_become_json_once_however_often_it_is_configured():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        route_stdlib_logging("INFO", stream)
        route_stdlib_logging("INFO", stream)
        logging.getLogger("gateway.errors").warning("upstream slow", extra={"system": "nomis"})
    finally:
        root.handlers[:] = before
        root.setLevel(level)

    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert (line["event"], line["level"], line["logger"], line["system"]) == ("upstream slow", "warning",
                                                                              "gateway.errors", "nomis")


async def test_an_unexpected_error_is_logged_as_json_with_the_requests_correlation_id(
    gateway: Gateway, tokens, population
):
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        route_stdlib_logging("INFO", stream)
        async with gateway() as running:
            await running.app.state.sources.nomis.close()  # a bug: a client used after it was closed
            body = await running.ask(tokens["prison-staff"], someone_in_moorland(population),
                                     **{"X-Correlation-Id": "trace-me-42"})
    finally:
        root.handlers[:] = before
        root.setLevel(level)

    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "correlationId": "trace-me-42"}
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines() if "unexpected error" in text]
    assert (line["correlation_id"], line["logger"], line["level"]) == ("trace-me-42", "gateway.errors", "error")
    assert "RuntimeError" in line["exception"]
