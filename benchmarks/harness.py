"""``passport bench``: start the stubs, the gateway, the naive gateway and the floor; run every workload."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import procs, report
from benchmarks.load import percentile, run_load, set_faults, upstream_calls
from benchmarks.workloads import NOT_AVAILABLE, WORKLOADS, Workload
from fixtures.population import Population, build_population
from schema.persisted import MANIFEST, load_manifest

LATENCIES = {20: {"latency_ms": 15, "jitter_ms": 10}, 0: {}}  # 20 ms +- 5 ms, then none
CONCURRENCIES = (1, 16)


@dataclass(frozen=True)
class Options:
    people: int = 4000
    requests: int | None = None
    quick: bool = False
    zero_latency_only: bool = False
    soak: bool = False
    soak_seconds: float = 600.0
    out: Path = Path("benchmarks/reports")
    keep_data: Path | None = None
    """Also write every row with the first response's data here (for differential checks)."""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Options:
        return cls(people=args.people, requests=args.requests, quick=args.quick,
                   zero_latency_only=args.zero_latency_only, soak=args.soak, soak_seconds=args.soak_seconds,
                   out=Path(args.out))

    def count(self, concurrency: int) -> int:
        if self.requests is not None:
            return self.requests
        return (8 if concurrency == 1 else 32) if self.quick else (50 if concurrency == 1 else 200)


class Bench:
    def __init__(self, options: Options, workdir: Path) -> None:
        self.options, self.workdir = options, workdir
        self.population: Population = build_population(people=options.people)
        self.database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        self.stubs = procs.start_stubs(options.people, workdir)
        self.legacy = {s: self.stubs.urls[s] for s in procs.SYSTEMS}
        self.tokens = {p: _token(self.stubs.urls["hmpps-auth"], p) for p in ("prison-leader", "integrator")}
        self.servers: dict[str, procs.Child] = {}

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

    async def measure(self, workload: Workload, variant: str, latency: int, concurrency: int) -> dict[str, Any]:
        if workload.cold:
            self.start(variant)
        server = self.servers[variant]
        variables = workload.variables(self.population, self.options.count(concurrency))
        if variant == "floor":
            url, headers, bodies = f"{server.url}/w/{workload.operation}", None, list(variables)
        else:
            url, headers = f"{server.url}/graphql", {"Authorization": f"Bearer {self.tokens[workload.persona]}"}
            bodies = [{"id": workload.operation_id, "variables": v} for v in variables]
        if not workload.cold:
            await run_load(url, bodies[:1], concurrency=1, headers=headers)  # warm up: caches, imports, pools
        await upstream_calls(self.legacy, clear=True)
        cpu_before = procs.cpu_ms(server.pid)
        result = await run_load(url, bodies, concurrency=concurrency, headers=headers)
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
            "first_data": result.first_data,
        }

    async def run(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        latencies = [0] if self.options.zero_latency_only else [20, 0]
        for variant in ("floor", "gateway", "naive"):
            self.start(variant)
        for latency in latencies:
            await set_faults(self.legacy, LATENCIES[latency])
            for workload in available():
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
    return [w for w in WORKLOADS if w.operation_id in manifest and (not w.needs or f"  {w.needs}(" in sdl)]


def skipped() -> dict[str, str]:
    found = {w.key for w in available()}
    missing = {w.key: "not available yet: operation or schema field missing" for w in WORKLOADS if w.key not in found}
    return missing | NOT_AVAILABLE


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


def run(options: Options) -> int:
    """Run everything; print the table and write latest.json, latest.md and latest.svg. 0 when all answered."""
    with tempfile.TemporaryDirectory(prefix="passport-bench-") as tmp:
        workdir = Path(tmp)
        bench = Bench(options, workdir)
        try:
            asyncio.run(_seed(bench.population, bench.database_url))
            rows = asyncio.run(bench.run())
            soak = None
            if options.soak:
                from benchmarks.soak import soak_run

                soak = asyncio.run(soak_run(bench, options.soak_seconds))
        finally:
            bench.stop()
    if options.keep_data is not None:
        options.keep_data.parent.mkdir(parents=True, exist_ok=True)
        options.keep_data.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    result = report.build(rows, skipped(), options.people, soak)
    report.write(result, options.out)
    print(report.table(result))
    return 0 if all(r["failures"] == 0 for r in rows) else 1
