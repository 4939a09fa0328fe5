"""Lists the pages write with ``app.i18n.join_list``, as Chromium lays them out in Arabic:
Latin items read from the right in the order they are listed.

Each check measures where the browser drew a piece of text (see ``test_data_bidi_e2e``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_data_bidi_e2e import _cell, _place, _reads_from_the_right
from tests.e2e.test_prioritise_e2e import _choose_scenario
from walouja.settings import Settings

pytestmark = pytest.mark.e2e


def _scenario(settings: Settings, *args: str) -> str:
    """The id of a scenario ``walouja prioritise ARGS`` computes in the test database."""
    done = subprocess.run(
        [sys.executable, "-m", "walouja.cli", "prioritise", "--json", "--fresh", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "WALOUJA_DB_NAME": settings.db_name},
    )
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["run_id"])


def test_arabic_kept_sites_of_latin_names_read_in_their_order(
    app: str, page: Any, settings: Settings, tmp_path: Path
) -> None:
    # "الإبقاء على المواقع: Alpha، Bravo" was one left-to-right run in the comparison's cell:
    # read from the right, Bravo came first
    sites = tmp_path / "sites_bidi.csv"
    sites.write_text(
        "id;nom;lon;lat\nS1;Alpha;-6.8416;34.0209\nS2;Bravo;-5.0003;34.0331\n"
        "S3;Charlie;-7.6;33.57\n",
        encoding="utf-8",
    )
    kept = _scenario(
        settings, "--new", "2", "--candidates", str(sites), "--force", "S1", "--force", "S2"
    )
    free = _scenario(settings, "--new", "2", "--candidates", str(sites))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app}/prioritise_centres?lang=ar&scenario={free}")
    table = page.locator("[data-testid='stTable']")
    table.wait_for()
    for letter, scenario in (("A", kept), ("B", free)):
        label = translate(f"prioritise.compare_{letter.lower()}", "ar")
        _choose_scenario(page, table, letter, scenario, label=label)
    cell = _cell(table, "Bravo")
    cell.scroll_into_view_if_needed()
    table.screenshot(path=str(ARTIFACTS / "prioritise-compare-list-ar.png"))
    assert abs(_place(cell, "Alpha")["top"] - _place(cell, "Bravo")["top"]) < 2  # one line
    _reads_from_the_right(cell, "Alpha", "Bravo")
