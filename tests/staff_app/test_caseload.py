"""The caseload: filters and sort in the URL, pages of 20, and the back button."""

from __future__ import annotations

from tests.staff_app.conftest import check_page, settled, sign_in


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
