"""The `passport` command as a user runs it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from schema import export_sdl


def run_passport(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True,
                          timeout=60, env=env, check=False)


def test_schema_export_prints_the_sdl():
    result = run_passport("schema", "export")
    assert result.returncode == 0, result.stderr
    assert result.stdout == export_sdl()
    assert "person(prisonerNumber: ID!): Person" in result.stdout


def test_token_prints_a_bearer_token_from_the_running_identity_stub(stack):
    import os

    env = {**os.environ, "HMPPS_AUTH_URL": stack.urls["hmpps-auth"]}
    result = run_passport("token", "prison-staff", env=env)
    assert result.returncode == 0, result.stderr
    payload = result.stdout.strip().split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["auth_source"] == "nomis"
    assert claims["caseloads"] == ["MDI"]


def test_token_explains_what_to_do_when_nothing_is_running():
    import os

    env = {**os.environ, "HMPPS_AUTH_URL": "http://127.0.0.1:9"}
    result = run_passport("token", "prison-staff", env=env)
    assert result.returncode == 2
    assert "make run" in result.stderr


def test_seed_builds_the_database_from_nothing(tmp_path):
    import os

    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}"}
    result = subprocess.run([sys.executable, "-m", "gateway.cli", "seed", "--people", "400"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "for 400 people" in result.stdout
    assert (tmp_path / "var" / "population.json").is_file()


def test_stubs_run_standalone_and_print_their_ports():
    import json as _json
    import urllib.request

    process = subprocess.Popen([sys.executable, "-m", "gateway.cli", "stubs", "--people", "300", "--ephemeral"],
                               stdout=subprocess.PIPE, text=True)
    try:
        urls = {}
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("stub systems running"):
                break
            name, url = line.split()
            urls[name] = url
        assert set(urls) == {"nomis", "delius", "licences", "appointments"}
        for url in urls.values():
            with urllib.request.urlopen(f"{url}/health/ping", timeout=5) as response:
                assert _json.loads(response.read()) == {"status": "UP"}
        with urllib.request.urlopen(f"{urls['nomis']}/prisoner-search/prison/MDI?size=5", timeout=5) as response:
            assert len(_json.loads(response.read())["content"]) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)


# `passport serve` with uvicorn swapped for a server whose eight worker threads all allocate at once (as the
# database threads do under load), then glibc's own report: one "Arena N:" block per malloc arena in use.
SERVE_WITH_BUSY_THREADS = """
import ctypes, threading, uvicorn
from gateway import cli

def serve(app, **options):
    ready = threading.Barrier(8)
    def work():
        ready.wait()
        bytearray(1 << 20)
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ctypes.CDLL(None).malloc_stats()

uvicorn.run = serve
cli.main(["serve", "--no-stubs", "--port", "0"])
"""
GLIBC = "CS_GNU_LIBC_VERSION" in getattr(os, "confstr_names", {})


@pytest.mark.skipif(not GLIBC, reason="malloc arenas are glibc's")
@pytest.mark.parametrize(("arena_max", "arenas"), [(None, 2), ("4", 4)])
def test_serve_keeps_to_a_few_malloc_arenas_unless_told_otherwise(tmp_path, arena_max, arenas):
    # One arena per thread (up to 8 per core) let freed memory scatter: the soak's resident memory crept up 10%.
    env = {k: v for k, v in os.environ.items() if k not in {"MALLOC_ARENA_MAX", "GLIBC_TUNABLES"}}
    env.update(ENVIRONMENT="test", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    if arena_max is not None:
        env["MALLOC_ARENA_MAX"] = arena_max
    result = subprocess.run([sys.executable, "-c", SERVE_WITH_BUSY_THREADS], capture_output=True, text=True,
                            timeout=120, env=env, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Arena ") == arenas, result.stderr
