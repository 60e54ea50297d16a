"""The prison leader's dashboard, the printed Plan your future pack, and nDelius failing mid-session."""

from __future__ import annotations

import re

from fixtures.stubs.base import Faults, state_of
from tests.browser.conftest import SCREENSHOTS
from tests.staff_app.conftest import check_page, heading, settled, sign_in
from tests.test_person_slice import complete_case


async def test_the_dashboard_charts_and_links_each_number_to_its_caseload(page, base):
    await sign_in(page, base, persona="Lee Leader")
    await page.get_by_role("link", name="Dashboard").click()
    await heading(page, "Resettlement dashboard")
    await settled(page)
    chart = page.locator("svg.staff-chart")
    assert await chart.get_attribute("role") == "img"
    assert "Pathway statuses" in await chart.locator("title").text_content()
    table = page.locator('table[data-window="WITHIN_12_WEEKS"]')
    assert await table.locator("tbody tr").count() == 7
    await check_page(page, "dashboard")

    cell = table.locator("tbody tr", has_text="Accommodation").locator("td").first  # NOT_STARTED
    count = int(await cell.inner_text())
    await cell.get_by_role("link").click()
    await page.wait_for_url("**/staff/caseload?window=12&pathway=ACCOMMODATION&status=NOT_STARTED")
    await settled(page)
    assert (await page.locator("#caseload-count").inner_text()).startswith(f"{count} ")

    await page.go_back()
    await heading(page, "Resettlement dashboard")
    hot_spots = page.locator("#hot-spots a")
    if await hot_spots.count():
        await hot_spots.first.click()
        await page.wait_for_url(re.compile(r".*status=NOT_STARTED.*"))


async def test_prison_staff_without_the_reports_role_are_told_why_there_is_no_dashboard(page, base):
    await sign_in(page, base)
    await page.goto(f"{base}/staff/dashboard")
    await settled(page)
    assert "for prison leaders" in await page.locator("main").inner_text()


async def test_print_a_plan_your_future_pack_with_a_first_time_code(page, base, population):
    person = complete_case(population)
    await sign_in(page, base)
    await page.goto(f"{base}/staff/people/{person.prisoner_number}")
    await settled(page)
    await page.get_by_role("link", name="Print a Plan your future pack").click()
    await heading(page, f"Plan your future: {person.first_name} {person.last_name}")
    await settled(page)
    await page.get_by_role("button", name="Issue a first-time code").click()
    code = page.locator("#code-value")
    await code.wait_for()
    assert re.fullmatch(r"[A-Z0-9]{6}", (await code.inner_text()).strip())
    assert await page.locator("#pack-appointments").count() == 1
    await check_page(page, "pack")
    await page.emulate_media(media="print")
    assert await page.get_by_role("button", name="Print this pack").is_hidden()  # print CSS hides the controls
    await page.screenshot(path=str(SCREENSHOTS / "staff-pack-print.png"), full_page=True)
    pdf = await page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "staff-pack.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


async def test_ndelius_going_down_while_the_page_is_open(page, base, population, stack):
    person = complete_case(population)
    await sign_in(page, base)  # the app is open on the caseload
    delius = state_of(stack.apps["delius"])
    delius.faults = Faults.failing(503)
    try:
        await page.get_by_label("Name or prison number").fill(person.prisoner_number)
        await page.get_by_role("button", name="Apply filters").click()
        await settled(page)
        await page.get_by_role("link", name=f"{person.last_name}, {person.first_name}").click()
        await settled(page)
        risk = await page.locator("#risk").inner_text()
        assert "nDelius is unavailable" in risk and "rest of the page still works" in risk
        assert await page.locator("#risk [data-section-error]").count() == 1
        assert await page.locator("#pathways [data-section-error]").count() == 0
        assert await page.locator("#pathways tbody tr").count() == 7
        assert await page.locator("#licence [data-section-error]").count() == 0
        await check_page(page, "person-ndelius-down")
    finally:
        delius.faults = Faults()
    await page.locator("#risk").get_by_role("button", name="Try again").click()
    await page.locator("#risk", has_text="Risk of serious harm").wait_for()
