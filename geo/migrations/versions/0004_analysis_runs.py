"""Stored analysis runs: parameters, input fingerprint, results and duration of every run.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``analysis_runs`` and its look-up index."""
    op.execute(
        """
        CREATE TABLE analysis_runs (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind        text NOT NULL CONSTRAINT analysis_runs_kind_check CHECK (kind <> ''),
            name        text,
            params      jsonb NOT NULL DEFAULT '{}'::jsonb,
            fingerprint text NOT NULL,
            results     jsonb NOT NULL,
            duration_s  double precision CONSTRAINT analysis_runs_duration_check
                            CHECK (duration_s IS NULL OR duration_s >= 0),
            created_at  timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        "CREATE INDEX analysis_runs_lookup_idx "
        "ON analysis_runs (kind, fingerprint, created_at DESC)"
    )
    op.execute("CREATE INDEX analysis_runs_created_idx ON analysis_runs (created_at DESC)")


def downgrade() -> None:
    """Drop ``analysis_runs`` (its indexes go with it)."""
    op.execute("DROP TABLE IF EXISTS analysis_runs")
