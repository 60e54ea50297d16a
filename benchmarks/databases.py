"""A Postgres database of the benchmark's own, made on the given server and dropped afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_dsn(url), timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def bench_database(server_url: str) -> Iterator[str]:
    """``postgresql+asyncpg://.../passport_bench_<pid>``, empty, on the server of ``server_url``."""
    if urlsplit(server_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the benchmark's database must be on this machine (127.0.0.1)")
    name = f"passport_bench_{os.getpid()}"
    base = server_url.rpartition("/")[0]
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def analyse(url: str) -> None:
    """``ANALYZE`` a Postgres benchmark database after its bulk load, as autovacuum would within a minute.

    Autovacuum can be off (it is on this project's shared server); a database measured with the statistics of
    empty tables gets nested-loop plans a production database would not, for the gateway and the floor alike.
    A no-op for SQLite.
    """
    if url.startswith("postgresql"):
        await _admin(url, "ANALYZE")
