"""Thematic layers: centres, accessible cities, transport stops, beaches, history.

Revision ID: 0003
Revises: 0002

Every layer table has a stable ``external_id`` (UNIQUE, for idempotent re-imports), ``source``,
``is_demo``, ``created_at``/``updated_at`` (trigger), a Point geometry in EPSG:4326 that must
lie in Morocco's bounding box (the importer also checks it against the communes), and a
``commune_code`` derived from the geometry by a trigger (point in polygon, with a 2 km
tolerance for generalised coastlines), never taken from the user. ``communes`` belongs to
0002 and is reloaded by the geography loader, so ``commune_code`` is a plain indexed column,
not a foreign key. Every INSERT, UPDATE, DELETE and TRUNCATE is kept in ``layer_history``.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LAYERS = ("centres", "accessible_cities", "transport_stops", "beaches")

# Morocco including the southern provinces, with a margin of a few kilometres around the
# commune polygons (which reach 35.92°N at the Strait and 20.77°N at Lagouira).
IN_MOROCCO = (
    "ST_X(geom) BETWEEN -17.30 AND -0.95 AND ST_Y(geom) BETWEEN 20.70 AND 36.00 "
    "AND NOT ST_IsEmpty(geom)"
)

COMMON = """
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id text NOT NULL CHECK (btrim(external_id) <> ''),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    name_ar     text,
"""

TAIL = f"""
    notes       text,
    commune_code text,
    geom        geometry(Point, 4326) NOT NULL
                CONSTRAINT {{t}}_geom_in_morocco CHECK ({IN_MOROCCO}),
    source      text NOT NULL CHECK (btrim(source) <> ''),
    is_demo     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT {{t}}_external_id_key UNIQUE (external_id)
