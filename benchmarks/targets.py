"""Issue 8's targets, judged from a report's rows: each with its number, its limit and whether it is met."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Row = dict[str, Any]


def _rows(result: dict[str, Any], workload: str, variant: str, **where: Any) -> list[Row]:
    return [r for r in result["rows"] if r["workload"] == workload and r["variant"] == variant
            and all(r[k] == v for k, v in where.items())]


def _ratio(result: dict[str, Any], workload: str, field: str, latency: int, concurrency: int,
           variant: str = "gateway", over: str = "floor") -> float | None:
    mine = _rows(result, workload, variant, latency_ms=latency, concurrency=concurrency)
    base = _rows(result, workload, over, latency_ms=latency, concurrency=concurrency)
    if not mine or not base or not base[0][field]:
        return None
    return float(mine[0][field]) / float(base[0][field])


def _target(name: str, value: float | None, limit: float, *, at_most: bool = True, unit: str = "x") -> Row:
    met = None if value is None else (value <= limit if at_most else value >= limit)
    return {"target": name, "value": value, "limit": f"{'<=' if at_most else '>='} {limit:g}{unit}", "met": met}


def targets(result: dict[str, Any]) -> list[Row]:
    return list(_targets(result))


def _targets(result: dict[str, Any]) -> Iterator[Row]:
    cold = _rows(result, "W3 cold", "gateway")
    if cold:
        worst = {s: max(r["upstream_calls_per_request"].get(s, 0) for r in cold)
                 for s in ("nomis", "licences", "delius", "appointments")}
        yield _target("W3 cold: NOMIS calls per request", worst["nomis"], 1, unit="")
        yield _target("W3 cold: CVL calls per request", worst["licences"], 1, unit="")
        yield _target("W3 cold: nDelius calls per request", worst["delius"], 200, unit="")
        yield _target("W3 cold: appointments calls per request", worst["appointments"], 200, unit="")
    warm = _rows(result, "W3 warm", "gateway")
    if warm:
        yield _target("W3 warm: nDelius calls per request", max(r["upstream_calls_per_request"].get("delius", 0)
                                                                for r in warm), 0, unit="")
    caseload = _rows(result, "W1", "gateway")
    if caseload:
        yield _target("W1: upstream calls per request (none per person)",
                      max(r["upstream_calls"] for r in caseload), 0, unit="")
    for workload in ("W1", "W2", "W3 cold", "W3 warm"):
        for concurrency in (1, 16):
            yield _target(f"{workload}: p50 at 20 ms, concurrency {concurrency}, x floor",
                          _ratio(result, workload, "p50_ms", 20, concurrency), 1.3)
    for workload in ("W3 cold", "W3 warm"):
        yield _target(f"{workload}: naive p50 at 20 ms, x gateway",
                      _ratio(result, workload, "p50_ms", 20, 1, variant="naive", over="gateway"), 5, at_most=False)
        for concurrency in (1, 16):
            yield _target(f"{workload}: gateway CPU per request at 0 ms, concurrency {concurrency}, x floor",
                          _ratio(result, workload, "cpu_ms_per_request", 0, concurrency), 2)
    for concurrency in (1, 16):
        yield _target(f"W4 national (Postgres): p50, concurrency {concurrency}, x floor",
                      _ratio(result, "W4 national", "p50_ms", 0, concurrency), 1.5)
    soak = result.get("soak")
    if soak:
        yield _target("soak: 5xx responses", soak["server_errors"], 0, unit="")
        yield _target("soak: malformed responses", soak["malformed"], 0, unit="")
        growth = soak.get("memory_growth")
        yield _target("soak: memory growth after warm-up", None if growth is None else 100 * growth, 10, unit="%")


def markdown(rows: list[Row]) -> list[str]:
    lines = ["| Target | Measured | Limit | Met |", "|---|---|---|---|"]
    for row in rows:
        value = "-" if row["value"] is None else f"{row['value']:.2f}".rstrip("0").rstrip(".")
        met = "n/a" if row["met"] is None else ("met" if row["met"] else "**not met**")
        lines.append(f"| {row['target']} | {value} | {row['limit']} | {met} |")
    return lines
