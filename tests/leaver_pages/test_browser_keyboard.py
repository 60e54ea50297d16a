"""Keyboard only, and the pages the journeys elsewhere do not reach: a to-do's edit page, not found, signed out."""

from __future__ import annotations

import pytest

from fixtures.idp.personas import DEMO_LEAVER
from tests.leaver_pages.browser import check_page, chromium, seeded_live, sign_in_as
from tests.support.live_server import live_gateway

pytestmark = pytest.mark.browser
MAX_TABS = 40  # more than every link and control above the to-do form


async def tab_to(page, selector: str) -> None:
    """Press Tab until the element is focused, as a keyboard user would; fail if it never is."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def test_a_to_do_can_be_added_and_completed_with_the_keyboard_alone(stack, population, tmp_path):
    settings = await seeded_live(stack, population, tmp_path)
    async with chromium() as page:
        with live_gateway(settings) as base:
            await sign_in_as(page, base, DEMO_LEAVER.subject)
            await page.goto(f"{base}/plan-your-future/to-do")

            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
            await tab_to(page, "#title")
            await page.keyboard.type("Collect my birth certificate")
            await page.keyboard.press("Enter")  # submits the form, as the button would
            await page.wait_for_load_state()
            assert "Collect my birth certificate" in await page.locator("#todo-list").inner_text()

            await tab_to(page, "#todo-list button[value=complete]")
            await page.keyboard.press("Enter")
            await page.wait_for_load_state()
            assert await page.locator(".pyf-todo-done").inner_text() == "Collect my birth certificate"

            await tab_to(page, "#todo-list a[href$='/edit']")
            await page.keyboard.press("Enter")
            await page.wait_for_load_state()
            assert await page.locator("#title").input_value() == "Collect my birth certificate"
            await check_page(page, "todo-edit")

            await page.goto(f"{base}/plan-your-future/support/nothing-here")
            await check_page(page, "not-found")
            await page.goto(f"{base}/plan-your-future/sign-out")
            assert await page.locator("h1").inner_text() == "You have been signed out"
            await check_page(page, "signed-out")
