"""Open a person, update a pathway status, and resolve a conflicting edit."""

from __future__ import annotations

import httpx

from tests.staff_app.conftest import check_page, heading, settled, sign_in
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
