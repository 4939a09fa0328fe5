"""Thematic layers: centres, accessible cities, transport stops, beaches, history.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (empty until this feature lands)."""


def downgrade() -> None:
    """Drop the tables."""
