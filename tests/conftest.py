"""Shared fixtures: the stub systems over real HTTP, a real database (SQLite, and Postgres when
PASSPORT_TEST_POSTGRES_URL is set), and the gateway app with its lifespan."""

from __future__ import annotations

import gc
import json
import os
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from fixtures.population import Population, build_population
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.devstack import dev_apps, dev_ports
from gateway.settings import Settings
from tests.support.databases import DATABASE_PARAMS, prepare_database, seeded_copy

POSTGRES_URL = os.environ.get("PASSPORT_TEST_POSTGRES_URL")


@pytest.fixture(scope="module", autouse=True)
def _old_objects_out_of_the_collectors_way() -> None:
    """Collect, then freeze what survives, before each module.

    The run keeps over a million objects alive (populations of up to 90,000 people, stub request logs), and a
    full collection over them paused every thread, the stubs' included, for up to 1.7 s: longer than the
    1 s nDelius timeout the resilience tests run under. Frozen objects are never scanned again, so a pause
    costs only what the module itself made; what a frozen object holds is kept until the run ends.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def population() -> Population:
    return build_population(people=4000)


@pytest.fixture(scope="session")
def stack(population: Population) -> Iterator[AppStack]:
    with AppStack(dev_apps(population), dev_ports(ephemeral=True)) as running:
        yield running


@pytest.fixture(params=DATABASE_PARAMS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return await prepare_database(request.param, tmp_path)


def settings_for(stack: AppStack, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "nomis_url": stack.urls["nomis"],
        "delius_url": stack.urls["delius"],
        "licences_url": stack.urls["licences"],
        "appointments_url": stack.urls["appointments"],
        "hmpps_auth_url": stack.urls["hmpps-auth"],
        "one_login_url": stack.urls["one-login"],
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(stack: AppStack, database_url: str) -> Settings:
    return settings_for(stack, database_url)


@pytest.fixture
async def seeded(settings: Settings, population: Population, tmp_path: Path) -> Settings:
    """``settings`` over a database holding the migrated, seeded demo data (a copy of one seeded per run)."""
    await seeded_copy(settings.database_url, population, tmp_path)
    return settings


@pytest.fixture
async def client(seeded: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(seeded)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http


def issue_token(stack: AppStack, persona: str) -> str:
    """A real token from the stub identity provider, as `passport token PERSONA` gets it."""
    if persona == "leaver":
        from fixtures.idp.personas import DEMO_LEAVER

        url, body = f"{stack.urls['one-login']}/dev/token", {"subject": DEMO_LEAVER.subject}
    else:
        url, body = f"{stack.urls['hmpps-auth']}/auth/dev/token", {"persona": persona}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(json.loads(response.read())["access_token"])


@pytest.fixture(scope="session")
def tokens(stack: AppStack) -> dict[str, str]:
    personas = ("prison-staff", "probation-staff", "prison-leader", "national-leader", "integrator", "admin", "leaver")
    return {persona: issue_token(stack, persona) for persona in personas}
