"""The access log's writer: which field groups of which person a staff member or integrator read.

``Requires`` calls ``note_read`` after a guarded field resolved. A field on a Person-like source (see
``PERSON_ATTRIBUTES``) names its person directly; a field further down (a staff contact's email) is attributed to the
nearest Person above it in the result path. ``AccessLog`` then hands one row per person, once, at the end of
the operation, to the app's ``AccessLogBuffer`` (sources/store/access_log_buffer.py), which writes the rows of
many requests together within ``ACCESS_LOG_FLUSH_SECONDS``; with 0, each request's rows are written once its
answer has been sent (the commit waits for the disk, the reader need not), still before the request is done.
Leavers are never logged: they can only ever read themselves. A failed write never fails the response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from auth.principal import Audience
from sources.store.access_log import AccessLogRow
from sources.store.access_log_buffer import AccessLogBuffer
from sources.store.models import utc_now

LOGGED_AUDIENCES = frozenset({Audience.PRISON_STAFF, Audience.PROBATION_STAFF, Audience.INTEGRATOR})

PathKey = Path  # a field's place in the result: graphql-core's linked (prev, key, typename) tuple


@dataclass(slots=True)
class _Placed:
    """Per operation: where each Person sits in the result, so nested fields can be attributed to their person,
    and the last Person field's (source, parent path, prisoner number), which its sibling fields share. Also the
    context last noted for and its reads (None: not logged), found once rather than for each of 2,000 fields."""

    paths: dict[PathKey, str] = field(default_factory=dict)
    last: tuple[Any, PathKey | None, str] | None = None
    context: Any = None
    reads: dict[str, set[str]] | None = None


_placed: ContextVar[_Placed | None] = ContextVar("person_paths", default=None)


def note_read(info: Info[Any, Any], source: Any, group: str) -> None:
    """Record that field group ``group`` (its value) of the person behind ``source`` was resolved for the caller."""
    note_read_at(info.context, info.path.prev, source, group)


def note_read_at(context: Any, parent: PathKey | None, source: Any, group: str) -> None:
    """``note_read`` for a field whose parent's place in the result is ``parent``."""
    placed = _placed.get()
    if placed is not None and placed.context is context:
        reads = placed.reads
    else:
        reads = _logged_reads(context)
        if placed is not None:
            placed.context, placed.reads = context, reads
    if reads is None:
        return
    # graphql-core's Path is a linked tuple: hashing it walks the few links in C, where building a list of
    # keys per field cost a noticeable share of a 200-person query.
    last = None if placed is None else placed.last
    if last is not None and last[0] is source and last[1] is parent:
        number: str | None = last[2]  # another field of the Person just placed: same source, same place
    else:
        number = _person_of(source)
        if number is not None:
            if placed is not None:
                if parent is not None:
                    placed.paths[parent] = number
                placed.last = (source, parent, number)
        elif placed is not None:
            while parent is not None:  # the nearest Person above this field
                number = placed.paths.get(parent)
                if number is not None:
                    break
                parent = parent.prev
    if number is not None:
        groups = reads.get(number)
        if groups is None:
            reads[number] = groups = set()
        groups.add(group)


def _logged_reads(context: Any) -> dict[str, set[str]] | None:
    """Where this context keeps its reads, when its principal's reads are logged; else None."""
    reads: dict[str, set[str]] | None = getattr(context, "field_groups_read", None)
    principal = getattr(context, "principal", None)
    if reads is None or getattr(principal, "audience", None) not in LOGGED_AUDIENCES:
        return None
    return reads


# A source stands for a person when one of these carries a prisoner number: Person's NOMIS record, or the
# prison projection's row behind a caseload entry.
PERSON_ATTRIBUTES = ("prisoner", "row")


def _person_of(source: Any) -> str | None:
    for attribute in PERSON_ATTRIBUTES:
        number = getattr(getattr(source, attribute, None), "prisoner_number", None)
        if isinstance(number, str):
            return number
    return None


def entries_for(context: Any) -> list[AccessLogRow]:
    principal = context.principal
    name, audience, correlation_id = principal.log_name, principal.audience.value, context.correlation_id
    return [AccessLogRow(at=utc_now(), principal=name, audience=audience, prisoner_number=number,
                         field_groups=sorted(groups), correlation_id=correlation_id)
            for number, groups in sorted(context.field_groups_read.items()) if groups]


class AccessLog(SchemaExtension):
    """Hands the operation's reads to the access log's buffer once, after it has run."""

    async def on_operation(self) -> AsyncIterator[None]:
        placed = _Placed()
        token = _placed.set(placed)
        try:
            yield
        finally:
            _placed.reset(token)
            # Tasks started during the operation keep a copy of its context variables, this one included, and some
            # outlive it (a pooled connection's): emptied, it no longer holds the request's context and data.
            placed.paths.clear()
            placed.last = placed.context = placed.reads = None
        context = self.execution_context.context
        if getattr(getattr(context, "principal", None), "audience", None) not in LOGGED_AUDIENCES:
            return
        entries = entries_for(context) if getattr(context, "field_groups_read", None) else []
        if not entries:
            return
        buffer: AccessLogBuffer = context.sources.access_log
        buffer.add(entries)  # written with other requests' rows, soon (sources/store/access_log_buffer.py)
        if not buffer.immediate:
            return
        after_response: list[Callable[[], Awaitable[None]]] | None = getattr(context, "after_response", None)
        if after_response is None:
            await buffer.flush()
        else:  # the HTTP view writes it once the answer is sent (gateway/graphql_view.py)
            after_response.append(buffer.flush)
