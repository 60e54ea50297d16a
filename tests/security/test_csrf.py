"""Cookie-authenticated requests need a JSON body and an X-CSRF-Token bound to the session; bearer requests
do not. The cookie is made exactly as the leaver sign-in will make it (auth/leaver_session.py)."""

from __future__ import annotations

import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from auth.leaver_session import COOKIE_NAME, SessionConfig, encode_session, start_session
from gateway.csrf import CsrfProtect, csrf_token, session_config
from gateway.settings import DEV_SESSION_SECRET

CONFIG = session_config(DEV_SESSION_SECRET, secure=False)
SESSION = start_session("urn:fdc:gov.uk:2022:someone", now=int(time.time()) - 60)
COOKIE = {COOKIE_NAME: encode_session(SESSION, CONFIG)}
GOOD = {"Content-Type": "application/json", "X-CSRF-Token": csrf_token(SESSION, CONFIG)}


async def reached(_: Request) -> PlainTextResponse:
    return PlainTextResponse("reached")


@pytest.fixture
async def http():
    app = Starlette(routes=[Route("/graphql", reached, methods=["GET", "POST"])],
                    middleware=[Middleware(CsrfProtect, config=CONFIG)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        yield client


async def send(http, *, headers: dict[str, str], cookies: dict[str, str] | None = COOKIE, method: str = "POST"):
    http.cookies.clear()
    request = http.build_request(method, "/graphql", content=b'{"query":"{ me { firstName } }"}', headers=headers,
                                 cookies=cookies)
    return await http.send(request)


async def test_a_cookie_request_with_json_and_the_session_token_goes_through(http):
    response = await send(http, headers=GOOD)
    assert (response.status_code, response.text) == (200, "reached")


@pytest.mark.parametrize(("headers", "reason"), [
    ({"Content-Type": "text/plain", "X-CSRF-Token": GOOD["X-CSRF-Token"]}, "CONTENT_TYPE"),
    ({"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": GOOD["X-CSRF-Token"]}, "CONTENT_TYPE"),
    ({"Content-Type": "application/json"}, "MISSING_TOKEN"),
    ({"Content-Type": "application/json", "X-CSRF-Token": "not-the-token"}, "BAD_TOKEN"),
    ({"Content-Type": "application/json",
      "X-CSRF-Token": csrf_token(start_session("urn:someone-else", now=SESSION.issued_at), CONFIG)}, "BAD_TOKEN"),
])
async def test_a_cookie_request_without_both_is_refused_with_a_code(http, headers, reason):
    response = await send(http, headers=headers)
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"] == {"code": "CSRF_REFUSED", "reason": reason}


async def test_a_token_from_another_secret_is_refused(http):
    other = SessionConfig(secret=b"another-secret-of-enough-length")
    response = await send(http, headers={**GOOD, "X-CSRF-Token": csrf_token(SESSION, other)})
    assert response.json()["errors"][0]["extensions"]["reason"] == "BAD_TOKEN"


async def test_an_expired_or_forged_cookie_fails_closed(http):
    stale = start_session(SESSION.subject, now=int(time.time()) - 3600)
    expired = {COOKIE_NAME: encode_session(stale, CONFIG)}
    response = await send(http, headers={**GOOD, "X-CSRF-Token": csrf_token(stale, CONFIG)}, cookies=expired)
    assert response.json()["errors"][0]["extensions"]["reason"] == "SESSION_INVALID"
    forged = {COOKIE_NAME: COOKIE[COOKIE_NAME][:-2] + "xx"}
    response = await send(http, headers=GOOD, cookies=forged)
    assert response.status_code == 403


async def test_the_token_survives_the_idle_clock_being_restarted(http):
    later = start_session(SESSION.subject, now=SESSION.issued_at)
    assert csrf_token(later, CONFIG) == GOOD["X-CSRF-Token"]


async def test_bearer_requests_and_requests_without_the_cookie_are_exempt(http):
    bearer = await send(http, headers={"Content-Type": "text/plain", "Authorization": "Bearer x"})
    no_cookie = await send(http, headers={"Content-Type": "text/plain"}, cookies=None)
    assert bearer.status_code == no_cookie.status_code == 200


async def test_safe_methods_pass(http):
    response = await send(http, headers={}, method="GET")
    assert response.status_code == 200


async def test_the_gateway_refuses_a_cookie_post_without_a_token(client):
    response = await client.post("/graphql", content=b'{"query":"{ __typename }"}',
                                 headers={"Content-Type": "application/json",
                                          "Cookie": f"{COOKIE_NAME}={COOKIE[COOKIE_NAME]}"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_REFUSED"
    assert response.headers["x-content-type-options"] == "nosniff"  # still inside the security headers
