"""The targets table judges the numbers it is given, in both directions."""

from __future__ import annotations

from typing import Any

from benchmarks.targets import markdown, targets


def row(workload: str, variant: str, latency: int, concurrency: int, **values: Any) -> dict[str, Any]:
    base = {"workload": workload, "variant": variant, "latency_ms": latency, "concurrency": concurrency,
            "p50_ms": 10.0, "cpu_ms_per_request": 10.0, "upstream_calls": 0, "upstream_calls_per_request": {}}
    return base | values


def judged(result: dict[str, Any]) -> dict[str, Any]:
    return {t["target"]: t["met"] for t in targets(result)}


def test_a_fast_gateway_meets_and_a_slow_one_does_not() -> None:
    rows = [row("W3 warm", "floor", 0, 1, cpu_ms_per_request=10.0),
            row("W3 warm", "gateway", 0, 1, cpu_ms_per_request=19.0),
            row("W3 warm", "floor", 20, 1, p50_ms=100.0), row("W3 warm", "gateway", 20, 1, p50_ms=140.0),
            row("W3 warm", "naive", 20, 1, p50_ms=800.0)]
    verdict = judged({"rows": rows, "soak": {"server_errors": 0, "malformed": 1, "memory_growth": 0.02}})
    assert verdict["W3 warm: gateway CPU per request at 0 ms, concurrency 1, x floor"] is True
    assert verdict["W3 warm: p50 at 20 ms, concurrency 1, x floor"] is False  # 1.4 > 1.3
    assert verdict["W3 warm: naive p50 at 20 ms, x gateway"] is True  # 800 / 140 >= 5
    assert verdict["W3 warm: p50 at 20 ms, concurrency 16, x floor"] is None  # not measured: said so
    assert verdict["soak: 5xx responses"] is True
    assert verdict["soak: malformed responses"] is False
    assert verdict["soak: memory growth after warm-up"] is True


def test_the_table_names_what_is_not_met() -> None:
    rows = [row("W3 warm", "floor", 0, 1), row("W3 warm", "gateway", 0, 1, cpu_ms_per_request=35.0)]
    lines = markdown(targets({"rows": rows}))
    assert "| W3 warm: gateway CPU per request at 0 ms, concurrency 1, x floor | 3.5 | <= 2x | **not met** |" in lines
