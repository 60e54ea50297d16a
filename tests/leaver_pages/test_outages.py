"""When a legacy system is down: the page says what is missing, or shows the last copy and says it may be old.

The stale cases run a real outage after a warm cache: the pages are read once (filling the gateway's cache),
time moves on past every entry's freshness (the cache's clock, not the test's), then a stub starts failing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.population import SyntheticPerson
from fixtures.stubs.base import Faults, state_of
from fixtures.stubs.runner import AppStack
from sources.cache import MemoryCache
from tests.leaver_pages.conftest import BASE, sign_in
from tests.leaver_pages.test_signed_in_pages import text_of

STALE = "This information may be out of date"
STALE_CY = "Efallai nad yw'r wybodaeth hon yn gyfredol"
THREE_HOURS = 3 * 3600.0  # past the freshness of every kind the pages read (2 h at most), inside the stale window


class Clock:
    """The cache's clock: real monotonic time plus however far the test moved it on."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def clock(app_and_pages: tuple[Starlette, httpx.AsyncClient]) -> Clock:
    """Give the app a fresh cache whose clock the test can move on."""
    app, _ = app_and_pages
    clock, sources = Clock(), app.state.sources
    cache = MemoryCache(clock=clock)
    cache.on_lookup = getattr(sources.cache, "on_lookup", None)  # keep the metrics hook, if any
    sources.cache = cache
    return clock


@contextmanager
def down(stack: AppStack, system: str) -> Iterator[None]:
    stub = state_of(stack.apps[system])
    stub.faults = Faults.failing(503)
    try:
        yield
    finally:
        stub.faults = Faults()


def upcoming_ids(person: SyntheticPerson) -> list[int]:
    now = datetime.now(UTC)
    return [a.id for a in person.appointments if a.start > now]


async def test_appointments_down_after_a_warm_cache_shows_the_last_copy_marked_out_of_date(
        app_and_pages, clock, stack, demo_leaver):
    _, pages = app_and_pages
    await sign_in(pages)
    fresh = {path: text_of(await pages.get(f"{BASE}/{path}")) for path in ("overview", "appointments")}
    assert all(STALE not in text for text in fresh.values())

    clock.offset += THREE_HOURS
    with down(stack, "appointments"):
        listed = await pages.get(f"{BASE}/appointments")
        overview = text_of(await pages.get(f"{BASE}/overview"))
        pack = text_of(await pages.get(f"{BASE}/appointments/print"))
        welsh = text_of(await pages.get(f"{BASE}/appointments?lang=cy"))

    assert listed.status_code == 200
    assert STALE in text_of(listed) and "not available right now" not in text_of(listed)
    for appointment_id in upcoming_ids(demo_leaver):
        assert f'id="appointment-{appointment_id}"' in listed.text
    assert STALE in overview and "Your next appointment" in overview and "You have no upcoming" not in overview
    assert STALE in pack
    assert STALE_CY in welsh and STALE not in welsh


async def test_ndelius_down_after_a_warm_cache_keeps_the_practitioner_and_says_contact_details_are_unavailable(
        app_and_pages, clock, stack, demo_leaver):
    _, pages = app_and_pages
    await sign_in(pages)
    before = text_of(await pages.get(f"{BASE}/profile"))
    assert STALE not in before and demo_leaver.com is not None
    practitioner = f"{demo_leaver.com.forename} {demo_leaver.com.surname}"

    clock.offset += THREE_HOURS
    with down(stack, "delius"):
        profile = text_of(await pages.get(f"{BASE}/profile"))
        overview = text_of(await pages.get(f"{BASE}/overview"))

    assert STALE in profile and practitioner in profile
    assert "Some information is not available right now: your contact details." in profile
    assert "Your contact details are not available right now" in profile
    assert "Everything else on this page is up to date" not in profile  # it may not be: some of it is stale
    assert f"{demo_leaver.first_name} {demo_leaver.last_name}" in profile  # NOMIS still answers
    assert STALE in overview and f"Your probation practitioner: {practitioner}" in overview


async def test_ndelius_down_with_nothing_cached_the_profile_still_shows_the_prison_record(pages, stack, demo_leaver):
    await sign_in(pages)
    with down(stack, "delius"):
        reply = await pages.get(f"{BASE}/profile")
    text = text_of(reply)

    assert reply.status_code == 200
    assert f"{demo_leaver.first_name} {demo_leaver.last_name}" in text and demo_leaver.prisoner_number in text
    assert "Your contact details are not available right now" in text
    assert "your probation practitioner, your contact details" in text or \
        "your contact details, your probation practitioner" in text
    assert STALE not in text and "Tell your probation practitioner" in text
