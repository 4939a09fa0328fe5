"""The Map explorer page in Streamlit's AppTest against the real database: what its map,
legend, search and side panel say (the findings of the map's QA pass)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.components import explorer
from app.textsearch import search_places
from geo import maps
from tests.app.support import HOME, as_read, require_no_centre_of_type


@pytest.fixture
def fresh(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """French, offline basemap, empty caches before and after."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "fr")
    with engine.connect() as c:
        n = c.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
        centres = c.execute(sa.text("SELECT count(*) FROM centres")).scalar_one()
    assert n > 1000, "no national geography in the test database: run `walouja load`"
    assert centres, "no centres in the test database: run `walouja load`"
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _open(*, lang: str = "fr", **params: str) -> AppTest:
    """The map page opened in ``lang`` at an address with these parameters."""
    at = AppTest.from_file(HOME, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WALOUJA_LANGUAGE", lang)
        st.cache_resource.clear()  # the settings are read again
        at.run()
        at.switch_page("views/2_Map_explorer.py").run()
    assert not at.exception, at.exception
    return at


def _script(at: AppTest) -> str:
    """The map's script with JSON's ``\\uXXXX`` escapes read back (what the browser runs)."""
    text = str(json.loads(at.get("component_instance")[0].proto.json_args)["script"])
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def _legend(at: AppTest) -> str:
    """The legend's HTML."""
    script = str(json.loads(at.get("component_instance")[0].proto.json_args)["script"])
    found = re.search(r"'walouja-legend'\);\s*div\.innerHTML = (\".*?\");\n", script)
    assert found, "no legend on the map"
    return str(json.loads(found.group(1)))


def _polygon_values(at: AppTest) -> dict[str, list[str]]:
    """``{code: [colour, label]}`` of the choropleth."""
    script = str(json.loads(at.get("component_instance")[0].proto.json_args)["script"])
    found = re.search(r"var values = (\{.*?\});\n", script)
    assert found
    return dict(json.loads(found.group(1)))


def _units(engine: Engine, level: maps.Level) -> pd.DataFrame:
    with engine.connect() as conn:
        return maps.units(conn, level)


def _warnings(at: AppTest) -> list[str]:
    """The page's warnings as the reader reads them (a search quoted as typed)."""
    return [as_read(w.value) for w in at.warning]


def test_an_access_indicator_says_its_centres_are_demonstration_data_without_the_layer(
    fresh: None,
) -> None:
    at = _open(indicator="coverage", overlays="")
    assert at.multiselect(key="overlays").value == []
    assert any(w.startswith("Centres :") and "démonstration" in w for w in _warnings(at))
    assert "valeurs calculées à partir de centres de démonstration" in _legend(at)
    # a census indicator is not computed from centres: no such mark
    at = _open(indicator="pwd", overlays="")
    assert not any(w.startswith("Centres :") for w in _warnings(at))
    assert "démonstration" not in _legend(at)


def test_planned_centres_are_drawn_hollow_and_counted_apart(fresh: None, engine: Engine) -> None:
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE status = 'operating'), "
                "count(*) FILTER (WHERE status IN ('planned', 'under_construction')) "
                "FROM centres WHERE centre_type = 'COAPH'"
            )
        ).one()
    operating, pending = int(rows[0]), int(rows[1])
    assert pending > 1, "expects the demonstration centres (planned COAPH)"
    at = _open()
    legend = _legend(at)
    assert (
        f"<bdi>COAPH</bdi> : {operating} en service, {pending} prévus ou en construction" in legend
    )
    assert "contour tireté : prévu ou en construction" in legend
    script = _script(at)
    assert '"dashArray": "3 2"' in script
    assert "(programmé)" in script or "(en construction)" in script  # the tooltip says it
    at = _open(lang="en")
    assert f"<bdi>COAPH</bdi>: {operating} operating, {pending} planned or under" in _legend(at)


