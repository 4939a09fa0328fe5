"""Files and folders the account running walouja may not read or write, outside ``walouja
import`` (see tests/test_cli_import_permissions.py): ``walouja prioritise --candidates`` of a
file it may not read, and a command opening the local cluster whose folder it may not write.

The commands run without the power to override file permissions, as in the import's test:
an ordinary user's run is that already; root's is run through ``setpriv`` with
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped from its bounding set."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.i18n import error_texts
from geo.cluster import cluster_home_refusal
from tests.geo.fixtures.support import FES, require_layers
from tests.test_cli_import_permissions import HINT, _unprivileged, unreadable_copies

CSV = f"id;nom;lon;lat\nPERM-1;Site permission;{FES[0]};{FES[1]}\n"


def _walouja(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [*_unprivileged(), sys.executable, "-m", "walouja.cli", *args]
    return subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


@pytest.fixture
def locked(tmp_path: Path, engine: Engine) -> Iterator[dict[str, Path]]:
    """A candidate file without read permission, and one in a folder that may not be entered."""
    with engine.connect() as c:
        require_layers(c)
        before = c.execute(
            sa.text("SELECT count(*) FROM analysis_runs WHERE kind = 'prioritise'")
        ).scalar_one()
    with unreadable_copies(tmp_path, "sites.csv", CSV) as copies:
        yield copies
    with engine.connect() as c:
        after = c.execute(
            sa.text("SELECT count(*) FROM analysis_runs WHERE kind = 'prioritise'")
        ).scalar_one()
    assert after == before  # no scenario stored


@pytest.mark.parametrize("which", ["file", "folder"])
def test_a_candidate_file_the_user_may_not_read_is_refused_saying_so(
    locked: dict[str, Path], which: str
) -> None:
    # a file without read permission gave the mistyped-command-line usage: "Invalid value
    # for '--candidates': File … is not readable", exit 2
    path = locked[which]
    out = _walouja("prioritise", "--new", "1", "--candidates", str(path), "--fresh")
    assert out.returncode == 1, out.stderr
    assert out.stderr == f"walouja: cannot read {path}: permission denied — {HINT}\n"
    assert "Traceback" not in out.stdout + out.stderr
    as_json = _walouja("prioritise", "--new", "1", "--candidates", str(path), "--json")
    assert as_json.returncode == 1
    error = json.loads(as_json.stdout)["error"]
    assert (error["code"], error["params"]) == ("permission_denied", {"path": str(path)})


def test_a_candidate_file_that_is_not_there_is_still_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    out = _walouja("prioritise", "--new", "1", "--candidates", str(missing))
    assert out.returncode in (1, 2), out.stderr
    assert str(missing.name) in out.stderr
    assert "Traceback" not in out.stdout + out.stderr


@pytest.fixture
def home_of() -> Iterator[Any]:
    """A cluster folder (``WALOUJA_HOME``) owned by another account, that root without the
    power to override permissions may not write (as ``.walouja/`` is, owned by postgres once
    root has set the cluster up)."""
    if os.geteuid() != 0:
        pytest.skip("the cluster's folder is probed only when root runs walouja")
    made: list[Path] = []

    def make(owner: str) -> Path:
        # under /tmp itself: pytest's own folder is root's alone, which postgres may not enter
        home = Path(tempfile.mkdtemp(prefix="walouja-home-"))
        home.chmod(0o755)
        account = pwd.getpwnam(owner)
        os.chown(home, account.pw_uid, account.pw_gid)
        made.append(home)
        return home

    yield make
    for home in made:
        shutil.rmtree(home, ignore_errors=True)


def test_a_cluster_folder_the_server_account_owns_is_used_as_it_is(home_of: Any) -> None:
    # root may not write .walouja/ (postgres's) when it runs without overriding permissions:
    # "PermissionError: … .walouja/.probe-…" and a traceback, from every command that opens
    # the database; the folder is the server's, so the cluster is there
    home = home_of("postgres")
    out = _walouja("db", "url", env={"WALOUJA_HOME": str(home)})
    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == 0, out.stderr
    assert f"host={home}/run" in out.stdout
    assert list(home.iterdir()) == []  # nothing left behind


def test_a_cluster_folder_nobody_here_may_write_is_refused_saying_what_to_do(
    home_of: Any,
) -> None:
    home = home_of("nobody")
    for command in (("db", "url"), ("db", "status"), ("layers",)):
        out = _walouja(*command, env={"WALOUJA_HOME": str(home)})
        assert "Traceback" not in out.stdout + out.stderr, command
        assert out.returncode == 1, (command, out.stderr)
        assert out.stderr.startswith(
            f"walouja: cannot write the local database's folder {home}: permission denied — "
        ), out.stderr
        assert "WALOUJA_HOME" in out.stderr
    as_json = _walouja("db", "status", "--json", env={"WALOUJA_HOME": str(home)})
    error = json.loads(as_json.stdout)["error"]
    assert (error["code"], error["params"]) == ("cluster_home_not_writable", {"home": str(home)})


def test_the_cluster_folder_refusal_is_worded_in_every_language() -> None:
    refusal = cluster_home_refusal(Path("/srv/walouja/.walouja"))
    assert error_texts(refusal, "en") == (refusal.message, refusal.hint)
    for lang in ("fr", "ar"):
        message, hint = error_texts(refusal, lang)
        assert "/srv/walouja/.walouja" in message
        assert message != refusal.message
        assert hint is not None
        assert "WALOUJA_HOME" in hint
