"""The caseload: one prison's projection joined to our own data, filtered, sorted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import UnaryExpression
from sqlmodel import col

from sources.store.enums import COMPLETE_STATUSES, Pathway, PathwayStatusCode
from sources.store.models import CaseAllocation, PathwayStatus, PrisonPopulation

PP, PS, CA = PrisonPopulation, PathwayStatus, CaseAllocation
AnySelect = Select[*tuple[Any, ...]]


class CaseloadSort(StrEnum):
    """The caseload's sortable columns. The schema documents each one (schema/types/caseload_sort.py)."""

    NAME = "NAME"
    RELEASE_DATE = "RELEASE_DATE"
    RELEASE_ELIGIBILITY = "RELEASE_ELIGIBILITY"
    PATHWAY_PROGRESS = "PATHWAY_PROGRESS"
    WORKER = "WORKER"
    LAST_UPDATED = "LAST_UPDATED"


@dataclass(frozen=True, slots=True)
class CaseloadFilter:
    """Who to list. A release window is ``today <= release date < today + days``."""

    prison_id: str
    today: date
    release_within_days: int | None = None
    pathway: Pathway | None = None
    status: PathwayStatusCode | None = None
    assigned_worker: str | None = None
    unassigned: bool | None = None
    search: str | None = None


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    prisoner_number: str
    first_name: str
    last_name: str
    release_date: date | None
    home_detention_curfew_eligibility_date: date | None
    parole_eligibility_date: date | None
    cell_location: str | None
    staff_id: str | None
    staff_name: str | None
    staff_username: str | None