"""

SERVICES = (
    "orientation",
    "paramedical",
    "medical",
    "education",
    "vocational_training",
    "day_care",
    "residential",
    "early_intervention",
    "social_support",
    "sport_leisure",
)

TABLES = {
    "centres": f"""
        CREATE TABLE centres (
            {COMMON}
            centre_type text NOT NULL CONSTRAINT centres_centre_type_check
                CHECK (centre_type IN ('COAPH','CAS','CAPE','EMF','CJPA','EPS','other')),
            capacity    integer CONSTRAINT centres_capacity_check CHECK (capacity >= 0),
            services    text[] NOT NULL DEFAULT '{{}}' CONSTRAINT centres_services_check
                CHECK (services <@ ARRAY[{",".join(f"'{s}'" for s in SERVICES)}]::text[]),
            status      text NOT NULL DEFAULT 'operating' CONSTRAINT centres_status_check
                CHECK (status IN ('operating','under_construction','planned','closed')),
            opened      date,
            manager     text,
            wheelchair  text CHECK (wheelchair IN ('yes','limited','no')),
            {TAIL.format(t="centres")}
        )
    """,
    "accessible_cities": f"""
        CREATE TABLE accessible_cities (
            {COMMON}
            stage       text NOT NULL CONSTRAINT accessible_cities_stage_check
                CHECK (stage IN ('diagnostic_study','convention_signed','works_under_way',
                                 'completed')),
            diagnostic_study boolean NOT NULL DEFAULT false,
            convention_date  date,
            start_year  integer CHECK (start_year BETWEEN 1990 AND 2100),
            end_year    integer CHECK (end_year BETWEEN 1990 AND 2100),
            commitments text,
            budget_mad  numeric(16, 2) CHECK (budget_mad >= 0),
            partners    text,
            {TAIL.format(t="accessible_cities")},
            CONSTRAINT accessible_cities_years_check CHECK (end_year >= start_year),
            CONSTRAINT accessible_cities_commune_required CHECK (commune_code IS NOT NULL),
            CONSTRAINT accessible_cities_commune_key UNIQUE (commune_code)
        )
    """,
    "transport_stops": f"""
        CREATE TABLE transport_stops (
            {COMMON}
            mode        text NOT NULL CONSTRAINT transport_stops_mode_check
                CHECK (mode IN ('bus','tram','train','coach','brt')),
            operator    text,
            wheelchair_boarding smallint NOT NULL DEFAULT 0
                CONSTRAINT transport_stops_wheelchair_boarding_check
                CHECK (wheelchair_boarding IN (0, 1, 2)),
            step_free   boolean,
            raised_platform boolean,
            tactile_paving boolean,
            audio_info  boolean,
            visual_info boolean,
            kerb        text CHECK (kerb IN ('raised','lowered','flush','no')),
            {TAIL.format(t="transport_stops")}
        )
    """,
    "beaches": f"""
        CREATE TABLE beaches (
            {COMMON}
            coast       text CHECK (coast IN ('atlantic','mediterranean')),
            season      text,
            walkway_to_water boolean NOT NULL DEFAULT false,
            amphibious_chair boolean NOT NULL DEFAULT false,
            adapted_wc  boolean NOT NULL DEFAULT false,
            adapted_shower boolean NOT NULL DEFAULT false,
            reserved_parking boolean NOT NULL DEFAULT false,
            shade       boolean NOT NULL DEFAULT false,
            trained_staff boolean NOT NULL DEFAULT false,
            blue_flag   boolean NOT NULL DEFAULT false,
            wheelchair  text CHECK (wheelchair IN ('yes','limited','no')),
            {TAIL.format(t="beaches")}
        )
    """,
}

FUNCTIONS = """
-- The commune a point falls in; when it falls in none (generalised coastlines, border
-- slivers), the nearest commune within 2 km; NULL when outside or when communes is absent.
CREATE FUNCTION walouja_commune_at(p geometry) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    found text;
BEGIN
    IF p IS NULL OR to_regclass('public.communes') IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT c.code INTO found FROM communes c
     WHERE ST_Intersects(c.geom, p) ORDER BY c.code LIMIT 1;
    IF found IS NULL THEN
        SELECT c.code INTO found FROM communes c
         WHERE ST_DWithin(c.geom, p, 0.03)
           AND ST_DistanceSphere(ST_ClosestPoint(c.geom, p), p) <= 2000
         ORDER BY ST_DistanceSphere(ST_ClosestPoint(c.geom, p), p), c.code LIMIT 1;
    END IF;
    RETURN found;
END $$;

-- Derive commune_code from the geometry (never trust the user) and keep timestamps honest.
CREATE FUNCTION walouja_layer_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_at := now();
        NEW.updated_at := now();
        -- a code given with the row (the importer derives codes set-based before inserting)
        -- is kept only when the point really lies in that commune; otherwise it is derived
        IF NEW.commune_code IS NULL OR to_regclass('public.communes') IS NULL THEN
            NEW.commune_code := walouja_commune_at(NEW.geom);
        ELSIF NOT EXISTS (SELECT 1 FROM communes c WHERE c.code = NEW.commune_code
                                                   AND ST_Intersects(c.geom, NEW.geom)) THEN
            NEW.commune_code := walouja_commune_at(NEW.geom);
        END IF;
    ELSE
        NEW.created_at := OLD.created_at;
        NEW.updated_at := clock_timestamp();
        IF NEW.geom IS DISTINCT FROM OLD.geom
           OR NEW.commune_code IS DISTINCT FROM OLD.commune_code THEN
            NEW.commune_code := walouja_commune_at(NEW.geom);
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- The row as jsonb with its geometry as EWKT text: the geometry-to-JSON cast would look up
-- spatial_ref_sys for every row, which made history the slowest part of large imports.
CREATE FUNCTION walouja_row_json_sql(rel regclass, alias text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('(SELECT to_jsonb(r) FROM (SELECT %s) r)', string_agg(
        CASE WHEN t.typname = 'geometry'
             THEN format('ST_AsEWKT(%I.%I) AS %I', alias, a.attname, a.attname)
             ELSE format('%I.%I', alias, a.attname) END, ', ' ORDER BY a.attnum))
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
$$;

CREATE FUNCTION walouja_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO layer_history (layer, row_id, external_id, operation, old_row, new_row) '
        'SELECT %L, n.id, n.external_id, ''INSERT'', NULL, %s FROM new_rows n',
        TG_TABLE_NAME, walouja_row_json_sql(TG_RELID, 'n'));
    RETURN NULL;
