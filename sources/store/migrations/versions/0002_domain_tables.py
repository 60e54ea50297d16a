"""Domain tables: applications, case allocation, first-time codes, to-dos, licence seen, outbox, access log.

Hand-written to run the same on SQLite and Postgres. Timestamps are timezone-aware; enum codes are
plain strings, so a new code needs no DDL. The access log refuses UPDATE and DELETE in the database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("unallocated_at IS NULL")


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column[object]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _prisoner_number(unique: bool = False) -> sa.Column[object]:
    return sa.Column("prisoner_number", sa.String(7), nullable=False, unique=unique)


def upgrade() -> None:
    op.create_index("ix_pathway_status_status", "pathway_status", ["status"])
    op.create_index("ix_pathway_status_updated_at", "pathway_status", ["updated_at"])
    _applications()
    op.create_table(
        "case_allocation", _id(), _prisoner_number(),
        sa.Column("staff_id", sa.String(40), nullable=False),
        sa.Column("staff_username", sa.String(100), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        _at("allocated_at"), sa.Column("allocated_by", sa.String(100), nullable=False),
        _at("unallocated_at", nullable=True), sa.Column("unallocated_by", sa.String(100), nullable=True),
    )
    op.create_index("uq_case_allocation_active", "case_allocation", ["prisoner_number"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index("ix_case_allocation_person", "case_allocation", ["prisoner_number", "allocated_at"])
    op.create_index("ix_case_allocation_staff_active", "case_allocation", ["staff_id"],
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    _leaver_tables()
    _operations()


def _applications() -> None:
    op.create_table(
        "id_application", _id(), _prisoner_number(),
        sa.Column("document_type", sa.String(40), nullable=False),
        sa.Column("application_submitted_date", sa.Date(), nullable=False),
        sa.Column("is_priority_application", sa.Boolean(), nullable=False),
        sa.Column("cost_of_application", sa.Numeric(10, 2), nullable=False),
        sa.Column("refund_amount", sa.Numeric(10, 2), nullable=True),
        sa.Column("have_gro", sa.Boolean(), nullable=True),
        sa.Column("is_uk_national_born_overseas", sa.Boolean(), nullable=True),
        sa.Column("country_of_birth", sa.String(100), nullable=True),
        sa.Column("case_number", sa.String(50), nullable=True),
        sa.Column("court_details", sa.String(500), nullable=True),
        sa.Column("drivers_licence_type", sa.String(50), nullable=True),
        sa.Column("drivers_licence_application_made_at", sa.String(50), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        _at("status_updated_at", nullable=True),
        sa.Column("date_is_received", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at("created_at"),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_id_application_person", "id_application", ["prisoner_number", "created_at"])
    op.create_table(
        "bank_application", _id(), _prisoner_number(),
        sa.Column("bank_name", sa.String(100), nullable=False),
        sa.Column("application_submitted_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at("created_at"),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_bank_application_person", "bank_application", ["prisoner_number", "created_at"])
    op.create_table(
        "bank_application_log", _id(),
        sa.Column("bank_application_id", sa.Integer(),
                  sa.ForeignKey("bank_application.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        _at("changed_at"),
        sa.Column("changed_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_bank_application_log_bank_application_id", "bank_application_log", ["bank_application_id"])


def _leaver_tables() -> None:
    op.create_table(
        "first_time_code", _id(), _prisoner_number(),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        _at("created_at"), _at("expires_at"), _at("used_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("locked_until", nullable=True),
    )
    op.create_index("ix_first_time_code_prisoner_number", "first_time_code", ["prisoner_number"])
    op.create_index("ix_first_time_code_code_hash", "first_time_code", ["code_hash"])
    op.create_table(
        "todo_item", _id(), _prisoner_number(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("notes", sa.String(2000), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        _at("completed_at", nullable=True), _at("created_at"), _at("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_todo_item_person", "todo_item", ["prisoner_number", "created_at"])
    op.create_table(
        "licence_seen", _id(), _prisoner_number(unique=True),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("licence_version", sa.Integer(), nullable=False),
        _at("seen_at"),
    )


def _operations() -> None:
    op.create_table(
        "outbox", _id(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("system", sa.String(20), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        sa.Column("last_error", sa.String(300), nullable=True),
        _at("created_at"), _at("delivered_at", nullable=True), _at("locked_until", nullable=True),
        sa.Column("locked_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_outbox_status_next_attempt", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "access_log", _id(), _at("at"),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.Column("audience", sa.String(30), nullable=False),
        _prisoner_number(),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("correlation_id", sa.String(100), nullable=True),
    )
    op.create_index("ix_access_log_prisoner_number", "access_log", ["prisoner_number", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    _refuse_access_log_changes()


def _refuse_access_log_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$")
        op.execute("CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
                   "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER access_log_no_{action.lower()} BEFORE {action} ON access_log "
                   "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_log_append_only ON access_log")
        op.execute("DROP FUNCTION IF EXISTS access_log_append_only()")
    for table in ("access_log", "outbox", "licence_seen", "todo_item", "first_time_code", "case_allocation",
                  "bank_application_log", "bank_application", "id_application"):
        op.drop_table(table)
    op.drop_index("ix_pathway_status_updated_at", table_name="pathway_status")
    op.drop_index("ix_pathway_status_status", table_name="pathway_status")
