"""Migration 0003 in the database: constraints, derived commune, timestamps, history."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.layers import LAYERS, list_layers, read_layer, rederive_communes
from tests.geo.fixtures.support import FES, OCEAN, commune_at, count, require_layers

INSERT = sa.text(
    "INSERT INTO centres (external_id, name, centre_type, capacity, commune_code, geom, source) "
    "VALUES (:ext, :name, :kind, :cap, :commune, ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'test') "
    "RETURNING id"
)


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def insert(conn: Connection, **values: object) -> int:
    params = {"ext": "t:1", "name": "Centre test", "kind": "CAS", "cap": 10, "commune": None,
              "x": FES[0], "y": FES[1]} | values  # fmt: skip
    return int(conn.execute(INSERT, params).scalar_one())


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"kind": "hospital"}, "centres_centre_type_check"),
        ({"cap": -1}, "centres_capacity_check"),
        ({"x": 2.35, "y": 48.85}, "centres_geom_in_morocco"),
        ({"name": "  "}, "centres_name_check"),
        ({"ext": ""}, "centres_external_id_check"),
    ],
)
def test_constraints_refuse_bad_rows(db: Connection, values: dict, constraint: str) -> None:
    with pytest.raises(sa.exc.IntegrityError, match=constraint), db.begin_nested():
        insert(db, **values)


def test_external_id_is_unique(db: Connection) -> None:
    insert(db)
    with pytest.raises(sa.exc.IntegrityError, match="external_id_key"), db.begin_nested():
        insert(db, name="Other")


def test_commune_is_derived_not_typed(db: Connection) -> None:
    row = insert(db, commune="99.999.99.9")
    got = db.execute(sa.text("SELECT commune_code FROM centres WHERE id = :i"), {"i": row})
    assert got.scalar() == commune_at(db, *FES)
    db.execute(sa.text("UPDATE centres SET commune_code = 'nope' WHERE id = :i"), {"i": row})
    got = db.execute(sa.text("SELECT commune_code FROM centres WHERE id = :i"), {"i": row})
    assert got.scalar() == commune_at(db, *FES)


def test_accessible_city_needs_a_commune(db: Connection) -> None:
    with pytest.raises(sa.exc.IntegrityError, match="commune_required"), db.begin_nested():
        db.execute(
            sa.text(
                "INSERT INTO accessible_cities (external_id, name, stage, geom, source) VALUES "
                "('t:sea', 'Atlantis', 'completed', ST_SetSRID(ST_MakePoint(:x, :y), 4326), 't')"
            ),
            {"x": OCEAN[0], "y": OCEAN[1]},
        )


def test_timestamps_and_history(db: Connection) -> None:
    before = count(db, "layer_history")
    row = insert(db)
    db.execute(
        sa.text("UPDATE centres SET capacity = 25, created_at = '2000-01-01' WHERE id = :i"),
        {"i": row},
    )
    created, updated = db.execute(
        sa.text("SELECT created_at, updated_at FROM centres WHERE id = :i"), {"i": row}
    ).one()
    assert created.year > 2000  # created_at cannot be rewritten
    assert updated > created
    db.execute(sa.text("DELETE FROM centres WHERE id = :i"), {"i": row})
    history = db.execute(
        sa.text(
            "SELECT operation, old_row->>'capacity', new_row->>'capacity', external_id "
            "FROM layer_history WHERE layer = 'centres' AND row_id = :i ORDER BY id"
        ),
        {"i": row},
    ).all()
    assert [tuple(h) for h in history] == [
        ("INSERT", None, "10", "t:1"),
        ("UPDATE", "10", "25", "t:1"),
        ("DELETE", "25", None, "t:1"),
    ]
    assert count(db, "layer_history") == before + 3


def test_list_read_and_rederive(db: Connection) -> None:
    insert(db, ext="t:list", name="مركز الأمل")
    summary = {s.layer: s for s in list_layers(db)}
    assert set(summary) == set(LAYERS)
    assert summary["centres"].rows >= 1
    frame = read_layer(db, "centres")
    mine = frame[frame["external_id"] == "t:list"].iloc[0]
    assert mine["name"] == "مركز الأمل"
    assert mine["geom"].x == pytest.approx(FES[0])
    assert frame.crs.to_epsg() == 4326
    assert rederive_communes(db)["centres"] == 0  # nothing stale
