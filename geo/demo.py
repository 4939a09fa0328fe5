"""Load the demonstration layers (``walouja load``): committed files plus generated centres.

- ``data/demo/accessible_cities.csv``: public facts of the Accessible Cities programme
  (not demonstration data).
- ``data/demo/beaches.csv`` and ``data/demo/transport_stops.csv``: real places at approximate
  positions with invented equipment and accessibility attributes (``is_demo``).
- centres: generated here, deterministically, inside the communes already in the database:
  about 352 EPS placed by population, a COAPH in some provinces but not all, and some
  CAS, CAPE, EMF and CJPA in urban communes (``is_demo``).

Everything goes through the same validated import as user files, so re-running changes
nothing; demonstration rows that are no longer generated are removed, imported rows are
never touched.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import provenance
from geo.db import connect
from geo.importer import ImportReport, import_table
from geo.io_read import SourceTable, read_csv
from geo.layers import prune_sources, record_source, rederive_communes
from geo.provenance import CITIES_SOURCE, DEMO_SOURCE
from geo.validate import normalise_name
from walouja.errors import DataError
from walouja.settings import PROJECT_ROOT, Settings

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
SEED = 20240904
EPS_COUNT = 352
OTHER_COUNTS = {"CAS": 24, "CAPE": 18, "EMF": 30, "CJPA": 12}

_ASSOCIATIONS = (
    "Al Amal", "Annour", "Al Wafae", "Al Kheir", "Attadamoun", "Al Ihsane", "Assalam",
    "Al Baraka", "Al Fath", "Annahda", "Al Majd", "Arrahma",
)  # fmt: skip
_ASSOCIATIONS_AR = (
    "الأمل", "النور", "الوفاء", "الخير", "التضامن", "الإحسان", "السلام",
    "البركة", "الفتح", "النهضة", "المجد", "الرحمة",
)  # fmt: skip
_TYPE_AR = {
    "EPS": "مؤسسة الرعاية الاجتماعية",
    "COAPH": "مركز توجيه ومساعدة الأشخاص في وضعية إعاقة",
    "CAS": "مركز",
    "CAPE": "مركز",
    "EMF": "فضاء متعدد الوظائف",
    "CJPA": "مركز",
}
_SERVICES = {
    "EPS": (("social_support", "residential"), ("social_support", "day_care")),
    "COAPH": (
        ("orientation", "paramedical", "early_intervention"),
        ("orientation", "paramedical", "education"),
    ),
    "CAS": (("day_care", "education", "paramedical"), ("day_care", "paramedical")),
    "CAPE": (("early_intervention", "education"), ("early_intervention", "paramedical")),
    "EMF": (("social_support", "vocational_training"), ("social_support",)),
    "CJPA": (("sport_leisure", "vocational_training"), ("sport_leisure", "education")),
}


@dataclass(frozen=True)
class DemoResult:
    """Reports of the four imports of the embedded layers and the stale rows removed;
    ``demo_layers`` are those whose rows are demonstration data (the Accessible Cities are
    the programme's public facts, not invented)."""

    reports: tuple[ImportReport, ...]
    removed: dict[str, int]
    demo_layers: frozenset[str] = frozenset({"centres", "transport_stops", "beaches"})

    def summary(self) -> str:
        """One line: rows per layer, whether they are demonstration data, and what changed,
        counts as English writes them (``centres 3,582 demo (3,094 changed); ...
        accessible_cities 12; ... beaches 39 demo``)."""
        parts = []
        for r in self.reports:
            changed = r.inserted + r.updated + self.removed.get(r.layer, 0)
            parts.append(
                f"{r.layer} {r.accepted:,}"
                + (" demo" if r.layer in self.demo_layers else "")
                + (f" ({changed:,} changed)" if changed else "")
                + (f", {r.rejected:,} rejected" if r.rejected else "")
            )
        return "thematic layers: " + "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """Plain values for ``walouja load --json``: each layer's rows and what changed."""
        return {
            "demonstration": True,
            "summary": self.summary(),
            "layers": [
                {
                    "layer": r.layer,
                    "is_demo": r.layer in self.demo_layers,
                    "rows": r.accepted,
                    "inserted": r.inserted,
                    "updated": r.updated,
                    "removed": self.removed.get(r.layer, 0),
                    "rejected": r.rejected,
                }
                for r in self.reports
            ],
        }


def _communes(conn: Connection) -> pd.DataFrame:
    if not conn.execute(sa.text("SELECT to_regclass('public.communes') IS NOT NULL")).scalar():
        raise DataError(
            "the communes table does not exist", hint="run `walouja db up` then `walouja load`"
        )
    frame = pd.read_sql(
        sa.text(
            "SELECT code, name_fr, name_ar, province_code, commune_type, "
            "coalesce(population, 0) AS population FROM communes ORDER BY code"
        ),
        conn,
    )
    if frame.empty:
        raise DataError(
            "the communes are not loaded: the demonstration centres are placed inside them",
            hint="load the geography first (`walouja load`)",
        )
    return frame


def _systematic(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """How many of ``n`` items each unit gets, proportional to ``weights`` (systematic)."""
    total = float(weights.sum())
    if total <= 0 or n <= 0:
        return np.zeros(len(weights), dtype=int)
    step = total / n
    marks = rng.uniform(0, step) + step * np.arange(n)
    edges = np.cumsum(weights)
    picks = np.searchsorted(edges, marks, side="right")
    return np.bincount(np.minimum(picks, len(weights) - 1), minlength=len(weights))


def plan_centres(communes: pd.DataFrame, *, seed: int = SEED) -> pd.DataFrame:
    """Which centres go to which commune (no coordinates yet), deterministically.

    Returns one row per centre: ``commune_code, k, centre_type, name, name_ar, capacity,
    services, status, opened, manager``.
    """
    rng = np.random.default_rng(seed)
    communes = communes.sort_values("code").reset_index(drop=True)
    pop = communes["population"].to_numpy(float)
    rows: list[dict[str, Any]] = []

    def add(idx: int, kind: str, k: int, status: str = "operating") -> None:
        c = communes.iloc[idx]
        assoc = int(rng.integers(len(_ASSOCIATIONS)))
        if kind == "EPS":
            name = f"EPS {_ASSOCIATIONS[assoc]} — {c['name_fr']}"
            name_ar = f"{_TYPE_AR[kind]} {_ASSOCIATIONS_AR[assoc]} — {c['name_ar'] or ''}"
        elif kind == "COAPH":
            name = f"COAPH {c['name_fr']}"
            name_ar = f"{_TYPE_AR[kind]} — {c['name_ar'] or ''}"
        else:
            name = f"{kind} {_ASSOCIATIONS[assoc]} — {c['name_fr']}"
            name_ar = f"{_TYPE_AR[kind]} {kind} {_ASSOCIATIONS_AR[assoc]} — {c['name_ar'] or ''}"
        share = {"EPS": 0.7, "COAPH": 0.8}.get(kind, 0.6)
        low, high = {"EPS": (20, 160), "COAPH": (40, 200)}.get(kind, (20, 120))
        capacity = int(rng.integers(low, high)) if rng.random() < share else None
        options = _SERVICES[kind]
        services = options[int(rng.integers(len(options)))]
        opened = (
            f"{int(rng.integers(1995, 2024))}-{int(rng.integers(1, 13)):02d}-01"
            if status == "operating" and rng.random() < 0.6
            else None
        )
        manager = (
            "Entraide Nationale"
            if kind in ("COAPH", "EPS") and rng.random() < 0.5
            else f"Association {_ASSOCIATIONS[assoc]}"
        )
        rows.append(
            {
                "commune_code": c["code"],
                "k": k,
                "centre_type": kind,
                "name": name.strip(" —"),
                "name_ar": name_ar.strip(" —"),
                "capacity": capacity,
                "services": ";".join(services),
                "status": status,
                "opened": opened,
                "manager": manager,
            }
        )

    # EPS: where people live (systematic sampling proportional to population)
    counts = _systematic(pop, EPS_COUNT, rng)
    for idx in np.flatnonzero(counts):
        for k in range(1, int(counts[idx]) + 1):
            roll = rng.random()
            status = (
                "operating" if roll < 0.96 else ("under_construction" if roll < 0.99 else "planned")
            )
            add(int(idx), "EPS", k, status)
    # COAPH: in some provinces (more likely in populous ones), in the largest commune
    by_province = communes.groupby("province_code")["population"].sum().sort_values(ascending=False)
    n = len(by_province)
    for rank, prov in enumerate(by_province.index):
        p = 0.85 if rank < n / 3 else (0.6 if rank < 2 * n / 3 else 0.35)
        members = communes.index[communes["province_code"] == prov]
        biggest = int(communes.loc[members, "population"].idxmax())
        roll = rng.random()
        if roll < p:
            add(biggest, "COAPH", 1)
        elif roll < p + 0.08:
            add(biggest, "COAPH", 1, "under_construction" if rng.random() < 0.5 else "planned")
    # other types: urban communes by population
    urban = (communes["commune_type"].fillna("").str.lower() == "urban").to_numpy()
    upop = np.where(urban, pop, 0.0)
    for kind, total in OTHER_COUNTS.items():
        counts = _systematic(upop, total, rng)
        for idx in np.flatnonzero(counts):
            for k in range(1, int(counts[idx]) + 1):
                add(int(idx), kind, k)
    plan = pd.DataFrame(rows)
    plan["external_id"] = [
        f"demo:centre:{t}:{c}:{k}"
        for t, c, k in zip(plan["centre_type"], plan["commune_code"], plan["k"], strict=True)
    ]
    return plan


def place_centres(conn: Connection, plan: pd.DataFrame) -> pd.DataFrame:
    """Give each planned centre a point inside its commune, near the commune's demand point."""
    per = plan.groupby("commune_code").size()
    codes = per.index.tolist()
    seeds = [zlib.crc32(c.encode()) % 2_000_000_000 + 1 for c in codes]
    has_demand = conn.execute(
        sa.text(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'communes' AND column_name = 'demand_point')"
        )
    ).scalar()
    anchor = (
        "coalesce(c.demand_point, ST_PointOnSurface(c.geom))"
        if has_demand
        else ("ST_PointOnSurface(c.geom)")
    )
    points = conn.execute(
        sa.text(
            f"""
            WITH x AS (
                SELECT * FROM unnest(CAST(:codes AS text[]), CAST(:ns AS int[]),
                                     CAST(:seeds AS int[])) AS x(code, n, seed)
            ), area AS (
                SELECT x.code, x.n, x.seed, c.geom,
                       ST_Intersection(c.geom,
                           ST_Buffer(({anchor})::geography, 2500)::geometry) AS zone
                  FROM x JOIN communes c ON c.code = x.code
            )
            SELECT a.code, d.path[1] AS k, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat
              FROM area a,
                   LATERAL ST_Dump(ST_GeneratePoints(
                       CASE WHEN ST_IsEmpty(a.zone) OR ST_Area(a.zone) = 0 THEN a.geom
                            ELSE a.zone END, a.n, a.seed)) AS d
            """
        ),
        {"codes": codes, "ns": [int(v) for v in per.to_numpy()], "seeds": seeds},
    ).all()
    pts = pd.DataFrame(points, columns=["commune_code", "slot", "lon", "lat"])
    plan = plan.sort_values(["commune_code", "centre_type", "k"]).reset_index(drop=True)
    plan["slot"] = plan.groupby("commune_code").cumcount() + 1
    placed = plan.merge(pts, on=["commune_code", "slot"], how="inner")
    placed["lon"] = placed["lon"].round(6)
    placed["lat"] = placed["lat"].round(6)
    return placed.sort_values("external_id").reset_index(drop=True)


def _at_named_communes(conn: Connection, table: SourceTable) -> SourceTable:
    """Put each programme city at a point of the urban commune bearing its name.

    The programme works per commune; using the commune's own point keeps each city in its
    commune even where the loaded boundaries are shifted from the real city centre. Cities
    with no unique urban commune of that name keep the position in the file.
    """
    rows = conn.execute(
        sa.text(
            "SELECT name_fr, ST_X(p), ST_Y(p) FROM (SELECT name_fr, "
            "ST_PointOnSurface(geom) AS p FROM communes WHERE commune_type = 'urban') c"
        )
    ).all()
    by_name: dict[str, list[tuple[float, float]]] = {}
    for name, x, y in rows:
        by_name.setdefault(normalise_name(name), []).append((float(x), float(y)))
    records = table.records.copy()
    for idx, name in records["name"].items():
        found = by_name.get(normalise_name(name), [])
        if len(found) == 1:
            records.at[idx, "lon"], records.at[idx, "lat"] = (f"{v:.6f}" for v in found[0])
    return SourceTable(records, None, table.format, table.name, list(table.warnings))


def _table(frame: pd.DataFrame, name: str) -> SourceTable:
    cols = ["external_id", "name", "name_ar", "centre_type", "capacity", "services", "status",
            "opened", "manager", "lon", "lat"]  # fmt: skip
    records = frame[cols].astype(object).where(frame[cols].notna(), None)
    records.index = pd.RangeIndex(1, len(records) + 1)
    return SourceTable(records, None, "generated", name, crs="EPSG:4326")


def _import(
    conn: Connection, layer: str, table: SourceTable, *, source: str, is_demo: bool
) -> tuple[ImportReport, int]:
    report = import_table(conn, layer, table, source=source, is_demo=is_demo, skip_invalid=True)
    removed = 0
    if is_demo:
        ids = [str(v) for v in table.records["external_id"].tolist()]
        result = conn.execute(
            sa.text(f"DELETE FROM {layer} WHERE is_demo AND NOT (external_id = ANY(:ids))"),
            {"ids": ids},
        )
        removed = int(result.rowcount or 0)
    return report, removed


def load_demo_layers(conn: Connection, *, demo_dir: Path = DEMO_DIR) -> DemoResult:
    """Load every demonstration layer on ``conn`` (inside its transaction)."""
    communes = _communes(conn)
    rederive_communes(conn)
    reports: list[ImportReport] = []
    removed: dict[str, int] = {}
    files = (
        ("accessible_cities", "accessible_cities.csv", False, CITIES_SOURCE),
        ("transport_stops", "transport_stops.csv", True, DEMO_SOURCE),
        ("beaches", "beaches.csv", True, DEMO_SOURCE),
    )  # fmt: skip
    for layer, filename, is_demo, source in files:
        path = demo_dir / filename
        if not path.exists():
            raise DataError(f"missing demonstration file {path}")
        table = read_csv(path)
        if layer == "accessible_cities":
            table = _at_named_communes(conn, table)
        report, gone = _import(conn, layer, table, source=source, is_demo=is_demo)
        reports.append(report)
        removed[layer] = gone
    plan = plan_centres(communes)
    placed = place_centres(conn, plan)
    report, gone = _import(
        conn, "centres", _table(placed, "generated centres"), source=DEMO_SOURCE, is_demo=True
    )
    reports.insert(0, report)
    removed["centres"] = gone
    changed = {r.layer: bool(r.inserted + r.updated + removed.get(r.layer, 0)) for r in reports}
    _record_sources(conn, changed)
    demo = frozenset({"centres", *(layer for layer, _, is_demo, _ in files if is_demo)})
    return DemoResult(tuple(reports), removed, demo)


def _record_sources(conn: Connection, changed: dict[str, bool]) -> None:
    """Describe each demonstration source (keyed by the rows' ``source``); drop stale ones.

    The texts are :mod:`geo.provenance`'s, so the app can word them in its language. A layer
    whose rows this load left as they were (``changed``) keeps its load date: ``make run``
    reloads every time, and the Sources page's "loaded on" then told the last start.
    """
    for layer in ("centres", "transport_stops", "beaches"):
        record_source(
            conn,
            layer,
            title=provenance.english(f"demo.{layer}.title"),
            source=provenance.english(f"demo.{layer}.source"),
            licence=provenance.english("demo.licence"),
            is_demo=True,
            notes=(provenance.english("demo.centres.notes") if layer == "centres" else None),
            row_source=DEMO_SOURCE,
            rows_changed=changed.get(layer, True),
        )
    record_source(
        conn,
        "accessible_cities",
        title=provenance.english("cities.title"),
        source=provenance.english("cities.source"),
        licence=provenance.english("cities.licence"),
        is_demo=False,
        notes=provenance.english("cities.notes"),
        row_source=CITIES_SOURCE,
        rows_changed=changed.get("accessible_cities", True),
    )
    prune_sources(conn)


def load_demo(settings: Settings) -> DemoResult:
    """Load the demonstration layers in one transaction; what was loaded and changed."""
    with connect(settings) as conn:
        return load_demo_layers(conn)
