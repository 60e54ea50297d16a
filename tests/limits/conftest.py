"""A gateway built from settings with overrides, for the limits that read settings per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager

from fixtures.stubs.runner import AppStack
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import settings_for

GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def gateway_with(stack: AppStack, seeded: Settings) -> GatewayFactory:
    @asynccontextmanager
    async def open_gateway(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings_for(stack, seeded.database_url, **overrides))
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
                yield http

    return open_gateway


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
