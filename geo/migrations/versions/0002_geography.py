"""Reference geography: regions, provinces, communes, the match report and the load fingerprint.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FIGURES = """
    population             integer NOT NULL,
    pwd                    double precision NOT NULL,
    disability_prevalence  double precision NOT NULL,
    hcp_disability_prevalence double precision,
    area_km2               double precision NOT NULL,
    geom                   geometry(MultiPolygon, 4326) NOT NULL,
    geom_display           geometry(MultiPolygon, 4326) NOT NULL,
    source                 text NOT NULL,
    is_demo                boolean NOT NULL DEFAULT false
"""


def upgrade() -> None:
    """Create the three levels, their indexes, the match report and the build fingerprint."""
    op.execute(
        f"""
        CREATE TABLE regions (
            code     text PRIMARY KEY,
            name_fr  text NOT NULL,
            name_ar  text NOT NULL,
            {_FIGURES}
        )
        """
    )
    op.execute(
        f"""
        CREATE TABLE provinces (
            code          text PRIMARY KEY,
            name_fr       text NOT NULL,
            name_ar       text NOT NULL,
            province_type text NOT NULL CHECK (
                province_type IN ('province', 'prefecture', 'prefecture_of_arrondissements')
            ),
            region_code   text NOT NULL REFERENCES regions (code),
            is_nested     boolean NOT NULL DEFAULT false,
            parent_code   text REFERENCES provinces (code),
            {_FIGURES},
            CHECK (is_nested = (parent_code IS NOT NULL))
        )
        """
    )
    op.execute(
        """
        CREATE TABLE communes (
            code                  text PRIMARY KEY,
            name_fr               text NOT NULL,
            name_ar               text NOT NULL,
            commune_type          text NOT NULL CHECK (commune_type IN ('urban', 'rural')),
            province_code         text NOT NULL REFERENCES provinces (code),
            region_code           text NOT NULL REFERENCES regions (code),
            cercle_code           text,
            population            integer NOT NULL,
            population_urban      integer NOT NULL,
            population_rural      integer NOT NULL,
            population_male       integer,
            population_female     integer,
            disability_prevalence double precision NOT NULL,
            prevalence_imputed    boolean NOT NULL DEFAULT false,
            pwd                   double precision NOT NULL,
            pwd_urban             double precision NOT NULL,
            pwd_rural             double precision NOT NULL,
            pwd_male              double precision,
            pwd_female            double precision,
            match_method          text NOT NULL
                CHECK (match_method IN ('direct', 'crosswalk', 'dissolved_arrondissements')),
            area_km2              double precision NOT NULL,
            geom                  geometry(MultiPolygon, 4326) NOT NULL,
            geom_display          geometry(MultiPolygon, 4326) NOT NULL,
            demand_point          geometry(Point, 4326) NOT NULL,
            source                text NOT NULL,
            is_demo               boolean NOT NULL DEFAULT false
        )
        """
    )
    for table in ("regions", "provinces", "communes"):
        op.execute(f"CREATE INDEX {table}_geom_gix ON {table} USING gist (geom)")
        op.execute(f"CREATE INDEX {table}_geom_display_gix ON {table} USING gist (geom_display)")
    op.execute("CREATE INDEX communes_demand_point_gix ON communes USING gist (demand_point)")
    op.execute("CREATE INDEX communes_province_code_idx ON communes (province_code)")
    op.execute("CREATE INDEX communes_region_code_idx ON communes (region_code)")
    op.execute("CREATE INDEX provinces_region_code_idx ON provinces (region_code)")
    op.execute(
        """
        CREATE TABLE commune_match_report (
            code                text PRIMARY KEY REFERENCES communes (code) ON DELETE CASCADE,
            name_fr             text NOT NULL,
            match_method        text NOT NULL,
            prevalence_imputed  boolean NOT NULL,
            source_keys         text[] NOT NULL,
            source_names        text[] NOT NULL,
            n_features          integer NOT NULL,
            n_centre_features   integer NOT NULL,
            n_arrondissements   integer NOT NULL,
            area_change_km2     double precision NOT NULL,
            notes               text
        )
        """
    )
    op.execute(
        """
        CREATE TABLE geography_build (
            id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            fingerprint text NOT NULL,
            summary     jsonb NOT NULL,
            built_at    timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.execute("DROP TABLE IF EXISTS geography_build")
    op.execute("DROP TABLE IF EXISTS commune_match_report")
    op.execute("DROP TABLE IF EXISTS communes")
    op.execute("DROP TABLE IF EXISTS provinces")
    op.execute("DROP TABLE IF EXISTS regions")
