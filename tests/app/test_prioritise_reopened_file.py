"""A scenario computed on an uploaded file, opened again (from the saved list or a link
``?scenario=N``), showed its results with the candidate choice on "upload" and an empty file
box, without a word: the page keeps no file. It now says which file the scenario was computed
on and that it must be given again to recompute or change it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import opened_in
from walouja.settings import Settings

PAGE = "views/5_Prioritise_centres.py"
SITES = "id;nom;lon;lat\nR1;Rabat;-6.8416;34.0209\nF1;Fès;-5.0003;34.0331\n"
# the file's name as typed, its Markdown escaped (it reads "mes_sites.csv")
SAID = {
    "fr": r"Le scénario ouvert a été calculé sur les sites du fichier mes\_sites\.csv : la page ne "
    "garde pas les fichiers, donnez-le à nouveau ci-dessus pour le recalculer ou le modifier.",
    "en": r"The scenario opened was computed on the sites from mes\_sites\.csv: the page does not "
    "keep files, give it again above to recompute or change it.",
}


def _scenario(*args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "walouja.cli", "prioritise", "--new", "1", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(json.loads(done.stdout)["run_id"])


@pytest.fixture
def scenarios(settings: Settings, tmp_path: Path, forget_runs: list[int]) -> dict[str, int]:
    """One scenario on a file ``mes_sites.csv`` of two sites, one on the communes."""
    path = tmp_path / "mes_sites.csv"
    path.write_text(SITES, encoding="utf-8")
    made = {
        "file": _scenario("--candidates", str(path), "--radius-km", "27.5", "--fresh"),
        "communes": _scenario("--radius-km", "27.5", "--fresh"),
    }
    forget_runs.extend(made.values())
    return made


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_scenario_on_a_file_asks_for_the_file_again_until_it_is_given(
    scenarios: dict[str, int], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, PAGE, {"scenario": str(scenarios["file"])}, timeout=240)
    assert at.radio(key="p_cand").value == "upload"
    assert SAID[lang] in _infos(at)
    at.file_uploader(key="p_file").set_value(("mes_sites.csv", SITES.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert SAID[lang] not in _infos(at)


def test_a_scenario_on_the_communes_says_nothing_of_a_file(
    scenarios: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = opened_in(monkeypatch, "fr", PAGE, {"scenario": str(scenarios["communes"])}, timeout=240)
    assert at.radio(key="p_cand").value == "communes"
    assert not any("fichier" in i for i in _infos(at)), _infos(at)
