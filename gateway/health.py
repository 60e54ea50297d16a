"""Health endpoints after the HMPPS conventions: /health, /health/ping, /health/liveness,
/health/readiness and /info."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway import __version__

UP = {"status": "UP"}


async def ping(_request: Request) -> JSONResponse:
    return JSONResponse(UP)


async def liveness(_request: Request) -> JSONResponse:
    return JSONResponse(UP)


async def readiness(request: Request) -> JSONResponse:
    """Ready when the app has started and the database answers."""
    sources = getattr(request.app.state, "sources", None)
    ok = sources is not None and await sources.database.ping()
    return JSONResponse({"status": "UP" if ok else "DOWN"}, status_code=200 if ok else 503)


async def health(request: Request) -> JSONResponse:
    """Each upstream's /health/ping plus the database. 503 when any component is DOWN."""
    sources = request.app.state.sources
    names = list(sources.upstream_clients)
    results = await asyncio.gather(*(sources.upstream_clients[n].ping() for n in names),
                                   sources.database.ping())
    components: dict[str, Any] = {
        name: {"status": "UP" if ok else "DOWN", "details": {"url": sources.upstream_clients[name].config.url}}
        for name, ok in zip(names, results[:-1], strict=True)
    }
    components["db"] = {"status": "UP" if results[-1] else "DOWN",
                        "details": {"dialect": sources.database.engine.dialect.name}}
    up = all(c["status"] == "UP" for c in components.values())
    return JSONResponse({"status": "UP" if up else "DOWN", "components": components},
                        status_code=200 if up else 503)


async def info(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    return JSONResponse({
        "build": {"name": "resettlement-passport-gateway", "version": __version__},
        "git": {"ref": settings.git_ref},
        "environment": settings.environment.value,
    })
