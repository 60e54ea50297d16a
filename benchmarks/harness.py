"""``passport bench``: start the stubs, the gateway, the naive gateway and the floor; run every workload.

Two phases. The default phase runs W1 to W5 on the default population (SQLite). The national phase runs
W4 national on 90,000 people in Postgres, when a Postgres URL is given (``--postgres-url`` or
``PASSPORT_BENCH_POSTGRES_URL``); it makes a database of its own there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks import procs, report
from benchmarks.databases import analyse, bench_database
from benchmarks.leaver_page import leaver_cookie
from benchmarks.load import percentile, run_load, set_faults, upstream_calls
from benchmarks.workloads import NATIONAL, WORKLOADS, Workload
from fixtures.population import Population, build_population
from schema.persisted import MANIFEST, load_manifest

LATENCIES = {20: {"latency_ms": 15, "jitter_ms": 10}, 0: {}}  # 20 ms +- 5 ms, then none
CONCURRENCIES = (1, 16)
WARM_UP_TIMEOUT = 900.0  # the national warm-up reads every prison from NOMIS


@dataclass(frozen=True)
class Options:
    people: int = 4000
    requests: int | None = None
    quick: bool = False
    zero_latency_only: bool = False
    soak: bool = False
    soak_seconds: float = 600.0
    out: Path = Path("benchmarks/reports")
    postgres_url: str | None = None
    """Where the national phase makes its database; no URL, no national phase."""
    national_people: int = 90_000
    keep_data: Path | None = None
    """Also write every row with the first response's data here (for differential checks)."""
    only: tuple[str, ...] = ()
    """Run only workloads whose key starts with one of these (``W3`` is W3 cold and W3 warm); empty: all."""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        return cls(people=args.people, requests=args.requests, quick=args.quick,
                   zero_latency_only=args.zero_latency_only, soak=args.soak, soak_seconds=args.soak_seconds,
                   out=Path(args.out), postgres_url=args.postgres_url or os.environ.get("PASSPORT_BENCH_POSTGRES_URL"),
                   national_people=args.national_people,
                   only=tuple(k.strip() for k in (args.only or "").split(",") if k.strip()))

    def count(self, concurrency: int) -> int:
        if self.requests is not None:
            return self.requests
        return (8 if concurrency == 1 else 32) if self.quick else (50 if concurrency == 1 else 200)


