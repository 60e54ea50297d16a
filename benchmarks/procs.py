"""The processes a benchmark run starts (stubs, gateway, floor) and what /proc says about them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SYSTEMS = ("nomis", "delius", "licences", "appointments")
TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_ms(pid: int) -> float:
    """User plus system CPU time of the process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


def peak_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_http(url: str, timeout: float = START_TIMEOUT, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


@dataclass
class Child:
    """A subprocess we started; stopped by its own pid only."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@dataclass
class Stubs:
    child: Child
    urls: dict[str, str] = field(default_factory=dict)


def start_stubs(people: int, workdir: Path) -> Stubs:
    """``passport stubs --ephemeral --identity``; reads the ``name url`` lines it prints."""
    command = [sys.executable, "-m", "gateway.cli", "stubs", "--ephemeral", "--identity", "--people", str(people)]
    proc = subprocess.Popen(command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stubs = Stubs(Child("stubs", proc))
    assert proc.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = proc.stdout.readline().decode()
        if not line:
            stubs.child.stop()
            raise RuntimeError("the stubs exited before they were running")
        if line.startswith("stub systems running"):
            return stubs
        name, _, url = line.strip().partition(" ")
        stubs.urls[name] = url.strip()
    stubs.child.stop()
    raise TimeoutError("the stubs did not start")


def gateway_env(stubs: Stubs, database_url: str, *, naive: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NAIVE_", "DATABASE_URL"))}
    env.update({f"{system.upper()}_URL": stubs.urls[system] for system in SYSTEMS})
    env.update(
        ENVIRONMENT="test", DATABASE_URL=database_url, HMPPS_AUTH_URL=stubs.urls["hmpps-auth"],
        ONE_LOGIN_URL=stubs.urls["one-login"], RATE_LIMIT_PER_MINUTE="0", METRICS_ENABLED="false",
        LOG_LEVEL="WARNING", OUTBOX_WORKER_ENABLED="false", NAIVE_LOADERS=str(naive).lower(),
        SHUTDOWN_GRACE_SECONDS="1",
    )
    return env


def start_gateway(stubs: Stubs, database_url: str, workdir: Path, *, naive: bool) -> Child:
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "serve", "--no-stubs", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=workdir, env=gateway_env(stubs, database_url, naive=naive),
                            stdout=subprocess.DEVNULL, stderr=(workdir / "gateway.log").open("ab"))
    child = Child("naive" if naive else "gateway", proc, f"http://127.0.0.1:{port}")
    try:
        wait_http(f"{child.url}/health/ping", proc=proc)
    except BaseException:
        child.stop()
        raise
    return child


def start_floor(stubs: Stubs, database_url: str, workdir: Path) -> Child:
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.floor", "--port", str(port), "--database-url", database_url,
               *(f"--{system}={stubs.urls[system]}" for system in SYSTEMS)]
    proc = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=(workdir / "floor.log").open("ab"))
    child = Child("floor", proc, f"http://127.0.0.1:{port}")
    try:
        wait_http(f"{child.url}/ping", proc=proc)
    except BaseException:
        child.stop()
        raise
    return child
