"""Open a person, update a pathway status, resolve a conflicting edit, and page through case notes."""

from __future__ import annotations

import httpx

from fixtures.seed import demo_statuses
from tests.caseload.conftest import PATHWAYS
from tests.staff_app.conftest import check_page, heading, settled, sign_in
from tests.staff_app.data import add_case_notes
from tests.test_person_slice import complete_case

SET_STATUS = """
mutation($n: ID!, $v: Int!) {
  setPathwayStatus(input: {prisonerNumber: $n, pathway: ACCOMMODATION, status: DONE, expectedVersion: $v,
                           caseNote: "Housing confirmed by the council."}) { pathwayStatus { version } }
}
"""
VERSION = "query($n: ID!) { person(prisonerNumber: $n) { pathways { pathway version } } }"


def someone_else(base: str, token: str, query: str, **variables: object) -> dict:
    """Another member of staff, on another device, through the API."""
    reply = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables},
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return reply.json()


async def open_person(page, base: str, number: str) -> None:
    await page.get_by_label("Name or prison number").fill(number)
    await page.get_by_role("button", name="Apply filters").click()
    await settled(page)
    await page.locator("#caseload tbody tr").first.get_by_role("link").first.click()
    await page.wait_for_url(f"**/staff/people/{number}")
    await settled(page)


async def test_open_a_person_from_the_caseload_and_see_every_section(page, base, population):
    person = complete_case(population)
    await sign_in(page, base)
    await open_person(page, base, person.prisoner_number)
    await heading(page, f"{person.first_name} {person.last_name}")
    header = await page.locator("#person-header").inner_text()
    assert person.prisoner_number in header and "Days to release" in header
    for section in ("pathways", "case-notes", "contacts", "licence", "appointments", "applications", "risk"):
        assert await page.locator(f"#{section} [data-section-error]").count() == 0, section
    assert await page.locator("#pathways tbody tr").count() == 7
    assert person.crn in header
    await check_page(page, "person")


async def test_update_a_status_and_resolve_a_conflicting_edit(page, base, population, tokens):
    person = complete_case(population)
    number = person.prisoner_number
    await sign_in(page, base)
    await page.goto(f"{base}/staff/people/{number}/pathways/ACCOMMODATION")
    await heading(page, "Update accommodation")
    await settled(page)
    await page.get_by_label("In progress").check()
    await page.get_by_label("Case note").fill("Referred to the local authority housing team.")
    await check_page(page, "update-status")

    # Meanwhile a colleague records a different status for the same pathway.
    current = someone_else(base, tokens["prison-staff"], VERSION, n=number)["data"]["person"]["pathways"]
    version = next(p["version"] for p in current if p["pathway"] == "ACCOMMODATION")
    assert "errors" not in someone_else(base, tokens["prison-staff"], SET_STATUS, n=number, v=version)

    await page.get_by_role("button", name="Save status and case note").click()
    conflict = page.locator("#conflict-summary")
    await conflict.wait_for()
    text = await conflict.inner_text()
    assert "Someone else changed this pathway" in text and "Done" in text
    assert await page.get_by_label("Case note").input_value() == "Referred to the local authority housing team."
    await check_page(page, "status-conflict")

    await page.get_by_role("button", name="Apply my change again").click()
    await page.wait_for_url(f"**/staff/people/{number}?notice=status*")
    await settled(page)
    banner = await page.locator(".govuk-notification-banner").inner_text()
    assert "Accommodation is now in progress" in banner
    assert "Pending" in banner or "It has been sent to NOMIS" in banner  # the case note's delivery, as it stands
    row = page.locator('#pathways tr[data-pathway="ACCOMMODATION"]')
    assert "In progress" in await row.inner_text()
    await page.get_by_label("Case notes for").select_option("ACCOMMODATION")
    await page.get_by_role("button", name="Show case notes").click()
    await settled(page)
    assert "Referred to the local authority housing team." in await page.locator("#case-notes").inner_text()
    assert "notes=ACCOMMODATION" in page.url


async def test_case_notes_page_with_show_more_keeping_the_pathway_filter(page, base, staff_settings, population):
    person = population.by_prison["MDI"][3]
    number = person.prisoner_number
    newest_first = await add_case_notes(staff_settings, number, "ACCOMMODATION", 25)
    seeded = {(n, p) for n, p, _ in demo_statuses(population)}
    total = 25 + ((number, "ACCOMMODATION") in seeded)
    await sign_in(page, base)
    await page.goto(f"{base}/staff/people/{number}?notes=ACCOMMODATION")
    await settled(page)
    notes = page.locator("#case-note-list > li")
    shown = page.locator("#case-notes-shown")
    assert await shown.inner_text() == f"Showing 20 of {total} case notes"
    texts = await notes.locator("p.govuk-body").all_inner_texts()
    mine = [t for t in texts if t.startswith("Progress check")]  # a seeded note may be as recent as ours
    assert len(texts) == 20 and mine == newest_first[:len(mine)] and len(mine) >= 19

    more = page.get_by_role("button", name="Show more case notes")
    await more.focus()
    await page.keyboard.press("Enter")
    await page.get_by_text(f"Showing {total} of {total} case notes").wait_for()
    texts = await notes.locator("p.govuk-body").all_inner_texts()
    assert [t for t in texts if t.startswith("Progress check")] == newest_first and len(texts) == total
    assert all(line.startswith("Accommodation:") for line in await notes.locator("p.govuk-body-s").all_inner_texts())
    assert await more.count() == 0  # nothing more to show
    assert await notes.nth(20).evaluate("el => el === document.activeElement")  # focus on the first new note
    await check_page(page, "case-notes-paged")

    await page.get_by_label("Case notes for").select_option("")
    await page.get_by_role("button", name="Show case notes").click()
    await page.wait_for_url(f"**/staff/people/{number}")
    await settled(page)
    every = total + sum(1 for p in PATHWAYS if p != "ACCOMMODATION" and (number, p) in seeded)
    assert await shown.inner_text() == f"Showing 20 of {every} case notes"
    assert await more.count() == 1
