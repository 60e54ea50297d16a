"""SQLAlchemy's aiosqlite adapter, with one trip to the connection's thread per statement instead of four.

aiosqlite runs each sqlite3 call on the connection's own thread, and SQLAlchemy's adapter makes four of them per
statement (open a cursor, execute, fetch, close), then one more to roll back when the connection goes back to the
pool. Each trip wakes a thread and waits for the event loop to hear back: on a caseload page, most of the
database's cost. Here a statement runs whole on that thread (cursor, execute, fetch every row, close) and comes
back once; a rollback or commit with no transaction open, which sqlite3 would skip anyway, is not sent at all.
The SQL, its parameters, the rows, and the errors raised are the same. ``Database`` uses it for SQLite URLs.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

# (description, rows or None, rowcount, lastrowid), as the statement's own cursor saw them
Outcome = tuple[Any, list[Any] | None, int, int | None]


def _statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """One statement on the connection's thread: what the adapter's four calls did, in one."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        return description, cursor.fetchall() if description else None, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds no aiosqlite cursor: each statement opens and closes its own on the thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:  # no trip to open a cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        return await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome: Outcome = await connection._execute(  # type: ignore[no-untyped-call]
                _statement, connection._conn, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        if rows is not None:
            self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        """Nothing to close early: every row is already here and the sqlite3 cursor is closed."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]

    def rollback(self) -> None:
        if not self._in_transaction():  # sqlite3 would do nothing, after a trip to the thread
            return
        super().rollback()

    def commit(self) -> None:
        if not self._in_transaction():
            return
        super().commit()

    def _in_transaction(self) -> bool:
        connection: sqlite3.Connection | None = self._connection._connection
        return connection is None or connection.in_transaction  # closed: let the adapter raise as before


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(url, module=OneTripDbapi())`` for a ``sqlite+aiosqlite`` URL."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)
