"""Access per 10,000 persons with disabilities reads the same from every caller: ``walouja
equity --indicator access``, ``walouja access``, the Coverage and equity page's table and the
Map explorer's panel, all scaled by :mod:`walouja.services.access_scale`; and an equity run of
access stored in places per pwd (as runs were stored before) still reads per 10,000.
Against the real database, the CLI as a user runs it and the pages in Streamlit's AppTest."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from app.components.mapview import fmt_number
from app.i18n import translate
from tests.app.support import HOME
from walouja.services import equity as equity_service
from walouja.services.equity import run_equity

REGION = "01"  # Tanger-Tétouan-Al Hoceima: 25.83 places per 10,000 pwd within 60 km


def _cli(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "walouja.cli", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _open(page: str, lang: str, **params: str) -> AppTest:
    """``page`` opened in ``lang`` at an address with ``params`` (offline basemap)."""
    at = AppTest.from_file(HOME, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WALOUJA_TILES", "none")
        mp.setenv("WALOUJA_LANGUAGE", lang)
        st.cache_data.clear()
        st.cache_resource.clear()
        at.run()
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _access_row(at: AppTest, lang: str, code: str) -> tuple[float, str]:
    """Unit ``code``'s access in the Coverage page's table: the figure, and as written."""
    heading = translate("equity.col.access", lang)
    frame = next(d for d in at.dataframe if heading in d.value.columns)
    shown: pd.DataFrame = dataframe_util.convert_arrow_bytes_to_pandas_df(
        frame.proto.arrow_data.styler.display_values
    )
    shown.columns = frame.value.columns
    rows = frame.value[translate("field.code", lang)].astype(str) == code
    assert rows.sum() == 1, f"no row {code} in the table"
    return float(frame.value.loc[rows, heading].iloc[0]), str(shown.loc[rows, heading].iloc[0])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_access_per_10000_reads_the_same_from_the_cli_the_page_and_the_map(
    lang: str, engine: Engine, forget_runs: list[int], fresh_caches: None
) -> None:
    # access was scaled to places per 10,000 pwd in three places (`walouja access`, the Map
    # explorer's 1e4, and since 5440bf9 `walouja equity`'s output); now once, for all
    equity = _cli("equity", "--indicator", "access", "--by", "region")
    access = _cli("access", "--by", "region", "--centre-type", "COAPH")
    communes = _cli("access", "--by", "commune", "--centre-type", "COAPH")
    forget_runs.extend(r["run_id"] for r in (equity, access, communes) if not r["reused"])
    assert equity["indicator"]["unit"] == "places per 10,000 pwd"
    by_equity = {u["code"]: u["value"] for u in equity["units"]}
    by_access = {r["code"]: r["access_per_10k"] for r in access["rows"]}
    assert by_equity.keys() == by_access.keys()
    for code, value in by_equity.items():
        assert value == pytest.approx(by_access[code], rel=1e-9, abs=1e-9), code
    # every commune alike, one of no pwd too (test_a_commune_of_no_pwd...); `access` stays
    # the score per person beside it
    per_commune = {c["code"]: c["value"] for c in equity["communes"]}
    assert per_commune.keys() == {r["code"] for r in communes["rows"]}
    for row in communes["rows"]:
        assert per_commune[row["code"]] == pytest.approx(row["access_per_10k"], abs=1e-9)
        assert row["access_per_10k"] == pytest.approx(row["access"] * 10_000, abs=1e-9)
    region = by_equity[REGION]
    assert round(region, 2) == 25.83  # the loaded data's, as `walouja equity` prints it
    assert round(equity["indices"]["mean"], 3) == 27.935
    written = fmt_number(region, decimals=1, lang=lang)

    at = _open("3_Coverage_and_equity", lang, ctype="COAPH", by="region", eq_indicator="access")
    figure, shown = _access_row(at, lang, REGION)
    assert figure == pytest.approx(region, rel=1e-9)
    assert shown == written
    mean = fmt_number(equity["indices"]["mean"], decimals=1, lang=lang)
    metrics = {m.label: m.value for m in at.metric}
    per = translate("equity.per_10k", lang)
    assert metrics[f"{translate('equity.mean', lang)} ({per})"] == mean, metrics

    at = _open(
        "2_Map_explorer",
        lang,
        ctype="COAPH",
        level="regions",
        indicator="access",
        unit=f"regions:{REGION}",
    )
    label = translate(
        "map.indicator.access",
        lang,
        per=fmt_number(1e4, lang=lang),
        km=fmt_number(60, lang=lang),
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get(label) == written, (label, metrics)


def _no_pwd_commune(engine: Engine) -> tuple[str, str]:
    """The code of the loaded data's commune of no pwd (Oum Dreyga), and its province's."""
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT code, province_code FROM communes WHERE pwd = 0 ORDER BY code")
        ).all()
    assert len(found) == 1, found
    return str(found[0][0]), str(found[0][1])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_commune_of_no_pwd_reads_its_access_alike_everywhere(
    lang: str, engine: Engine, forget_runs: list[int], fresh_caches: None
) -> None:
    # its score is the places per pwd of the centres within its reach, whatever its own pwd
    # (analysis.access): `walouja access --by commune` gave it null (a mean weighted by its
    # 0 pwd), `walouja equity` and the app their score
    code, province = _no_pwd_commune(engine)
    equity = _cli("equity", "--indicator", "access", "--by", "province")
    communes = _cli("access", "--by", "commune", "--centre-type", "COAPH")
    provinces = _cli("access", "--by", "province", "--centre-type", "COAPH")
    forget_runs.extend(r["run_id"] for r in (equity, communes, provinces) if not r["reused"])
    row = next(r for r in communes["rows"] if r["code"] == code)
    assert row["pwd"] == 0
    value = next(c["value"] for c in equity["communes"] if c["code"] == code)
    assert row["access_per_10k"] is not None
    assert row["access_per_10k"] == pytest.approx(value, abs=1e-9)
    assert row["access"] == pytest.approx(value / 10_000, abs=1e-13)
    assert row["centres_in_reach"] == 0  # its nearest COAPH is 232 km away: 0 within 60
    assert value == 0.0
    written = fmt_number(value, decimals=1, lang=lang)

    # the Map explorer's panel on the commune
    at = _open(
        "2_Map_explorer",
        lang,
        ctype="COAPH",
        level="communes",
        indicator="access",
        unit=f"communes:{code}",
    )
    label = translate(
        "map.indicator.access",
        lang,
        per=fmt_number(1e4, lang=lang),
        km=fmt_number(60, lang=lang),
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get(label) == written, (label, metrics)

    # the Coverage and equity page's table (by province: it has no row per commune): its
    # province as the two commands give it, the commune weighing its 0 pwd
    at = _open("3_Coverage_and_equity", lang, ctype="COAPH", by="province", eq_indicator="access")
    figure, _ = _access_row(at, lang, province)
    by_access = next(r["access_per_10k"] for r in provinces["rows"] if r["code"] == province)
    by_equity = next(u["value"] for u in equity["units"] if u["code"] == province)
    assert figure == pytest.approx(by_access, rel=1e-9)
    assert figure == pytest.approx(by_equity, rel=1e-9)


def test_a_commune_of_no_pwd_with_a_centre_in_reach_has_its_places(
    engine: Engine, forget_runs: list[int]
) -> None:
    # within 300 km one COAPH reaches the commune of no pwd: both commands give it that
    # centre's places per pwd (per 10,000), not null and not 0
    code, _ = _no_pwd_commune(engine)
    km = ("--catchment-km", "300")
    equity = _cli("equity", "--indicator", "access", "--by", "province", *km)
    communes = _cli("access", "--by", "commune", "--centre-type", "COAPH", *km)
    forget_runs.extend(r["run_id"] for r in (equity, communes) if not r["reused"])
    row = next(r for r in communes["rows"] if r["code"] == code)
    value = next(c["value"] for c in equity["communes"] if c["code"] == code)
    assert row["centres_in_reach"] == 1
    assert row["access_per_10k"] is not None
    assert value > 0
    assert row["access_per_10k"] == pytest.approx(value, rel=1e-9)


def _legacy_run(engine: Engine, monkeypatch: pytest.MonkeyPatch, **request: Any) -> int:
    """An equity run of access stored as runs were before they were stored per 10,000 pwd:
    the report of the score, places per pwd (what ``run_equity`` stored until then)."""
    with monkeypatch.context() as mp:
        mp.setattr(equity_service, "equity_results", lambda results, params: results)
        with engine.begin() as c:
            out = run_equity(c, indicator="access", fresh=True, **request)
    assert out.results["indicator"]["unit"] == "places per pwd"
    assert out.results["indices"]["mean"] < 0.01  # the score, per person
    return out.run_id


_RUN_KEYS = {"run_id", "reused", "duration_s", "copy_of", "created_at"}
"""Keys of ``--json`` that say which run answered, not what it holds."""


def _same(got: Any, want: Any, where: str) -> None:
    """``got`` is ``want`` (JSON), figures to 12 significant digits."""
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        assert got.keys() == want.keys(), where
        for key in want:
            _same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list), where
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, bool):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), where
    else:
        assert got == want, where


def test_an_access_run_stored_in_places_per_pwd_reads_per_10000(
    engine: Engine, forget_runs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a run stored before equity runs held access per 10,000 pwd is reused as it is: its
    # figures read per 10,000, not 10,000 times too small
    old = _legacy_run(engine, monkeypatch, by="region", catchment_km=55.0)
    forget_runs.append(old)
    reused = _cli("equity", "--indicator", "access", "--by", "region", "--catchment-km", "55")
    assert reused["reused"]
    assert reused["run_id"] == old
    fresh = _cli(
        "equity", "--indicator", "access", "--by", "region", "--catchment-km", "55", "--fresh"
    )
    forget_runs.append(fresh["run_id"])
    with engine.connect() as c:
        stored = c.execute(
            sa.text("SELECT results -> 'indicator' ->> 'unit' FROM analysis_runs WHERE id = :i"),
            {"i": fresh["run_id"]},
        ).scalar_one()
    assert stored == "places per 10,000 pwd"  # stored as given
    for key in fresh.keys() - _RUN_KEYS:
        _same(reused[key], fresh[key], key)
    assert 1 < reused["indices"]["mean"] < 1000


def test_a_reopened_access_run_stored_in_places_per_pwd_says_its_mean_per_10000(
    engine: Engine,
    forget_runs: list[int],
    monkeypatch: pytest.MonkeyPatch,
    fresh_caches: None,
) -> None:
    # the page reads a reopened run's saved mean when the data changed since: a run stored
    # in places per pwd says "mean 27.9", as the page shows it, not "0.0"
    old = _legacy_run(engine, monkeypatch, by="region")
    forget_runs.append(old)
    with engine.begin() as c:  # saved on other data
        c.execute(
            sa.text("UPDATE analysis_runs SET fingerprint = 'before' WHERE id = :i"), {"i": old}
        )
    at = _open("3_Coverage_and_equity", "en", ctype="COAPH", by="region", eq_indicator="access")
    mean = next(m.value for m in at.metric if m.label.startswith(translate("equity.mean", "en")))
    at.selectbox(key="eq_open_id").set_value(old).run()
    at.button(key="eq_open").click().run()
    assert not at.exception, at.exception
    said = [w.value for w in at.warning if "When saved: mean" in w.value]
    assert said, [w.value for w in at.warning]
    assert f"When saved: mean {mean}, Gini " in said[0], (mean, said)
    assert mean == "27.9"
