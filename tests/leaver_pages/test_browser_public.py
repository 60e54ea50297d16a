"""Public pages in Chromium: no login, local areas, search, Welsh, everything served by the gateway."""

from __future__ import annotations

import pytest

from tests.leaver_pages.browser import check_page, chromium, live, seeded_live
from tests.support.live_server import live_gateway

pytestmark = pytest.mark.browser


async def test_public_pages_work_with_no_login_and_fetch_nothing_from_outside(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    outside: list[str] = []
    async with chromium() as page:
        with live_gateway(settings) as base:
            page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
            await page.goto(f"{base}/plan-your-future", wait_until="networkidle")
            assert await page.locator("h1").inner_text() == "Plan your future"
            assert await page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
            await check_page(page, "start")

            await page.select_option("#area", "wales")
            await page.get_by_role("button", name="Show support for this area").click()
            await page.get_by_role("link", name="Finding somewhere to live").click()
            assert "Support in Wales" in await page.locator("main").inner_text()
            assert "last reviewed on" in await page.locator("#last-reviewed").inner_text()
            await check_page(page, "support-accommodation")

            await page.fill("#search-q", "naloxone")
            await page.get_by_role("button", name="Search").click()
            await page.get_by_role("link", name="Drug and alcohol services").wait_for()
            await check_page(page, "search")
    assert outside == [], outside


async def test_welsh_is_remembered_from_page_to_page(stack, tmp_path):
    async with chromium() as page:
        with live(stack, tmp_path) as base:
            await page.goto(f"{base}/plan-your-future")
            await page.get_by_role("link", name="Cymraeg").click()
            assert await page.locator("h1").inner_text() == "Cynllunio eich dyfodol"
            assert await page.locator("html").get_attribute("lang") == "cy"
            await check_page(page, "start-welsh")
            await page.get_by_role("link", name="Arian, cyfrifon banc a dogfennau adnabod").click()
            assert "Adolygwyd y dudalen hon ddiwethaf" in await page.locator("main").inner_text()
            await page.goto(f"{base}/plan-your-future/support/health?area=yorkshire")
            assert await page.locator("h1").inner_text() == "Iechyd, meddygon teulu ac iechyd meddwl"
            assert "Yn Swydd Efrog" in await page.locator("main").inner_text()
            assert await page.locator("#not-translated").count() == 0
            await check_page(page, "support-health-welsh")
