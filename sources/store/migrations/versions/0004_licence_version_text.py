"""Keep CVL's licence version as CVL writes it ("1.0", "2.1"), not as a number.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("licence_seen") as batch:
        batch.alter_column("licence_version", existing_type=sa.Integer(), type_=sa.String(20),
                           existing_nullable=False, postgresql_using="(licence_version / 1000)::text || '.' || "
                           "(licence_version % 1000)::text")


def downgrade() -> None:
    with op.batch_alter_table("licence_seen") as batch:
        batch.alter_column("licence_version", existing_type=sa.String(20), type_=sa.Integer(),
                           existing_nullable=False,
                           postgresql_using="split_part(licence_version, '.', 1)::int * 1000 + "
                           "coalesce(nullif(split_part(licence_version, '.', 2), ''), '0')::int")