def test_search_looks_in_the_filtered_region_and_names_a_match_outside_it(fresh: None) -> None:
    at = _open(region="01")  # Tanger-Tétouan-Al Hoceima
    at.text_input(key="q").input("Tiznit").run()
    assert not at.exception
    # the commune and the province of Tiznit
    assert any(
        "Aucun lieu dans Tanger-Tétouan-Al Hoceima ne correspond à « Tiznit »" in w
        and "2 lieux correspondent hors de ce filtre" in w
        for w in _warnings(at)
    ), _warnings(at)
    assert "commune" not in at.query_params
    assert '"weight": 3.5' not in _script(at)
    at.text_input(key="q").input("Tanger").run()
    assert "Recherche limitée à Tanger-Tétouan-Al Hoceima." in [c.value for c in at.caption]
    found = at.selectbox(key="commune")
    assert found.options
    assert all("Tanger" in o for o in found.options[:1])
    # a region and a province are looked for in the filter as the communes are
    assert not any(o.startswith("Région · Souss") for o in found.options)
    # with the filter removed, Tiznit is found and shown
    at.selectbox(key="region").set_value("").run()
    at.text_input(key="q").input("Tiznit").run()
    assert any("Tiznit" in s.value for s in at.header)


def test_search_counts_every_match_and_says_how_many_it_lists(fresh: None, engine: Engine) -> None:
    at = _open()
    at.text_input(key="q").input("Sidi").run()
    units = {level: _units(engine, level) for level in ("regions", "provinces", "communes")}
    total = len(search_places(units, "Sidi"))  # Sidi Kacem, Sidi Bennour… are provinces too
    assert total > 20
    box = at.selectbox(key="commune")
    assert box.label == f"{total} lieux trouvés, les 20 premiers affichés"
    assert len(box.options) == 20
    at = _open(lang="ar", q="Sidi")
    assert at.selectbox(key="commune").label == (f"تم العثور على {total} نتيجة، تُعرض أول 20 منها")
    at.text_input(key="q").input("Tiznit").run()
    assert at.selectbox(key="commune").label == "تم العثور على نتيجتين"
    # an Arabic page lists the kind and the Arabic name first, the French one isolated after
    # the commune first on the communes' map (a town is what a name typed most often is)
    commune, province = at.selectbox(key="commune").options
    assert commune.startswith("جماعة · تيزنيت — \u2068Tiznit\u2069 ("), commune
    assert province.startswith("إقليم · تيزنيت — \u2068Tiznit\u2069 ("), province
    assert _open(q="Tiznit").selectbox(key="commune").options[1].startswith("Province · Tiznit — ")
    # the province first on the provinces' map
    on_provinces = _open(q="Tiznit", level="provinces").selectbox(key="commune").options
    assert [o.split(" · ")[0] for o in on_provinces] == ["Province", "Commune"], on_provinces
    # only communes found: the label counts communes
    assert (
        _open(q="Tafraout")
        .selectbox(key="commune")
        .label.endswith(("commune trouvée", "communes trouvées"))
    )


def test_colour_classes_are_those_of_the_units_drawn(fresh: None, engine: Engine) -> None:
    at = _open(region="11")  # Laâyoune-Sakia El Hamra, 20 communes at commune level
    values = _polygon_values(at)
    communes = _units(engine, "communes")
    in_region = set(communes.loc[communes["region_code"] == "11", "code"])
    assert set(values) == in_region  # the other communes are not drawn
    assert len({colour for colour, _ in values.values()}) >= 4, values
    biggest = round(float(communes.loc[communes["region_code"] == "11", "pwd"].max()))
    assert f"{biggest:,}".replace(",", "\u202f") in _legend(at)  # the top class ends there


def test_the_panel_keeps_a_clicked_unit_and_forgets_a_search_that_finds_nothing(
    fresh: None, engine: Engine
) -> None:
    at = _open()
    at.text_input(key="q").input("Tiznit").run()
    assert [s.value for s in at.header][:1] == ["Tiznit"]
    tiznit = at.query_params["commune"]
    other = next(c for c in _units(engine, "communes")["code"] if c != tiznit)
    at.session_state["selected"] = ("communes", other)  # what a click on the map records
    at.run()
    clicked = at.header[0].value
    assert clicked != "Tiznit"
    at.selectbox(key="indicator").set_value("prevalence").run()
    assert at.header[0].value == clicked  # a rerun does not bring the search back
    at.session_state["selected"] = explorer.found_unit(tiznit)
    at.run()
    at.text_input(key="q").input("zzzz").run()
    assert "commune" not in at.query_params
    assert not at.header
    assert any("Cliquez sur la carte" in i.value for i in at.info)


