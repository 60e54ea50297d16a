"""Sign in with One Login (the stub), link with the first-time code, sign out, and the idle time-out."""

from __future__ import annotations

import html
import time

from auth.leaver_session import LeaverSession, encode_session
from gateway.leaver import session as page_session
from tests.leaver_pages.conftest import BASE, enter_code, form_token, issue_code, new_one_login_account, sign_in

WRONG_BIRTHDAY = "1901-01-01"


async def test_a_linked_leaver_signs_in_and_lands_on_their_overview(pages, demo_leaver):
    reply = await sign_in(pages)

    assert reply.status_code == 303 and reply.headers["location"] == f"{BASE}/overview"
    cookie = next(v for k, v in reply.headers.multi_items() if k == "set-cookie" and v.startswith("pyf_pages="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path={BASE}" in cookie
    overview = await pages.get(f"{BASE}/overview")
    assert overview.status_code == 200
    assert f"Hello {demo_leaver.first_name}" in html.unescape(overview.text)


async def test_signed_in_pages_send_strangers_to_sign_in(pages):
    reply = await pages.get(f"{BASE}/overview")
    assert reply.status_code == 303 and reply.headers["location"] == f"{BASE}/sign-in"


async def test_a_forged_state_is_refused(pages):
    await pages.get(f"{BASE}/sign-in")
    reply = await pages.get(f"{BASE}/auth/callback", params={"code": "x", "state": "forged"})
    assert reply.status_code == 400 and "Sign in did not work" in reply.text
    assert (await pages.get(f"{BASE}/overview")).status_code == 303


async def test_a_new_account_links_with_the_right_code(pages, stack, tokens, unlinked_person):
    code = await issue_code(pages, tokens["prison-staff"], unlinked_person)
    reply = await sign_in(pages, new_one_login_account(stack))
    assert reply.headers["location"] == f"{BASE}/first-time-code"
    assert (await pages.get(f"{BASE}/overview")).headers["location"] == f"{BASE}/first-time-code"

    linked = await enter_code(pages, code, unlinked_person.date_of_birth.isoformat())

    assert linked.status_code == 303 and linked.headers["location"] == f"{BASE}/overview"
    overview = await pages.get(f"{BASE}/overview")
    assert f"Hello {unlinked_person.first_name}" in html.unescape(overview.text)


async def test_a_wrong_date_of_birth_says_how_many_tries_are_left(pages, stack, tokens, unlinked_person):
    code = await issue_code(pages, tokens["prison-staff"], unlinked_person)
    await sign_in(pages, new_one_login_account(stack))

    reply = await enter_code(pages, code, WRONG_BIRTHDAY)

    assert reply.status_code == 400
    text = html.unescape(reply.text)
    assert "There is a problem" in text and "You can try 4 more time(s)" in text
    assert 'value="' + code + '"' in reply.text  # what they typed is kept


async def test_too_many_wrong_tries_pause_the_code_and_say_until_when(pages, stack, tokens, unlinked_person):
    code = await issue_code(pages, tokens["prison-staff"], unlinked_person)
    await sign_in(pages, new_one_login_account(stack))
    for _ in range(4):
        await enter_code(pages, code, WRONG_BIRTHDAY)

    locked = await enter_code(pages, code, WRONG_BIRTHDAY)

    assert locked.status_code == 429
    assert "Wait before trying again" in locked.text and "You can try again after" in locked.text
    # Even the right details wait until the pause ends.
    again = await enter_code(pages, code, unlinked_person.date_of_birth.isoformat())
    assert again.status_code == 429


async def test_a_form_without_the_token_is_refused(pages, stack):
    await sign_in(pages, new_one_login_account(stack))
    reply = await pages.post(f"{BASE}/first-time-code", data={"code": "ABCDEF"})
    assert reply.status_code == 403


async def test_sign_out_ends_the_session(pages):
    await sign_in(pages)
    out = await pages.get(f"{BASE}/sign-out")
    assert out.status_code == 303
    assert (await pages.get(f"{BASE}/overview")).headers["location"] == f"{BASE}/sign-in"


async def test_after_twenty_idle_minutes_the_leaver_is_told_they_were_signed_out(pages, seeded):
    await sign_in(pages)
    page = await pages.get(f"{BASE}/overview")
    assert "we will sign you out at" in page.text and "Stay signed in" in page.text
    config = page_session.SessionConfig(secret=seeded.session_secret.get_secret_value().encode(),
                                        cookie_name=page_session.COOKIE)
    long_ago = int(time.time()) - 21 * 60
    stale = encode_session(LeaverSession("whoever", long_ago, long_ago), config)
    pages.cookies.clear()
    pages.cookies.set(page_session.COOKIE, stale, domain="gateway.local", path=BASE)

    reply = await pages.get(f"{BASE}/overview", follow_redirects=True)

    assert "did nothing for 20 minutes" in reply.text


def test_form_token_helper_reads_the_hidden_field():
    assert form_token('<input type="hidden" name="csrf_token" value="abc">') == "abc"
