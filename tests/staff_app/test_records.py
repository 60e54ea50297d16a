"""Add an appointment and an ID application, and assign a worker to several people at once, seeing each
worker's capacity before choosing."""

from __future__ import annotations

from tests.staff_app.conftest import check_page, heading, settled, sign_in
from tests.staff_app.data import ALICE, assign_workers
from tests.test_person_slice import complete_case


def someone_with_a_crn(population) -> str:
    """Not the shared complete case: the appointment we add stays in the session-wide stub for later tests."""
    taken = complete_case(population).prisoner_number
    people = reversed(population.by_prison["MDI"])
    return next(p.prisoner_number for p in people if p.crn and p.prisoner_number != taken)


async def test_add_an_appointment_and_an_id_application(page, base, population):
    number = someone_with_a_crn(population)
    await sign_in(page, base)
    await page.goto(f"{base}/staff/people/{number}")
    await settled(page)
    await page.get_by_role("button", name="Add an appointment").click()
    await heading(page, "Add an appointment")
    await page.get_by_label("Type").select_option("Accommodation")
    await page.get_by_label("Location (optional)").fill("Civic Centre, Newcastle")
    await check_page(page, "add-appointment")
    await page.get_by_role("button", name="Request appointment").click()
    await page.wait_for_url(f"**/staff/people/{number}?notice=appointment*")
    await settled(page)
    banner = await page.locator(".govuk-notification-banner").inner_text()
    assert "The appointment has been requested" in banner
    assert "the appointments system" in banner.lower() or "appointments" in banner

    await page.get_by_role("button", name="Add an ID application").click()
    await heading(page, "Add an ID application")
    await page.get_by_role("button", name="Record ID application").click()  # no cost yet
    await page.locator(".govuk-error-summary").get_by_text("Enter the cost in pounds").wait_for()
    await page.get_by_label("Document").select_option("BIRTH_CERTIFICATE")
    await page.get_by_label("Cost in pounds").fill("11.00")
    await page.get_by_label("Priority application").check()
    await check_page(page, "add-id-application")
    await page.get_by_role("button", name="Record ID application").click()
    await page.wait_for_url(f"**/staff/people/{number}?notice=id-application")
    await settled(page)
    row = page.locator("#id-applications tbody tr", has_text="Birth certificate")
    assert "£11.00" in await row.inner_text() and "Pending" in await row.inner_text()

    await row.get_by_label("New status").select_option("ACCEPTED")  # update it in place
    await row.get_by_role("button", name="Update").click()
    await page.locator("#id-applications tbody tr", has_text="Accepted").wait_for()


async def choose_unassigned(page, how_many: int) -> list[str]:
    """Filter the caseload to unassigned people, tick the first few, and go to the assign page."""
    await page.get_by_label("Worker").select_option("unassigned")
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url("**/staff/caseload?worker=unassigned")
    await settled(page)
    rows = page.locator("#caseload tbody tr")
    chosen = [await rows.nth(i).get_attribute("data-prisoner-number") for i in range(how_many)]
    for number in chosen:
        await page.locator(f"#select-{number}").check()
    await page.get_by_role("button", name="Assign a worker to the selected people").click()
    await settled(page)
    return chosen


async def loads(page) -> dict[str, str]:
    """Each worker on the assign page, with the load its hint shows."""
    items = page.locator("#workers .govuk-radios__item:has(.govuk-hint)")
    return {(await item.locator("label").inner_text()): (await item.locator(".govuk-hint").inner_text())
            for item in await items.all()}


async def test_assign_a_worker_to_several_people_seeing_each_workers_capacity(page, base, staff_settings, population):
    await assign_workers(staff_settings, {ALICE: [p.prisoner_number for p in population.by_prison["MDI"][:3]]})
    await sign_in(page, base)
    chosen = await choose_unassigned(page, 2)
    await heading(page, "Assign a worker to 2 people")
    assert await loads(page) == {"Me (Pat Prison)": "Assigned 0 people now", "Alice Smith": "Assigned 3 people now"}
    await check_page(page, "assign-worker")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/caseload?worker=unassigned")
    await settled(page)
    for number in chosen:
        assert await page.locator(f'tr[data-prisoner-number="{number}"]').count() == 0  # no longer unassigned

    await page.goto(f"{base}/staff/caseload?worker=PRISON_STAFF_DEMO")
    await settled(page)
    mine = await page.locator("#caseload tbody tr").evaluate_all("rows => rows.map(r => r.dataset.prisonerNumber)")
    assert sorted(mine) == sorted(chosen)
    assert await page.locator("#caseload tbody tr td:nth-child(6)").first.inner_text() == "Pat Prison"

    # One more person to Alice, chosen by name from the list; both counts have moved on.
    await page.goto(f"{base}/staff/caseload")
    await settled(page)
    await choose_unassigned(page, 1)
    await page.get_by_label("Alice Smith").check()
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/caseload?worker=unassigned")
    await settled(page)
    await choose_unassigned(page, 1)
    assert await loads(page) == {"Me (Pat Prison)": "Assigned 2 people now", "Alice Smith": "Assigned 4 people now"}


async def test_another_worker_without_their_details_says_what_to_fix(page, base, population):
    await sign_in(page, base)
    await choose_unassigned(page, 1)
    await page.get_by_label("Another worker").check()
    await page.get_by_label("Their staff id").fill("123456")
    await page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    await summary.wait_for()
    assert "Enter the worker's staff id, name and username" in await summary.inner_text()
    assert await summary.evaluate("el => el === document.activeElement")