def test_a_centre_type_without_operating_centres_is_not_offered_and_the_map_stays(
    fresh: None, engine: Engine
) -> None:
    require_no_centre_of_type(engine, "other")
    at = _open(indicator="coverage", ctype="other")
    assert not at.error, [e.value for e in at.error]
    assert "other" not in at.selectbox(key="ctype").options
    assert at.selectbox(key="ctype").value == "any"
    assert any("Aucun centre de type « Autre » n'est en service" in i.value for i in at.info)
    assert at.get("component_instance"), "the map is drawn"


def test_the_panel_names_the_coverage_distance_and_the_centres(fresh: None) -> None:
    # the threshold picker is greyed out with a distance, yet coverage is shown: at 30 km
    at = _open(indicator="nearest_km", q="Tiznit")
    labels = [m.label for m in at.metric]
    assert "Couverture : part à moins de 30 km d'un centre" in labels, labels
    assert any(
        c.value == "Calculé sur les centres en service : Tous les types." for c in at.caption
    )
    at = _open(indicator="coverage", km="10", q="Tiznit")
    assert "Couverture : part à moins de 10 km d'un centre" in [m.label for m in at.metric]
    assert "Couverture : part à moins de 10 km d'un centre (%)" in _legend(at)


def test_the_legend_names_the_centre_type_an_indicator_is_computed_from(fresh: None) -> None:
    # "à moins de 30 km d'un centre": the legend did not say of which type, and a map of
    # COAPH coverage read as coverage by any centre
    legend = _legend(_open(indicator="coverage", ctype="COAPH"))
    title, note = legend.split("<br>")[:2]
    assert title.endswith("<b>Couverture : part à moins de 30 km d'un centre (%)</b>")
    assert note.startswith("Calculé sur les centres en service : COAPH — centre d")
    legend = _legend(_open(indicator="nearest_km", ctype="any", lang="ar"))
    assert "محسوب على المراكز في طور الاشتغال: كل الأنواع." in legend
    # a census figure is not computed from centres: no such line
    assert "Calculé sur" not in _legend(_open(indicator="pwd", ctype="COAPH"))


def test_arabic_points_are_named_in_arabic_with_translated_modes(
    fresh: None, engine: Engine
) -> None:
    with engine.connect() as c:
        name, name_ar = c.execute(
            sa.text(
                "SELECT name, name_ar FROM beaches WHERE coalesce(name_ar, '') <> '' "
                "ORDER BY id LIMIT 1"
            )
        ).one()
        modes = [r[0] for r in c.execute(sa.text("SELECT DISTINCT mode FROM transport_stops"))]
    assert "bus" in modes, "expects the demonstration stops"
    at = _open(lang="ar", overlays="beaches,transport_stops")
    script = _script(at)
    assert f'"_t": "{name_ar}"' in script  # the hover names it in Arabic
    assert f'["الاسم (بالفرنسية)", "{name}"]' in script  # the popup's French name, labelled
    assert f'["الاسم (بالعربية)", "{name_ar}"]' in script
    assert '["الوسيلة", "حافلة"]' in script
    assert '["الوسيلة", "bus"]' not in script


def test_map_cosmetics_metric_scale_titles_searched_outline_and_one_decimal(fresh: None) -> None:
    at = _open(indicator="prevalence", q="Tiznit")
    script = _script(at)
    assert "imperial: false" in script
    assert '"scrollWheelZoom": false' in script
    assert '"layers": "Couches"' in script
    assert '"color": "#000000"' in script
    assert '"weight": 3.5' in script
    legend = _legend(at)
    ranges = re.findall(r"\d+,\d+", legend)
    assert ranges
    assert all(len(r.split(",")[1]) == 1 for r in ranges), ranges
    # the side panel too: one decimal, as the census gives it ("3,10 %" before)
    shown = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d+,\d\u202f%", shown["Prévalence du handicap"]), shown
    at = _open(lang="ar", indicator="places_per_10k")
    assert '"layers": "الطبقات"' in _script(at)
    # "10 000" as the page writes numbers (it read "10000" in Arabic)
    assert at.selectbox(key="indicator").value == "places_per_10k"
    assert "مقاعد لكل 10\u202f000 شخص في وضعية إعاقة" in _legend(at)


