"""Settings every connection of the gateway's engine carries."""

from __future__ import annotations

import json

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
