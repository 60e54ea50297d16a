"""A circuit breaker per upstream, so a dead system costs microseconds rather than a timeout per call.

Closed: calls flow and consecutive failures are counted. Open (after ``failure_threshold`` failures in a
row): calls fail at once. Half-open (``reset_seconds`` after opening): exactly one probe call may go; its
success closes the circuit, its failure opens it again for another ``reset_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts outcomes the caller reports; it never calls anything itself and needs no lock (one loop)."""

    def __init__(
        self, *, failure_threshold: int, reset_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.consecutive_failures = 0
        self._clock = clock
        self._opened_at: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def acquire(self) -> bool:
        """May a call go now? In half-open state only the first caller (the probe) gets True."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        if self._probe_in_flight or self.consecutive_failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._probe_in_flight = False

    def release(self) -> None:
        """The call was abandoned (cancelled) without an outcome: let another probe try."""
        self._probe_in_flight = False
