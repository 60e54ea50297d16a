"""A prison's caseload: which prisons the caller may see, and the page of people the filters give.

Everything is answered from the prison projection and our own tables in SQL, never by one upstream call
per person. The projection is refreshed from NOMIS first when it is older than 10 minutes (or on demand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from auth.policy import sees_everyone
from auth.principal import Audience, Principal
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
from sources.store.allocations import WorkerLoad, workers_in_prison
from sources.store.caseload import CaseloadFilter, CaseloadRow, CaseloadSort, caseload_count
from sources.store.caseload import caseload_page as store_caseload_page
from sources.store.enums import Pathway, PathwayStatusCode
from sources.store.projection import ProjectionState, ensure_projection

PRISON_ID = re.compile(r"^[A-Z]{3}$")
MAX_PAGE_SIZE = 100
MAX_RELEASE_WITHIN_DAYS = 3650
MAX_SEARCH_LENGTH = 50
MAX_STAFF_ID_LENGTH = 40
LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Release dates are calendar days in England."""
    return datetime.now(LONDON).date()


def prison_in_scope(principal: Principal, prison_id: str) -> bool:
    """Prison staff see their caseload prisons; integrators with the read role see any prison."""
    match principal.audience:
        case Audience.PRISON_STAFF:
            return prison_id in principal.caseloads
        case Audience.INTEGRATOR:
            return sees_everyone(principal)
        case _:
            return False


async def visible_prison(ctx: RequestContext, raw_prison_id: str, *, refresh: bool = False) -> ProjectionState | None:
    """The prison's projection, fresh enough to use, or None when the caller may not see the prison."""
    prison_id = raw_prison_id.strip().upper()
    if not PRISON_ID.fullmatch(prison_id):
        raise BadUserInput("id must be a three-letter prison code, e.g. MDI", field="id")
    if not prison_in_scope(ctx.principal, prison_id):
        return None
    state = await ensure_projection(ctx.sources.database, ctx.sources.nomis, prison_id, force=refresh)
    if state.stale:
        ctx.stale_systems.add(ctx.sources.nomis.system)
    return state


def caseload_filter(prison_id: str, *, release_within_days: int | None, pathway: Pathway | None,
                    status: PathwayStatusCode | None, assigned_worker: str | None, unassigned: bool | None,
                    search: str | None) -> CaseloadFilter:
    """Validate the caseload's filters; a bad one is BAD_USER_INPUT naming the argument."""
    if release_within_days is not None and not 0 <= release_within_days <= MAX_RELEASE_WITHIN_DAYS:
        raise BadUserInput(f"releaseWithinDays must be between 0 and {MAX_RELEASE_WITHIN_DAYS}",
                           field="releaseWithinDays")
    if pathway is not None and status is None:
        raise BadUserInput("give a status to filter a pathway by", field="status")
    if assigned_worker is not None:
        assigned_worker = assigned_worker.strip()
        if not 0 < len(assigned_worker) <= MAX_STAFF_ID_LENGTH:
            raise BadUserInput(f"assignedWorker must be a staff id of 1 to {MAX_STAFF_ID_LENGTH} characters",
                               field="assignedWorker")
        if unassigned:
            raise BadUserInput("ask for an assigned worker or for unassigned people, not both", field="unassigned")
    if search is not None:
        if len(search) > MAX_SEARCH_LENGTH:
            raise BadUserInput(f"search must be at most {MAX_SEARCH_LENGTH} characters", field="search")
        search = search.strip() or None
    return CaseloadFilter(prison_id=prison_id, today=today(), release_within_days=release_within_days,
                          pathway=pathway, status=status, assigned_worker=assigned_worker, unassigned=unassigned,
                          search=search)


@dataclass(frozen=True, slots=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    offset: int
    has_next_page: bool


async def caseload_page(ctx: RequestContext, filters: CaseloadFilter, *, sort: CaseloadSort, descending: bool,
                        offset: int, first: int) -> CaseloadPage:
    """``first`` people after ``offset``; one row more is read to know whether another page follows."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE_SIZE}", field="first")
    async with ctx.sources.database.connection() as connection:
        rows = await store_caseload_page(session=connection, filters=filters, sort=sort, descending=descending,
                                         offset=offset, limit=first + 1)
    return CaseloadPage(rows=rows[:first], offset=offset, has_next_page=len(rows) > first)


async def caseload_total(ctx: RequestContext, filters: CaseloadFilter) -> int:
    async with ctx.sources.database.connection() as connection:
        return await caseload_count(session=connection, filters=filters)


async def prison_workers(ctx: RequestContext, prison_id: str) -> list[WorkerLoad]:
    """The prison's resettlement workers and their load, in one grouped query."""
    async with ctx.sources.database.session() as session:
        return await workers_in_prison(session=session, prison_id=prison_id)
