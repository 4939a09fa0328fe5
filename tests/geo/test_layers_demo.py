"""Demonstration layers: a deterministic plan, loaded through the validated import."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.demo import (
    CITIES_SOURCE,
    DEMO_SOURCE,
    EPS_COUNT,
    OTHER_COUNTS,
    load_demo_layers,
    plan_centres,
)
from tests.geo.fixtures.support import require_layers


def communes(n_prov: int = 12, per: int = 10) -> pd.DataFrame:
    rows = []
    for p in range(n_prov):
        for c in range(per):
            rows.append(
                {
                    "code": f"{p:02d}.{c:03d}",
                    "name_fr": f"Commune {p}-{c}",
                    "name_ar": f"جماعة {p}-{c}",
                    "province_code": f"P{p:02d}",
                    "commune_type": "urban" if c < 3 else "rural",
                    "population": 1000 * (c + 1) * (p + 1),
                }
            )
    return pd.DataFrame(rows)


def test_plan_is_deterministic_and_follows_population() -> None:
    plan = plan_centres(communes())
    assert plan.equals(plan_centres(communes()))
    kinds = plan["centre_type"].value_counts()
    assert kinds["EPS"] == EPS_COUNT
    for kind, n in OTHER_COUNTS.items():
        assert kinds[kind] == n
    assert plan["external_id"].is_unique
    # the most populous province gets more EPS than the least populous one
    eps = plan[plan["centre_type"] == "EPS"]
    per_prov = eps["commune_code"].str[:2].value_counts()
    assert per_prov.get("11", 0) > per_prov.get("00", 0)
    # COAPH: at most one per province, not in every province
    coaph = plan[plan["centre_type"] == "COAPH"]
    provinces = coaph["commune_code"].str[:2]
    assert provinces.is_unique
    assert 0 < len(coaph) < 12
    # other types only in urban communes
    urban = set(communes().query("commune_type == 'urban'")["code"])
    assert set(plan[plan["centre_type"].isin(list(OTHER_COUNTS))]["commune_code"]) <= urban
    assert plan["capacity"].notna().any()
    assert plan["capacity"].isna().any()


@pytest.mark.slow
def test_load_demo_twice_changes_nothing(conn: Connection) -> None:
    require_layers(conn)
    first = load_demo_layers(conn)
    reports = {r.layer: r for r in first.reports}
    assert set(reports) == {"centres", "accessible_cities", "transport_stops", "beaches"}
    assert reports["accessible_cities"].accepted == 12
    eps = conn.execute(
        sa.text("SELECT count(*) FROM centres WHERE is_demo AND centre_type = 'EPS'")
    ).scalar_one()
    assert EPS_COUNT - 5 <= eps <= EPS_COUNT
    cities: dict[str, str] = dict(
        conn.execute(sa.text("SELECT name, stage FROM accessible_cities WHERE NOT is_demo")).all()
    )
    assert cities["Fès"] == "convention_signed"
    assert cities["Marrakech"] == "completed"
    # every demo beach lies in (or within 2 km of) a commune
    assert (
        conn.execute(
            sa.text("SELECT count(*) FROM beaches WHERE is_demo AND commune_code IS NULL")
        ).scalar()
        == 0
    )
    sources: dict[str, bool] = dict(
        conn.execute(sa.text("SELECT layer, is_demo FROM layer_sources")).all()
    )
    assert sources["centres"] is True
    assert sources["accessible_cities"] is False
    second = load_demo_layers(conn)
    assert all(r.inserted == r.updated == 0 for r in second.reports), second.summary()
    assert sum(second.removed.values()) == 0
    assert "changed" not in second.summary()


@pytest.mark.slow
def test_a_reload_that_changes_nothing_keeps_the_load_dates(engine: Engine) -> None:
    # `make run` reloads at every start: the Sources page's "loaded on" told the last start
    # and the app's caches (keyed by the latest load date) were thrown away each time
    stamps = sa.text("SELECT layer, row_source, loaded_at FROM layer_sources ORDER BY 1, 2")
    with engine.begin() as c:
        require_layers(c)
        load_demo_layers(c)  # as the suite left it: may put a demonstration row back
        before = c.execute(stamps).all()
    with engine.begin() as c:
        again = load_demo_layers(c)
        after = c.execute(stamps).all()
    assert "changed" not in again.summary()
    assert {(layer, row) for layer, row, _ in before} >= {
        ("centres", DEMO_SOURCE),
        ("accessible_cities", CITIES_SOURCE),
    }
    assert after == before
