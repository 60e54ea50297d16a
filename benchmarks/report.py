"""The report: ratios to the floor, a table on stdout, and latest.json, latest.md and latest.svg."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.targets import markdown as target_lines
from benchmarks.targets import targets

RATIO_FIELDS = ("p50_ms", "p95_ms", "p99_ms", "throughput_rps", "cpu_ms_per_request", "peak_memory_kb",
                "upstream_calls")
COLOURS = {"floor": "#00703c", "gateway": "#1d70b8", "naive": "#d4351c"}


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["workload"], row["latency_ms"], row["concurrency"]


def build(rows: list[dict[str, Any]], skipped: dict[str, str], people: int,
          soak: dict[str, Any] | None = None, *, national_people: int | None = None) -> dict[str, Any]:
    """Every figure also as a ratio to the floor's run of the same workload, latency and concurrency."""
    floors = {_key(r): r for r in rows if r["variant"] == "floor"}
    for row in rows:
        row["upstream_calls"] = sum(row["upstream_calls_per_request"].values())
        floor = floors.get(_key(row))
        row["ratio_to_floor"] = None if floor is None else {f: _ratio(row[f], floor[f]) for f in RATIO_FIELDS}
        compared = floor is not None and row["variant"] != "floor"
        row["matches_floor"] = row["first_data"] == floor["first_data"] if compared else None  # type: ignore[index]
    for row in rows:
        row.pop("first_data", None)
    return {"machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "date": datetime.now(UTC).isoformat(timespec="seconds"), "people": people,
            "national_people": national_people, "rows": rows,
            "skipped": skipped, "soak": soak}


def _ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or floor is None:
        return None
    if floor == 0:
        return 1.0 if value == 0 else None
    return value / floor


def table(result: dict[str, Any]) -> str:
    head = ("workload", "variant", "lat", "c", "n", "fail", "p50", "p95", "p99", "rps", "cpu ms/req", "us/leaf",
            "calls/req", "peak MiB", "p50 x floor", "cpu x floor", "= floor")
    lines = [" | ".join(head)]
    for r in result["rows"]:
        ratio = r["ratio_to_floor"] or {}
        lines.append(" | ".join((
            r["workload"], r["variant"], f"{r['latency_ms']}ms", str(r["concurrency"]), str(r["requests"]),
            str(r["failures"]), f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}",
            f"{r['throughput_rps']:.1f}", f"{r['cpu_ms_per_request']:.1f}", _num(r["cpu_us_per_leaf"]),
            calls(r["upstream_calls_per_request"]), f"{r['peak_memory_kb'] / 1024:.0f}",
            _num(ratio.get("p50_ms"), 2), _num(ratio.get("cpu_ms_per_request"), 2), _num(r["matches_floor"]))))
    lines += [f"{key}: {why}" for key, why in result["skipped"].items()]
    if result["soak"]:
        lines.append("soak: " + json.dumps(result["soak"]))
    return "\n".join(lines)


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return f"{value:.{digits}f}"


def calls(per_system: dict[str, float]) -> str:
    short = {"nomis": "N", "delius": "D", "licences": "L", "appointments": "A"}
    return " ".join(f"{short.get(s, s)}{v:g}" for s, v in per_system.items() if v)


def markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    rows = table(result).splitlines()
    body = [f"# Benchmarks, {result['date']}", "",
            f"{machine['cores']} cores, {machine['platform']}, Python {machine['python']}; "
            f"{result['people']} people ({result.get('national_people')} on Postgres for W4 national). "
            "Stubs at 20 ms +- 5 ms and at 0 ms. Ratios are to the floor in the same run.",
            "", "| " + rows[0] + " |", "|" + "---|" * len(rows[0].split(" | "))]
    body += ["| " + line + " |" for line in rows[1:] if " | " in line]
    body += ["", *(f"- {line}" for line in rows[1:] if " | " not in line), "", "## Targets", "",
             *target_lines(targets(result)), "", "![p50 by workload](latest.svg)", ""]
    return "\n".join(body)


def svg(result: dict[str, Any]) -> str:
    """Grouped bars: p50 at concurrency 1 by workload and latency, one bar per variant, log-free and plain."""
    groups: dict[str, dict[str, float]] = {}
    for r in result["rows"]:
        if r["concurrency"] == 1:
            groups.setdefault(f"{r['workload']} @{r['latency_ms']}ms", {})[r["variant"]] = r["p50_ms"]
    width, height, left, bottom, bar = 60 + 90 * max(1, len(groups)), 300, 50, 250, 24
    top = max((v for g in groups.values() for v in g.values()), default=1.0) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="10"><text x="{left}" y="14" font-size="12">p50 ms at concurrency 1 '
             f'(max {top:.1f})</text><line x1="{left}" y1="{bottom}" x2="{width}" y2="{bottom}" stroke="#000"/>']
    for i, (label, variants) in enumerate(groups.items()):
        x = left + 10 + 90 * i
        for j, variant in enumerate(("floor", "gateway", "naive")):
            if variant in variants:
                h = (bottom - 30) * variants[variant] / top
                parts.append(f'<rect x="{x + j * bar}" y="{bottom - h:.1f}" width="{bar - 2}" height="{h:.1f}" '
                             f'fill="{COLOURS[variant]}"><title>{variant} {variants[variant]:.1f} ms</title></rect>')
        parts.append(f'<text x="{x}" y="{bottom + 14}">{label}</text>')
    for j, (variant, colour) in enumerate(COLOURS.items()):
        parts.append(f'<rect x="{left + 120 * j}" y="{bottom + 26}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{left + 14 + 120 * j}" y="{bottom + 35}">{variant}</text>')
    return "\n".join([*parts, "</svg>", ""])


def write(result: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    (out / "latest.md").write_text(markdown(result), encoding="utf-8")
    (out / "latest.svg").write_text(svg(result), encoding="utf-8")
