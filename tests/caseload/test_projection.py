"""Refreshing the prison projection: paging, at most every 10 minutes, serialised, stale when NOMIS is down."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from fixtures.stubs.base import Faults
from sources.bundle import Sources
from sources.store.models import PrisonPopulation, utc_now
from sources.store.projection import ensure_projection, projection_state


async def count_rows(sources: Sources, prison_id: str) -> int:
    async with sources.database.session() as session:
        query = select(func.count()).select_from(PrisonPopulation).where(PrisonPopulation.prison_id == prison_id)
        return int((await session.execute(query)).scalar_one())


async def open_sources(settings) -> Sources:
    sources = Sources.create(settings.upstreams(), settings.database_url)
    await sources.open()
    return sources


async def test_concurrent_forced_refreshes_never_double_insert(seeded, population, upstream_logs):
    sources = await open_sources(seeded)
    try:
        states = await asyncio.gather(*(ensure_projection(sources.database, sources.nomis, "MDI", force=True)
                                        for _ in range(5)))
        assert {s.people for s in states} == {1500}
        assert await count_rows(sources, "MDI") == 1500
        assert 1 <= len(upstream_logs["nomis"].requests) <= 5
    finally:
        await sources.close()


async def test_a_fresh_projection_is_not_read_again_until_it_is_10_minutes_old(seeded, upstream_logs):
    sources = await open_sources(seeded)
    try:
        first = await ensure_projection(sources.database, sources.nomis, "SWI")
        again = await ensure_projection(sources.database, sources.nomis, "SWI")
        assert again == first
        assert len(upstream_logs["nomis"].requests) == 1
        later = await ensure_projection(sources.database, sources.nomis, "SWI",
                                        clock=lambda: utc_now() + timedelta(minutes=11))
        assert later.refreshed_at > first.refreshed_at
        assert len(upstream_logs["nomis"].requests) == 2
    finally:
        await sources.close()


async def test_nomis_down_serves_the_last_copy_marked_stale(seeded, upstream_logs):
    sources = await open_sources(seeded)
    try:
        first = await ensure_projection(sources.database, sources.nomis, "BMI")
        upstream_logs["nomis"].faults = Faults.failing(503)
        try:
            stale = await ensure_projection(sources.database, sources.nomis, "BMI", force=True)
        finally:
            upstream_logs["nomis"].faults = Faults()
        assert stale.stale and stale.refreshed_at == first.refreshed_at and stale.people == first.people
        assert await projection_state(sources.database, "BMI") == first
        assert await count_rows(sources, "BMI") == first.people
    finally:
        await sources.close()


async def test_a_population_over_one_page_is_read_page_by_page(seeded, population, upstream_logs, monkeypatch):
    monkeypatch.setattr("sources.store.projection.PAGE_SIZE", 400)
    sources = await open_sources(seeded)
    try:
        state = await ensure_projection(sources.database, sources.nomis, "MDI")
        assert state.people == 1500 == await count_rows(sources, "MDI")
        assert [r.query["page"] for r in upstream_logs["nomis"].requests] == ["0", "1", "2", "3"]
    finally:
        await sources.close()
