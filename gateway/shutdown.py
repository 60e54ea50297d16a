"""Graceful shutdown: count the requests in flight so the lifespan can close sources only after them.

uvicorn already stops accepting and waits for open connections before it runs the lifespan's shutdown;
this is the same promise kept inside the app, so it holds under any ASGI server and is visible in a test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextmanager
    def track(self) -> Iterator[None]:
        self.count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def drained(self, timeout_seconds: float) -> bool:
        """True when no request is in flight, waiting at most ``timeout_seconds`` for that."""
        if self.count == 0:
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_seconds)
        except TimeoutError:
            return False
        return True
