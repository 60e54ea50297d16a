"""Staff sign-in as a backend-for-frontend: authorization code + PKCE against HMPPS Auth, done server-side.

The browser never holds the access token. ``/staff/sign-in`` sends it to HMPPS Auth with a PKCE challenge;
the state and verifier wait in a short-lived signed cookie. ``/staff/auth/callback`` redeems the code and
keeps the token in a signed, HttpOnly, SameSite=Strict session cookie. The staff app then calls ``/graphql``
with that cookie, ``Content-Type: application/json`` and an ``X-CSRF-Token`` bound to the session, which it
reads from ``/staff/session`` (same-origin only). ``Authenticate`` turns the cookie back into a bearer token.
"""

from __future__ import annotations

import binascii
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Scope

from auth.signing import b64url, pkce_challenge, purpose_mac, sign, unb64url, unsign
from gateway.settings import Settings

STAFF_CLIENT_ID = "resettlement-passport-ui"  # the staff UI's client registration at HMPPS Auth
SESSION_COOKIE = "staff_session"
SIGN_IN_COOKIE = "staff_sign_in"
SIGN_IN_SECONDS = 600
CSRF_HEADER = "x-csrf-token"
_SESSION_CONTEXT = b"resettlement-passport/staff-session/v1"
_SIGN_IN_CONTEXT = b"resettlement-passport/staff-sign-in/v1"
_CSRF_CONTEXT = b"resettlement-passport/staff-csrf/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SessionRefused(Exception):
    """A cookie-authenticated request the gateway will not run; answered with a coded JSON body."""

    def __init__(self, status: int, code: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.reason, self.message = status, code, reason, message

    def response(self) -> JSONResponse:
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code, "reason": self.reason}}]}
        return JSONResponse(body, status_code=self.status)


@dataclass(frozen=True)
class StaffSession:
    session_id: str
    access_token: str
    name: str
    username: str
    caseloads: tuple[str, ...]
    issued_at: int
    expires_at: int


# --- signing ---------------------------------------------------------------------------------------


def _secret(settings: Settings) -> bytes:
    return settings.session_secret.get_secret_value().encode()


# --- the session -----------------------------------------------------------------------------------


def encode_session(session: StaffSession, settings: Settings) -> str:
    return sign({"sid": session.session_id, "tok": session.access_token, "name": session.name,
                 "user": session.username, "cl": list(session.caseloads), "iat": session.issued_at,
                 "exp": session.expires_at}, _secret(settings), _SESSION_CONTEXT)


def decode_session(value: str | None, settings: Settings, *, now: int) -> StaffSession | None:
    """The session in a cookie value; None when absent, forged, malformed or expired."""
    body = unsign(value, _secret(settings), _SESSION_CONTEXT)
    if body is None:
        return None
    try:
        session = StaffSession(session_id=str(body["sid"]), access_token=str(body["tok"]), name=str(body["name"]),
                               username=str(body["user"]), caseloads=tuple(str(c) for c in body["cl"]),
                               issued_at=int(body["iat"]), expires_at=int(body["exp"]))
    except (KeyError, TypeError, ValueError):
        return None
    return session if session.expires_at > now else None


def csrf_token(session: StaffSession, settings: Settings) -> str:
    """Bound to the session id: another site can neither read nor compute it."""
    return b64url(purpose_mac(_secret(settings), _CSRF_CONTEXT, f"{session.session_id}\n{session.issued_at}"))


def cookie_authorization(scope: Scope, settings: Settings, *, now: int | None = None) -> str | None:
    """The bearer ``Authorization`` a staff session cookie stands for on ``/graphql``; None without one.

    Raises ``SessionRefused`` when the session has ended or the request lacks JSON and the CSRF token.
    """
    if not scope["path"].startswith("/graphql"):
        return None
    headers = Headers(scope=scope)
    value = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    if not value and not headers.get(CSRF_HEADER):
        return None
    # A CSRF token without a live cookie is the app still acting on a session the browser has since dropped.
    session = decode_session(value, settings, now=int(time.time()) if now is None else now)
    if session is None:
        raise SessionRefused(401, "UNAUTHENTICATED", "SESSION_EXPIRED", "You have been signed out; sign in again.")
    # Every cookie-authenticated GraphQL request is CSRF-checked, GETs included: the app only ever POSTs JSON.
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if scope["method"] not in SAFE_METHODS and content_type != "application/json":
        raise SessionRefused(403, "CSRF_REFUSED", "CONTENT_TYPE", "A request signed in by cookie must send JSON.")
    token = headers.get(CSRF_HEADER, "")
    if not token:
        raise SessionRefused(403, "CSRF_REFUSED", "MISSING_TOKEN", "A request signed in by cookie must send "
                             "X-CSRF-Token.")
    if not hmac.compare_digest(token.encode(), csrf_token(session, settings).encode()):
        raise SessionRefused(403, "CSRF_REFUSED", "BAD_TOKEN", "The X-CSRF-Token does not belong to this session.")
    return f"Bearer {session.access_token}"


