"""Sign in with GOV.UK One Login: authorization code with PKCE, state and nonce; sign out.

The state, nonce and PKCE verifier wait in a short-lived signed cookie while the person is at One Login.
The callback exchanges the code server-side, verifies the ID token (issuer, audience = our client id,
signature from One Login's JWKS, expiry, nonce), and starts the page session.
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlencode

import aiohttp
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from auth.authenticate import ONE_LOGIN
from auth.signing import pkce_challenge, sign, unsign
from auth.tokens import TokenRejected, TokenVerifier, TrustedIssuer
from gateway.leaver import session
from gateway.leaver.render import BASE, render
from gateway.leaver.settings import LeaverPagesSettings
from sources.store.leavers import prisoner_number_for_subject

FLOW_COOKIE = "pyf_signin"
FLOW_PATH = f"{BASE}/auth"
FLOW_SECONDS = 600
_CONTEXT = b"resettlement-passport/leaver-sign-in/v1"


class SignInFailed(Exception):
    pass


def _secret(request: Request) -> bytes:
    secret: str = request.app.state.settings.session_secret.get_secret_value()
    return secret.encode()


def pages_settings(request: Request) -> LeaverPagesSettings:
    found: LeaverPagesSettings = request.app.state.leaver_pages_settings
    return found


def redirect_uri(request: Request) -> str:
    public = pages_settings(request).public_url
    root = public.rstrip("/") if public else str(request.base_url).rstrip("/")
    return f"{root}{FLOW_PATH}/callback"


async def sign_in(request: Request) -> Response:
    settings = request.app.state.settings
    verifier = secrets.token_urlsafe(48)
    flow = {"state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24), "verifier": verifier,
            "at": int(time.time())}
    challenge = pkce_challenge(verifier)
    query = {"response_type": "code", "client_id": pages_settings(request).one_login_client_id,
             "redirect_uri": redirect_uri(request), "scope": "openid", "state": flow["state"],
             "nonce": flow["nonce"], "code_challenge": challenge, "code_challenge_method": "S256",
             "ui_locales": request.cookies.get("pyf_lang", "en")}
    response = RedirectResponse(f"{settings.one_login_url}/authorize?{urlencode(query)}", 303)
    response.set_cookie(FLOW_COOKIE, sign(flow, _secret(request), _CONTEXT), max_age=FLOW_SECONDS,
                        path=FLOW_PATH, secure=settings.is_production, httponly=True, samesite="lax")
    return response


def _read_flow(request: Request) -> dict[str, object]:
    flow = unsign(request.cookies.get(FLOW_COOKIE), _secret(request), _CONTEXT)
    if flow is None:
        raise SignInFailed("no sign-in in progress")
    if int(time.time()) - int(flow.get("at", 0)) > FLOW_SECONDS:
        raise SignInFailed("the sign-in took too long")
    return flow


async def _exchange(request: Request, code: str, verifier: str) -> tuple[str, object]:
    settings, pages = request.app.state.settings, pages_settings(request)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(request),
            "client_id": pages.one_login_client_id,
            "client_secret": pages.one_login_client_secret.get_secret_value(), "code_verifier": verifier}
    http: aiohttp.ClientSession = request.app.state.identity_http
    async with http.post(f"{settings.one_login_url}/token", data=form) as reply:
        if reply.status != 200:
            raise SignInFailed(f"token endpoint answered {reply.status}")
        body = await reply.json()
    id_token = body.get("id_token") if isinstance(body, dict) else None
    if not isinstance(id_token, str):
        raise SignInFailed("no id_token")
    # One Login's ID token is addressed to our client id, not to the API audience the gateway verifies; the
    # keys come from the app's shared cache, so a sign-in does not fetch the JWKS again.
    issuer = TrustedIssuer(name=ONE_LOGIN, issuer=settings.one_login_issuer, jwks_url=settings.one_login_jwks_url,
                           audience=pages.one_login_client_id)
    verifier_ = TokenVerifier([issuer], request.app.state.jwks, algorithms=settings.allowed_algorithms)
    try:
        verified = await verifier_.verify(id_token)
    except TokenRejected as rejected:
        raise SignInFailed(f"id_token refused: {rejected.reason}") from None
    return str(verified.claims["sub"]), verified.claims.get("nonce")


async def callback(request: Request) -> Response:
    try:
        flow = _read_flow(request)
        params = request.query_params
        if "error" in params or not hmac.compare_digest(params.get("state", "").encode(), str(flow["state"]).encode()):
            raise SignInFailed("One Login refused, or the state does not match")
        subject, nonce = await _exchange(request, params.get("code", ""), str(flow["verifier"]))
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), str(flow["nonce"]).encode()):
            raise SignInFailed("the nonce does not match")
    except (SignInFailed, aiohttp.ClientError, TimeoutError, ValueError):
        failed = render(request, "sign_in_failed.html", status_code=400)
        failed.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
        return failed
    async with request.app.state.sources.database.session() as db:
        number = await prisoner_number_for_subject(session=db, subject=subject)
    response = RedirectResponse(f"{BASE}/overview" if number else f"{BASE}/first-time-code", 303)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    session.begin(response, request, subject)
    return response


async def sign_out(request: Request) -> Response:
    response = RedirectResponse(f"{BASE}/signed-out", 303)
    session.clear_session(response, session.config(request))
    return response


async def signed_out(request: Request) -> Response:
    return render(request, "signed_out.html", timed_out=request.query_params.get("timeout") == "1")
