"""The typed per-request context handed to every resolver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from auth.principal import Principal
from resolvers.loaders import Loaders
from sources.bundle import Sources


@dataclass(slots=True)
class RequestContext:
    principal: Principal
    sources: Sources
    loaders: Loaders
    correlation_id: str
    first_time_code_key: bytes | None = None  # HMAC key for first-time codes; from the settings
    stale_systems: set[str] = field(default_factory=set)  # systems served from a stale cached copy
    field_groups_read: dict[str, set[str]] = field(default_factory=dict)  # person -> groups, for the access log
    # Work for once the HTTP answer is sent (the access-log write); None outside the HTTP view: done at once.
    after_response: list[Callable[[], Awaitable[None]]] | None = None

    def release(self) -> None:
        """Let go of what the request loaded, once its answer is sent and its access log written.

        graphql-core's execution context refers to itself (its resolve-info helpers hold its bound methods) and
        to this context, so after every request both wait for the cycle collector, and with them everything the
        loaders remembered: some 4,000 objects for a 200-person page, promoted generation by generation until a
        full collection (50 ms on a warm gateway) frees them. Emptied here, they go as soon as the request ends.
        """
        self.loaders.forget()
        self.field_groups_read.clear()
        if self.after_response is not None:
            self.after_response.clear()
