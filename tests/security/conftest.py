"""One seeded gateway per module (the generated cases send hundreds of requests), personas as principals,
and the people each persona may and may not see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager

from auth.principal import ROLE_READ, Audience, Principal, leaver_principal
from fixtures.idp.personas import DEMO_LEAVER, default_staff_personas
from fixtures.population import Population, person_on_licence_with_appointments
from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from tests.conftest import settings_for
from tests.support.databases import DATABASE_PARAMS, prepare_database

PERSONAS = ("prison-staff", "probation-staff", "prison-leader", "national-leader", "admin", "integrator", "leaver")


def principal_of(persona: str) -> Principal:
    """The principal the gateway builds from the persona's token (roles and audience are what matter)."""
    if persona == "leaver":
        return leaver_principal(DEMO_LEAVER.subject, "A0000AA")
    p = default_staff_personas()[persona]
    audience = {"nomis": Audience.PRISON_STAFF, "delius": Audience.PROBATION_STAFF}.get(p.auth_source,
                                                                                      Audience.INTEGRATOR)
    return Principal(audience=audience, subject=p.username, client_id=p.client_id, roles=frozenset(p.authorities),
                     caseloads=frozenset(p.caseloads), probation_region=p.probation_region)


def complete_case(population: Population, prison: str) -> str:
    for person in population.by_prison[prison]:
        if person.crn and person.com and person.licence and person.appointments:
            return person.prisoner_number
    raise AssertionError(f"no complete case in {prison}")


SKIP = object()  # no such case for this persona


def subjects(population: Population) -> dict[str, dict[str, tuple[Any, Any]]]:
    """Per root field, per persona: (the root's argument for someone in scope, for someone out of scope);
    ``SKIP`` where the persona has no such case (an integrator's scope is its role, not a place)."""
    mdi, lei = complete_case(population, "MDI"), complete_case(population, "LEI")
    wwi = next(p.prisoner_number for p in population.by_prison["WWI"] if p.crn)
    me = person_on_licence_with_appointments(population).prisoner_number
    person = {"prison-staff": (mdi, lei), "prison-leader": (mdi, lei), "admin": (mdi, lei),
              "probation-staff": (mdi, wwi), "integrator": (mdi, SKIP), "leaver": (me, mdi)}
    prison = {"prison-staff": ("MDI", "LEI"), "prison-leader": ("MDI", "LEI"), "admin": ("MDI", "LEI"),
              "national-leader": (SKIP, "MDI"),
              "integrator": ("MDI", SKIP)}
    own = {persona: (SKIP, None) for persona in PERSONAS} | {"leaver": (None, SKIP)}  # `me`: null for others
    return {"person": person, "prison": prison, "me": own, "myPlan": own}


def may_read_anyone(principal: Principal) -> bool:
    return principal.audience is Audience.INTEGRATOR and principal.has_role(ROLE_READ)


@asynccontextmanager
async def seeded_gateway(kind: str, stack: AppStack, population: Population, tmp: Path,
                         ) -> AsyncIterator[httpx.AsyncClient]:
    from fixtures.seed import seed_database
    from sources.store.db import Database

    url = await prepare_database(kind, tmp)
    database = Database(url)
    try:
        await seed_database(database, population)
    finally:
        await database.dispose()
    app = create_app(settings_for(stack, url, rate_limit_per_minute=0))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=DATABASE_PARAMS)
async def shared_client(request: pytest.FixtureRequest, stack: AppStack, population: Population,
                        tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_gateway(request.param, stack, population, tmp_path_factory.mktemp("security")) as http:
        yield http


async def post(client: httpx.AsyncClient, token: str | None, query: str, variables: dict[str, Any] | None = None,
               ) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
