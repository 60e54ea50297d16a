"""Headless Debian Chromium driven by Playwright's async API. Skipped, with the reason, when absent."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHROMIUM_PRESENT = Path(CHROMIUM).exists()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if not CHROMIUM_PRESENT:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    async_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            yield await context.new_page()
        finally:
            await context.close()
            await browser.close()


async def seed(settings: Any, population: Any) -> None:
    from fixtures.seed import seed_database
    from sources.store.db import Database

    database = Database(settings.database_url)
    try:
        await seed_database(database, population)
    finally:
        await database.dispose()
