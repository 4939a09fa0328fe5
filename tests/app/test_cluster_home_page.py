"""A page opened when the local database's folder (``WALOUJA_HOME``) may not be written says
so in the page's language, with what to do, as the command line does (``walouja db status``:
``cluster_home_not_writable``).

The page runs in Streamlit's AppTest in a child process without the power to override file
permissions (root's is run through ``setpriv`` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
dropped), as in tests/test_cli_permissions_elsewhere.py: root is the only account whose
cluster folder is probed."""

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

import pytest

from tests.app.support import HOME, as_read

_RUN_PAGE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.query_params["lang"] = sys.argv[2]
at.run()
if sys.argv[3] != "1_Overview":
    at.switch_page(f"views/{sys.argv[3]}.py").run()
print(json.dumps({
    "exception": [str(e.value) for e in at.exception],
    "error": [e.value for e in at.error],
    "info": [e.value for e in at.info],
    "code": [e.value for e in at.code],
}))
"""


@pytest.fixture
def unwritable_home() -> Iterator[Path]:
    """A cluster folder owned by ``nobody``, that root without the power to override
    permissions may not write (nor may ``postgres``)."""
    if os.geteuid() != 0:
        pytest.skip("the cluster's folder is probed only when root runs walouja")
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux): cannot drop the override")
    # under /tmp itself: pytest's own folder is root's alone, which postgres may not enter
    home = Path(tempfile.mkdtemp(prefix="walouja-home-"))
    home.chmod(0o755)
    nobody = pwd.getpwnam("nobody")
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _shown(home: Path, lang: str, page: str) -> dict[str, list[str]]:
    setpriv = shutil.which("setpriv")
    assert setpriv is not None
    root = str(Path(HOME).parents[1])
    out = subprocess.run(
        [
            setpriv,
            "--bounding-set",
            "-dac_override,-dac_read_search",
            sys.executable,
            "-c",
            _RUN_PAGE,
            HOME,
            lang,
            page,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={
            **os.environ,
            "WALOUJA_HOME": str(home),
            "PYTHONPATH": root,
        },
    )
    assert out.returncode == 0, out.stderr[-3000:]
    shown: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    return shown


@pytest.mark.parametrize(
    ("lang", "said", "todo"),
    [
        ("fr", "impossible d'écrire dans le dossier de la base de données locale", "chown"),
        ("ar", "تعذّرت الكتابة في مجلد قاعدة البيانات المحلية", "chown"),
        ("en", "cannot write the local database's folder", "chown"),
    ],
)
def test_a_cluster_folder_that_may_not_be_written_is_said_in_the_pages_language(
    unwritable_home: Path, lang: str, said: str, todo: str
) -> None:
    # the French and Arabic pages read "La base de données est injoignable : cannot write
    # the local database's folder …: permission denied — run walouja as the account…"
    for page in ("1_Overview", "4_Data"):
        shown = _shown(unwritable_home, lang, page)
        assert not shown["exception"], (page, shown["exception"])
        # as read: the page escapes the folder's signs (walouja\-home\-…) since 2f28cb0
        errors = as_read(" ".join(shown["error"]))
        assert said in errors, (page, errors)
        assert str(unwritable_home) in errors, (page, errors)
        hints = as_read(" ".join(shown["info"]))
        assert todo in hints, (page, hints)
        assert "WALOUJA_HOME" in hints, (page, hints)
        if lang != "en":
            assert "permission denied" not in errors + hints, (page, errors)
            assert "run walouja as" not in errors + hints, (page, errors)
        # the project's commands cannot mend a folder's permissions: no "make run" to copy
        assert not shown["code"], (page, shown["code"])
