"""`walouja import` of a file the account running it may not read: a clear refusal naming
the file and what to do, not a traceback (a file in a folder it may not enter) nor a
mistyped-command-line error (a file without read permission), and nothing written.

The command runs without the power to override file permissions: an ordinary user's run is
that already; root's is run through ``setpriv`` with CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH dropped from its bounding set, so that a mode 000 stops it as it stops
anyone else (``runuser -u nobody`` cannot start this project's Python, which lives under
/root, so it would test nothing)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.i18n import error_texts
from geo.messages import file_error
from tests.geo.fixtures.support import FES, require_layers, write

CSV = f"identifiant;nom;type;lon;lat\nCLI-PERM-1;Centre permission;CAS;{FES[0]};{FES[1]}\n"
HINT = (
    "the account Walouja runs as may not read this file, or enter a folder it is in: allow it "
    "to (chmod a+r on the file, a+x on its folders), or copy the file into a folder of your "
    "own and import the copy"
)


def _unprivileged() -> list[str]:
    """The start of a command line that runs without overriding file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip(
            "running as root without setpriv (util-linux): cannot drop the power to read any file"
        )
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def _walouja(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*_unprivileged(), sys.executable, "-m", "walouja.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def unreadable_copies(folder: Path, name: str, text: str) -> Iterator[dict[str, Path]]:
    """Two copies of a file named ``name`` under ``folder`` that may not be read: ``"file"``
    without read permission, ``"folder"`` inside a folder that may not be entered. Their
    permissions are given back on leaving, so that pytest can remove them."""
    unreadable = write(folder / name, text)
    unreadable.chmod(0)
    private = folder / "private"
    private.mkdir()
    inside = write(private / name, text)
    private.chmod(0)
    try:
        yield {"file": unreadable, "folder": inside}
    finally:
        private.chmod(0o700)
        unreadable.chmod(0o600)


@pytest.fixture
def locked(tmp_path: Path, engine: Engine) -> Iterator[dict[str, Path]]:
    """A CSV without read permission, and one in a folder that may not be entered."""
    with engine.connect() as c:
        require_layers(c)
    with unreadable_copies(tmp_path, "centres.csv", CSV) as copies:
        yield copies
    with engine.begin() as c:
        assert (
            c.execute(
                sa.text("SELECT count(*) FROM centres WHERE external_id = 'CLI-PERM-1'")
            ).scalar_one()
            == 0
        )  # nothing written
        c.execute(sa.text("DELETE FROM centres WHERE external_id = 'CLI-PERM-1'"))


@pytest.mark.parametrize("which", ["file", "folder"])
def test_a_file_the_user_may_not_read_is_refused_saying_so(
    locked: dict[str, Path], which: str
) -> None:
    # a file in a folder it may not enter: PermissionError traceback; a file it may not
    # read: "Invalid value for 'FILE': path … is not readable" and the usage, exit 2
    path = locked[which]
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1, out.stderr
    assert out.stderr == f"walouja: cannot read {path}: permission denied — {HINT}\n"
    assert "Traceback" not in out.stdout + out.stderr
    as_json = _walouja("import", "centres", str(path), "--dry-run", "--json")
    assert as_json.returncode == 1
    error = json.loads(as_json.stdout)["error"]
    assert (error["code"], error["params"]) == ("permission_denied", {"path": str(path)})


def test_the_refusal_is_worded_in_every_language() -> None:
    refusal = file_error("permission_denied", path="/home/agent/centres.csv")
    assert error_texts(refusal, "en") == (refusal.message, refusal.hint)
    assert error_texts(refusal, "fr")[0] == (
        "impossible de lire /home/agent/centres.csv : permission refusée"
    )
    assert error_texts(refusal, "ar")[0] == "تعذّرت قراءة /home/agent/centres.csv: الإذن مرفوض"