def test_popup_figures_follow_each_visitors_language(fresh: None) -> None:
    # the polygons' figures were built once for every visitor: a French page after an
    # English one showed the population as "3,127"
    english = _script(_open(lang="en", region="12", indicator="coverage"))
    assert re.search(r'"population": "\d{1,3}(,\d{3})+"', english)
    french = _script(_open(region="12", indicator="coverage"))
    assert not re.search(r'"population": "\d{1,3}(,\d{3})+"', french)
    assert re.search(r'"population": "\d{1,3}(\u202f\d{3})+"', french)
    # a share reads "100%" in English, "100 %" in French (narrow no-break space)
    assert not re.search(r"\d %", english)


def test_the_centre_type_box_shows_the_acronym_first_in_arabic(fresh: None) -> None:
    from app.components import filters

    # a box too narrow for the whole Arabic name still tells COAPH from CAS
    assert filters.type_choice("COAPH").startswith("COAPH — ")
    at = _open(lang="ar", indicator="coverage")
    box = at.selectbox(key="ctype")
    assert all(
        o.startswith(("COAPH", "CAS", "CAPE", "EMF", "CJPA", "EPS")) for o in box.options[1:]
    )


def test_the_layers_box_offers_no_english_select_all(fresh: None) -> None:
    # its list began with Streamlit's English "Select all" on the French and Arabic pages
    for lang in ("fr", "ar"):
        box = _open(lang=lang).multiselect(key="overlays")
        assert box.proto.HasField("select_all")
        assert box.proto.select_all == 0  # never shown
        assert box.placeholder  # the page's own words when no layer is chosen


def test_a_clicked_unit_is_in_the_address_and_comes_back_with_it(
    fresh: None, engine: Engine
) -> None:
    # a reload, or a colleague opening the copied address, showed no panel: the unit the
    # planner had clicked was not in the address
    provinces = _units(engine, "provinces")
    code, name = provinces["code"].iloc[0], provinces["name_fr"].iloc[0]
    at = _open(level="provinces")
    at.session_state["selected"] = ("provinces", code)  # what a click on the map records
    at.run()
    assert at.query_params["unit"] == f"provinces:{code}"
    shared = _open(level="provinces", indicator="coverage", unit=f"provinces:{code}")
    assert [s.value for s in shared.header][:1] == [name]
    assert any(m.label.startswith("Couverture") for m in shared.metric)  # its access figures
    # with a search in the address, the clicked unit still wins; a stale unit is ignored
    searched = _open(q="Tiznit", unit=f"provinces:{code}")
    assert [s.value for s in searched.header][:1] == [name]
    stale = _open(unit="provinces:99.999")
    assert not stale.header
    assert "unit" not in stale.query_params


def test_the_distance_of_a_province_says_it_is_a_mean(fresh: None, engine: Engine) -> None:
    # "Distance to the nearest centre: 106.3 km" for Midelt, whose nearest commune is 56 km
    # from a COAPH: the figure is the mean of its communes, weighted by their PwD
    code = _units(engine, "provinces")["code"].iloc[0]
    at = _open(level="provinces", indicator="nearest_km", unit=f"provinces:{code}")
    mean = "Distance moyenne au centre le plus proche"
    assert mean in _legend(at)
    assert mean in [m.label for m in at.metric]
    at = _open(indicator="nearest_km", unit=f"provinces:{code}")  # the communes' map
    assert mean not in _legend(at)
    assert "Distance au centre le plus proche" in _legend(at)
    assert mean in [m.label for m in at.metric]  # the panel still shows the province


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_indicator_box_offers_names_that_fit_it(fresh: None, lang: str) -> None:
    # "Accessibilité 2SFCA (places pour 10 000 PSH à 60 km)" was cut mid-word at 1366 px
    box = _open(lang=lang).selectbox(key="indicator")
    for label in box.options:
        text = label.strip("\u2067\u2069")
        assert len(text) <= 40, label  # the longest, "Coverage (share within the threshold)"
        assert (label != text) is (lang == "ar")  # one right-to-left run in Arabic


def _searched_outline(at: AppTest) -> bool:
    return '"weight": 3.5' in _script(at)


