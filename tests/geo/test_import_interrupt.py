"""An import killed mid-way (SIGKILL while it writes) leaves the table as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from walouja.settings import Settings

ROWS = 150_000


def _poll(engine: Engine, sql: str, params: dict[str, object], *, until: float) -> object:
    """Run ``sql`` until it returns a non-empty value or the deadline passes."""
    while time.monotonic() < until:
        with engine.connect() as c:
            value = c.execute(sa.text(sql), params).scalar()
        if value:
            return value
        time.sleep(0.02)
    return None


@pytest.mark.slow
def test_killed_import_leaves_the_table_unchanged(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(-7.55, -6.95, ROWS)
    lat = rng.uniform(33.45, 33.95, ROWS)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,name,centre_type,capacity,lon,lat\n")
        for i in range(ROWS):
            fh.write(f"kill-{i},Centre {i},EPS,{i % 90},{lon[i]:.6f},{lat[i]:.6f}\n")
    with engine.connect() as c:
        before = c.execute(sa.text("SELECT count(*), coalesce(max(id), 0) FROM centres")).one()
        history = c.execute(sa.text("SELECT count(*) FROM layer_history")).scalar()
    env = os.environ | {"WALOUJA_DB_NAME": settings.db_name}
    proc = subprocess.Popen(
        [sys.executable, "-m", "walouja.cli", "import", "centres", str(path), "--skip-invalid"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        backend = _poll(
            engine,
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' "
            "AND query LIKE 'WITH up AS (INSERT INTO centres%' LIMIT 1",
            {},
            until=time.monotonic() + 120,
        )
        assert backend, "the import never reached the write phase"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    # the server ends the orphaned backend once its statement finishes; wait for that
    gone = _poll(
        engine,
        "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :pid)",
        {"pid": backend},
        until=time.monotonic() + 120,
    )
    assert gone, "the killed import's backend is still running"
    with engine.connect() as c:
        after = c.execute(sa.text("SELECT count(*), coalesce(max(id), 0) FROM centres")).one()
        leftovers = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE external_id LIKE 'kill-%'")
        ).scalar()
        assert c.execute(sa.text("SELECT count(*) FROM layer_history")).scalar() == history
    assert tuple(after) == tuple(before)
    assert leftovers == 0
