"""A prison: its caseload (a connection over everyone NOMIS holds there) and its dashboard."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Annotated

import strawberry

from auth.policy import FieldGroup
from resolvers import caseload as caseloads
from resolvers.dashboard import prison_dashboard
from resolvers.errors import BadUserInput
from resolvers.person import visible_prisoner
from resolvers.person_prefetch import now_or_later
from schema.context import Info
from schema.permissions import Public, requires
from schema.types.caseload import CaseloadSort, LoadAhead, PrisonWorker
from schema.types.common import Pathway, PathwayStatusValue
from schema.types.pathway import PathwayStatus, decode_cursor, encode_cursor
from schema.types.person import Person, Soon
from schema.types.staff import ResettlementWorker
from sources.store.caseload import CaseloadFilter, CaseloadRow
from sources.store.dashboard import DashboardCounts
from sources.store.dashboard import ReleaseWindow as ReleaseWindowCode
from sources.store.enums import Pathway as PathwayCode
from sources.store.enums import PathwayStatusCode
from sources.store.pathways import StatusRow
from sources.store.projection import ProjectionState

ReleaseWindow = strawberry.enum(ReleaseWindowCode, description="Release dates from today up to, not including, "
                                "12 weeks or 24 weeks from today, or any date from today on.")
FRIDAY = 4


def _latest(rows: Sequence[StatusRow]) -> dt.datetime | None:
    return max((row.updated_at for row in rows), default=None)  # latest_update's rule, over plain rows


def arg(description: str) -> object:
    return strawberry.argument(description=description)


@strawberry.type(description="One person on a prison's caseload, from the prison projection and our own data.")
class CaseloadEntry:
    row: strawberry.Private[CaseloadRow]

    @strawberry.field(description="NOMIS prisoner number, e.g. A1234BC.", extensions=requires(FieldGroup.IDENTITY))
    def prisoner_number(self) -> strawberry.ID:
        return strawberry.ID(self.row.prisoner_number)

    @strawberry.field(description="First name, from NOMIS.", extensions=requires(FieldGroup.IDENTITY))
    def first_name(self) -> str:
        return self.row.first_name

    @strawberry.field(description="Last name, from NOMIS.", extensions=requires(FieldGroup.IDENTITY))
    def last_name(self) -> str:
        return self.row.last_name

    @strawberry.field(description="The release date to show (the display rule of the person's releaseDate).",
                      extensions=requires(FieldGroup.RELEASE_DATE))
    def release_date(self) -> dt.date | None:
        return self.row.release_date

    @strawberry.field(description="The earliest of the home detention curfew eligibility date (HDCED) and the "
                      "parole eligibility date (PED); null when neither is set.",
                      extensions=requires(FieldGroup.RELEASE_DATES))
    def release_eligibility_date(self) -> dt.date | None:
        dates = [d for d in (self.row.home_detention_curfew_eligibility_date, self.row.parole_eligibility_date) if d]
        return min(dates, default=None)

    @strawberry.field(description="True when the release date falls on a Friday (support is harder to arrange).",
                      extensions=requires(FieldGroup.RELEASE_DATE))
    def is_release_on_friday(self) -> bool:
        return self.row.release_date is not None and self.row.release_date.weekday() == FRIDAY

    @strawberry.field(description="Cell location within the prison.", extensions=requires(FieldGroup.CUSTODY))
    def cell_location(self) -> str | None:
        return self.row.cell_location

    @strawberry.field(description="All seven pathways with their status; NOT_STARTED where nothing is recorded.",
                      extensions=requires(FieldGroup.PATHWAY_STATUS), graphql_type=list[PathwayStatus])
    def pathways(self, info: Info) -> Soon[list[PathwayStatus]]:
        number = self.row.prisoner_number  # loaded for the whole page ahead (LoadAhead), else awaited
        return now_or_later(info.context.loaders.pathway_statuses_by_prisoner_number.load(number),
                            partial(PathwayStatus.all_seven, number))

    @strawberry.field(description="When any pathway status last changed; null when none was ever recorded.",
                      extensions=requires(FieldGroup.PATHWAY_STATUS), graphql_type=dt.datetime | None)
    def last_updated(self, info: Info) -> Soon[dt.datetime | None]:
        return now_or_later(info.context.loaders.pathway_statuses_by_prisoner_number.load(self.row.prisoner_number),
                            _latest)

    @strawberry.field(description="The resettlement worker assigned in this service; null when unassigned.",
                      extensions=requires(FieldGroup.STAFF_CONTACTS))
    def assigned_worker(self) -> ResettlementWorker | None:
        row = self.row
        if row.staff_id is None:
            return None
        return ResettlementWorker(staff_id=row.staff_id, name=row.staff_name or "", username=row.staff_username or "")

    @strawberry.field(description="The whole person, from every system (batched across the page). Null when "
                      "they have left your scope since the projection was refreshed.", extensions=[Public()])
    async def person(self, info: Info) -> Person | None:
        prisoner = await visible_prisoner(info.context, self.row.prisoner_number)
        return None if prisoner is None else Person(prisoner=prisoner)


@strawberry.type(description="One person in a caseload page, with the cursor that points at them.")
class CaseloadEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the people after this one.")
    node: CaseloadEntry = strawberry.field(description="The person.")


@strawberry.type(description="Where a page sits in the whole list.")
class CaseloadPageInfo:
    has_next_page: bool = strawberry.field(description="True when more people follow this page.")
    end_cursor: str | None = strawberry.field(description="The last edge's cursor; null on an empty page.")


@strawberry.type(description="A page of a prison's caseload, filtered and sorted in the database.")
class CaseloadConnection:
    filters: strawberry.Private[CaseloadFilter]
    counting: strawberry.Private[asyncio.Future[int] | None]
    edges: list[CaseloadEdge] = strawberry.field(description="The people on this page, in order.")
    page_info: CaseloadPageInfo = strawberry.field(description="Whether more pages follow, and where to resume.")

    @strawberry.field(description="How many people match the filters, over all pages.")
    async def total_count(self, info: Info) -> int:
        if self.counting is not None:  # started beside the page's own query (LoadAhead)
            return await self.counting
        return await caseloads.caseload_total(info.context, self.filters)


@strawberry.type(description="How many people are in one status of one pathway.")
class StatusCount:
    status: PathwayStatusValue = strawberry.field(description="The status.")  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many people; those with nothing recorded are NOT_STARTED.")


@strawberry.type(description="One pathway's progress among the people of a release window.")
class PathwayProgress:
    pathway: Pathway = strawberry.field(description="The pathway.")  # type: ignore[valid-type]
    statuses: list[StatusCount] = strawberry.field(description="Every status, in order, zeros included.")
    complete: int = strawberry.field(description="People whose status counts as complete (SUPPORT_NOT_REQUIRED, "
                                     "SUPPORT_DECLINED or DONE).")
    share_complete: float = strawberry.field(description="complete / people, from 0 to 1; 0 when nobody is due.")


@strawberry.type(description="Pathway progress among the people due for release in one window.")
class ReleaseWindowSummary:
    window: ReleaseWindow = strawberry.field(description="The release window.")  # type: ignore[valid-type]
    people: int = strawberry.field(description="How many people are due for release in the window.")
    pathways: list[PathwayProgress] = strawberry.field(description="The seven pathways, in order.")


@strawberry.type(description="A pathway where many people near release have not started.")
class HotSpot:
    pathway: Pathway = strawberry.field(description="The pathway.")  # type: ignore[valid-type]
    not_started: int = strawberry.field(description="People due for release within 12 weeks still NOT_STARTED.")


@strawberry.type(description="A prison leader's view of resettlement progress, counted over the prison projection.")
class PrisonDashboard:
    total_people: int = strawberry.field(description="Everyone NOMIS holds in the prison, whatever their dates.")
    refreshed_at: dt.datetime = strawberry.field(description="When the population was read from NOMIS (UTC).")
    windows: list[ReleaseWindowSummary] = strawberry.field(
        description="Counts by pathway and status in each release window: 12 weeks, 24 weeks, all future.")
    hot_spots: list[HotSpot] = strawberry.field(
        description="At most three pathways with most people due within 12 weeks still NOT_STARTED, most first.")

    @classmethod
    def from_counts(cls, counts: DashboardCounts, *, refreshed_at: dt.datetime) -> PrisonDashboard:
        return cls(total_people=counts.total_people, refreshed_at=refreshed_at, windows=windows_of(counts),
                   hot_spots=hot_spots_of(counts))


def windows_of(counts: DashboardCounts) -> list[ReleaseWindowSummary]:
    """Every release window by pathway by status, as a prison's or the national dashboard shows them."""
    return [ReleaseWindowSummary(window=w, people=counts.people[w], pathways=[
        PathwayProgress(pathway=p, complete=counts.complete(w, p), share_complete=counts.share_complete(w, p),
                        statuses=[StatusCount(status=s, count=counts.count(w, p, s)) for s in PathwayStatusCode])
        for p in PathwayCode]) for w in ReleaseWindowCode]


