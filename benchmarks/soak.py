"""The soak: a mixed workload at concurrency 32 for a bounded time, with nDelius failing 20% and flapping down."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from benchmarks import procs
from benchmarks.load import run_load, set_faults
from benchmarks.workloads import WORKLOADS

if TYPE_CHECKING:
    from benchmarks.harness import Bench

CONCURRENCY = 32
FLAKY = {"error_rate": 0.2, "status": 503}
DOWN = {"error_rate": 1.0, "status": 503}
FLAP_SECONDS = 30.0


async def soak_run(bench: Bench, seconds: float) -> dict[str, Any]:
    """Rounds of mixed requests until ``seconds`` pass; nDelius goes down at 1/3 and 2/3 of the way."""
    gateway = bench.start("gateway")
    delius = {"delius": bench.legacy["delius"]}
    mixed = [w for w in WORKLOADS if not w.cold and w.key in {"W1", "W2", "W3 warm", "W4", "W5"}]
    flap = min(FLAP_SECONDS, seconds / 6)
    started = time.monotonic()
    flaps = [started + seconds / 3, started + 2 * seconds / 3]
    totals = {"requests": 0, "server_errors": 0, "malformed": 0, "partial_or_failed": 0}
    memory: list[int] = []
    await set_faults(delius, FLAKY)
    try:
        while time.monotonic() - started < seconds:
            now = time.monotonic()
            down = any(f <= now < f + flap for f in flaps)
            await set_faults(delius, DOWN if down else FLAKY)
            for workload in mixed:
                url, headers, bodies = await bench.request(workload, "gateway", CONCURRENCY)
                result = await run_load(url, bodies, concurrency=CONCURRENCY, headers=headers,
                                        page=bool(workload.page))
                totals["requests"] += len(bodies)
                totals["server_errors"] += result.server_errors
                totals["malformed"] += result.malformed
                totals["partial_or_failed"] += result.failures
            memory.append(procs.rss_kb(gateway.pid))
            await asyncio.sleep(0)
    finally:
        await set_faults(delius, {})
    warm = memory[max(0, len(memory) // 10 - 1)] if memory else 0
    growth = (memory[-1] - warm) / warm if warm else None
    return {"seconds": round(time.monotonic() - started, 1), **totals, "rss_after_warm_up_kb": warm,
            "rss_end_kb": memory[-1] if memory else 0, "memory_growth": growth}
