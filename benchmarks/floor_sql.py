"""The floor for the workloads answered from our own database: caseload, a prison's dashboard, the national one.

W1 and the prison dashboard make the same queries as the gateway (the store's query functions, which are
the SQL), so the difference is GraphQL alone. The national dashboard is one hand-written SQL query.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from benchmarks.floor_shapes import Json, pathways
from resolvers.caseload import today
from sources.store.caseload import CaseloadFilter, CaseloadSort, caseload_count, caseload_page
from sources.store.dashboard import dashboard_counts
from sources.store.enums import COMPLETE_STATUSES, Pathway, PathwayStatusCode

WINDOWS = {"WITHIN_12_WEEKS": (1,), "WITHIN_24_WEEKS": (1, 2), "ALL_FUTURE": (1, 2, 3)}
NATIONAL_SQL = """
SELECT -1 AS kind, NULL AS pathway, NULL AS status, COUNT(*) AS n, 0 AS soon, 0 AS later, 0 AS latest
  FROM prison_projection_state
UNION ALL
SELECT 0, NULL, NULL, COUNT(*),
       COUNT(*) FILTER (WHERE release_date >= :today AND release_date < :near),
       COUNT(*) FILTER (WHERE release_date >= :near AND release_date < :far),
       COUNT(*) FILTER (WHERE release_date >= :far)
  FROM prison_population
UNION ALL
SELECT 1, s.pathway, s.status, COUNT(*),
       COUNT(*) FILTER (WHERE p.release_date >= :today AND p.release_date < :near),
       COUNT(*) FILTER (WHERE p.release_date >= :near AND p.release_date < :far),
       COUNT(*) FILTER (WHERE p.release_date >= :far)
  FROM prison_population p JOIN pathway_status s ON s.prisoner_number = p.prisoner_number
 GROUP BY s.pathway, s.status
"""


class FloorSql:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    async def caseload(self, prison_id: str) -> Json:
        """W1: the first 20 due within 12 weeks, by release date, with statuses and worker."""
        filters = CaseloadFilter(prison_id=prison_id, today=today(), release_within_days=84)
        async with self.sessions() as session:
            await session.execute(text("SELECT refreshed_at FROM prison_projection_state WHERE prison_id = :p"),
                                  {"p": prison_id})
            rows = (await caseload_page(session=session, filters=filters, sort=CaseloadSort.RELEASE_DATE,
                                        descending=False, offset=0, limit=21))[:20]
            total = await caseload_count(session=session, filters=filters)
            numbers = [r.prisoner_number for r in rows]
            found = await session.execute(
                text("SELECT prisoner_number, pathway, status, version FROM pathway_status "
                     "WHERE prisoner_number IN :n").bindparams(bindparam("n", expanding=True)), {"n": numbers})
        statuses: dict[str, dict[str, tuple[str, int]]] = {}
        for number, pathway, status, version in found:
            statuses.setdefault(number, {})[pathway] = (status, version)
        edges = [{"node": {
            "prisonerNumber": r.prisoner_number, "firstName": r.first_name, "lastName": r.last_name,
            "releaseDate": None if r.release_date is None else r.release_date.isoformat(),
            "pathways": pathways(statuses.get(r.prisoner_number, {}), full=False),
            "assignedWorker": None if r.staff_id is None else {"staffId": r.staff_id, "name": r.staff_name}}}
            for r in rows]
        return {"prison": {"id": prison_id, "caseload": {"totalCount": total, "edges": edges}}}

    async def prison_dashboard(self, prison_id: str) -> Json:
        """W4 for one prison: the same two GROUP BY queries the gateway makes."""
        async with self.sessions() as session:
            await session.execute(text("SELECT refreshed_at FROM prison_projection_state WHERE prison_id = :p"),
                                  {"p": prison_id})
        counts = await dashboard_counts(connect=self.engine.connect, prison_ids=[prison_id], today=today())
        people = {w.value: counts.people[w] for w in counts.people}
        tally = {(w.value, p.value, s.value): n for (w, p, s), n in counts.counts.items()}
        return {"prison": {"id": prison_id, "dashboard": {"totalPeople": counts.total_people,
                                                          "windows": _windows(people, tally)}}}

    async def national_dashboard(self) -> Json:
        """W4 national: one SQL query over every prison, tallied by hand."""
        now = today()
        params: dict[str, Any] = {"today": now, "near": now + timedelta(days=84), "far": now + timedelta(days=168)}
        async with self.sessions() as session:
            rows = list(await session.execute(text(NATIONAL_SQL), params))
        prisons = next(int(n) for kind, _, _, n, *_ in rows if kind == -1)
        by_bucket: Counter[int] = Counter()
        recorded: Counter[tuple[int, str, str]] = Counter()
        for kind, pathway, status, n, *due in rows:
            if kind == 0:
                by_bucket.update({b: int(c) for b, c in enumerate(due, start=1)})
                by_bucket[0] = int(n) - sum(int(c) for c in due)
            elif kind == 1:
                recorded.update({(b, str(pathway), str(status)): int(c) for b, c in enumerate(due, start=1)})
        people = {w: sum(by_bucket[b] for b in buckets) for w, buckets in WINDOWS.items()}
        tally: dict[tuple[str, str, str], int] = {}
        for window, buckets in WINDOWS.items():
            for pathway in Pathway:
                counted = {s.value: sum(recorded[(b, pathway.value, s.value)] for b in buckets)
                           for s in PathwayStatusCode if s is not PathwayStatusCode.NOT_STARTED}
                counted[PathwayStatusCode.NOT_STARTED.value] = people[window] - sum(counted.values())
                for status, n in counted.items():
                    tally[(window, pathway.value, status)] = n
        soon = sorted(((p.value, tally[("WITHIN_12_WEEKS", p.value, "NOT_STARTED")]) for p in Pathway),
                      key=lambda item: -item[1])
        return {"nationalDashboard": {
            "prisons": prisons, "totalPeople": sum(by_bucket.values()), "windows": _windows(people, tally),
            "hotSpots": [{"pathway": p, "notStarted": n} for p, n in soon if n > 0][:3]}}


def _windows(people: dict[str, int], tally: dict[tuple[str, str, str], int]) -> list[Json]:
    complete = [s.value for s in COMPLETE_STATUSES]
    return [{"window": w, "people": people[w], "pathways": [
        {"pathway": p.value, "complete": sum(tally[(w, p.value, s)] for s in complete),
         "statuses": [{"status": s.value, "count": tally[(w, p.value, s.value)]} for s in PathwayStatusCode]}
        for p in Pathway]} for w in WINDOWS]
