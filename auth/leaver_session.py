"""Signed session cookies for prison leavers after One Login sign-in. Pure functions; no wiring.

The cookie holds only the One Login subject (a pairwise identifier) and two timestamps, so it carries
no personal data; the prisoner number is looked up per request. It is signed (HMAC-SHA256), not
encrypted. Sessions end after 20 idle minutes, and after 12 hours whatever happens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from auth.signing import sign, unsign

COOKIE_NAME = "pyf_session"
IDLE_SECONDS = 20 * 60
ABSOLUTE_SECONDS = 12 * 3600
_CONTEXT = b"resettlement-passport/leaver-session/v1"


@dataclass(frozen=True)
class SessionConfig:
    """``secret`` signs; ``previous_secrets`` still verify, so the secret can be rotated without a mass
    sign-out. ``secure`` is False only in development (plain-HTTP localhost)."""

    secret: bytes
    secure: bool = True
    previous_secrets: tuple[bytes, ...] = ()
    idle_seconds: int = IDLE_SECONDS
    absolute_seconds: int = ABSOLUTE_SECONDS
    cookie_name: str = COOKIE_NAME
    path: str = "/"

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            raise ValueError("the session secret must be at least 16 bytes")


@dataclass(frozen=True)
class LeaverSession:
    subject: str
    issued_at: int
    last_seen: int


def start_session(subject: str, *, now: int) -> LeaverSession:
    return LeaverSession(subject=subject, issued_at=now, last_seen=now)


def touch(session: LeaverSession, *, now: int) -> LeaverSession:
    """The same session, seen again now (restarts the idle clock)."""
    return replace(session, last_seen=now)


def encode_session(session: LeaverSession, config: SessionConfig) -> str:
    """The cookie value: ``base64url(json).base64url(hmac)``."""
    return sign({"sub": session.subject, "iat": session.issued_at, "seen": session.last_seen}, config.secret,
                _CONTEXT)


def decode_session(value: str | None, config: SessionConfig, *, now: int) -> LeaverSession | None:
    """The session in a cookie value, or None if absent, forged, malformed or expired."""
    body = unsign(value, (config.secret, *config.previous_secrets), _CONTEXT)
    if body is None:
        return None
    subject, issued, seen = body.get("sub"), body.get("iat"), body.get("seen")
    if not isinstance(subject, str) or not subject or type(issued) is not int or type(seen) is not int:
        return None
    if seen > now or now - seen >= config.idle_seconds or now - issued >= config.absolute_seconds:
        return None
    return LeaverSession(subject=subject, issued_at=issued, last_seen=seen)


def set_cookie_header(session: LeaverSession, config: SessionConfig) -> str:
    """A ``Set-Cookie`` value that stores ``session``; the browser forgets it after the idle period."""
    return _cookie(encode_session(session, config), config, max_age=config.idle_seconds)


def clear_cookie_header(config: SessionConfig) -> str:
    """A ``Set-Cookie`` value that signs the leaver out."""
    return _cookie("", config, max_age=0)


def _cookie(value: str, config: SessionConfig, *, max_age: int) -> str:
    attributes = [f"{config.cookie_name}={value}", f"Path={config.path}", f"Max-Age={max_age}",
                  "HttpOnly", "SameSite=Lax"]
    if config.secure:
        attributes.append("Secure")
    return "; ".join(attributes)
