"""The staff session cookie over HTTP: bearer tokens unchanged, the cookie CSRF-checked, forgeries refused."""

from __future__ import annotations

import time

from gateway.staff_auth import SESSION_COOKIE, StaffSession, csrf_token, encode_session
from schema.persisted import load_manifest, operation_id
from tests.support.graphql import gql

HEADER = next(i for i, d in load_manifest().items() if d.startswith("query PersonHeader"))


def session_for(token: str, *, expires_in: int = 600) -> StaffSession:
    now = int(time.time())
    return StaffSession(session_id="s1", access_token=token, name="Pat Prison", username="PRISON_STAFF_DEMO",
                        caseloads=("MDI",), issued_at=now, expires_at=now + expires_in)


async def test_a_session_cookie_with_its_csrf_token_reads_as_the_staff_member(client, seeded, tokens, population):
    number = population.by_prison["MDI"][0].prisoner_number
    session = session_for(tokens["prison-staff"])
    client.cookies.set(SESSION_COOKIE, encode_session(session, seeded))
    reply = await client.post("/graphql", json={"id": HEADER, "variables": {"prisonerNumber": number}},
                              headers={"X-CSRF-Token": csrf_token(session, seeded)})
    assert reply.status_code == 200
    assert reply.json()["data"]["person"]["prisonerNumber"] == number

    info = await client.get("/staff/session")
    assert info.json()["signedIn"] is True
    assert tokens["prison-staff"] not in info.text  # the page never sees the access token


async def test_bearer_tokens_work_as_before_even_beside_a_cookie(client, seeded, tokens, population):
    number = population.by_prison["MDI"][0].prisoner_number
    client.cookies.set(SESSION_COOKIE, "forged.value")
    body = await gql(client, tokens["prison-staff"], "query($n: ID!) { person(prisonerNumber: $n) { prisonerNumber } }",
                     n=number)
    assert body["data"]["person"]["prisonerNumber"] == number


async def test_forged_expired_and_csrf_less_cookies_are_refused(client, seeded, tokens):
    body = {"id": HEADER, "variables": {"prisonerNumber": "A0001AA"}}
    expired = session_for(tokens["prison-staff"], expires_in=-1)
    cases = [
        ("forged.value", {"X-CSRF-Token": "x"}, 401, "SESSION_EXPIRED"),
        (encode_session(expired, seeded), {"X-CSRF-Token": csrf_token(expired, seeded)}, 401, "SESSION_EXPIRED"),
        (encode_session(session_for(tokens["prison-staff"]), seeded), {}, 403, "MISSING_TOKEN"),
    ]
    for cookie, headers, status, reason in cases:
        client.cookies.set(SESSION_COOKIE, cookie)
        reply = await client.post("/graphql", json=body, headers=headers)
        assert (reply.status_code, reply.json()["errors"][0]["extensions"]["reason"]) == (status, reason)
    client.cookies.set(SESSION_COOKIE, encode_session(session_for(tokens["prison-staff"]), seeded))
    form = await client.post("/graphql", data={"query": "{ __typename }"})
    assert form.status_code == 403  # a cross-site form cannot send JSON


async def test_sign_in_redirects_to_hmpps_auth_with_pkce(client, seeded):
    reply = await client.get("/staff/sign-in", follow_redirects=False)
    assert reply.status_code == 302
    location = reply.headers["location"]
    assert location.startswith(f"{seeded.hmpps_auth_url}/auth/oauth/authorize?")
    assert "code_challenge_method=S256" in location and "code_challenge=" in location
    cookie = reply.headers["set-cookie"]
    assert "staff_sign_in=" in cookie and "HttpOnly" in cookie and "Path=/staff/auth" in cookie


async def test_a_callback_that_was_not_started_here_is_refused(client, seeded):
    reply = await client.get("/staff/auth/callback?code=abc&state=xyz", follow_redirects=False)
    assert reply.status_code == 400 and "staff_session" not in reply.headers.get("set-cookie", "")


async def test_the_shell_and_assets_are_served_from_the_gateway(client, seeded):
    shell = await client.get("/staff/caseload")
    assert shell.status_code == 200 and '<script type="module" src="/assets/staff/app.js">' in shell.text
    assert "script-src 'self'" in shell.headers["content-security-policy"]
    assert (await client.get("/assets/staff/app.js")).headers["content-type"].startswith("text/javascript")
    assert (await client.get("/assets/design-system/govuk-frontend.min.css")).status_code == 200
    assert (await client.get("/assets/staff/..%2F..%2Fpyproject.toml")).status_code == 404
    assert (await client.get("/assets/design-system/package.json")).status_code == 404
    ids = (await client.get("/staff/operations.json")).json()
    assert ids["PersonHeader"] == HEADER and all(operation_id(load_manifest()[i]) == i for i in ids.values())
