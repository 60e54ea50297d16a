"""The database engine and migrations. SQLite (aiosqlite) by default, Postgres (asyncpg) in production."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from sources.store.sqlite_driver import OneTripDbapi

MIGRATIONS = Path(__file__).parent / "migrations"
POSTGRES_SERVER_SETTINGS = {"jit": "off"}
"""Set on every Postgres connection. JIT compilation pays off only for long analytical queries; ours are short,
and the national dashboard's GROUP BY, planned from statistics that lag a bulk projection refresh, was
estimated at millions of rows and spent more time compiling (0.5 to 1.7 s) than executing."""


class Database:
    """One async engine for the life of the app, and sessions from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            _ensure_sqlite_folder(url)
            _ensure_wal(url)
        postgres = url.startswith("postgresql+asyncpg")
        # aiosqlite: one trip to the connection's thread per statement (sources/store/sqlite_driver.py)
        driver = {"module": OneTripDbapi()} if url.startswith("sqlite+aiosqlite") else {}
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=not url.startswith("sqlite"), json_serializer=_json_text,
            connect_args={"server_settings": POSTGRES_SERVER_SETTINGS} if postgres else {}, **driver)
        if url.startswith("sqlite"):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection for reads that select columns, not ORM objects: an ORM session's result
        processing cost more than the query itself on a 200-person page."""
        async with self.engine.connect() as connection:
            yield connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection in a transaction, committed on leaving and rolled back on an error: for writing
        rows that need no ORM object (the access log, written after every read of people's data)."""
        async with self.engine.begin() as connection:
            yield connection

    async def ping(self) -> bool:
        from sqlalchemy import text

        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def migrate(self, revision: str = "head") -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_migrations, "upgrade", revision)

    async def downgrade(self, revision: str = "base") -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_migrations, "downgrade", revision)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _run_migrations(connection: Connection, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    if direction == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


def _json_text(value: object) -> str:
    """JSON columns (the access log's field groups, 200 rows a page) written by orjson: the stdlib encoder was a
    visible share of the insert. The text is compact (no spaces); reading it back gives the same values."""
    return orjson.dumps(value).decode()


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _ensure_wal(url: str) -> None:
    """Switch the file to WAL once, before any pooled connection exists. WAL is kept in the file; switching
    needs the database to itself, so two connections switching at once (the app's and a script's, or two of
    the pool's) failed with "database is locked"."""
    path = url.split(":///", 1)[-1]
    if not path or path == ":memory:":
        return
    with closing(sqlite3.connect(path, timeout=5)) as connection:
        if str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
