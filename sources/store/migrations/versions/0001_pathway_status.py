"""Pathway status with history, and leaver accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pathway_status",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prisoner_number", sa.String(7), nullable=False),
        sa.Column("pathway", sa.String(40), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("prisoner_number", "pathway", name="uq_pathway_status_person_pathway"),
    )
    op.create_index("ix_pathway_status_prisoner_number", "pathway_status", ["prisoner_number"])
    op.create_index("ix_pathway_status_pathway_status", "pathway_status", ["pathway", "status"])
    op.create_table(
        "pathway_status_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prisoner_number", sa.String(7), nullable=False),
        sa.Column("pathway", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("case_note", sa.String(4000), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_pathway_status_change_person", "pathway_status_change", ["prisoner_number", "pathway", "changed_at"]
    )
    op.create_table(
        "leaver_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("one_login_subject", sa.String(200), nullable=False, unique=True),
        sa.Column("prisoner_number", sa.String(7), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_leaver_account_prisoner_number", "leaver_account", ["prisoner_number"])


def downgrade() -> None:
    op.drop_table("leaver_account")
    op.drop_table("pathway_status_change")
    op.drop_table("pathway_status")
