"""Stored analysis runs.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (empty until this feature lands)."""


def downgrade() -> None:
    """Drop the tables."""
