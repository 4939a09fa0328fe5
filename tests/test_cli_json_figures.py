"""The figures of every analysis's ``--json`` on the national data: persons (and person-km)
as whole numbers, as the text and the pages write them, and no float noise in the others
(a site's gain read ``29778.643999999993``, a share ``0.30000000000000004``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from walouja.services.prioritise import load_scenario

WALOUJA = [sys.executable, "-m", "walouja.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WALOUJA, *args], capture_output=True, text=True, timeout=300, check=False
    )


def _json(*args: str) -> Any:
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _floats(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every float of a JSON answer with where it is (``units[].value``)."""
    if isinstance(value, dict):
        for key, v in value.items():
            yield from _floats(v, f"{path}.{key}")
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v, f"{path}[]")
    elif isinstance(value, float):
        yield path, value


def _noisy(answer: Any) -> list[tuple[str, float]]:
    """The floats written with more digits than a figure has: more than 13 significant
    digits are the noise of binary arithmetic (0.1 + 0.2 = 0.30000000000000004)."""
    return [(p, v) for p, v in _floats(answer) if v != float(f"{v:.13g}")]


@pytest.fixture(scope="module")
def scenarios(engine: Engine) -> Iterator[dict[str, dict[str, Any]]]:
    """An MCLP and a p-median on the national data, as ``walouja prioritise --json`` gives
    them; the ones these tests computed are deleted afterwards."""
    ours: list[int] = []
    out = {}
    for model in ("mclp", "pmedian"):
        answer = _json(
            "prioritise", "--centre-type", "COAPH", "--new", "2", "--radius-km", "30",
            "--model", model, "--time-limit", "60",
        )  # fmt: skip
        if not answer["reused"]:
            ours.append(int(answer["run_id"]))
        out[model] = answer
    yield out
    if ours:
        import sqlalchemy as sa

        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": ours})


def test_prioritise_json_gives_persons_as_whole_numbers(
    engine: Engine, scenarios: dict[str, dict[str, Any]]
) -> None:
    mclp = scenarios["mclp"]
    with engine.connect() as c:
        stored = load_scenario(c, int(mclp["run_id"])).results
    # the stored figures, rounded to the person as the page and the text write them
    for key in ("objective", "pwd_covered_before", "pwd_covered_after", "pwd_total"):
        assert mclp[key] == round(stored[key]), key
        assert isinstance(mclp[key], int), (key, mclp[key])
    assert mclp["greedy"]["objective"] == round(stored["greedy"]["objective"])
    assert mclp["sites"], mclp
    for site, kept in zip(mclp["sites"], stored["sites"], strict=True):
        assert isinstance(site["gain"], int), site
        assert site["gain"] == round(kept["gain"])
        # the other figures of a site keep their precision
        assert site["lat"] == pytest.approx(kept["lat"], abs=1e-9)
    for row in mclp["by_region"]:
        assert all(isinstance(row[k], int) for k in ("pwd", "gain", "covered_after")), row
    # the text writes the same figures
    shown = _run("scenarios", "show", str(mclp["run_id"])).stdout
    for site in mclp["sites"]:
        assert f" {site['gain']:,}" in shown, (site, shown)
    assert f"{mclp['pwd_covered_after']:,}" in shown
    # a p-median's person-km too ("50769886.359580584")
    pmedian = scenarios["pmedian"]
    assert isinstance(pmedian["objective"], int), pmedian["objective"]
    assert isinstance(pmedian["objective_before"], int), pmedian["objective_before"]
    assert all(isinstance(r["person_km_saved"], int) for r in pmedian["by_region"])


def test_no_json_answer_has_float_noise(scenarios: dict[str, dict[str, Any]]) -> None:
    mclp, pmedian = scenarios["mclp"]["run_id"], scenarios["pmedian"]["run_id"]
    answers = {
        "prioritise": scenarios["mclp"],
        "prioritise pmedian": scenarios["pmedian"],
        "scenarios show": _json("scenarios", "show", str(mclp)),
        "scenarios list": _json("scenarios", "list"),
        "coverage": _json("coverage", "--by", "commune"),
        "access": _json("access", "--by", "commune"),
        "equity access": _json("equity", "--indicator", "access"),
        "equity nearest_km": _json("equity", "--indicator", "nearest_km", "--by", "province"),
        "gaps": _json("gaps"),
    }
    compared = _json("scenarios", "compare", str(mclp), str(pmedian))
    answers["scenarios compare"] = compared
    for name, answer in answers.items():
        assert not _noisy(answer), (name, _noisy(answer)[:5])
    # compared figures of persons are whole, as each scenario's own
    for key in ("objective", "pwd_covered_before", "pwd_covered_after"):
        assert all(isinstance(v, int) for v in compared["headline"][key].values()), key
    # persons in the tables of the other analyses too (the text writes them so)
    cov = answers["coverage"]["rows"]
    assert all(isinstance(r[k], int) for r in cov for k in ("pwd", "pwd_covered")), cov[0]
    units = answers["equity nearest_km"]["units"]
    assert all(isinstance(u["pwd_beyond"], int) for u in units), units[0]
    # a distance keeps its precision, not the text's one decimal
    assert any(len(repr(r["mean_distance_km"])) > 8 for r in cov), cov[:3]
