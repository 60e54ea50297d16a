"""Signed-in journeys in Chromium: code linking, overview, appointments (.ics, PDF pack), licence, to-dos,
JavaScript off, and an appointments outage. Each page is checked with axe-core and screenshotted."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from fixtures.idp.personas import DEMO_LEAVER
from fixtures.stubs.base import Faults, state_of
from tests.leaver_pages.browser import check_page, chromium, seeded_live, sign_in_as
from tests.leaver_pages.conftest import ISSUE, new_one_login_account
from tests.support.live_server import live_gateway

pytestmark = pytest.mark.browser
WRONG_BIRTHDAY = ("1", "1", "1901")


def issue_code(base: str, staff_token: str, prisoner_number: str) -> str:
    reply = httpx.post(f"{base}/graphql", json={"query": ISSUE, "variables": {"n": prisoner_number}},
                       headers={"Authorization": f"Bearer {staff_token}"})
    return str(reply.json()["data"]["issueFirstTimeCode"]["code"])


async def enter(page, code: str, day: str, month: str, year: str) -> None:
    await page.fill("#code", code)
    await page.fill("#dob-day", day)
    await page.fill("input[name='dob-month']", month)
    await page.fill("input[name='dob-year']", year)
    await page.get_by_role("button", name="Continue").click()


async def test_first_sign_in_links_the_account_after_a_wrong_try(stack, population, tokens, unlinked_person,
                                                                 tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    subject = new_one_login_account(stack)
    born = unlinked_person.date_of_birth
    async with chromium() as page:
        with live_gateway(settings) as base:
            code = issue_code(base, tokens["prison-staff"], unlinked_person.prisoner_number)
            await sign_in_as(page, base, subject)
            assert await page.locator("h1").inner_text() == "Enter your first-time code"
            await check_page(page, "first-time-code")

            await enter(page, code, *WRONG_BIRTHDAY)
            assert "You can try 4 more time(s)" in await page.locator(".govuk-error-summary").inner_text()
            await check_page(page, "first-time-code-error")

            await enter(page, code, str(born.day), str(born.month), str(born.year))
            assert await page.locator("h1").inner_text() == f"Hello {unlinked_person.first_name}"


async def test_too_many_wrong_tries_explain_the_pause(stack, population, tokens, unlinked_person, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    subject = new_one_login_account(stack)
    async with chromium() as page:
        with live_gateway(settings) as base:
            code = issue_code(base, tokens["prison-staff"], unlinked_person.prisoner_number)
            await sign_in_as(page, base, subject)
            for _ in range(5):
                await enter(page, code, *WRONG_BIRTHDAY)
            assert await page.locator("h1").inner_text() == "Wait before trying again"
            assert "You can try again after" in await page.locator("#locked").inner_text()
            await check_page(page, "locked")


async def test_overview_appointments_calendar_and_printed_pack(stack, population, demo_leaver, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium() as page:
        with live_gateway(settings) as base:
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            assert await page.locator("h1").inner_text() == f"Hello {demo_leaver.first_name}"
            assert await page.locator("#next-appointment").is_visible()
            assert "Your licence ends on" in await page.locator("#licence-expiry").inner_text()
            await check_page(page, "overview")

            await page.get_by_role("link", name="See all your appointments").first.click()
            await check_page(page, "appointments")
            async with page.expect_download() as download_info:
                await page.click("#all-ics")
            download = await download_info.value
            events = Calendar.from_ical((await download.path()).read_bytes()).walk("VEVENT")
            assert events and all(e.get("dtstart") and e.get("location") for e in events)
            first_type = str(events[0]["summary"])

            await page.click("#print-pack")
            await check_page(page, "pack")
            pdf = await page.pdf(format="A4", print_background=False)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Your Plan your future pack" in text
    assert demo_leaver.first_name in text and first_type in text
    assert "Find it on a map" in text  # directions spelt out on paper
    assert "Sign out" not in text and "Add to calendar" not in text  # navigation is not printed


async def test_confirming_licence_changes(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium() as page:
        with live_gateway(settings) as base:
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            assert await page.locator("#licence-changed").is_visible()
            await page.get_by_role("link", name="Read your licence conditions").first.click()
            await check_page(page, "licence")
            await page.get_by_role("button", name="I have read my licence conditions").click()
            assert "We have recorded" in await page.locator("#confirmed-banner").inner_text()
            await check_page(page, "licence-confirmed")
            await page.goto(f"{base}/plan-your-future/overview")
            assert await page.locator("#licence-changed").count() == 0
            await page.goto(f"{base}/plan-your-future/to-do")
            await page.fill("#title", "Phone the Jobcentre")
            await page.get_by_role("button", name="Add to your list").click()
            await check_page(page, "todos")
            await page.goto(f"{base}/plan-your-future/profile")
            await check_page(page, "profile")


async def test_to_dos_with_javascript_off(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium(java_script_enabled=False) as page:
        with live_gateway(settings) as base:
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            await page.goto(f"{base}/plan-your-future/to-do")
            await page.get_by_role("button", name="Add to your list").click()
            assert "Enter what you need to do" in await page.locator(".govuk-error-summary").inner_text()
            await page.fill("#title", "Open a bank account")
            await page.get_by_role("button", name="Add to your list").click()
            assert "Open a bank account" in await page.locator("#todo-list").inner_text()
            await page.locator("#todo-list a", has_text="Open a bank account").click()
            await page.fill("#title", "Open a basic bank account")
            await page.get_by_role("button", name="Save changes").click()
            await page.get_by_role("button", name=re.compile(r"Mark as done\W+Open a basic bank account")).click()
            assert await page.locator(".pyf-todo-done").inner_text() == "Open a basic bank account"
            await check_page(page, "todos-no-javascript", axe=False)  # axe needs script; it runs on to-dos below
            await page.get_by_role("button", name=re.compile(r"Delete\W+Open a basic bank account")).click()
            assert "Your list is empty." in await page.locator("#todo-list").inner_text()


async def test_appointments_unavailable_while_the_licence_still_shows(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    stub = state_of(stack.apps["appointments"])
    async with chromium() as page:
        with live_gateway(settings) as base:
            stub.faults = Faults.failing(503)  # before anything was read, so there is no cached copy to fall back on
            try:
                await sign_in_as(page, base, DEMO_LEAVER.subject)
                await page.goto(f"{base}/plan-your-future/overview")
                warning = await page.locator("#unavailable").inner_text()
                assert "your appointments" in warning
                assert "Your licence ends on" in await page.locator("#licence-expiry").inner_text()
                await check_page(page, "overview-appointments-down")
                await page.goto(f"{base}/plan-your-future/licence-conditions")
                assert await page.locator("#standard-conditions").is_visible()
            finally:
                stub.faults = Faults()


async def test_welsh_signed_in_pages(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium() as page:
        with live_gateway(settings) as base:
            await page.goto(f"{base}/plan-your-future?lang=cy")
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            assert (await page.locator("h1").inner_text()).startswith("Helo ")
            await check_page(page, "overview-welsh")
            await page.goto(f"{base}/plan-your-future/appointments")
            assert await page.locator("#upcoming").inner_text() == "Apwyntiadau i ddod"
            await check_page(page, "appointments-welsh")
            for path, name in (("licence-conditions", "licence"), ("to-do", "todos"), ("profile", "profile")):
                await page.goto(f"{base}/plan-your-future/{path}")
                assert await page.locator("html").get_attribute("lang") == "cy"
                await check_page(page, f"{name}-welsh")
            assert "Manylion cyswllt" in await page.locator("main").inner_text()


async def test_idle_warning_two_minutes_before_sign_out(stack, population, tmp_path):
    """With the page's clock run on, the warning appears and takes focus at 18 minutes, and at 20 the person
    lands on the kind "signed out" page; "Stay signed in" before then keeps them on the page."""
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium() as page:
        with live_gateway(settings) as base:
            await page.clock.install()
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            await page.goto(f"{base}/plan-your-future/overview")
            warning = page.locator("#timeout-warning")
            assert await warning.is_hidden()

            await page.clock.run_for("17:50")
            assert await warning.is_hidden()
            await page.clock.run_for("00:20")
            assert await warning.is_visible()
            assert await page.evaluate("document.activeElement.id") == "timeout-warning"
            assert "sign you out in 2 minutes" in await warning.inner_text()
            await check_page(page, "idle-warning")

            await page.locator("#timeout-warning").get_by_role("link", name="Stay signed in").click()
            await page.wait_for_load_state()
            assert page.url.endswith("/plan-your-future/overview")
            assert await page.locator("#timeout-warning").is_hidden()

            await page.clock.run_for("20:01")
            await page.wait_for_url(re.compile(r"/plan-your-future/signed-out\?timeout=1$"))
            assert "did nothing for 20 minutes" in await page.locator("#signed-out-reason").inner_text()
