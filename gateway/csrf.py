"""CSRF protection for requests a browser authenticates by cookie (the leaver session), in plain ASGI.

A request that carries the leaver session cookie and no bearer token, with a method that can change
something, must send ``Content-Type: application/json`` (which a cross-site form cannot) and an
``X-CSRF-Token`` header equal to ``csrf_token(session)``: an HMAC, keyed from SESSION_SECRET, of the
session's subject and start time. It stays the same while the session lives, whatever the idle clock does,
and a page of another site can neither read it nor compute it. Anything else gets 403 with a coded body.
Bearer-token requests are exempt: a browser never adds an Authorization header cross-site by itself.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.leaver_session import LeaverSession, SessionConfig, decode_session
from auth.signing import b64url, purpose_mac

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CONTEXT = b"resettlement-passport/csrf/v1"


def csrf_token(session: LeaverSession, config: SessionConfig) -> str:
    """The token the leaver pages send back in ``X-CSRF-Token`` for this session."""
    return b64url(purpose_mac(config.secret, _CONTEXT, f"{session.subject}\n{session.issued_at}"))


def _valid(token: str, session: LeaverSession, config: SessionConfig) -> bool:
    rotated = (SessionConfig(secret=s) for s in config.previous_secrets)
    return any(hmac.compare_digest(token.encode(), csrf_token(session, c).encode()) for c in (config, *rotated))


def csrf_refused(reason: str, message: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": "CSRF_REFUSED", "reason": reason}}]}
    return JSONResponse(body, status_code=403)


class CsrfProtect:
    def __init__(self, app: ASGIApp, *, config: SessionConfig, clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.config = config
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refusal(scope) if scope["type"] == "http" else None
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> JSONResponse | None:
        headers = Headers(scope=scope)
        cookie = cookie_parser(headers.get("cookie", "")).get(self.config.cookie_name)
        if not cookie or headers.get("authorization") or scope["method"] in SAFE_METHODS:
            return None
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return csrf_refused("CONTENT_TYPE", "A request signed in by cookie must send application/json.")
        token = headers.get(CSRF_HEADER)
        if not token:
            return csrf_refused("MISSING_TOKEN", "A request signed in by cookie must send X-CSRF-Token.")
        session = decode_session(cookie, self.config, now=int(self.clock()))
        if session is None:  # fail closed: an expired or forged cookie cannot vouch for a token
            return csrf_refused("SESSION_INVALID", "The session has ended; sign in again.")
        if not _valid(token, session, self.config):
            return csrf_refused("BAD_TOKEN", "The X-CSRF-Token does not belong to this session.")
        return None


def session_config(secret: str, *, secure: bool) -> SessionConfig:
    """The leaver-session configuration from settings (SESSION_SECRET); the cookie sign-in should share it."""
    return SessionConfig(secret=secret.encode(), secure=secure)
