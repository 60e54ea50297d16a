"""The benchmark harness end to end on a tiny population, so it cannot rot. It times nothing."""

from __future__ import annotations

import json
import os

import pytest

from benchmarks.harness import Options, available, run
from benchmarks.workloads import NATIONAL

POSTGRES_URL = os.environ.get("PASSPORT_TEST_POSTGRES_URL")

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("bench")
    status = run(Options(people=300, requests=1, zero_latency_only=True, out=out, postgres_url=POSTGRES_URL,
                         national_people=600))
    for name in ("latest.json", "latest.md", "latest.svg"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "latest.svg").read_text().startswith("<svg")
    assert "## Targets" in (out / "latest.md").read_text()
    loaded = json.loads((out / "latest.json").read_text())
    loaded["status"] = status
    return loaded


def rows(report: dict[str, object]) -> list[dict[str, object]]:
    return report["rows"]  # type: ignore[return-value]


def test_every_available_workload_is_reported_for_each_variant(report: dict[str, object]) -> None:
    seen = {(r["workload"], r["variant"]) for r in rows(report)}
    for workload in available():
        if workload is NATIONAL and not POSTGRES_URL:
            continue
        variants = ("floor", "gateway", "naive") if workload.floor else ("gateway", "naive")
        assert {(workload.key, v) for v in variants} <= seen
    assert {"W0", "W1", "W2", "W3 cold", "W3 warm", "W4", "W5"} <= {key for key, _ in seen}
    assert report["status"] == 0, [r for r in rows(report) if r["failures"]]


def test_the_national_phase_runs_on_postgres_or_says_why_not(report: dict[str, object]) -> None:
    national = [r for r in rows(report) if r["workload"] == "W4 national"]
    if POSTGRES_URL:
        assert {r["variant"] for r in national} == {"floor", "gateway", "naive"}
        assert all(r["matches_floor"] for r in national if r["variant"] != "floor")
    else:
        assert not national
        assert "Postgres" in report["skipped"]["W4 national"]  # type: ignore[index]


def test_ratios_to_the_floor_are_present_and_positive(report: dict[str, object]) -> None:
    with_floor = [r for r in rows(report) if r["workload"] in {"W0", "W1", "W2", "W3 cold", "W3 warm", "W4"}]
    assert with_floor
    for row in with_floor:
        ratio = row["ratio_to_floor"]
        assert isinstance(ratio, dict)
        for field in ("p50_ms", "p95_ms", "p99_ms", "throughput_rps", "peak_memory_kb"):
            assert ratio[field] is not None and ratio[field] > 0, (row["workload"], row["variant"], field)


def test_floor_and_naive_give_the_gateway_s_data(report: dict[str, object]) -> None:
    compared = [r for r in rows(report) if r["matches_floor"] is not None]
    assert compared
    assert all(r["matches_floor"] for r in compared), [(r["workload"], r["variant"]) for r in compared
                                                        if not r["matches_floor"]]


def test_w3_cold_calls_each_system_the_fewest_times(report: dict[str, object]) -> None:
    cold = [r for r in rows(report) if r["workload"] == "W3 cold" and r["variant"] == "gateway"]
    assert cold
    for row in cold:
        routes = row["upstream_calls_by_route"]
        assert isinstance(routes, dict)
        assert routes["nomis"] == {"POST /prisoner-search/prisoner-numbers": 1}
        assert routes["licences"] == {"POST /licence/match": 1}
        assert routes["delius"].get("GET /probation-cases/{}/crn", 0) <= 200
        assert sum(routes["delius"].values()) <= 200
        assert sum(routes["appointments"].values()) <= 200


def test_w3_warm_makes_no_call_to_ndelius(report: dict[str, object]) -> None:
    warm = [r for r in rows(report) if r["workload"] == "W3 warm" and r["variant"] == "gateway"]
    assert warm and all(not r["upstream_calls_by_route"]["delius"] for r in warm)  # type: ignore[index]


def test_report_names_the_machine(report: dict[str, object]) -> None:
    assert report["machine"]["cores"]  # type: ignore[index]