@pytest.mark.parametrize(
    ("query", "lang", "drawn", "level", "option", "heading"),
    [
        # a province's name no commune has: "Aucune commune ne correspond à « Oued Eddahab »"
        (
            "Oued Eddahab",
            "fr",
            "communes",
            "provinces",
            "Province · Oued Ed-Dahab — ",
            "Oued Ed-Dahab",
        ),
        ("Souss-Massa", "fr", "communes", "regions", "Région · Souss-Massa — ", "Souss-Massa"),
        # the commune of Al Hoceima comes first on the communes' map, the province on theirs
        ("الحسيمة", "ar", "provinces", "provinces", "إقليم · الحسيمة — ", "الحسيمة"),
        (
            "Oued Eddahab",
            "en",
            "communes",
            "provinces",
            "Province · Oued Ed-Dahab — ",
            "Oued Ed-Dahab",
        ),
    ],
)
def test_a_province_or_region_found_is_listed_zoomed_to_outlined_and_shown(
    fresh: None,
    engine: Engine,
    query: str,
    lang: str,
    drawn: str,
    level: str,
    option: str,
    heading: str,
) -> None:
    at = _open(lang=lang, q=query, indicator="coverage", level=drawn)
    assert not any(query in w for w in _warnings(at)), _warnings(at)  # "no match"
    box = at.selectbox(key="commune")
    assert box.options[0].startswith(option), box.options
    code = str(box.value).partition(":")[2]
    assert box.value == f"{level}:{code}"
    assert at.query_params["commune"] == f"{level}:{code}"
    assert "unit" not in at.query_params  # the search's own place is under "commune"
    # its panel as a click on it shows it: names, census and access figures
    assert [s.value for s in at.header][:1] == [heading]
    assert any(c.value.startswith(code) or f" {code}" in c.value for c in at.caption)
    assert len(at.metric) >= 6, [m.label for m in at.metric]
    # outlined, and the map opens on it
    assert _searched_outline(at)
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    with engine.connect() as conn:
        west, south, east, north = maps.unit_bounds(conn, level, code)  # type: ignore[arg-type]
    lat, lon = args["center"]
    assert (lat, lon) == pytest.approx(((south + north) / 2, (west + east) / 2))
    assert 5 <= args["zoom"] <= 12


def test_a_place_search_respects_the_filters_and_counts_its_messages(
    fresh: None, engine: Engine
) -> None:
    at = _open(region="01", q="Souss-Massa")  # Tanger-Tétouan-Al Hoceima
    assert any(
        "Aucun lieu dans Tanger-Tétouan-Al Hoceima ne correspond à « Souss-Massa »" in w
        and "1 lieu correspond hors de ce filtre : retirez-le pour le voir" in w
        for w in _warnings(at)
    ), _warnings(at)
    assert "commune" not in at.query_params
    # the region filtered on is found, the provinces of another region are not
    at = _open(region="09", q="Souss")
    options = at.selectbox(key="commune").options
    assert options[0].startswith("Région · Souss-Massa"), options
    at = _open(region="09", province="09.273", q="Souss-Massa")  # Inezgane-Aït Melloul
    assert any("Aucun lieu dans" in w for w in _warnings(at)), _warnings(at)
    # nothing anywhere
    assert any("Aucun lieu ne correspond à « zzzz »" in w for w in _warnings(_open(q="zzzz")))
    ar = _warnings(_open(lang="ar", q="zzzz"))
    # a Latin query on its own in an Arabic sentence, as every typed name
    assert any("لا توجد جماعة ولا إقليم ولا جهة تطابق «\u2068zzzz\u2069»" in w for w in ar), ar
    en = _warnings(_open(lang="en", region="01", q="Souss-Massa"))
    assert any("1 place matches outside this filter: remove it to see it" in w for w in en), en
    # a region found in Arabic: one result
    at = _open(lang="ar", q="سوس ماسة")
    assert at.selectbox(key="commune").label == "تم العثور على نتيجة واحدة"


