"""What can go wrong when we call a legacy system, in terms the schema can report.

Messages are short and safe to show: the system and the HTTP status or failure kind, never a response
body, a URL with identifiers, or a stack trace.
"""

from __future__ import annotations


class UpstreamError(Exception):
    """A call to ``system`` did not give a usable answer."""

    def __init__(self, system: str, message: str) -> None:
        super().__init__(f"{system} {message}")
        self.system = system


class UpstreamNotFound(UpstreamError):
    """The system answered 404: the thing asked for does not exist there."""

    def __init__(self, system: str, message: str = "not found") -> None:
        super().__init__(system, message)


class UpstreamUnavailable(UpstreamError):
    """5xx, timeout, refused connection or an open circuit: try again later."""

    def __init__(self, system: str, message: str = "unavailable") -> None:
        super().__init__(system, message)


class UpstreamBadResponse(UpstreamError):
    """The system answered, but not with something we understand (other 4xx, bad JSON, wrong shape)."""

    def __init__(self, system: str, message: str = "bad response") -> None:
        super().__init__(system, message)