async def caseload_page(*, session: AsyncSession | AsyncConnection, filters: CaseloadFilter, sort: CaseloadSort,
                        descending: bool, offset: int, limit: int) -> list[CaseloadRow]:
    """One page of the caseload, in a stable order (ties broken by prisoner number), nulls last."""
    rows = await session.execute(_page_statement(_Shape.of(filters), sort, descending),
                                 {**_parameters(filters), "offset": offset, "limit": limit})
    return [CaseloadRow(*row) for row in rows.all()]


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a filter changes in the SQL, as opposed to the values it binds: the key of the built statements.

    A statement is built once per shape (lru_cache) and reused with new values, since a reused statement object
    remembers its compiled-SQL cache key: building and keying the caseload's statements cost more main-thread
    time than running them."""

    window: bool
    pathway: Pathway | None
    status: PathwayStatusCode | None
    worker: bool
    unassigned: bool | None
    terms: int

    @classmethod
    def of(cls, f: CaseloadFilter) -> _Shape:
        return cls(window=f.release_within_days is not None, pathway=f.pathway, status=f.status,
                   worker=f.assigned_worker is not None, unassigned=f.unassigned, terms=len(_terms(f)))


def _terms(f: CaseloadFilter) -> list[str]:
    return (f.search or "").split()


def _like(term: str) -> str:
    """A search term as a LIKE operand, its wildcards escaped (what ``autoescape=True`` does for a literal)."""
    return term.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _parameters(f: CaseloadFilter) -> dict[str, Any]:
    found: dict[str, Any] = {"prison_id": f.prison_id}
    if f.release_within_days is not None:
        found.update(today=f.today, end=f.today + timedelta(days=f.release_within_days))
    if f.assigned_worker is not None:
        found["worker"] = f.assigned_worker
    for i, term in enumerate(_terms(f)):
        found.update({f"name{i}": _like(term.lower()), f"number{i}": _like(term.upper())})
    return found


@lru_cache(maxsize=256)
def _page_statement(shape: _Shape, sort: CaseloadSort, descending: bool) -> AnySelect:
    columns = (PP.prisoner_number, PP.first_name, PP.last_name, PP.release_date,
               PP.home_detention_curfew_eligibility_date, PP.parole_eligibility_date, PP.cell_location,
               CA.staff_id, CA.staff_name, CA.staff_username)
    query, keys = _sort_keys(_from(select(*(col(c) for c in columns)), shape), sort)
    return (query.order_by(*_order(keys, descending), col(PP.prisoner_number))
            .offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer)))


def _sort_keys(query: AnySelect, sort: CaseloadSort) -> tuple[AnySelect, list[Any]]:
    """The query, joined to what the sort needs, and the sort keys (the prisoner number breaks ties)."""
    match sort:
        case CaseloadSort.NAME:
            return query, [PP.last_name, PP.first_name]
        case CaseloadSort.RELEASE_ELIGIBILITY:
            return query, [_earliest(PP.home_detention_curfew_eligibility_date, PP.parole_eligibility_date)]
        case CaseloadSort.WORKER:
            return query, [CA.staff_name, CA.staff_id]
        case CaseloadSort.PATHWAY_PROGRESS:
            complete = [code.value for code in COMPLETE_STATUSES]
            progress = (select(col(PS.prisoner_number),
                               func.sum(case((col(PS.status).in_(complete), 1), else_=0)).label("complete"),
                               func.sum(case((col(PS.status) != PathwayStatusCode.NOT_STARTED.value, 1), else_=0))
                               .label("started"))
                        .where(col(PS.prisoner_number).in_(_prison_numbers()))
                        .group_by(col(PS.prisoner_number)).subquery())
            query = query.outerjoin(progress, progress.c.prisoner_number == PP.prisoner_number)
            # Nothing recorded is zero of seven, not unknown: it sorts with the zeros, never after them.
            return query, [func.coalesce(progress.c.complete, 0), func.coalesce(progress.c.started, 0)]
        case CaseloadSort.LAST_UPDATED:
            latest = (select(col(PS.prisoner_number), func.max(PS.updated_at).label("last_updated"))
                      .where(col(PS.prisoner_number).in_(_prison_numbers()))
                      .group_by(col(PS.prisoner_number)).subquery())
            query = query.outerjoin(latest, latest.c.prisoner_number == PP.prisoner_number)
            return query, [latest.c.last_updated]
        case _:
            return query, [PP.release_date]


def _earliest(first: Any, second: Any) -> ColumnElement[date]:
    """The earlier of two nullable dates, ignoring a null (SQLite's min() and Postgres's LEAST disagree on nulls)."""
    return case((first.is_(None), second), (second.is_(None), first), (first <= second, first), else_=second)


async def caseload_count(*, session: AsyncSession | AsyncConnection, filters: CaseloadFilter) -> int:
    """How many people the filters match, over all pages."""
    return int((await session.execute(_count_statement(_Shape.of(filters)), _parameters(filters))).scalar_one())


@lru_cache(maxsize=256)
def _count_statement(shape: _Shape) -> AnySelect:
    return _from(select(func.count()), shape)


def _from(query: AnySelect, shape: _Shape) -> AnySelect:
    query = query.select_from(PP).outerjoin(
        CA, and_(col(CA.prisoner_number) == PP.prisoner_number, col(CA.unallocated_at).is_(None)))
    if shape.pathway is not None:
        query = query.outerjoin(PS, and_(col(PS.prisoner_number) == PP.prisoner_number,
                                         col(PS.pathway) == shape.pathway.value))
    return query.where(*_conditions(shape))


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    found = [col(PP.prison_id) == bindparam("prison_id")]
    if shape.window:
        found += [col(PP.release_date) >= bindparam("today"), col(PP.release_date) < bindparam("end")]
    if shape.status is not None:
        found.append(_status_condition(shape.pathway, shape.status))
    if shape.worker:
        found.append(col(CA.staff_id) == bindparam("worker"))
    if shape.unassigned is not None:
        found.append(col(CA.id).is_(None) if shape.unassigned else col(CA.id).is_not(None))
    for i in range(shape.terms):
        name = bindparam(f"name{i}", type_=String)
        found.append(or_(func.lower(PP.first_name).contains(name, escape="/"),
                         func.lower(PP.last_name).contains(name, escape="/"),
                         col(PP.prisoner_number).startswith(bindparam(f"number{i}", type_=String), escape="/")))
    return found


def _status_condition(pathway: Pathway | None, status: PathwayStatusCode) -> ColumnElement[bool]:
    """One pathway's status (no row means NOT_STARTED), or, with no pathway, any pathway's."""
    if pathway is not None:
        return func.coalesce(PS.status, PathwayStatusCode.NOT_STARTED.value) == status.value
    if status is not PathwayStatusCode.NOT_STARTED:
        return exists().where(col(PS.prisoner_number) == PP.prisoner_number, col(PS.status) == status.value)
    started = (select(func.count()).where(col(PS.prisoner_number) == PP.prisoner_number,
                                          col(PS.status) != PathwayStatusCode.NOT_STARTED.value)
               .scalar_subquery())
    return started < len(Pathway)


def _order(keys: list[Any], descending: bool) -> list[UnaryExpression[Any] | ColumnElement[Any]]:
    """Each key with its nulls last, whichever the direction (portable: no NULLS LAST syntax needed)."""
    order: list[UnaryExpression[Any] | ColumnElement[Any]] = []
    for key in keys:
        order.append(case((key.is_(None), 1), else_=0))
        order.append(key.desc() if descending else key.asc())
    return order


def _prison_numbers() -> Select[str]:
    return select(col(PP.prisoner_number)).where(col(PP.prison_id) == bindparam("prison_id"))


def latest_update(rows: list[PathwayStatus]) -> datetime | None:
    """When any of these pathway statuses last changed."""
    return max((row.updated_at for row in rows), default=None)

