"""Import benchmark: 100,000 CSV points validated and imported into ``centres`` (target < 20 s).

The file is generated deterministically (seeded): points scattered around 40 Moroccan towns,
semicolon-separated with decimal commas and Arabic names, as spreadsheets write them. The
import is the real one (``geo.importer.import_file``): read, pure validation, COPY into a
temporary table, commune by point-in-polygon, duplicates against the table, upsert, history
triggers, COMMIT. A second run of the same file (nothing changes) is timed too. The rows are
deleted afterwards (database ``WALOUJA_DB_NAME``, default ``walouja``).

    .venv/bin/python bench/bench_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOWNS = [
    (-7.62, 33.59), (-6.84, 34.02), (-5.00, 34.03), (-8.01, 31.63), (-9.60, 30.43),
    (-5.80, 35.76), (-5.55, 33.89), (-1.91, 34.68), (-6.58, 34.26), (-5.37, 35.57),
    (-8.50, 33.24), (-6.35, 32.34), (-7.62, 33.00), (-9.24, 32.30), (-2.93, 35.17),
    (-7.92, 32.23), (-6.91, 32.88), (-4.02, 34.22), (-3.93, 35.25), (-9.73, 29.70),
    (-13.20, 27.15), (-15.94, 23.70), (-5.53, 33.00), (-4.43, 31.93), (-6.91, 30.92),
    (-10.06, 28.99), (-7.38, 33.69), (-6.12, 35.19), (-9.77, 31.51), (-5.92, 31.22),
    (-8.85, 31.55), (-6.55, 33.82), (-5.27, 34.60), (-2.30, 35.11), (-1.86, 32.61),
    (-5.98, 34.53), (-7.10, 34.65), (-9.54, 30.35), (-6.79, 34.05), (-7.93, 33.87),
]  # fmt: skip
ARABIC = ["مركز", "الأمل", "النور", "الوفاء", "الخير"]


def make_csv(path: Path, rows: int) -> None:
    """A deterministic semicolon CSV with decimal commas, Arabic names and a BOM."""
    rng = np.random.default_rng(2024)
    town = rng.integers(len(TOWNS), size=rows)
    centre = np.array(TOWNS)[town]
    lon = centre[:, 0] + rng.normal(0, 0.04, rows)
    lat = centre[:, 1] + rng.normal(0, 0.04, rows)
    kinds = np.array(["EPS", "CAS", "CAPE", "EMF", "CJPA", "COAPH", "other"])[
        rng.integers(7, size=rows)
    ]
    cap = rng.integers(0, 200, size=rows)
    with path.open("w", encoding="utf-8-sig") as fh:
        fh.write("id;nom;nom_ar;type;capacité;statut;longitude;latitude\n")
        for i in range(rows):
            ar = ARABIC[i % 5]
            fh.write(
                f"bench:{i};Centre {i};{ar} {i};{kinds[i]};{cap[i]};en service;"
                f"{lon[i]:.6f};{lat[i]:.6f}\n".replace(".", ",")
            )


def main() -> None:
    from geo import db
    from geo.importer import ImportOptions, import_file
    from geo.io_read import read_file
    from geo.layers import get_layer
    from geo.validate import validate_records
    from walouja.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    settings = get_settings()
    folder = Path(tempfile.mkdtemp(prefix="walouja-bench-"))
    path = folder / "centres.csv"
    make_csv(path, args.rows)
    size_mb = path.stat().st_size / 1e6

    t0 = time.perf_counter()
    table = read_file(path)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    checked = validate_records(get_layer("centres"), table.records, row_errors=table.row_errors)
    t_validate = time.perf_counter() - t0

    try:
        opts = ImportOptions(skip_invalid=True, raise_on_reject=False)
        t0 = time.perf_counter()
        first = import_file(settings, "centres", path, options=opts)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = import_file(settings, "centres", path, options=opts)
        t_second = time.perf_counter() - t0
    finally:
        with db.connect(settings) as conn:
            import sqlalchemy as sa

            conn.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'bench:%'"))
            conn.execute(sa.text("DELETE FROM layer_history WHERE external_id LIKE 'bench:%'"))
        path.unlink(missing_ok=True)
        folder.rmdir()

    print(
        f"import benchmark: {args.rows:,} CSV points ({size_mb:.1f} MB), "
        f"database {settings.db_name}"
    )
    print()
    print("| step | seconds | rows |")
    print("|---|---:|---|")
    print(f"| read CSV | {t_read:.2f} | {checked.total:,} read |")
    print(
        f"| pure validation (part of the import) | {t_validate:.2f} | "
        f"{len(checked.rows):,} pass the pure rules |"
    )
    print(
        f"| **import, first run (read → COMMIT)** | **{t_first:.2f}** | "
        f"{first.inserted:,} inserted, {first.rejected:,} rejected |"
    )
    print(
        f"| import again, same file | {t_second:.2f} | {second.unchanged:,} unchanged, "
        f"{second.inserted + second.updated} written |"
    )
    print()
    print(f"target: < 20 s for 100,000 points — {'met' if t_first < 20 else 'NOT met'}")
    reasons: dict[str, int] = {}
    for p in first.problems:
        key = re.sub(r"\d+", "N", p.reason.split("(")[0]).strip()
        reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        print("rejected rows:", ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())))


if __name__ == "__main__":
    main()
