"""Browser helpers for the leaver pages: a live gateway, Chromium contexts, axe-core and screenshots."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from fixtures.population import Population
from fixtures.stubs.runner import AppStack
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_PRESENT, SCREENSHOTS, seed
from tests.conftest import settings_for
from tests.support.live_server import live_gateway

AXE = Path(__file__).resolve().parents[2] / "web_clients" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 320, "height": 640}


@asynccontextmanager
async def chromium(**context_options: Any) -> AsyncIterator[Any]:
    """A fresh browser context; CSP is bypassed only so that axe-core can be injected for the checks."""
    if not CHROMIUM_PRESENT:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    async_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport=DESKTOP, bypass_csp=True, accept_downloads=True,
                                            **context_options)
        context.set_default_timeout(10000)
        try:
            yield await context.new_page()
        finally:
            await context.close()
            await browser.close()


@contextmanager
def live(stack: AppStack, tmp_path: Path) -> Iterator[str]:
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'pages.db'}")
    with live_gateway(settings) as base:
        yield base


async def seeded_live(stack: AppStack, population: Population, tmp_path: Path) -> Any:
    settings = settings_for(stack, f"sqlite+aiosqlite:///{tmp_path / 'pages.db'}")
    await seed(settings, population)
    return settings


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make assets`")
    await page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")
    return found


async def check_page(page: Any, name: str, *, axe: bool = True) -> None:
    """No serious or critical axe-core violations (axe needs JavaScript on); a screenshot at desktop and at
    320 px mobile width; no sideways scrolling at 320 px (WCAG reflow)."""
    if axe:
        serious = [v for v in await axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name}: {serious}"
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=str(SCREENSHOTS / f"leaver-{name}-desktop.png"), full_page=True)
    await page.set_viewport_size(MOBILE)
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") \
        if axe else 0
    await page.screenshot(path=str(SCREENSHOTS / f"leaver-{name}-mobile.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)
    assert overflow <= 0, f"{name} scrolls sideways at 320 px by {overflow}px"


async def sign_in_as(page: Any, base: str, subject: str) -> None:
    """Sign in through the stub One Login's page, choosing ``subject``'s account."""
    await page.goto(f"{base}/plan-your-future/sign-in")
    await page.get_by_role("button", name=f"Sign in as {subject}").click()
    await page.wait_for_load_state()
