"""The caseload: filters and every sortable column in the URL, pages of 20, and the back button."""

from __future__ import annotations

import re
from datetime import datetime

from tests.staff_app.conftest import check_page, settled, sign_in
from tests.staff_app.data import ALICE, BOB, assign_workers


async def names(page) -> list[str]:
    return await page.locator("#caseload tbody tr td:nth-child(2) a").all_inner_texts()


async def test_filter_and_sort_the_caseload_with_the_state_in_the_url(page, base, population):
    await sign_in(page, base)
    await settled(page)
    assert await page.locator("#caseload tbody tr").count() == 20
    await check_page(page, "caseload")

    await page.get_by_label("Release").select_option("12")
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url("**/staff/caseload?window=12")
    await settled(page)
    within_12_weeks = await page.locator("#caseload-count").inner_text()

    await page.get_by_role("button", name="Name").click()
    await page.wait_for_url("**/staff/caseload?window=12&sort=NAME")
    await settled(page)
    sorted_names = await names(page)
    assert sorted_names == sorted(sorted_names)
    header = page.locator("th", has=page.get_by_role("button", name="Name"))
    assert await header.get_attribute("aria-sort") == "ascending"

    await page.get_by_role("button", name="Name").click()
    await page.wait_for_url("**/staff/caseload?window=12&sort=NAME&order=desc")
    await settled(page)
    assert await names(page) == sorted(await names(page), reverse=True)

    await page.go_back()
    await page.wait_for_url("**/staff/caseload?window=12&sort=NAME")
    await settled(page)
    assert await names(page) == sorted_names
    assert await page.locator("#caseload-count").inner_text() == within_12_weeks
    assert await page.get_by_label("Release").input_value() == "12"


async def test_search_pages_and_a_shared_link(page, base, population):
    person = population.by_prison["MDI"][5]
    await sign_in(page, base)
    await page.get_by_label("Name or prison number").fill(person.prisoner_number)
    await page.get_by_label("Name or prison number").press("Enter")
    await page.wait_for_url(f"**/staff/caseload?search={person.prisoner_number}")
    await settled(page)
    assert await page.locator("#caseload tbody tr").count() == 1
    assert person.last_name in (await names(page))[0]

    await page.goto(f"{base}/staff/caseload?page=2&sort=NAME")  # a shared link opens on its page
    await settled(page)
    assert "Page 2 of" in await page.locator("#caseload-count").inner_text()
    await page.get_by_role("link", name="Previous").click()
    await page.wait_for_url("**/staff/caseload?sort=NAME")
    await settled(page)
    assert "Page 1 of" in await page.locator("#caseload-count").inner_text()


async def test_a_friday_release_is_flagged(page, base, population):
    friday = next(p for p in population.by_prison["MDI"] if p.release_date and p.release_date.weekday() == 4)
    other = next(p for p in population.by_prison["MDI"] if p.release_date and p.release_date.weekday() == 2)
    await sign_in(page, base)
    for person, flagged in ((friday, 1), (other, 0)):
        await page.goto(f"{base}/staff/caseload?search={person.prisoner_number}")
        await settled(page)
        row = page.locator(f'tr[data-prisoner-number="{person.prisoner_number}"]')
        assert await row.get_by_text("Friday release").count() == flagged


def due_within_12_weeks(population) -> list[str]:
    from datetime import date, timedelta
    today = date.today()
    return sorted(p.prisoner_number for p in population.by_prison["MDI"]
                  if p.release_date and today + timedelta(days=2) <= p.release_date < today + timedelta(days=80))


async def column(page, n: int) -> list[str]:
    return await page.locator(f"#caseload tbody tr td:nth-child({n})").all_inner_texts()


async def sort_by(page, label: str, url: str) -> None:
    """Sort with the keyboard alone: focus the column's button and press Enter."""
    await page.get_by_role("button", name=re.compile(f"^{label}")).focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(url)
    await settled(page)


async def aria_sorts(page) -> dict[str, str]:
    headers = page.locator("#caseload thead th:has(button)")
    return {await h.locator("button").get_attribute("data-sort"): await h.get_attribute("aria-sort")
            for h in await headers.all()}


async def test_release_eligibility_pathways_and_worker_columns_sort(page, base, staff_settings, population):
    soon = due_within_12_weeks(population)
    await assign_workers(staff_settings, {ALICE: soon[:3], BOB: soon[3:5]})
    await sign_in(page, base)
    await page.goto(f"{base}/staff/caseload?window=12")
    await settled(page)

    await sort_by(page, "Release eligibility", "**/staff/caseload?window=12&sort=RELEASE_ELIGIBILITY")
    assert await aria_sorts(page) == {"NAME": "none", "RELEASE_DATE": "none", "RELEASE_ELIGIBILITY": "ascending",
                                      "PATHWAY_PROGRESS": "none", "WORKER": "none", "LAST_UPDATED": "none"}
    dates = [datetime.strptime(text, "%d %B %Y").date() for text in await column(page, 4)]
    assert dates == sorted(dates)

    await sort_by(page, "Pathways", "**/staff/caseload?window=12&sort=PATHWAY_PROGRESS")
    complete = [int(text.split(" of 7")[0]) for text in await column(page, 5)]
    assert complete == sorted(complete) and complete[0] == 0
    await sort_by(page, "Pathways", "**/staff/caseload?window=12&sort=PATHWAY_PROGRESS&order=desc")
    assert (await aria_sorts(page))["PATHWAY_PROGRESS"] == "descending"
    complete = [int(text.split(" of 7")[0]) for text in await column(page, 5)]
    assert complete == sorted(complete, reverse=True) and complete[0] > complete[-1]

    await sort_by(page, "Worker", "**/staff/caseload?window=12&sort=WORKER")
    assert (await column(page, 6))[:6] == ["Alice Smith"] * 3 + ["Bob Jones"] * 2 + ["Unassigned"]
    await check_page(page, "caseload-by-worker")
    await sort_by(page, "Worker", "**/staff/caseload?window=12&sort=WORKER&order=desc")
    assert (await column(page, 6))[:6] == ["Bob Jones"] * 2 + ["Alice Smith"] * 3 + ["Unassigned"]


async def test_the_worker_filter_lists_each_worker_with_their_load(page, base, staff_settings, population):
    soon = due_within_12_weeks(population)
    await assign_workers(staff_settings, {ALICE: soon[:3], BOB: soon[3:5]})
    await sign_in(page, base)
    options = await page.get_by_label("Worker").locator("option").all_inner_texts()
    assert options == ["Anyone", "Unassigned", "Alice Smith (3 assigned)", "Bob Jones (2 assigned)"]

    await page.get_by_label("Worker").select_option(label="Bob Jones (2 assigned)")
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url(f"**/staff/caseload?worker={BOB.staff_id}")
    await settled(page)
    assert sorted(await page.locator("#caseload tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.prisonerNumber)")) == soon[3:5]
