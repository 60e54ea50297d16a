"""A migrated, empty database per test, on SQLite and (when configured) Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from sources.store.db import Database

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()
