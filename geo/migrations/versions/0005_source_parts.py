"""One provenance entry per source of a layer, not one per layer.

A layer may hold rows from several sources at once: demonstration centres beside 3,000
imported healthsites.io points (ODbL), a GTFS feed beside OpenStreetMap stops. With one
``layer_sources`` row per layer, each import overwrote the last one's licence and the demo
mark. Each entry now names the value of the rows' ``source`` column it describes
(``row_source``); the key is ``(layer, row_source)``. The census layers, whose rows carry no
``source``, use their own name.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_THEMATIC = ("centres", "accessible_cities", "transport_stops", "beaches")


def upgrade() -> None:
    """Add ``row_source`` and key the table on ``(layer, row_source)``."""
    op.execute("ALTER TABLE layer_sources ADD COLUMN row_source text")
    op.execute("UPDATE layer_sources SET row_source = layer")
    for table in _THEMATIC:
        # an entry written before this revision describes the layer's rows when they all
        # come from one source: name it, so it stays listed until those rows are gone
        op.execute(
            f"""
            UPDATE layer_sources SET row_source = one.source
            FROM (SELECT min(source) AS source FROM {table}
                  HAVING count(DISTINCT source) = 1) AS one
            WHERE layer_sources.layer = '{table}'
            """
        )
    op.execute("ALTER TABLE layer_sources ALTER COLUMN row_source SET NOT NULL")
    op.execute("ALTER TABLE layer_sources DROP CONSTRAINT layer_sources_pkey")
    op.execute("ALTER TABLE layer_sources ADD PRIMARY KEY (layer, row_source)")


def downgrade() -> None:
    """Keep the newest entry of each layer and key the table on ``layer`` again."""
    op.execute(
        """
        DELETE FROM layer_sources s USING layer_sources newer
        WHERE newer.layer = s.layer
          AND (newer.loaded_at, newer.row_source) > (s.loaded_at, s.row_source)
        """
    )
    op.execute("ALTER TABLE layer_sources DROP CONSTRAINT layer_sources_pkey")
    op.execute("ALTER TABLE layer_sources DROP COLUMN row_source")
    op.execute("ALTER TABLE layer_sources ADD PRIMARY KEY (layer)")
