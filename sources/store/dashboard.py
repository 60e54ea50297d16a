"""Dashboard counts over the prison projection: pathway by status by release window, in two GROUP BY queries.

People with no ``pathway_status`` row for a pathway count as NOT_STARTED: a window's NOT_STARTED count is
its people less everyone recorded in another status.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from sources.store.enums import COMPLETE_STATUSES, Pathway, PathwayStatusCode
from sources.store.models import PathwayStatus, PrisonPopulation

PP, PS = PrisonPopulation, PathwayStatus


class ReleaseWindow(StrEnum):
    WITHIN_12_WEEKS = "WITHIN_12_WEEKS"
    WITHIN_24_WEEKS = "WITHIN_24_WEEKS"
    ALL_FUTURE = "ALL_FUTURE"


#: Release-date buckets, each ``today <= release date < today + days``; bucket 0 is the past or no date.
_BUCKET_DAYS = (84, 168)
_WINDOW_BUCKETS: dict[ReleaseWindow, frozenset[int]] = {
    ReleaseWindow.WITHIN_12_WEEKS: frozenset({1}),
    ReleaseWindow.WITHIN_24_WEEKS: frozenset({1, 2}),
    ReleaseWindow.ALL_FUTURE: frozenset({1, 2, 3}),
}
HOT_SPOT_WINDOW = ReleaseWindow.WITHIN_12_WEEKS


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    total_people: int
    people: dict[ReleaseWindow, int]
    counts: dict[tuple[ReleaseWindow, Pathway, PathwayStatusCode], int]
    """Every window by pathway by status, zeros included."""

    def count(self, window: ReleaseWindow, pathway: Pathway, status: PathwayStatusCode) -> int:
        return self.counts[(window, pathway, status)]

    def complete(self, window: ReleaseWindow, pathway: Pathway) -> int:
        return sum(self.counts[(window, pathway, s)] for s in COMPLETE_STATUSES)

    def share_complete(self, window: ReleaseWindow, pathway: Pathway) -> float:
        people = self.people[window]
        return self.complete(window, pathway) / people if people else 0.0

    def hot_spots(self, limit: int = 3) -> list[tuple[Pathway, int]]:
        """Pathways with most people released within 12 weeks still NOT_STARTED; none with zero."""
        ranked = [(p, self.count(HOT_SPOT_WINDOW, p, PathwayStatusCode.NOT_STARTED)) for p in Pathway]
        ranked.sort(key=lambda item: -item[1])  # stable: ties keep the pathways' order
        return [item for item in ranked if item[1] > 0][:limit]


Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


async def dashboard_counts(*, connect: Connect, prison_ids: Sequence[str], today: date) -> DashboardCounts:
    """Counts over the projections of these prisons (one for a prison's dashboard, all for a national one).

    Two GROUP BY queries, run side by side, each on its own connection from ``connect``: over the national
    population (90,000 people) each takes a noticeable time, and neither needs the other.
    """
    bucket = _bucket(today).label("bucket")
    in_prisons = col(PP.prison_id).in_(list(prison_ids))
    people = select(col(PP.prisoner_number), bucket).where(in_prisons).subquery()
    # A subquery, so that GROUP BY names a column rather than repeating an expression with parameters.
    recorded = (select(col(PS.pathway), col(PS.status), bucket).select_from(PP)
                .join(PS, col(PS.prisoner_number) == PP.prisoner_number).where(in_prisons).subquery())

    async def rows(query: Select[Any]) -> list[Any]:
        async with connect() as connection:
            return list(await connection.execute(query))

    by_bucket, by_group = await asyncio.gather(
        rows(select(people.c.bucket, func.count()).group_by(people.c.bucket)),
        rows(select(recorded.c.pathway, recorded.c.status, recorded.c.bucket, func.count())
             .group_by(recorded.c.pathway, recorded.c.status, recorded.c.bucket)))
    people_by_bucket: Counter[int] = Counter()
    for found, count in by_bucket:
        people_by_bucket[int(found)] = int(count)
    by_status: Counter[tuple[int, str, str]] = Counter()
    for pathway, status, found, count in by_group:
        by_status[(int(found), str(pathway), str(status))] = int(count)
    return _tally(people_by_bucket, by_status)


def _bucket(today: date) -> ColumnElement[int]:
    near, far = (today + timedelta(days=d) for d in _BUCKET_DAYS)
    released = col(PP.release_date)
    return case((released.is_(None), 0), (released < today, 0), (released < near, 1), (released < far, 2),
                else_=3)


def _tally(people_by_bucket: Counter[int], by_status: Counter[tuple[int, str, str]]) -> DashboardCounts:
    people = {w: sum(people_by_bucket[b] for b in buckets) for w, buckets in _WINDOW_BUCKETS.items()}
    counts: dict[tuple[ReleaseWindow, Pathway, PathwayStatusCode], int] = {}
    for window, buckets in _WINDOW_BUCKETS.items():
        for pathway in Pathway:
            started = 0
            for status in PathwayStatusCode:
                if status is PathwayStatusCode.NOT_STARTED:
                    continue
                n = sum(by_status[(b, pathway.value, status.value)] for b in buckets)
                counts[(window, pathway, status)] = n
                started += n
            counts[(window, pathway, PathwayStatusCode.NOT_STARTED)] = people[window] - started
    return DashboardCounts(total_people=sum(people_by_bucket.values()), people=people, counts=counts)