class Bench:
    def __init__(self, options: Options, workdir: Path, *, people: int, database_url: str) -> None:
        self.options, self.workdir, self.database_url = options, workdir, database_url
        self.population: Population = build_population(people=people)
        self.stubs = procs.start_stubs(people, workdir)
        self.legacy = {s: self.stubs.urls[s] for s in procs.SYSTEMS}
        self.tokens = {p: _token(self.stubs.urls["hmpps-auth"], p)
                       for p in ("prison-leader", "integrator", "national-leader")}
        self.servers: dict[str, procs.Child] = {}
        self.cookies: dict[str, str] = {}

    def start(self, variant: str) -> procs.Child:
        old = self.servers.pop(variant, None)
        if old is not None:
            old.stop()
        if variant == "floor":
            child = procs.start_floor(self.stubs, self.database_url, self.workdir)
        else:
            child = procs.start_gateway(self.stubs, self.database_url, self.workdir, naive=variant == "naive")
        self.servers[variant] = child
        return child

    def stop(self) -> None:
        for child in [*self.servers.values(), self.stubs.child]:
            child.stop()

    async def request(self, workload: Workload, variant: str, n: int) -> tuple[str, dict[str, str] | None, list[Any]]:
        """The URL, headers and bodies of ``n`` requests of this workload to this variant."""
        server = self.servers[variant]
        variables = workload.variables(self.population, n)
        if workload.page:
            if server.url not in self.cookies:
                self.cookies[server.url] = await leaver_cookie(server.url)
            return f"{server.url}{workload.page}", {"Cookie": self.cookies[server.url]}, list(variables)
        if variant == "floor":
            return f"{server.url}/w/{workload.operation}", None, list(variables)
        headers = {"Authorization": f"Bearer {self.tokens[workload.persona]}"}
        return f"{server.url}/graphql", headers, [{"id": workload.operation_id, "variables": v} for v in variables]

    async def measure(self, workload: Workload, variant: str, latency: int, concurrency: int) -> dict[str, Any]:
        if workload.cold:
            self.start(variant)
            self.cookies.pop(self.servers[variant].url, None)
        server = self.servers[variant]
        url, headers, bodies = await self.request(workload, variant, self.options.count(concurrency))
        page = bool(workload.page)
        if not workload.cold:  # warm up: caches, imports, pools (and for W4 national, every projection)
            await run_load(url, bodies[:1], concurrency=1, headers=headers, page=page,
                           request_timeout=WARM_UP_TIMEOUT)
        await upstream_calls(self.legacy, clear=True)
        cpu_before = procs.cpu_ms(server.pid)
        result = await run_load(url, bodies, concurrency=concurrency, headers=headers, page=page)
        cpu = procs.cpu_ms(server.pid) - cpu_before
        calls = await upstream_calls(self.legacy)
        n = max(1, len(bodies))
        return {
            "workload": workload.key, "title": workload.title, "variant": variant, "latency_ms": latency,
            "concurrency": concurrency, "requests": len(bodies), "failures": result.failures,
            "p50_ms": percentile(result.latencies_ms, 50), "p95_ms": percentile(result.latencies_ms, 95),
            "p99_ms": percentile(result.latencies_ms, 99),
            "throughput_rps": len(bodies) / result.wall_s if result.wall_s else 0.0,
            "cpu_ms_per_request": cpu / n, "leaves_per_request": result.leaves / n,
            "cpu_us_per_leaf": 1000 * cpu / result.leaves if result.leaves else None,
            "peak_memory_kb": procs.peak_kb(server.pid),
            "upstream_calls_per_request": {s: sum(c.values()) / n for s, c in calls.items()},
            "upstream_calls_by_route": {s: dict(c) for s, c in calls.items()},
            "first_data": None if page else result.first_data,
        }

    async def run(self, workloads: list[Workload], latencies: list[int]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for variant in ("floor", "gateway", "naive"):
            self.start(variant)
        for workload in workloads:  # the gateway reads each prison's population once, for the floor too
            url, headers, bodies = await self.request(workload, "gateway", 1)
            await run_load(url, bodies, concurrency=1, headers=headers, page=bool(workload.page),
                           request_timeout=WARM_UP_TIMEOUT)
        await analyse(self.database_url)
        for latency in latencies:
            await set_faults(self.legacy, LATENCIES[latency])
            for workload in workloads:
                variants = ("floor", "gateway", "naive") if workload.floor else ("gateway", "naive")
                for concurrency in CONCURRENCIES:
                    for variant in variants:
                        rows.append(await self.measure(workload, variant, latency, concurrency))
        await set_faults(self.legacy, {})
        return rows


def available() -> list[Workload]:
    """Workloads whose operation is in the manifest and whose schema field exists."""
    sdl = (MANIFEST.parent / "schema.graphql").read_text(encoding="utf-8")
    manifest = load_manifest()
    return [w for w in (*WORKLOADS, NATIONAL) if w.page or (
        w.operation_id in manifest and (not w.needs or f"  {w.needs}" in sdl))]


def skipped(options: Options) -> dict[str, str]:
    found = {w.key for w in available()}
    missing = {w.key: "not available: operation or schema field missing" for w in (*WORKLOADS, NATIONAL)
               if w.key not in found}
    if not options.postgres_url:
        missing[NATIONAL.key] = "skipped: needs Postgres (--postgres-url or PASSPORT_BENCH_POSTGRES_URL)"
    if options.only:
        missing.update({w.key: "skipped: not in --only" for w in (*WORKLOADS, NATIONAL)
                        if not w.key.startswith(options.only) and w.key not in missing})
    return missing


def _token(hmpps_auth_url: str, persona: str) -> str:
    request = urllib.request.Request(f"{hmpps_auth_url}/auth/dev/token", data=json.dumps({"persona": persona}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


async def _seed(population: Population, database_url: str) -> None:
    from fixtures.seed import seed_database
    from sources.store.db import Database

    database = Database(database_url)
    try:
        await seed_database(database, population)
    finally:
        await database.dispose()


def _phase(options: Options, people: int, database_url: str, workdir: Path, workloads: list[Workload],
           latencies: list[int], *, soak: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    bench = Bench(options, workdir, people=people, database_url=database_url)
    try:
        asyncio.run(_seed(bench.population, database_url))
        rows = asyncio.run(bench.run(workloads, latencies))
        soaked = None
        if soak:
            from benchmarks.soak import soak_run

            soaked = asyncio.run(soak_run(bench, options.soak_seconds))
        return rows, soaked
    finally:
        bench.stop()


def run(options: Options) -> int:
    """Run everything; print the table and write latest.json, latest.md and latest.svg. 0 when all answered."""
    found = [w for w in available() if not options.only or w.key.startswith(options.only)]
    latencies = [0] if options.zero_latency_only else [20, 0]
    with tempfile.TemporaryDirectory(prefix="passport-bench-") as tmp:
        workdir = Path(tmp)
        rows, soak = _phase(options, options.people, f"sqlite+aiosqlite:///{workdir / 'bench.db'}", workdir,
                            [w for w in found if not w.national], latencies, soak=options.soak)
        if options.postgres_url and NATIONAL in found:
            national_dir = workdir / "national"
            national_dir.mkdir()
            with bench_database(options.postgres_url) as url:
                national, _ = _phase(replace(options, requests=options.requests or (5 if options.quick else 20)),
                                     options.national_people, url, national_dir, [NATIONAL], [0])
            rows += national
    if options.keep_data is not None:
        options.keep_data.parent.mkdir(parents=True, exist_ok=True)
        options.keep_data.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    result = report.build(rows, skipped(options), options.people, soak, national_people=options.national_people)
    report.write(result, options.out)
    print(report.table(result))
    return 0 if all(r["failures"] == 0 for r in rows) else 1
