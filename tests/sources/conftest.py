"""Adapters against the real stub servers, over HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import pytest

from fixtures.population import (
    Population,
    SyntheticPerson,
    build_population,
    person_on_licence_with_appointments,
)
from fixtures.stubs import AppStack, legacy_apps, state_of
from sources.appointments import AppointmentsClient
from sources.config import UpstreamConfig
from sources.delius import DeliusClient
from sources.http import UpstreamClient
from sources.licences import LicencesClient
from sources.nomis import NomisClient

C = TypeVar("C", bound=UpstreamClient)


@pytest.fixture(scope="session")
def population() -> Population:
    return build_population(people=1600)


@pytest.fixture(scope="session")
def stack(population: Population) -> Iterator[AppStack]:
    with AppStack(legacy_apps(population)) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_stubs(stack: AppStack) -> Iterator[None]:
    for app in stack.apps.values():
        state_of(app).reset()
    yield
    for app in stack.apps.values():
        state_of(app).reset()


@pytest.fixture(scope="session")
def leaver(population: Population) -> SyntheticPerson:
    return person_on_licence_with_appointments(population)


@pytest.fixture(scope="session")
def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class ClientMaker:
    """Opens adapters against the stack (or any URL) and closes them after the test."""

    def __init__(self, stack: AppStack) -> None:
        self.stack = stack
        self.made: list[UpstreamClient] = []

    async def __call__(self, cls: type[C], system: str, *, url: str | None = None, **overrides: Any) -> C:
        settings: dict[str, Any] = {"timeout_seconds": 1.0, "retries": 0, **overrides}
        client = cls(UpstreamConfig(system=system, url=url or self.stack.urls[system], **settings))
        await client.open()
        self.made.append(client)
        return client


@pytest.fixture
async def make_client(stack: AppStack) -> AsyncIterator[ClientMaker]:
    maker = ClientMaker(stack)
    yield maker
    for client in maker.made:
        await client.close()


@pytest.fixture
async def nomis(make_client: ClientMaker) -> NomisClient:
    return await make_client(NomisClient, "nomis")


@pytest.fixture
async def delius(make_client: ClientMaker) -> DeliusClient:
    return await make_client(DeliusClient, "delius")


@pytest.fixture
async def licences(make_client: ClientMaker) -> LicencesClient:
    return await make_client(LicencesClient, "licences")


@pytest.fixture
async def appointments(make_client: ClientMaker) -> AppointmentsClient:
    return await make_client(AppointmentsClient, "appointments")
