"""Migrations run from empty, down to base and up again, and leave exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel

import sources.store.models  # noqa: F401 - registers the tables
from sources.store.db import Database

TABLES = {
    "pathway_status", "pathway_status_change", "leaver_account", "id_application", "bank_application",
    "bank_application_log", "case_allocation", "first_time_code", "todo_item", "licence_seen", "outbox",
    "access_log", "prison_population", "prison_projection_state",
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    database = Database(database_url)
    try:
        await database.migrate()
        async with database.engine.connect() as conn:
            assert await conn.run_sync(_tables) == TABLES
    finally:
        await database.dispose()


async def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    database = Database(database_url)
    try:
        await database.migrate()
        await database.downgrade("0001")
        async with database.engine.connect() as conn:
            assert await conn.run_sync(_tables) == {"pathway_status", "pathway_status_change", "leaver_account"}
        await database.downgrade("base")
        async with database.engine.connect() as conn:
            assert await conn.run_sync(_tables) == set()
        await database.migrate()
        async with database.engine.connect() as conn:
            assert await conn.run_sync(_tables) == TABLES
    finally:
        await database.dispose()


async def test_models_match_the_migrations(database: Database) -> None:
    async with database.engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
