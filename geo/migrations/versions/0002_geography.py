"""Reference geography: regions, provinces, communes (filled by the geography work).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (empty until this feature lands)."""


def downgrade() -> None:
    """Drop the tables."""
