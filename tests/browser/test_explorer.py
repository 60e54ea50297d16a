"""The explorer works in a real browser with no internet: every asset comes from the gateway."""

from __future__ import annotations

import json
import urllib.parse

from tests.browser.conftest import SCREENSHOTS, seed
from tests.conftest import settings_for
from tests.support.live_server import live_gateway
from tests.test_person_slice import complete_case


async def test_explorer_runs_the_prefilled_query_with_a_pasted_token(page, stack, tokens, population, tmp_path):
    person = complete_case(population)
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'explorer.db'}",
                            explorer_example_prisoner_number=person.prisoner_number)
    await seed(settings, population)
    outside_requests: list[str] = []
    with live_gateway(settings) as base:
        page.on("request", lambda r: None if r.url.startswith(base) else outside_requests.append(r.url))
        await page.goto(f"{base}/graphql", wait_until="networkidle")
        await page.fill("#bearer-token", tokens["prison-staff"])
        await page.locator("button.graphiql-execute-button").click()
        result = page.locator(".graphiql-response")
        await result.get_by_text(person.crn).wait_for(timeout=15000)
        text = await result.inner_text()
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "explorer-desktop.png"))
    assert person.last_name in text
    assert outside_requests == [], f"the explorer fetched from outside the gateway: {outside_requests}"


async def test_a_shared_link_opens_the_explorer_on_its_variables(page, stack, tokens, population, tmp_path):
    person = population.by_prison["MDI"][3]
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'link.db'}")
    await seed(settings, population)
    with live_gateway(settings) as base:
        variables = urllib.parse.quote(json.dumps({"prisonerNumber": person.prisoner_number}))
        await page.goto(f"{base}/graphql?variables={variables}", wait_until="networkidle")
        await page.fill("#bearer-token", tokens["prison-staff"])
        await page.locator("button.graphiql-execute-button").click()
        await page.locator(".graphiql-response").get_by_text(person.last_name).first.wait_for(timeout=15000)


async def test_explorer_page_forbids_inline_script_and_framing(page, stack, tmp_path, population):
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'csp.db'}")
    await seed(settings, population)
    with live_gateway(settings) as base:
        response = await page.goto(f"{base}/graphql")
        headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
