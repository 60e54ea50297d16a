"""Settings every connection of the gateway's engine carries."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import text

from sources.store.db import Database


async def test_postgres_queries_are_never_jit_compiled(database: Database) -> None:
    """A national dashboard planned from lagging statistics was estimated at millions of rows and spent up to
    1.7 s compiling before it ran: the engine switches JIT off, even where a query would cross the threshold."""
    if not database.url.startswith("postgresql"):
        pytest.skip("JIT is a Postgres setting")
    async with database.connection() as connection:
        assert (await connection.execute(text("SHOW jit"))).scalar_one() == "off"
        await connection.execute(text("SET jit_above_cost = 0"))
        plan = (await connection.execute(text(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM generate_series(1, 1000) AS n WHERE n % 7 = 0"
        ))).scalar_one()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    assert "JIT" not in plan[0]


async def test_a_sqlite_file_is_in_wal_mode_before_its_first_connection(tmp_path) -> None:
    """A copied database file arrives in rollback-journal mode. When the gateway's first connections and a
    script's both tried to switch it to WAL at once, one failed with "database is locked"; the switch now
    happens once, when the engine is made, and readers and the writer stop blocking each other from the start."""
    path = tmp_path / "copied.db"
    with closing(sqlite3.connect(path)) as plain:
        plain.execute("CREATE TABLE t (x INTEGER)")
        plain.commit()
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        with closing(sqlite3.connect(path)) as plain:
            assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            plain.execute("BEGIN")
            plain.execute("SELECT * FROM t").fetchall()  # a reader holding the file open
            async with database.transaction() as connection:
                await connection.execute(text("INSERT INTO t VALUES (1)"))
            plain.execute("COMMIT")
        async with database.connection() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
    finally:
        await database.dispose()