def test_a_layer_with_nothing_in_the_region_drawn_says_so(fresh: None, engine: Engine) -> None:
    # a region without any transport stop, and one with some: found in the database
    with engine.connect() as c:
        found = c.execute(sa.text("SELECT code FROM regions ORDER BY code")).scalars()
        codes = [str(code) for code in found]
        stops = {code: len(maps.stop_points(c, region=code, province=None)) for code in codes}
        names: dict[str, str] = dict(c.execute(sa.text("SELECT code, name_fr FROM regions")).all())
    empty = next((code for code, n in stops.items() if n == 0), None)
    full = next((code for code, n in stops.items() if n > 0), None)
    assert empty, "expects the demonstration stops (in some regions, not all)"
    assert full, "expects the demonstration stops (in some regions, not all)"
    at = _open(region=empty, overlays="transport_stops,centres")
    said = [i.value for i in at.info]
    assert f"Aucun élément dans {names[empty]} pour : Arrêts de transport." in said, said
    # a layer drawn there is not named; nor in a region where the stops are drawn
    assert not any("Centres" in s for s in said if s.startswith("Aucun élément")), said
    at = _open(region=full, overlays="transport_stops")
    assert not any(i.value.startswith("Aucun élément") for i in at.info)
    at = _open(lang="ar", region=empty, overlays="transport_stops")
    assert any(i.value.startswith("لا يوجد أي عنصر في") for i in at.info)


def test_a_convention_known_by_its_year_is_not_given_a_day(fresh: None, engine: Engine) -> None:
    with engine.connect() as c:
        row = c.execute(
            sa.text(
                "SELECT m.region_code, a.convention_date FROM accessible_cities a "
                "JOIN communes m ON m.code = a.commune_code "
                "WHERE to_char(a.convention_date, 'MM-DD') = '01-01' ORDER BY a.name LIMIT 1"
            )
        ).one()
    region, date = str(row[0]), row[1]
    at = _open(region=region, overlays="accessible_cities")
    script = _script(at)
    assert f'["Date de la convention", "{date.year}"]' in script
    assert date.isoformat() not in script  # "2019-01-01": a day nobody recorded
    # a date with its day keeps it; no date, no row value
    assert explorer.convention_text("2021-06-15") == "2021-06-15"
    assert explorer.convention_text(None) is None


def test_a_units_popup_gives_the_name_of_the_page_language_first(fresh: None) -> None:
    # the centres' popups gave the Arabic name first on an Arabic page, the communes' the
    # French one
    for lang, first, second in (("ar", "name_ar", "name_fr"), ("fr", "name_fr", "name_ar")):
        script = _script(_open(lang=lang, region="12"))
        found = re.search(r"var fields = (\[.*?\]);", script)
        assert found, "no popup fields in the map's script"
        fields = json.loads(found.group(1))
        assert fields.index(first) < fields.index(second), (lang, fields)


def test_the_panel_gives_the_places_per_10k_the_map_is_coloured_by(fresh: None) -> None:
    # a planner mapping "places per 10 000" clicked a unit and found the other three access
    # figures in the panel, not that one
    at = _open(indicator="places_per_10k", q="Tiznit")
    metrics = {m.label: m.value for m in at.metric}
    label = "Places pour 10\u202f000 PSH"
    assert label in metrics, list(metrics)
    found = re.search(r"var values = (\{.*?\});", _script(at))
    assert found, "no values in the map's script"
    shown = json.loads(found.group(1))
    code = str(at.selectbox(key="commune").value)
    assert metrics[label] == shown[code][1]  # the panel and the map say the same figure


def _city_features(script: str) -> list[dict[str, Any]]:
    """The properties of the Accessible Cities' features in the map's script (those whose
    popup names the programme's stage)."""
    decoder = json.JSONDecoder()
    found = []
    for at in re.finditer(r'"properties": ', script):
        props, _ = decoder.raw_decode(script, at.end())
        labels = [row[0] for row in props.get("_p") or []]
        if "Étape du programme" in labels or "مرحلة البرنامج" in labels:
            found.append(props)
    return found


def test_an_accessible_citys_popup_gives_the_name_of_the_page_language_first(
    fresh: None,
) -> None:
    for lang, first, second in (
        ("ar", "الاسم (بالعربية)", "الاسم (بالفرنسية)"),
        ("fr", "Nom (français)", "Nom (arabe)"),
    ):
        cities = _city_features(
            _script(_open(lang=lang, region="03", overlays="accessible_cities"))
        )
        assert cities, "no Accessible Cities popup in the map's script"
        for props in cities:
            labels = [label for label, _ in props["_p"]]
            assert labels.index(first) < labels.index(second), (lang, labels)


