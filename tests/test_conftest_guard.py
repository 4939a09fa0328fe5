"""The suite refuses a database that is not a test database: it writes to it.

``WALOUJA_DB_NAME=walouja make test``, or a ``DATABASE_URL`` naming the ministry's database,
would have imported, edited and deleted rows there (and created ``walouja_scratch``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pytest(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "WALOUJA_DATABASE_URL", "WALOUJA_TEST_DATABASE")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_errors.py"],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_database_without_test_in_its_name_is_refused_before_any_test() -> None:
    done = _pytest(WALOUJA_DB_NAME="walouja")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "refusing to run the tests on the database 'walouja'" in done.stdout + done.stderr
    assert "passed" not in done.stdout
    by_url = _pytest(DATABASE_URL="postgresql://planner@db.example.ma:5432/walouja_prod")
    assert by_url.returncode == 4
    assert "'walouja_prod'" in by_url.stdout + by_url.stderr


def test_a_test_database_or_one_named_to_the_guard_runs() -> None:
    assert _pytest(WALOUJA_DB_NAME="walouja_ci_test").returncode == 0
    named = _pytest(WALOUJA_DB_NAME="walouja_h1", WALOUJA_TEST_DATABASE="walouja_h1")
    assert named.returncode == 0, named.stdout + named.stderr
