"""Connection settings for one upstream system, built by the gateway's settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UpstreamConfig:
    """Where an upstream lives and how hard we may lean on it."""

    system: str
    url: str
    timeout_seconds: float = 2.0
    health_path: str = "/health/ping"
    max_connections: int = 50
    concurrency: int = 16
    retries: int = 2
    breaker_failures: int = 5
    breaker_reset_seconds: float = 5.0
