"""Pathway statuses, their history, and the case notes written with each change."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence

import strawberry

from auth.policy import FieldGroup
from schema.context import Info
from schema.permissions import requires
from schema.types.common import Pathway, PathwayStatusValue
from sources.store.enums import Pathway as PathwayCode
from sources.store.enums import PathwayStatusCode
from sources.store.models import PathwayStatus as PathwayStatusRow
from sources.store.models import PathwayStatusChange
from sources.store.pathways import StatusRow


@strawberry.type(description="One change of a pathway's status, kept for ever.")
class PathwayStatusHistoryEntry:
    from_status: PathwayStatusValue | None = strawberry.field(  # type: ignore[valid-type]
        description="The status before the change; null for the first record.")
    to_status: PathwayStatusValue = strawberry.field(description="The status after the change.")  # type: ignore[valid-type]
    changed_at: dt.datetime = strawberry.field(description="When it changed (UTC).")
    changed_by: str = strawberry.field(description="Who changed it (username).")
    version: int = strawberry.field(description="The status version this change produced.")

    @classmethod
    def from_row(cls, row: PathwayStatusChange) -> PathwayStatusHistoryEntry:
        return cls(from_status=PathwayStatusCode(row.from_status) if row.from_status else None,
                   to_status=PathwayStatusCode(row.to_status), changed_at=row.changed_at,
                   changed_by=row.changed_by, version=row.version)


def _updated_at(root: PathwayStatus) -> dt.datetime | None:
    return None if root.recorded is None else root.recorded.updated_at  # read from the row only when asked


@strawberry.type(description="The status of one resettlement pathway for one person.")
class PathwayStatus:
    prisoner_number: strawberry.Private[str]
    pathway: Pathway = strawberry.field(description="Which pathway.")  # type: ignore[valid-type]
    status: PathwayStatusValue = strawberry.field(  # type: ignore[valid-type]
        description="Where support stands; NOT_STARTED when nobody has recorded anything yet.")
    recorded: strawberry.Private[PathwayStatusRow | StatusRow | None]
    updated_at: dt.datetime | None = strawberry.field(resolver=_updated_at,
                                                      description="When the status last changed (UTC).")
    updated_by: str | None = strawberry.field(description="Who last changed it (username).",
                                              extensions=requires(FieldGroup.PATHWAY_HISTORY))
    version: int = strawberry.field(
        description="Optimistic-concurrency version; send it back when you change the status. 0: never set.")

    @strawberry.field(description="Every change of this pathway's status, newest first.",
                      extensions=requires(FieldGroup.PATHWAY_HISTORY))
    async def history(self, info: Info) -> list[PathwayStatusHistoryEntry]:
        rows = await info.context.loaders.pathway_history_by_prisoner_number.load(self.prisoner_number)
        wanted = PathwayCode(self.pathway).value
        return [PathwayStatusHistoryEntry.from_row(r) for r in rows if r.pathway == wanted]

    @classmethod
    def of(cls, prisoner_number: str, code: PathwayCode, row: PathwayStatusRow | StatusRow | None) -> PathwayStatus:
        if row is None:
            return cls(prisoner_number=prisoner_number, pathway=code, status=PathwayStatusCode.NOT_STARTED,
                       recorded=None, updated_by=None, version=0)
        status = _STATUS_CODES.get(row.status) or PathwayStatusCode(row.status)  # an unknown code fails as before
        return cls(prisoner_number=prisoner_number, pathway=code, status=status,
                   recorded=row, updated_by=row.updated_by, version=row.version)

    @classmethod
    def all_seven(cls, prisoner_number: str, rows: Sequence[PathwayStatusRow | StatusRow]) -> list[PathwayStatus]:
        """``of`` for each pathway, in order. Runs for every person of a page (1,400 statuses for 200 people), so
        each status is made from its attributes directly: the dataclass ``__init__`` cost half as much again. The
        attributes are those ``__init__`` sets (``tests/perf/test_all_seven.py`` compares the two)."""
        recorded = {row.pathway: row for row in rows}
        made = []
        for code, value in _PATHWAYS:
            row = recorded.get(value)
            status = object.__new__(cls)
            if row is None:
                status.__dict__ = {"prisoner_number": prisoner_number, "pathway": code, "status": _NOT_STARTED,
                                   "recorded": None, "updated_by": None, "version": 0}
            else:
                status.__dict__ = {"prisoner_number": prisoner_number, "pathway": code,
                                   "status": _STATUS_CODES.get(row.status) or PathwayStatusCode(row.status),
                                   "recorded": row, "updated_by": row.updated_by, "version": row.version}
            made.append(status)
        return made


# Looked up once: enum iteration, ``.value`` and ``Enum(value)`` are slow next to a dict, and all_seven runs
# seven times per person on every page of people.
_PATHWAYS = tuple((code, code.value) for code in PathwayCode)
_STATUS_CODES = {code.value: code for code in PathwayStatusCode}
_NOT_STARTED = PathwayStatusCode.NOT_STARTED


@strawberry.type(description="A case note written when a pathway's status was recorded.")
class CaseNote:
    id: strawberry.ID = strawberry.field(description="Our id for the note.")
    pathway: Pathway = strawberry.field(description="The pathway it is about.")  # type: ignore[valid-type]
    text: str = strawberry.field(description="What was written.")
    status: PathwayStatusValue = strawberry.field(  # type: ignore[valid-type]
        description="The status recorded with the note.")
    created_at: dt.datetime = strawberry.field(description="When it was written (UTC).")
    created_by: str = strawberry.field(description="Who wrote it (username).")

    @classmethod
    def from_row(cls, row: PathwayStatusChange) -> CaseNote:
        return cls(id=strawberry.ID(str(row.id)), pathway=PathwayCode(row.pathway), text=row.case_note or "",
                   status=PathwayStatusCode(row.to_status), created_at=row.changed_at, created_by=row.changed_by)


@strawberry.type(description="A page of case notes, newest first.")
class CaseNotePage:
    total_count: int = strawberry.field(description="How many notes match, over all pages.")
    notes: list[CaseNote] = strawberry.field(description="This page's notes.")
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page; null at the end.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("not a cursor from this API") from error
    if kind != "o" or offset < 0:
        raise ValueError("not a cursor from this API")
    return offset
