"""Real databases for tests: a fresh SQLite file per test, and a fresh Postgres schema when configured."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("PASSPORT_TEST_POSTGRES_URL")

DATABASE_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="PASSPORT_TEST_POSTGRES_URL is not set, so the Postgres variant is skipped")),
]


async def prepare_database(kind: str, tmp_path: Path) -> str:
    """An empty database of this kind; the caller migrates it.

    Postgres runs get a database of their own (named after the process), so two test runs on one server,
    say a developer's and CI's, never drop each other's tables.
    """
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'passport.db'}"
    assert POSTGRES_URL is not None
    import asyncpg

    base, _, _ = POSTGRES_URL.rpartition("/")
    own_url = f"{base}/{OWN_DATABASE}"
    try:
        admin = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"Postgres at {POSTGRES_URL} is unreachable ({error.__class__.__name__}): variant skipped")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", OWN_DATABASE):
            await admin.execute(f'CREATE DATABASE "{OWN_DATABASE}"')
            atexit.register(_drop_database, OWN_DATABASE)
    finally:
        await admin.close()
    conn = await asyncpg.connect(_dsn(own_url), timeout=3)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
    return own_url


OWN_DATABASE = f"passport_test_{os.getpid()}"


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


# A seeded database is built once per run and copied for each test: seeding 4,000 people takes seconds,
# copying a file or cloning a Postgres template takes milliseconds.
_TEMPLATES: dict[str, str] = {}


async def seeded_copy(database_url: str, population: object, tmp_path: Path) -> None:
    """Make ``database_url`` (empty, from ``prepare_database``) a copy of a once-seeded database."""
    if database_url.startswith("sqlite"):
        template = await _sqlite_template(population, tmp_path)
        target = Path(database_url.split(":///", 1)[1])
        shutil.copyfile(template, target)
        return
    import asyncpg

    template = await _postgres_template(population)
    admin = await asyncpg.connect(_dsn(POSTGRES_URL or ""), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{OWN_DATABASE}" TEMPLATE "{template}"')
    finally:
        await admin.close()


async def _seed(url: str, population: object) -> None:
    from fixtures.seed import seed_database
    from sources.store.db import Database

    database = Database(url)
    try:
        await seed_database(database, population)  # type: ignore[arg-type]
    finally:
        await database.dispose()


async def _sqlite_template(population: object, tmp_path: Path) -> Path:
    if "sqlite" not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="passport-template-"))
        url = f"sqlite+aiosqlite:///{folder / 'template.db'}"
        await _seed(url, population)
        import sqlite3

        with sqlite3.connect(folder / "template.db") as conn:  # fold the WAL into the file before copying
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        _TEMPLATES["sqlite"] = str(folder / "template.db")
        atexit.register(shutil.rmtree, folder, True)
    return Path(_TEMPLATES["sqlite"])


async def _postgres_template(population: object) -> str:
    if "postgres" not in _TEMPLATES:
        import asyncpg

        name = f"{OWN_DATABASE}_template"
        admin = await asyncpg.connect(_dsn(POSTGRES_URL or ""), timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        base, _, _ = (POSTGRES_URL or "").rpartition("/")
        await _seed(f"{base}/{name}", population)
        _TEMPLATES["postgres"] = name
        atexit.register(_drop_database, name)
    return _TEMPLATES["postgres"]


def _drop_database(name: str) -> None:
    import asyncio

    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(_dsn(POSTGRES_URL or ""), timeout=3)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    try:
        asyncio.run(drop())
    except Exception:  # best effort at exit; a leftover test database is harmless
        pass
