"""OpenTelemetry tracing: what an on-call engineer sees in the tracing backend for one request.

The backend is a real OTLP/HTTP receiver (an aiohttp server decoding the protobuf the exporter sends), the
legacy systems are the stub servers, and the database is real.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from fixtures.population import Population
from fixtures.population.models import SyntheticPerson
from fixtures.stubs.base import state_of
from fixtures.stubs.runner import AppStack
from gateway.tracing import path_template
from tests.ops.conftest import Gateway

SERVER, CLIENT = Span.SpanKind.SPAN_KIND_SERVER, Span.SpanKind.SPAN_KIND_CLIENT
SYSTEMS = ("nomis", "delius", "licences")
PERSON = """query Person($n: ID!) {
  person(prisonerNumber: $n) {
    prisonerNumber firstName lastName dateOfBirth crn licence { status } pathways { pathway status }
  }
}"""
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@dataclass(frozen=True, slots=True)
class ExportedSpan:
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: int
    attributes: dict[str, Any]
    service: str

    def text(self) -> str:
        """Everything a tracing backend shows about the span."""
        return " ".join([self.name, *(f"{key}={value}" for key, value in self.attributes.items())])


@dataclass
class Receiver:
    """What the OTLP endpoint received."""

    spans: list[ExportedSpan] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def in_trace(self, trace_id: str) -> list[ExportedSpan]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    return None if kind is None else getattr(value, kind)


def _attributes(pairs: Any) -> dict[str, Any]:
    return {pair.key: _value(pair.value) for pair in pairs}


def otlp_receiver(received: Receiver) -> web.Application:
    async def traces(request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        export = ExportTraceServiceRequest.FromString(body)
        with received.lock:
            for resource_spans in export.resource_spans:
                service = str(_attributes(resource_spans.resource.attributes).get("service.name"))
                for scope_spans in resource_spans.scope_spans:
                    received.spans += [
                        ExportedSpan(s.trace_id.hex(), s.span_id.hex(), s.parent_span_id.hex(), s.name, s.kind,
                                     _attributes(s.attributes), service)
                        for s in scope_spans.spans]
        return web.Response(body=ExportTraceServiceResponse().SerializeToString(),
                            content_type="application/x-protobuf")

    app = web.Application()
    app.router.add_post("/v1/traces", traces)
    return app


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    received = Receiver()
    with AppStack({"otlp": otlp_receiver(received)}) as running:
        received.url = running.urls["otlp"]
        yield received


def someone_fully_known(population: Population) -> SyntheticPerson:
    """In Moorland, with a CRN and a licence, so the query reaches NOMIS, nDelius, CVL and our database."""
    return next(p for p in population.by_prison["MDI"] if p.crn and p.licence)


def traceparents_sent(stack: AppStack, system: str, trace_id: str) -> list[str]:
    return [r.traceparent for r in state_of(stack.apps[system]).requests
            if r.traceparent is not None and r.traceparent.split("-")[1] == trace_id]


def request_span(spans: list[ExportedSpan]) -> ExportedSpan:
    [root] = [s for s in spans if s.kind == SERVER and s.name == "POST /graphql"]
    return root


async def test_one_request_is_one_trace_down_to_each_system_and_query(
    gateway: Gateway, tokens, population, stack: AppStack, receiver: Receiver
):
    person = someone_fully_known(population)
    async with gateway(otel_exporter_otlp_endpoint=receiver.url, otel_service_name="passport-under-test") as running:
        body = await running.ask(tokens["prison-staff"], person.prisoner_number, PERSON)
    # Leaving the lifespan flushed the exporter.
    assert "errors" not in body, body
    assert body["data"]["person"]["licence"] is not None

    root = request_span(receiver.spans)
    spans = receiver.in_trace(root.trace_id)
    assert len(spans) == len(receiver.spans), "every exported span belongs to the one request"
    assert root.parent_span_id == ""
    assert root.attributes["http.status_code"] == 200
    assert {s.service for s in spans} == {"passport-under-test"}
    ids = {s.span_id for s in spans}
    assert all(s.parent_span_id in ids for s in spans if s is not root), "one tree under the request span"

    names = [s.name for s in spans]
    assert "query Person" in names
    assert "graphql.parse" in names
    assert "graphql.validate" in names
    calls = [s for s in spans if s.kind == CLIENT and "peer.service" in s.attributes]
    for system in SYSTEMS:
        assert any(s.attributes["peer.service"] == system for s in calls), system
        sent = traceparents_sent(stack, system, root.trace_id)
        assert sent, f"{system} received no traceparent of this trace"
        # version-trace id-parent id-flags: the parent is that call's own span, and the trace is sampled.
        call_ids = {s.span_id for s in calls if s.attributes["peer.service"] == system}
        assert all(t.split("-")[2] in call_ids and int(t.split("-")[3], 16) & 1 for t in sent), sent
    assert any(s.kind == CLIENT and "db.system" in s.attributes for s in spans), "no database query span"


async def test_spans_never_carry_the_persons_data(
    gateway: Gateway, tokens, population, receiver: Receiver
):
    person = someone_fully_known(population)
    async with gateway(otel_exporter_otlp_endpoint=receiver.url) as running:
        token = tokens["prison-staff"]
        posted = await running.ask(token, person.prisoner_number, PERSON)
        # A GET puts the document and the variables in the URL.
        got = await running.http.get("/graphql", headers={"Authorization": f"Bearer {token}"},
                                     params={"query": PERSON, "variables": f'{{"n": "{person.prisoner_number}"}}'})
        page = await running.http.get(f"/staff/person/{person.prisoner_number}")
    assert posted["data"]["person"]["firstName"] == person.first_name
    assert got.json()["data"]["person"]["lastName"] == person.last_name
    assert page.status_code == 200

    assert {s.name for s in receiver.spans if s.kind == SERVER} == {"POST /graphql", "GET /graphql",
                                                                     "GET /staff/person/{id}"}
    secrets = [person.first_name, person.last_name, person.date_of_birth.isoformat(),
               person.date_of_birth.strftime("%d/%m/%Y"), person.prisoner_number, person.crn or "no-crn"]
    for span in receiver.spans:
        for secret in secrets:
            assert not re.search(rf"\b{re.escape(secret)}\b", span.text()), f"{secret!r} in span {span.name}"


async def test_a_callers_trace_carries_on_into_the_legacy_systems(
    gateway: Gateway, tokens, population, stack: AppStack, receiver: Receiver
):
    person = someone_fully_known(population)
    async with gateway(otel_exporter_otlp_endpoint=receiver.url) as running:
        body = await running.ask(tokens["prison-staff"], person.prisoner_number, PERSON,
                                 traceparent=f"00-{CALLER_TRACE}-00f067aa0ba902b7-01")
    assert "errors" not in body, body

    root = request_span(receiver.spans)
    assert root.trace_id == CALLER_TRACE
    assert root.parent_span_id == "00f067aa0ba902b7"
    assert traceparents_sent(stack, "nomis", CALLER_TRACE)


async def test_without_an_endpoint_nothing_is_traced_and_the_gateway_works(
    gateway: Gateway, tokens, population, stack: AppStack
):
    person = someone_fully_known(population)
    logged_before = {system: len(state_of(stack.apps[system]).requests) for system in SYSTEMS}
    async with gateway() as running:
        assert running.app.state.tracing is None
        body = await running.ask(tokens["prison-staff"], person.prisoner_number, PERSON)

    assert "errors" not in body, body
    assert body["data"]["person"]["prisonerNumber"] == person.prisoner_number
    for system in SYSTEMS:
        new = state_of(stack.apps[system]).requests[logged_before[system]:]
        assert new, f"{system} was not called"
        assert all(r.traceparent is None for r in new), f"{system} received a traceparent"


@pytest.mark.parametrize(("path", "template"), [
    ("/prisoner/A1234BC/key-worker", "/prisoner/{id}/key-worker"),
    ("/probation-cases/X123456/risk/rosh", "/probation-cases/{id}/risk/rosh"),
    ("/licence/id/42", "/licence/id/{id}"),
    ("/plan-your-future/appointments/9f3c.ics", "/plan-your-future/appointments/{id}"),
    ("/graphql", "/graphql"),
    ("/", "/"),
])
def test_paths_keep_only_the_apis_own_words(path, template):
    assert path_template(path) == template