END $$;

CREATE FUNCTION walouja_history_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO layer_history (layer, row_id, external_id, operation, old_row, new_row) '
        'SELECT %L, n.id, n.external_id, ''UPDATE'', %s, %s '
        'FROM new_rows n JOIN old_rows o ON o.id = n.id',
        TG_TABLE_NAME, walouja_row_json_sql(TG_RELID, 'o'), walouja_row_json_sql(TG_RELID, 'n'));
    RETURN NULL;
END $$;

CREATE FUNCTION walouja_history_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO layer_history (layer, row_id, external_id, operation, old_row, new_row) '
        'SELECT %L, o.id, o.external_id, ''DELETE'', %s, NULL FROM old_rows o',
        TG_TABLE_NAME, walouja_row_json_sql(TG_RELID, 'o'));
    RETURN NULL;
END $$;

CREATE FUNCTION walouja_history_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO layer_history (layer, operation) VALUES (TG_TABLE_NAME, 'TRUNCATE');
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE layer_history (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            layer       text NOT NULL,
            row_id      bigint,
            external_id text,
            operation   text NOT NULL
                CHECK (operation IN ('INSERT','UPDATE','DELETE','TRUNCATE')),
            old_row     jsonb,
            new_row     jsonb,
            changed_at  timestamptz NOT NULL DEFAULT now(),
            changed_by  text NOT NULL DEFAULT current_user
        )
        """
    )
    op.execute("CREATE INDEX layer_history_row_idx ON layer_history (layer, row_id)")
    op.execute("CREATE INDEX layer_history_changed_at_idx ON layer_history (changed_at)")
    op.execute(FUNCTIONS)
    for table in LAYERS:
        op.execute(TABLES[table])
        op.execute(f"CREATE INDEX {table}_geom_idx ON {table} USING gist (geom)")
        op.execute(f"CREATE INDEX {table}_commune_idx ON {table} (commune_code)")
        op.execute(
            f"CREATE TRIGGER {table}_row BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION walouja_layer_row()"
        )
        for event, func in (
            ("INSERT", "insert"),
            ("UPDATE", "update"),
            ("DELETE", "delete"),
        ):
            refs = {
                "INSERT": "NEW TABLE AS new_rows",
                "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                "DELETE": "OLD TABLE AS old_rows",
            }[event]
            op.execute(
                f"CREATE TRIGGER {table}_history_{func} AFTER {event} ON {table} "
                f"REFERENCING {refs} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION walouja_history_{func}()"
            )
        op.execute(
            f"CREATE TRIGGER {table}_history_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION walouja_history_truncate()"
        )
    op.execute("CREATE INDEX centres_type_idx ON centres (centre_type)")
    op.execute("CREATE INDEX transport_stops_mode_idx ON transport_stops (mode)")


def downgrade() -> None:
    for table in reversed(LAYERS):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP TABLE IF EXISTS layer_history")
    for func in (
        "walouja_history_truncate()",
        "walouja_history_delete()",
        "walouja_history_update()",
        "walouja_history_insert()",
        "walouja_layer_row()",
        "walouja_row_json_sql(regclass, text)",
        "walouja_commune_at(geometry)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {func}")
    op.execute(
        "DELETE FROM layer_sources WHERE layer IN "
        "('centres','accessible_cities','transport_stops','beaches')"
    )