def _cookie(response: Response, name: str, value: str, *, max_age: int, settings: Settings,
            same_site: str, path: str) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True,
                        secure=settings.is_production, samesite=same_site)  # type: ignore[arg-type]


# --- routes ----------------------------------------------------------------------------------------


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _callback_url(request: Request) -> str:
    return str(request.url_for("staff_callback"))


async def sign_in(request: Request) -> Response:
    settings = _settings(request)
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    query = urlencode({"response_type": "code", "client_id": STAFF_CLIENT_ID, "redirect_uri": _callback_url(request),
                       "state": state, "code_challenge": pkce_challenge(verifier),
                       "code_challenge_method": "S256"})
    response = RedirectResponse(f"{settings.hmpps_auth_url}/auth/oauth/authorize?{query}", status_code=302)
    pending = sign({"state": state, "verifier": verifier, "exp": int(time.time()) + SIGN_IN_SECONDS},
                   _secret(settings), _SIGN_IN_CONTEXT)
    # Lax, not Strict: the IdP's redirect back to the callback is a cross-site navigation.
    _cookie(response, SIGN_IN_COOKIE, pending, max_age=SIGN_IN_SECONDS, settings=settings, same_site="lax",
            path="/staff/auth")
    return response


def _sign_in_failed(message: str) -> Response:
    return PlainTextResponse(f"Sign-in failed: {message} Go back to /staff and sign in again.", status_code=400)


async def callback(request: Request) -> Response:
    settings = _settings(request)
    pending = unsign(request.cookies.get(SIGN_IN_COOKIE), _secret(settings), _SIGN_IN_CONTEXT)
    state = request.query_params.get("state", "")
    code = request.query_params.get("code", "")
    if pending is None or int(pending.get("exp", 0)) < time.time():
        return _sign_in_failed("the sign-in took too long or was not started here.")
    if not state or not hmac.compare_digest(state.encode(), str(pending.get("state", "")).encode()) or not code:
        return _sign_in_failed("the identity provider's answer did not match this sign-in.")
    try:
        token = await redeem_code(request.app.state.identity_http, settings, code=code,
                                  verifier=str(pending["verifier"]), redirect_uri=_callback_url(request))
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError):
        return _sign_in_failed("HMPPS Auth did not accept the sign-in.")
    claims = _unverified_claims(token["access_token"])  # display only; Authenticate verifies on every request
    now = int(time.time())
    session = StaffSession(session_id=secrets.token_urlsafe(16), access_token=str(token["access_token"]),
                           name=str(claims.get("name") or claims.get("user_name") or ""),
                           username=str(claims.get("user_name") or ""),
                           caseloads=tuple(str(c) for c in claims.get("caseloads") or ()),
                           issued_at=now, expires_at=now + int(token.get("expires_in", 3600)))
    response = RedirectResponse("/staff", status_code=302)
    _cookie(response, SESSION_COOKIE, encode_session(session, settings),
            max_age=session.expires_at - now, settings=settings, same_site="strict", path="/")
    response.delete_cookie(SIGN_IN_COOKIE, path="/staff/auth")
    return response


async def redeem_code(http: aiohttp.ClientSession, settings: Settings, *, code: str, verifier: str,
                      redirect_uri: str) -> dict[str, Any]:
    """``POST /auth/oauth/token`` with grant_type=authorization_code and the PKCE verifier."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier, "client_id": STAFF_CLIENT_ID}
    async with http.post(f"{settings.hmpps_auth_url}/auth/oauth/token", data=form) as reply:
        if reply.status != 200:
            raise ValueError(f"token endpoint answered {reply.status}")
        body = await reply.json()
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise ValueError("no access token")
    return body


def _unverified_claims(token: str) -> dict[str, Any]:
    try:
        claims = json.loads(unb64url(token.split(".")[1]))
    except (IndexError, binascii.Error, ValueError, UnicodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


async def sign_out(request: Request) -> Response:
    # Sec-Fetch-Site, not Origin: with Referrer-Policy no-referrer a same-origin form sends "Origin: null".
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return PlainTextResponse("Sign out from the staff app itself.", status_code=403)  # no cross-site sign-out
    response = RedirectResponse("/staff/signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def session_info(request: Request) -> Response:
    """What the app may know of its session: who, until when, and the CSRF token. Never the access token."""
    settings = _settings(request)
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return JSONResponse({"signedIn": False}, status_code=403)
    session = decode_session(request.cookies.get(SESSION_COOKIE), settings, now=int(time.time()))
    headers = {"Cache-Control": "no-store"}
    if session is None:
        return JSONResponse({"signedIn": False}, headers=headers)
    return JSONResponse({"signedIn": True, "name": session.name, "username": session.username,
                         "caseloads": list(session.caseloads), "expiresAt": session.expires_at,
                         "csrfToken": csrf_token(session, settings)}, headers=headers)
