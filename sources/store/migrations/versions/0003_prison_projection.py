"""The prison projection: each prison's population as NOMIS last reported it, and when that was.

A read model for the caseload and the dashboard, replaced prison by prison; never our own record.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prison_population",
        sa.Column("prison_id", sa.String(6), primary_key=True),
        sa.Column("prisoner_number", sa.String(7), primary_key=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("home_detention_curfew_eligibility_date", sa.Date(), nullable=True),
        sa.Column("parole_eligibility_date", sa.Date(), nullable=True),
        sa.Column("cell_location", sa.String(40), nullable=True),
        sa.Column("status", sa.String(40), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_prison_population_release", "prison_population", ["prison_id", "release_date"])
    op.create_index("ix_prison_population_name", "prison_population", ["prison_id", "last_name", "first_name"])
    op.create_index("ix_prison_population_prisoner_number", "prison_population", ["prisoner_number"])
    op.create_table(
        "prison_projection_state",
        sa.Column("prison_id", sa.String(6), primary_key=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("prison_projection_state")
    op.drop_table("prison_population")
