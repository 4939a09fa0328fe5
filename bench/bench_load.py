"""Load benchmark: `walouja load` on a fresh database, then again (target: under a minute).

A scratch database ``<WALOUJA_DB_NAME or walouja>_bench_load`` is created in the local
cluster, migrated with ``walouja db up``, then ``walouja load`` runs as a user would run it
(geography + thematic layers, a new process each time): first on the empty tables, then a
second time (nothing to do), then with ``--force`` (everything rebuilt, no row rewritten).
The geography's build (no database) is also timed alone. The scratch database is dropped
afterwards unless ``--keep``.

    .venv/bin/python bench/bench_load.py [--keep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WALOUJA = str(ROOT / ".venv" / "bin" / "walouja")


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [WALOUJA, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"walouja {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    options = parser.parse_args()

    from geo import census, db
    from walouja.settings import get_settings

    base = get_settings()
    name = f"{base.db_name}_bench_load"
    scratch = base.model_copy(update={"db_name": name})
    if base.database_url is not None:
        sys.exit(
            "bench_load.py creates a scratch database in the local cluster: unset DATABASE_URL"
        )
    env = {**os.environ, "WALOUJA_DB_NAME": name}

    db.drop_database(scratch)
    _run(["db", "up"], env)
    rows: list[tuple[str, float, str]] = []
    try:
        started = time.perf_counter()
        census.build_geography()
        rows.append(("build_geography() only (no database)", time.perf_counter() - started, ""))
        for label, args in (
            ("walouja load, first run (empty tables)", ["load"]),
            ("walouja load, second run", ["load"]),
            ("walouja load --force (rebuild, compare)", ["load", "--force"]),
        ):
            elapsed, output = _run(args, env)
            geography = output.splitlines()[0] if output else ""
            rows.append((label, elapsed, geography))
    finally:
        if not options.keep:
            db.drop_database(scratch)

    print(f"{'step':<42} {'seconds':>8}  output")
    print(f"{'-' * 42} {'-' * 8}  {'-' * 40}")
    for label, elapsed, output in rows:
        print(f"{label:<42} {elapsed:>8.1f}  {output}")
    print(f"(load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()
