"""Foundation: PostGIS and the provenance table every layer records its source in.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        """
        CREATE TABLE layer_sources (
            layer       text PRIMARY KEY,
            title       text NOT NULL,
            source      text NOT NULL,
            licence     text NOT NULL,
            url         text,
            attribution text,
            is_demo     boolean NOT NULL DEFAULT false,
            notes       text,
            loaded_at   timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS layer_sources")
