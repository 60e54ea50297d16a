"""README's Performance tables come from a report: the 2026-11-26 run renders to the figures README showed for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.readme import readme, stack_cost

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "benchmarks" / "results" / "2026-11-26.json"


@pytest.fixture(scope="module")
def rendered() -> str:
    result: dict[str, Any] = json.loads(REPORT.read_text(encoding="utf-8"))
    return readme(result)


@pytest.fixture(scope="module")
def rows(rendered: str) -> dict[str, str]:
    """The summary and targets rows, by their first cell."""
    return {line.split(" | ")[0].removeprefix("| "): line for line in rendered.splitlines() if line.startswith("| ")}


def test_the_heading_names_the_run_machine_and_population(rendered: str) -> None:
    heading = rendered.splitlines()[0]
    assert heading.startswith("**Latest run: 2026-11-26, 2 cores, ")
    assert "Python 3.11.7, 4,000 people (90,000 on Postgres for W4 national).**" in heading


def test_each_workload_row_shows_gateway_floor_and_ratios(rows: dict[str, str]) -> None:
    assert rows["W1"] == ("| W1 | 21.9 / 4.2 (5.22) | 260.1 (2.62) | 2.6 | 50.5 (0.34) | 20.0 / 6.4 (3.12) | 52.4 "
                          "| 0 | 139 |")
    assert "| 631.9 / 552.8 (1.14) | 4539.5 (1.34) | 3.5 |" in rows["W3 cold"]
    assert rows["W3 cold"].endswith("| 42.2 | N1 D200 L1 A180.55 | 145 |")
    assert "| N3 D4.58 L1 A0.84 | 148 |" in rows["W2"]


def test_a_workload_without_a_floor_shows_dashes(rows: dict[str, str]) -> None:
    assert rows["W5"] == "| W5 | 52.9 / - (-) | 211.4 (-) | 1.0 | 68.5 (-) | 11.4 / - (-) | - | N1 L2 | 210 |"


def test_w4_national_fills_the_20_ms_columns_from_its_0_ms_run(rows: dict[str, str]) -> None:
    assert rows["W4 national"] == ("| W4 national | 1494.6 / 836.4 (1.79) | 11073.0 (1.50) | 0.9 | 1.4 (0.64) "
                                   "| 20.0 / 4.0 (5.00) | 64.9 | 0 | 144 |")


def test_workloads_keep_the_report_order_and_the_targets_follow(rows: dict[str, str]) -> None:
    names = list(rows)
    assert names[:9] == ["Workload", "W1", "W2", "W3 cold", "W3 warm", "W4", "W5", "W4 national", "Target"]
    assert rows["W1: p50 at 20 ms, concurrency 1, x floor"] == (
        "| W1: p50 at 20 ms, concurrency 1, x floor | 5.22 | <= 1.3x | **not met** |")
    assert rows["soak: memory growth after warm-up"] == "| soak: memory growth after warm-up | -1.54 | <= 10% | met |"


def test_the_module_prints_the_tables_for_a_report_path(rendered: str) -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks.readme", str(REPORT)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", check=True, env=dict(os.environ) | {"PYTHONIOENCODING": "utf-8"})
    assert done.stdout == rendered


def _p50(workload: str, variant: str, p50_ms: float, latency: int = 20, concurrency: int = 1) -> dict[str, Any]:
    return {"workload": workload, "variant": variant, "latency_ms": latency, "concurrency": concurrency,
            "p50_ms": p50_ms}


def test_w0_gives_the_share_of_w1_s_budget_the_stack_takes_before_it_reads_anything() -> None:
    result = {"rows": [_p50("W0", "gateway", 3.0), _p50("W0", "floor", 1.4), _p50("W1", "floor", 10.0),
                       _p50("W0", "gateway", 30.0, concurrency=16), _p50("W1", "floor", 99.0, latency=0)]}
    sentence = stack_cost(result)
    assert "takes 1.60 ms more at p50 through the gateway (3.00 ms) than through the floor's server (1.40 ms)" \
        in sentence
    assert "leaves 3.00 ms over the floor's 10.00 ms" in sentence
    assert sentence.endswith("the stack takes 53% of it before the caseload is read.")


def test_without_w0_there_is_no_stack_sentence(rendered: str) -> None:
    assert stack_cost(json.loads(REPORT.read_text(encoding="utf-8"))) == ""
    assert "The stack alone" not in rendered
