"""README.md's Performance tables from a bench report: one row per workload, then the targets judged.

``python -m benchmarks.readme benchmarks/reports/latest.json`` prints them, ready to paste.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from benchmarks.report import calls
from benchmarks.targets import markdown as target_lines
from benchmarks.targets import targets

Row = dict[str, Any]
HEADER = ("Workload", "p50 c1, 20 ms: gateway / floor (x)", "p50 c16, 20 ms (x floor)",
          "naive p50 c1, 20 ms (x gateway)", "rps c16, 20 ms (x floor)",
          "CPU ms/req c1, 0 ms: gateway / floor (x)", "µs per leaf", "upstream calls/req", "peak MiB")


def readme(result: dict[str, Any]) -> str:
    """The heading sentence, the summary table, what the stack alone costs, and the targets table."""
    stack = stack_cost(result)
    return "\n".join([_heading(result), "", *_summary(result), "", *([stack, ""] if stack else []),
                      *target_lines(targets(result))]) + "\n"


def stack_cost(result: dict[str, Any]) -> str:
    """How much of W1's 1.3x budget the stack takes before it reads anything: W0's p50 through the gateway less
    through the floor's server (c1, 20 ms), next to 30% of the floor's W1 p50. Empty without both workloads."""
    index = {(r["workload"], r["variant"]): r for r in result["rows"]
             if r["latency_ms"] == 20 and r["concurrency"] == 1}
    rows = [index.get(key) for key in (("W0", "gateway"), ("W0", "floor"), ("W1", "floor"))]
    if any(row is None or not row["p50_ms"] for row in rows):
        return ""
    stack, stack_floor, caseload_floor = (float(row["p50_ms"]) for row in rows if row is not None)
    extra, budget = stack - stack_floor, 0.3 * caseload_floor
    return (f"The stack alone (W0, an operation that reads nothing) takes {extra:.2f} ms more at p50 through the "
            f"gateway ({stack:.2f} ms) than through the floor's server ({stack_floor:.2f} ms), c1 at 20 ms. W1's "
            f"1.3x target leaves {budget:.2f} ms over the floor's {caseload_floor:.2f} ms for everything: the stack "
            f"takes {100 * extra / budget:.0f}% of it before the caseload is read.")


def _heading(result: dict[str, Any]) -> str:
    machine = result.get("machine") or {}
    parts = [str(result.get("date") or "undated")[:10]]
    parts += [f"{machine['cores']} cores"] if machine.get("cores") else []
    parts += [str(machine["platform"])] if machine.get("platform") else []
    parts += [f"Python {machine['python']}"] if machine.get("python") else []
    if result.get("people"):
        national = result.get("national_people")
        parts.append(f"{result['people']:,} people"
                     + (f" ({national:,} on Postgres for W4 national)" if national else ""))
    return f"**Latest run: {', '.join(parts)}.**"


def _summary(result: dict[str, Any]) -> list[str]:
    index = {(r["workload"], r["variant"], r["latency_ms"], r["concurrency"]): r for r in result["rows"]}
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for workload in dict.fromkeys(r["workload"] for r in result["rows"]):
        lines.append("| " + " | ".join((workload, *_cells(index, workload))) + " |")
    return lines


def _cells(index: dict[tuple[Any, ...], Row], workload: str) -> tuple[str, ...]:
    def at(variant: str, latency: int, concurrency: int) -> Row | None:
        return index.get((workload, variant, latency, concurrency))

    slow = 20 if at("gateway", 20, 1) else 0  # W4 national runs only at 0 ms: its "20 ms" columns are its 0 ms rows
    gateway, floor = at("gateway", slow, 1), at("floor", slow, 1)
    busy, busy_floor = at("gateway", slow, 16), at("floor", slow, 16)
    idle, idle_floor = at("gateway", 0, 1), at("floor", 0, 1)
    return (_versus(gateway, floor, "p50_ms"),
            f"{_value(busy, 'p50_ms')} ({_ratio(busy, busy_floor, 'p50_ms')})",
            _ratio(at("naive", slow, 1), gateway, "p50_ms", digits=1),
            f"{_value(busy, 'throughput_rps')} ({_ratio(busy, busy_floor, 'throughput_rps')})",
            _versus(idle, idle_floor, "cpu_ms_per_request"),
            _value(idle, "cpu_us_per_leaf"),
            "-" if gateway is None else calls(gateway["upstream_calls_per_request"]) or "0",
            _value(gateway, "peak_memory_kb", digits=0, scale=1 / 1024))


def _value(row: Row | None, field: str, *, digits: int = 1, scale: float = 1.0) -> str:
    value = None if row is None else row[field]
    return "-" if value is None else f"{value * scale:.{digits}f}"


def _ratio(row: Row | None, over: Row | None, field: str, *, digits: int = 2) -> str:
    if row is None or over is None or row[field] is None or not over[field]:
        return "-"
    return f"{row[field] / over[field]:.{digits}f}"


def _versus(row: Row | None, floor: Row | None, field: str) -> str:
    return f"{_value(row, field)} / {_value(floor, field)} ({_ratio(row, floor, field)})"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.readme")
    parser.add_argument("report", type=Path, nargs="?", default=Path("benchmarks/reports/latest.json"))
    print(readme(json.loads(parser.parse_args().report.read_text(encoding="utf-8"))), end="")
