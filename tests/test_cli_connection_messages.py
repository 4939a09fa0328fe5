"""What the commands that connect say of a database that does not exist: its name and
where it was looked for, in words, and what to do (not the URL SQLAlchemy encodes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo import db
from walouja.settings import Settings

WALOUJA = [sys.executable, "-m", "walouja.cli"]
MISSING = "walouja_no_such_db"


@pytest.fixture
def missing_env(settings: Settings) -> dict[str, str]:
    """The environment of the test database, pointing at a database that does not exist."""
    env = dict(os.environ)
    if settings.database_url is None:
        env["WALOUJA_DB_NAME"] = MISSING
    else:
        url = sa.engine.make_url(db.database_url(settings, driver=False)).set(database=MISSING)
        env["DATABASE_URL"] = url.render_as_string(hide_password=False)
    return env


@pytest.mark.parametrize(
    "command",
    [
        ["import", "centres", "centres.csv", "--dry-run"],
        ["export", "centres", "centres.csv"],
        ["layers"],
        ["db", "status"],
        ["coverage"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_missing_database_is_named_with_what_to_do(
    settings: Settings,
    missing_env: dict[str, str],
    tmp_path: Path,
    command: list[str],
) -> None:
    # it said "the database named in postgresql://postgres@/walouja_x?host=%2Fwork%2Fmain%2F
    # .walouja%2Frun&port=5432 does not exist"
    (tmp_path / "centres.csv").write_text("name,centre_type,lon,lat\nA,CAS,-6.84,34.02\n")
    out = subprocess.run(
        [*WALOUJA, *command],
        capture_output=True,
        text=True,
        check=False,
        env=missing_env,
        cwd=tmp_path,
    )
    assert out.returncode == 1
    line = out.stderr.strip()
    assert "\n" not in line
    assert "%2F" not in out.stderr + out.stdout
    if settings.uses_local_cluster:
        socket = db.readable_url(db.database_url(settings)).split("host=")[1].split("&")[0]
        assert line == (
            f"walouja: the database {MISSING} does not exist in the local cluster (socket in "
            f"{socket}, port {settings.db_port}) — create it with `walouja db up`, then load "
            "the data with `walouja load` (or `make run`); or set WALOUJA_DB_NAME to the "
            "database you meant"
        )
    else:
        assert line.startswith(f"walouja: the database {MISSING} does not exist on the server ")
        assert line.endswith(
            f"— create it (createdb {MISSING}) or fix the database name in DATABASE_URL; "
            "unset DATABASE_URL to use the local cluster"
        )
    assert not (tmp_path / "centres.csv").read_text().startswith("external_id")  # not written


def test_the_json_refusal_gives_the_databases_name(missing_env: dict[str, str]) -> None:
    out = subprocess.run(
        [*WALOUJA, "layers", "--json"], capture_output=True, text=True, check=False, env=missing_env
    )
    assert out.returncode == 1
    error = json.loads(out.stdout)["error"]
    assert (error["code"], error["params"]) == ("database_missing", {"database": MISSING})
    status = json.loads(
        subprocess.run(
            [*WALOUJA, "db", "status", "--json"],
            capture_output=True,
            text=True,
            check=False,
            env=missing_env,
        ).stdout
    )
    assert "%2F" not in status["url"]  # the address as `walouja db url` prints it
    assert status["error_code"] == "database_missing"


@pytest.mark.parametrize(
    "command",
    [
        ["db", "status"],
        ["db", "status", "--json"],
        ["db", "down"],
        ["db", "reset", "--yes"],
        ["coverage"],
        ["layers"],
        ["export", "centres", "centres.csv"],
        ["import", "centres", "centres.csv", "--dry-run"],
    ],
    ids=" ".join,
)
def test_a_mistyped_walouja_home_is_named_and_not_created(
    tmp_path: Path, command: list[str]
) -> None:
    # `WALOUJA_HOME=/tmp/typo/x walouja db status` made /tmp/typo/x and said to start the
    # cluster with `walouja db up`, which would have made a new, empty one there
    (tmp_path / "centres.csv").write_text("name,centre_type,lon,lat\nA,CAS,-6.84,34.02\n")
    home = tmp_path / "typo" / "x"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WALOUJA_DATABASE_URL")}
    env["WALOUJA_HOME"] = str(home)
    out = subprocess.run(
        [*WALOUJA, *command], capture_output=True, text=True, check=False, env=env, cwd=tmp_path
    )
    assert not (tmp_path / "typo").exists()
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        f"walouja: WALOUJA_HOME={home} does not exist: there is no local cluster there — "
        "check WALOUJA_HOME in the environment or .env (unset, it is the project's .walouja "
        "folder), or run `walouja db up` to create a new cluster there"
    )
    if "--json" in command:
        assert json.loads(out.stdout)["error_code"] == "cluster_home_missing"


def test_the_url_of_a_mistyped_walouja_home_leaves_it_uncreated(tmp_path: Path) -> None:
    home = tmp_path / "typo" / "x"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WALOUJA_DATABASE_URL")}
    env["WALOUJA_HOME"] = str(home)
    out = subprocess.run(
        [*WALOUJA, "db", "url"], capture_output=True, text=True, check=False, env=env
    )
    assert out.returncode == 0, out.stderr
    assert f"host={home}/run" in out.stdout
    assert not (tmp_path / "typo").exists()


def test_the_url_of_a_missing_walouja_home_says_so_on_stderr(tmp_path: Path) -> None:
    # it printed the URL and exited 0 without a word: psql then found no server there
    home = tmp_path / "nowhere"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WALOUJA_DATABASE_URL")}
    env["WALOUJA_HOME"] = str(home)

    def url() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*WALOUJA, "db", "url"], capture_output=True, text=True, check=False, env=env
        )

    out = url()
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines() == [out.stdout.strip()]  # the URL alone
    assert f"host={home}/run" in out.stdout
    assert out.stderr.splitlines() == [
        f"walouja: warning: WALOUJA_HOME={home} does not exist, so this URL points to no "
        "cluster — check WALOUJA_HOME, or run `walouja db up` to create a cluster there"
    ]
    home.mkdir()  # a folder that exists: the URL alone, nothing on stderr
    out = url()
    assert (out.returncode, out.stderr) == (0, "")
