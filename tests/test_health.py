"""Service endpoints after the HMPPS conventions."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from gateway.app import create_app
from tests.conftest import settings_for


async def test_ping_and_liveness_answer_up(client):
    for path in ("/health/ping", "/health/liveness", "/health/readiness"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (200, {"status": "UP"}), path


async def test_health_reports_every_upstream_and_the_database(client):
    response = await client.get("/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "UP"
    assert set(body["components"]) == {"nomis", "delius", "licences", "appointments", "db"}


async def test_health_is_503_when_an_upstream_is_down(stack, seeded):
    settings = settings_for(stack, seeded.database_url, licences_url="http://127.0.0.1:9")  # nothing listens
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            response = await http.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "DOWN"
    assert body["components"]["licences"]["status"] == "DOWN"
    assert body["components"]["nomis"]["status"] == "UP"


async def test_info_names_the_build(client):
    body = (await client.get("/info")).json()
    assert body["build"]["name"] == "resettlement-passport-gateway"
    assert body["build"]["version"]
    assert "ref" in body["git"]


async def test_every_response_carries_a_correlation_id(client):
    given = await client.get("/health/ping", headers={"X-Correlation-Id": "abc-123"})
    assert given.headers["x-correlation-id"] == "abc-123"
    made = await client.get("/health/ping")
    assert len(made.headers["x-correlation-id"]) == 32
