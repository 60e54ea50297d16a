"""The signed-in leaver: the page session cookie, the idle clock, and the form CSRF token.

The pages keep their own cookie (``pyf_pages``, path ``/plan-your-future``), signed and checked by
``auth/leaver_session.py``. Forms carry ``csrf_token`` = ``gateway.csrf.csrf_token(session)``, an HMAC a
page of another site cannot compute. The cookie outlives the idle period so that an expired session can be
told apart from no session, and the person told kindly why they were signed out.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auth.leaver_session import (
    LeaverSession,
    SessionConfig,
    decode_session,
    encode_session,
    start_session,
    touch,
)
from gateway.csrf import csrf_token
from gateway.leaver.dates import LONDON, time_of_day
from gateway.leaver.render import BASE
from sources.store.leavers import prisoner_number_for_subject

COOKIE = "pyf_pages"


def config(request: Request) -> SessionConfig:
    settings = request.app.state.settings
    return SessionConfig(secret=settings.session_secret.get_secret_value().encode(), secure=settings.is_production,
                         cookie_name=COOKIE, path=BASE)


def now() -> int:
    return int(time.time())


def set_session(response: Response, session: LeaverSession, cfg: SessionConfig) -> None:
    response.set_cookie(cfg.cookie_name, encode_session(session, cfg), max_age=cfg.absolute_seconds, path=cfg.path,
                        secure=cfg.secure, httponly=True, samesite="lax")


def clear_session(response: Response, cfg: SessionConfig) -> None:
    response.delete_cookie(cfg.cookie_name, path=cfg.path, secure=cfg.secure, httponly=True, samesite="lax")


def begin(response: Response, request: Request, subject: str) -> None:
    set_session(response, start_session(subject, now=now()), config(request))


@dataclass(frozen=True)
class SignedIn:
    session: LeaverSession
    prisoner_number: str | None
    csrf: str
    ends_at: str  # when the idle clock runs out, in UK time, for the warning
    idle_seconds: int  # for the page's script, which warns two minutes before


def current(request: Request) -> LeaverSession | None:
    return decode_session(request.cookies.get(COOKIE), config(request), now=now())


async def signed_in(request: Request) -> SignedIn | Response:
    """The signed-in leaver (idle clock restarted), or the response that sends them to sign in."""
    cfg = config(request)
    session = current(request)
    if session is None:
        timed_out = bool(request.cookies.get(COOKIE))
        response = RedirectResponse(f"{BASE}/signed-out?timeout=1" if timed_out else f"{BASE}/sign-in", 303)
        if timed_out:
            clear_session(response, cfg)
        return response
    session = touch(session, now=now())
    async with request.app.state.sources.database.session() as db:
        number = await prisoner_number_for_subject(session=db, subject=session.subject)
    ends = datetime.fromtimestamp(session.last_seen + cfg.idle_seconds, UTC).astimezone(LONDON)
    return SignedIn(session=session, prisoner_number=number, csrf=csrf_token(session, cfg),
                    ends_at=time_of_day(ends), idle_seconds=cfg.idle_seconds)


def keep_alive(request: Request, response: Response, who: SignedIn) -> Response:
    set_session(response, who.session, config(request))
    return response


def valid_csrf(who: SignedIn, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), who.csrf.encode())


async def signed_in_and_linked(request: Request) -> SignedIn | Response:
    """As ``signed_in``, and sent to the first-time code page while the account is not linked."""
    who = await signed_in(request)
    if not isinstance(who, Response) and who.prisoner_number is None:
        return RedirectResponse(f"{BASE}/first-time-code", 303)
    return who


def page_context(who: SignedIn) -> dict[str, Any]:
    return {"signed_in": True, "session_ends": who.ends_at, "session_idle_seconds": who.idle_seconds, "csrf": who.csrf}
