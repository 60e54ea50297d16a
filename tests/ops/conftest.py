"""Gateways built with operations settings, their JSON log captured, and Prometheus text parsed."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import settings_for

PERSON = "query Person($n: ID!) { person(prisonerNumber: $n) { prisonerNumber firstName crn } }"


@dataclass
class Running:
    app: Starlette
    http: httpx.AsyncClient
    log: io.StringIO

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.getvalue().splitlines()]

    def requests_logged(self, path: str = "/graphql") -> list[dict[str, Any]]:
        return [line for line in self.log_lines() if line.get("event") == "request" and line["path"] == path]

    async def ask(self, token: str | None, number: str, query: str = PERSON, **headers: str) -> dict[str, Any]:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.http.post("/graphql", json={"query": query, "variables": {"n": number}},
                                        headers=headers)
        body: dict[str, Any] = response.json()
        return body

    async def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        """Every sample on /metrics, keyed by (sample name, labels)."""
        response = await self.http.get("/metrics")
        assert response.status_code == 200, response.text
        return {(s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(response.text) for s in family.samples}


Gateway = Callable[..., AbstractAsyncContextManager[Running]]


@pytest.fixture
def gateway(stack: AppStack, seeded: Settings) -> Gateway:
    """``async with gateway(read_only=True) as running``: a fresh app over the seeded database."""

    @asynccontextmanager
    async def start(**overrides: object) -> AsyncIterator[Running]:
        log = io.StringIO()
        app = create_app(settings_for(stack, seeded.database_url, **overrides), log_output=log)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
                yield Running(app, http, log)

    return start


def sample(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)