def hot_spots_of(counts: DashboardCounts) -> list[HotSpot]:
    return [HotSpot(pathway=p, not_started=n) for p, n in counts.hot_spots()]


@strawberry.type(description="A prison, with its caseload and dashboard over the population NOMIS holds there.")
class Prison:
    state: strawberry.Private[ProjectionState]

    @strawberry.field(description="Three-letter prison code, e.g. MDI.", extensions=[Public()])
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.state.prison_id)

    @strawberry.field(description="When the population was last read from NOMIS (UTC). It is read again when "
                      "older than 10 minutes, or on `prison(refresh: true)`.", extensions=[Public()])
    def refreshed_at(self) -> dt.datetime:
        return self.state.refreshed_at

    @strawberry.field(description="How many people NOMIS holds in the prison.", extensions=[Public()])
    def population(self) -> int:
        return self.state.people

    @strawberry.field(
        description="The people held in the prison, a page at a time. Filters combine with AND. A release window "
        "of N days means from today up to, not including, today + N. `search` matches names and prisoner numbers.",
        extensions=requires(FieldGroup.IDENTITY))
    async def caseload(
        self, info: Info,
        first: Annotated[int, arg(f"Page size, 1 to {caseloads.MAX_PAGE_SIZE}.")] = 20,
        after: Annotated[str | None, arg("The cursor to continue after (an edge's cursor).")] = None,
        release_within_days: Annotated[int | None, arg(
            f"Only people due for release in this many days, 0 to {caseloads.MAX_RELEASE_WITHIN_DAYS}.")] = None,
        pathway: Annotated[Pathway | None, arg("With `status`: only people whose status "  # type: ignore[valid-type]
                                               "on this pathway is `status`.")] = None,
        status: Annotated[PathwayStatusValue | None, arg(  # type: ignore[valid-type]
            "Only people with this status (on `pathway`, or else on any pathway).")] = None,
        assigned_worker: Annotated[str | None, arg("Only people assigned to this worker (staff id).")] = None,
        unassigned: Annotated[bool | None, arg("True: only people with no worker; false: only those with one.")]
        = None,
        search: Annotated[str | None, arg(f"Words matching a name, or the start of a prisoner number "
                                          f"(at most {caseloads.MAX_SEARCH_LENGTH} characters).")] = None,
        sort: Annotated[CaseloadSort, arg("The order.")] = CaseloadSort.RELEASE_DATE,
        descending: Annotated[bool, arg("Reverse the order (nulls still last).")] = False,
    ) -> CaseloadConnection | None:
        filters = caseloads.caseload_filter(
            self.state.prison_id, release_within_days=release_within_days,
            pathway=PathwayCode(pathway) if pathway else None, status=PathwayStatusCode(status) if status else None,
            assigned_worker=assigned_worker, unassigned=unassigned, search=search)
        try:
            offset = decode_cursor(after)
        except ValueError as error:
            raise BadUserInput("after is not a cursor from this caseload", field="after") from error
        ahead = LoadAhead.of(info)
        counting = ahead.start_count(info, filters)
        try:
            page = await caseloads.caseload_page(info.context, filters, sort=sort.code,
                                                 descending=descending, offset=offset, first=first)
        except BaseException:
            if counting is not None:
                counting.cancel()
            raise
        await ahead.rows(info, page.rows)
        edges = [CaseloadEdge(cursor=encode_cursor(page.offset + i + 1), node=CaseloadEntry(row=row))
                 for i, row in enumerate(page.rows)]
        return CaseloadConnection(filters=filters, counting=counting, edges=edges, page_info=CaseloadPageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="The prison's resettlement workers (everyone who holds or has held an "
                      "allocation for someone held here), by name, each with how many people here they are "
                      "assigned now.", extensions=requires(FieldGroup.STAFF_CONTACTS))
    async def workers(self, info: Info) -> list[PrisonWorker] | None:
        loads = await caseloads.prison_workers(info.context, self.state.prison_id)
        return [PrisonWorker(load=load) for load in loads]

    @strawberry.field(description="Pathway progress by release window, and the hot spots. Prison leaders only.",
                      extensions=requires(FieldGroup.DASHBOARD))
    async def dashboard(self, info: Info) -> PrisonDashboard | None:
        counts = await prison_dashboard(info.context, self.state.prison_id)
        return PrisonDashboard.from_counts(counts, refreshed_at=self.state.refreshed_at)
