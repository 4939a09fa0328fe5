"""The places and places per 10,000 persons with disabilities of one region read the same
on every page that shows them (Overview, Map explorer, Coverage and equity), through
AppTest against the real database."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from app.components.filters import type_row
from app.components.mapview import fmt_number
from app.i18n import count_key, grouped, translate
from tests.app.support import HOME


def _open(
    page: str, lang: str, monkeypatch: pytest.MonkeyPatch, **params: str
) -> tuple[AppTest, str]:
    """``page`` opened in ``lang`` at an address with ``params``, and its language."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    at = AppTest.from_file(HOME, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at, lang


def _shown_row(at: AppTest, heading: str, code: str, lang: str) -> dict[str, str]:
    """The row of unit ``code`` in the table with the column ``heading``, as the reader
    sees its cells."""
    frame = next(d for d in at.dataframe if heading in d.value.columns)
    data = frame.proto.arrow_data.styler.display_values
    shown: pd.DataFrame = dataframe_util.convert_arrow_bytes_to_pandas_df(data)
    shown.columns = frame.value.columns
    column = translate("field.code", lang)
    rows = shown.loc[frame.value[column].astype(str) == code]
    assert len(rows) == 1, f"no row {code} in the table"
    return {str(k): str(v) for k, v in rows.iloc[0].items()}


def _region_with_unknown_capacities(engine: Engine) -> tuple[str, int]:
    """A region with operating centres of unknown capacity (where the conventions differ),
    and how many operating centres of unknown capacity the country has."""
    with engine.connect() as c:
        region = c.execute(
            sa.text(
                "SELECT m.region_code FROM centres x JOIN communes m ON m.code = x.commune_code "
                "WHERE x.status = 'operating' AND x.capacity IS NULL "
                "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            )
        ).scalar_one_or_none()
        unknown = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE status = 'operating' AND capacity IS NULL")
        ).scalar_one()
    assert region, "expects operating centres of unknown capacity (run `walouja load`)"
    return str(region), int(unknown)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_region_shows_the_same_places_on_every_page(
    lang: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # "Places pour 10 000 PSH" read 174,6 on the Overview (centres of unknown capacity
    # counted no place) and 245,2 on the Map explorer and the Coverage page (they count the
    # median of the known capacities): the same region had two figures for one thing
    region, unknown = _region_with_unknown_capacities(engine)
    places = translate("field.places", lang)

    at, _ = _open("1_Overview", lang, monkeypatch)
    row = _shown_row(at, translate("overview.col.places_per_10k", lang), region, lang)
    overview = (row[places], row[translate("overview.col.places_per_10k", lang)])
    overview_notes = [c.value for c in at.caption]

    at, _ = _open("3_Coverage_and_equity", lang, monkeypatch, ctype="any", by="region")
    row = _shown_row(at, translate("equity.col.places_per_10k", lang), region, lang)
    coverage = (row[places], row[translate("equity.col.places_per_10k", lang)])
    coverage_notes = [c.value for c in at.caption]
    assert overview == coverage, (overview, coverage)

    at, _ = _open(
        "2_Map_explorer",
        lang,
        monkeypatch,
        level="regions",
        indicator="places_per_10k",
        unit=f"regions:{region}",
    )
    label = translate("map.indicator.places_per_10k", lang, per=fmt_number(1e4, lang=lang))
    metrics = {x.label: x.value for x in at.metric}
    assert metrics.get(label) == overview[1], (label, metrics, overview)
    map_notes = [c.value for c in at.caption]

    # one note, worded alike on the three pages, says how those centres count
    fill = _median(engine)
    note = translate(
        count_key("capacity.filled", unknown, lang),
        lang,
        n=grouped(unknown, lang),
        places=fmt_number(fill, decimals=0 if fill.is_integer() else 1, lang=lang),
    )
    assert note in overview_notes, overview_notes
    assert note in coverage_notes, coverage_notes
    assert note in map_notes, map_notes


def _median(engine: Engine) -> float:
    with engine.connect() as c:
        value: Any = c.execute(
            sa.text(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY capacity) FROM centres "
                "WHERE status = 'operating'"
            )
        ).scalar_one()
    return float(value)


def _type_with_unknown_capacities(engine: Engine) -> tuple[str, int, float, float]:
    """An operating centre type with centres of unknown and of known capacity: the type, how
    many of its centres have no capacity, its median capacity and its places with each
    unknown capacity counted as that median (by hand, in SQL)."""
    with engine.connect() as c:
        row = c.execute(
            sa.text(
                "WITH t AS (SELECT centre_type, count(*) FILTER (WHERE capacity IS NULL) AS n, "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY capacity) AS med, "
                "sum(capacity) AS known FROM centres WHERE status = 'operating' "
                "GROUP BY 1) SELECT centre_type, n, med, known + n * med FROM t "
                "WHERE n > 0 AND med IS NOT NULL ORDER BY n DESC, 1 LIMIT 1"
            )
        ).one()
    return str(row[0]), int(row[1]), float(row[2]), float(row[3])


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_overview_counts_a_types_places_as_the_coverage_page_does_for_that_type(
    lang: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # the Overview's "Centres par type" filled every unknown capacity with the median of all
    # types (90 places), while the Coverage page for one type fills it with that type's
    # median: CAS read 1 711 places on the Overview and 1 515 on the Coverage page
    ctype, unknown, median, places = _type_with_unknown_capacities(engine)
    label = type_row(ctype, lang)  # as the Overview's table names it
    field_type, field_places = translate("field.centre_type", lang), translate("field.places", lang)

    at, _ = _open("1_Overview", lang, monkeypatch)
    table = next(d for d in at.dataframe if field_type in d.value.columns)
    row = table.value.loc[table.value[field_type] == label]
    assert len(row) == 1, table.value
    assert float(row.iloc[0][field_places]) == pytest.approx(places)
    notes = [c.value for c in at.caption]
    with engine.connect() as c:
        filled = c.execute(
            sa.text(
                "SELECT count(*) FROM centres x WHERE status = 'operating' AND capacity IS NULL "
                "AND EXISTS (SELECT 1 FROM centres k WHERE k.status = 'operating' "
                "AND k.centre_type = x.centre_type AND k.capacity IS NOT NULL)"
            )
        ).scalar_one()
    by_type = translate(
        count_key("capacity.filled_by_type", int(filled), lang), lang, n=grouped(int(filled), lang)
    )
    assert by_type in notes, notes

    # the Coverage page for that type counts the same median, and says so
    at, _ = _open("3_Coverage_and_equity", lang, monkeypatch, ctype=ctype, by="region")
    note = translate(
        count_key("capacity.filled", unknown, lang),
        lang,
        n=grouped(unknown, lang),
        places=fmt_number(median, decimals=0 if median.is_integer() else 1, lang=lang),
    )
    assert note in [c.value for c in at.caption]
    shown = next(d for d in at.dataframe if field_places in d.value.columns).value
    assert float(shown[field_places].sum()) == pytest.approx(places)
