"""The staff app in Debian's Chromium against a live gateway and the stubs: sign-in, screenshots, axe-core."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.population import Population
from fixtures.stubs.runner import AppStack
from gateway.settings import Settings
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_PRESENT, SCREENSHOTS, seed
from tests.conftest import settings_for
from tests.support.live_server import live_gateway

AXE = Path(__file__).resolve().parents[2] / "web_clients" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 320, "height": 640}
TIMEOUT = 15000


@pytest.fixture
async def staff_settings(stack: AppStack, population: Population, tmp_path: Path) -> Settings:
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'staff.db'}")
    await seed(settings, population)
    return settings


@pytest.fixture
def base(staff_settings: Settings) -> Iterator[str]:
    with live_gateway(staff_settings) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM_PRESENT:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    async_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
    async with async_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=DESKTOP)
    try:
        new_page = await context.new_page()
        new_page.set_default_timeout(TIMEOUT)
        errors: list[str] = []
        new_page.on("pageerror", lambda error: errors.append(str(error)))
        yield new_page
        assert errors == [], f"the page threw: {errors}"
    finally:
        await context.close()


async def sign_in(page: Any, base: str, persona: str = "Pat Prison") -> None:
    """Through the stub HMPPS Auth persona picker, as a member of staff would."""
    await page.goto(f"{base}/staff")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label(re.compile(f"^{persona}:")).check()
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Caseload", level=1).wait_for()
    await page.locator("#caseload").wait_for()


async def heading(page: Any, text: str) -> None:
    await page.get_by_role("heading", name=text, level=1).wait_for()


async def settled(page: Any) -> None:
    """Until the app has rendered and every section has loaded (polled: the CSP forbids wait_for_function's eval)."""
    for _ in range(300):
        if await page.evaluate("!document.querySelector('[aria-busy]') && !!document.querySelector('h1')"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the page did not finish loading")
    await page.wait_for_load_state("networkidle")


async def check_page(page: Any, name: str) -> None:
    """Screenshots at desktop and 320px, no sideways scrolling at 320px, and axe-core finds nothing serious."""
    await settled(page)
    text = await page.locator("main").inner_text()
    assert not re.search(r"\bnull\b|\bundefined\b|\[object ", text), f"{name} shows a programming value: {text}"
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"staff-{name}-desktop.png"), full_page=True)
    await assert_accessible(page, name)
    await page.set_viewport_size(MOBILE)
    try:
        await settled(page)
        await page.screenshot(path=str(SCREENSHOTS / f"staff-{name}-mobile.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{name} scrolls sideways at 320px ({width}px wide)"
    finally:
        await page.set_viewport_size(DESKTOP)


async def assert_accessible(page: Any, name: str) -> None:
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Not add_script_tag: that injects an inline <script>, which the app's CSP rightly blocks.
        await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    violations = await page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}))""")
    assert violations == [], f"axe-core on {name}: {violations}"
