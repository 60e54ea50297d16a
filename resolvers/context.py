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
