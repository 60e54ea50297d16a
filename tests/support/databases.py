"""Real databases for tests: a fresh SQLite file per test, and a fresh Postgres schema when configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("PASSPORT_TEST_POSTGRES_URL")

DATABASE_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="PASSPORT_TEST_POSTGRES_URL is not set, so the Postgres variant is skipped")),
]


async def prepare_database(kind: str, tmp_path: Path) -> str:
    """An empty database of this kind; the caller migrates it."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'passport.db'}"
    assert POSTGRES_URL is not None
    import asyncpg

    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"Postgres at {POSTGRES_URL} is unreachable ({error.__class__.__name__}): variant skipped")
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
    return POSTGRES_URL
