"""The load generator: a bounded list of requests at a fixed concurrency, to 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from benchmarks.workloads import leaves


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    failures: int = 0
    server_errors: int = 0
    malformed: int = 0
    """Bodies that are not a JSON object with a ``data`` key."""
    leaves: int = 0
    first_data: Any = None


def local_only(url: str) -> str:
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"benchmarks target 127.0.0.1 only, not {url}")
    return url


async def run_load(url: str, bodies: list[Any], *, concurrency: int, headers: dict[str, str] | None = None,
                   request_timeout: float = 60.0, page: bool = False) -> LoadResult:
    """POST each body once, ``concurrency`` at a time; a failure is a non-200, an error, or no data.

    ``page``: GET an HTML page once per body instead; a failure is a non-200 or a body that is not HTML.
    """
    local_only(url)
    result = LoadResult()
    queue = list(enumerate(bodies))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=request_timeout), headers=headers) as http:

        async def worker() -> None:
            while queue:
                index, body = queue.pop(0)
                started = time.perf_counter()
                try:
                    if page:
                        async with http.get(url, allow_redirects=False) as response:
                            html = await response.text()
                            payload: Any = {"data": {"html": html}} if "</html>" in html else None
                            status = response.status
                    else:
                        async with http.post(url, json=body) as response:
                            payload = await response.json(content_type=None)
                            status = response.status
                except (aiohttp.ClientError, TimeoutError, ValueError):
                    payload, status = None, 599
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                data = payload.get("data") if isinstance(payload, dict) else None
                if not isinstance(payload, dict) or "data" not in payload:
                    result.malformed += 1
                if status >= 500:
                    result.server_errors += 1
                if status != 200 or data is None or (isinstance(payload, dict) and payload.get("errors")):
                    result.failures += 1
                result.leaves += 0 if page else leaves(data)
                if index == 0:
                    result.first_data = data

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.wall_s = time.perf_counter() - started
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


_ID = re.compile(r"/[^/]*\d[^/]*")


def route(method: str, path: str) -> str:
    """``GET /probation-cases/{}/crn``: ids folded so calls group by upstream operation."""
    return f"{method} {_ID.sub('/{}', path)}"


async def upstream_calls(stubs: dict[str, str], *, clear: bool = False) -> dict[str, Counter[str]]:
    """Each stub's request log, counted by route; ``clear`` empties the logs instead."""
    counts: dict[str, Counter[str]] = {}
    async with aiohttp.ClientSession() as http:
        for system, url in stubs.items():
            if clear:
                async with http.delete(f"{local_only(url)}/__admin/requests"):
                    continue
            async with http.get(f"{local_only(url)}/__admin/requests") as response:
                logged = await response.json()
            counts[system] = Counter(route(r["method"], r["path"]) for r in logged)
    return counts


async def set_faults(stubs: dict[str, str], faults: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as http:
        for url in stubs.values():
            async with http.put(f"{local_only(url)}/__admin/faults", json=faults) as response:
                response.raise_for_status()