def test_an_accessible_city_has_a_tooltip_and_no_empty_popup_row(
    fresh: None, engine: Engine
) -> None:
    # the city's area lies over its commune's and hid its tooltip: pointing at Meknès said
    # nothing; and its popup read "Date de la convention" with nothing after it
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT m.name_fr, a.convention_date FROM accessible_cities a "
                "JOIN communes m ON m.code = a.commune_code WHERE m.region_code = '03'"
            )
        ).all()
    undated = [str(r[0]) for r in rows if r[1] is None]
    assert undated, "expects a city of Fès-Meknès without a convention (Meknès, Taza)"
    cities = _city_features(_script(_open(region="03", overlays="accessible_cities")))
    assert len(cities) == len(rows)
    for props in cities:
        assert all(str(value).strip() for _, value in props["_p"]), props["_p"]
        name = dict(props["_p"])["Nom (français)"]
        assert props["_t"] == f"{name} — {dict(props['_p'])['Étape du programme']}", props
        if name in undated:
            assert "Date de la convention" not in dict(props["_p"]), props["_p"]


def test_a_demonstration_points_popup_says_it_is_one(fresh: None, engine: Engine) -> None:
    with engine.connect() as c:
        demo = c.execute(sa.text("SELECT count(*) FROM centres WHERE is_demo")).scalar_one()
    assert demo, "expects the demonstration centres"
    at = _open(region="09", overlays="centres,beaches,transport_stops")
    script = _script(at)
    rows = re.findall(r'"_p": (\[\[.*?\]\])', script)
    assert rows, "no point popups in the map's script"
    # every point of the demonstration layers has the row, in the page's language
    assert all('["Données de démonstration", "oui"]' in r for r in rows), rows[:2]
    arabic = _script(_open(lang="ar", region="09", overlays="centres"))
    assert '["بيانات توضيحية", "نعم"]' in arabic


def test_a_units_popup_gives_the_unit_once(fresh: None) -> None:
    # "Prévalence du handicap (%) | 8,0 %": the label named the unit its value carries
    for lang, label in (("fr", "Prévalence du handicap"), ("ar", "معدل انتشار الإعاقة")):
        found = re.search(
            r"var labels = (\[.*?\]);", _script(_open(lang=lang, indicator="prevalence"))
        )
        assert found, "no popup labels in the map's script"
        labels = json.loads(found.group(1))
        assert label in labels, (lang, labels)
        assert f"{label} (%)" not in labels


def test_a_unit_outside_the_region_chosen_leaves_the_panel(fresh: None, engine: Engine) -> None:
    # Tiznit (Souss-Massa), clicked, kept its figures in the panel beside the map of
    # Tanger-Tétouan-Al Hoceima chosen after it, as if they were part of it
    with engine.connect() as c:
        inside, outside = (
            str(c.execute(sa.text(sql)).scalar_one())
            for sql in (
                "SELECT code FROM communes WHERE region_code = '01' ORDER BY code LIMIT 1",
                "SELECT code FROM communes WHERE region_code = '09' ORDER BY code LIMIT 1",
            )
        )
        name = str(
            c.execute(
                sa.text("SELECT name_fr FROM communes WHERE code = :c"), {"c": outside}
            ).scalar_one()
        )
    at = _open(unit=f"communes:{outside}", overlays="")
    assert name in [h.value for h in at.header]
    at.selectbox(key="region").set_value("01").run()
    assert not at.exception
    assert name not in [h.value for h in at.header]
    assert "unit" not in at.query_params
    assert any(i.value.startswith("Cliquez sur la carte") for i in at.info)
    # a unit inside the region chosen stays, and so does a region holding the province
    at = _open(unit=f"communes:{inside}", overlays="")
    kept = [h.value for h in at.header]
    at.selectbox(key="region").set_value("01").run()
    assert [h.value for h in at.header] == kept
    at = _open(unit="regions:01", overlays="", region="01")
    province = at.selectbox(key="province").options[1]
    at.selectbox(key="province").select_index(1).run()
    assert province != "Toutes les provinces"
    assert at.query_params.get("unit") == "regions:01"
