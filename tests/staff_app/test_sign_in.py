"""Sign in through HMPPS Auth (the stub's persona picker), the session cookie, sign out and expiry."""

from __future__ import annotations

from tests.staff_app.conftest import check_page, heading, sign_in


async def test_staff_sign_in_with_pkce_and_get_a_locked_down_session_cookie(page, base):
    await page.goto(f"{base}/staff")
    await heading(page, "Prepare someone for release")
    await check_page(page, "sign-in")

    await sign_in(page, base)

    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["staff_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert "staff_sign_in" not in cookies  # the PKCE verifier is gone once used
    assert await page.evaluate("document.cookie") == ""  # nothing the page's scripts can read
    await page.get_by_text("Signed in as Pat Prison").wait_for()


async def test_a_cookie_request_without_the_csrf_token_is_refused(page, base):
    await sign_in(page, base)
    body = {"id": "0" * 64, "variables": {}}
    refused = await page.context.request.post(f"{base}/graphql", data=body)
    wrong = await page.context.request.post(f"{base}/graphql", data=body, headers={"X-CSRF-Token": "forged"})
    assert (refused.status, (await refused.json())["errors"][0]["extensions"]["reason"]) == (403, "MISSING_TOKEN")
    assert (wrong.status, (await wrong.json())["errors"][0]["extensions"]["reason"]) == (403, "BAD_TOKEN")


async def test_sign_out_ends_the_session(page, base):
    await sign_in(page, base)
    await page.get_by_role("button", name="Sign out").click()
    await heading(page, "You have been signed out")
    assert "staff_session" not in {c["name"] for c in await page.context.cookies()}
    await check_page(page, "signed-out")
    await page.goto(f"{base}/staff/caseload")
    await heading(page, "Prepare someone for release")  # asked to sign in, not shown the caseload


async def test_an_ended_session_says_so_visibly(page, base):
    await sign_in(page, base)
    await page.context.clear_cookies()  # the session cookie expires, as it does after the token's hour
    await page.get_by_role("button", name="Name").click()  # any action that asks the API
    await heading(page, "You have been signed out")
    await page.get_by_role("button", name="Sign in again").wait_for()
