"""Map building: classes, legend, features, and no asset fetched from outside the app."""

from __future__ import annotations

import json
import math

import folium

from app import offline
from app.components import mapview

SQUARE = {
    "type": "MultiPolygon",
    "coordinates": [[[[-8.0, 31.0], [-7.0, 31.0], [-7.0, 32.0], [-8.0, 32.0], [-8.0, 31.0]]]],
}


def test_quantile_classes_colour_values_and_grey_missing() -> None:
    classes = mapview.classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ramp="blue")
    assert len(classes.breaks) == 5
    assert classes.color(1) == mapview.RAMPS["blue"][0]
    assert classes.color(10) == mapview.RAMPS["blue"][-1]
    assert classes.color(None) == mapview.NO_DATA
    assert classes.color(math.nan) == mapview.NO_DATA


def test_repeated_values_give_fewer_classes_and_no_values_none() -> None:
    assert len(mapview.classify([0] * 9 + [1]).breaks) == 2
    assert mapview.classify([None, None]).breaks == ()
    assert mapview.classify([None, None]).color(3.0) == mapview.NO_DATA


def test_few_distinct_values_each_get_their_own_class() -> None:
    # coverage of communes: 0 % or 100 %, most at 100 %; quantiles would put all in "≤ 100"
    classes = mapview.classify([0.0] * 2 + [100.0] * 8)
    assert classes.exact
    assert classes.breaks == (0.0, 100.0)
    assert classes.color(0.0) != classes.color(100.0)
    html = mapview.legend_html("Coverage (%)", classes, fmt=lambda v: f"{v:.0f}")
    assert html.split("<br>")[1:] == [
        f'<i style="background:{classes.colors[0]}"></i>0',
        f'<i style="background:{classes.colors[1]}"></i>100',
    ]


def test_collapsed_quantiles_fall_back_to_equal_intervals_keeping_min_and_max_apart() -> None:
    # 2 zeros, 6 distinct values, 12 at 100: every quantile from 20 % up is 100
    values = [0.0, 0.0, 10.0, 30.0, 50.0, 55.0, 70.0, 90.0] + [100.0] * 12
    classes = mapview.classify(values)
    assert not classes.exact
    assert classes.breaks == (20.0, 40.0, 60.0, 80.0, 100.0)
    assert classes.color(0.0) == mapview.RAMPS["orange"][0]
    assert classes.color(100.0) == mapview.RAMPS["orange"][-1]
    # an interval no value falls in is left out: nothing between 60 and 80 below
    gapped = mapview.classify([0.0, 0.0, 10.0, 30.0, 50.0, 55.0, 58.0, 90.0] + [100.0] * 12)
    assert gapped.breaks == (20.0, 40.0, 60.0, 100.0)
    assert [gapped.color(v) for v in (0.0, 58.0, 90.0)] == [
        gapped.colors[0],
        gapped.colors[2],
        gapped.colors[3],
    ]


def test_infinite_values_are_left_out_of_the_classes() -> None:
    classes = mapview.classify([1.0, 2.0, math.inf])
    assert classes.breaks == (1.0, 2.0)
    assert classes.color(math.inf) == mapview.NO_DATA


def test_legend_title_names_the_unit_once() -> None:
    assert mapview.legend_title("Distance", "km") == "Distance (km)"
    assert mapview.legend_title("Prévalence (%)", "%") == "Prévalence (%)"
    assert mapview.legend_title("Places", "") == "Places"


def test_credits_show_on_a_map_without_tiles_and_osm_once_with_its_tiles() -> None:
    hcp = "HCP, RGPH 2024 (CC BY 4.0)"
    html = mapview.base_map(tiles="none", credits=[hcp, mapview.OSM_ATTRIBUTION]).get_root()
    text = html.render()
    assert "attributionControl.addAttribution" in text
    assert "CC BY 4.0" in text
    assert "OpenStreetMap" in text
    assert "ODbL" in text
    assert "CC BY 4.0" not in mapview.base_map(tiles="none").get_root().render()


def test_legend_lists_each_class_range() -> None:
    classes = mapview.Classes(breaks=(10.0, 20.0), colors=("#aaa", "#bbb"))
    html = mapview.legend_html("PwD", classes, fmt=lambda v: f"{v:.0f}", no_data="none")
    assert "<b>PwD</b>" in html
    assert "≤ 10" in html
    assert "10 – 20" in html
    assert "none" in html


def test_numbers_are_formatted_with_thin_spaces() -> None:
    assert mapview.fmt_number(1234567.4) == "1\u202f234\u202f567"
    # decimals after a comma in French and Arabic, a point in English
    assert mapview.fmt_number(3.14159, decimals=2, lang="fr") == "3,14"
    assert mapview.fmt_number(3.14159, decimals=2, lang="ar") == "3,14"
    assert mapview.fmt_number(1234.5, decimals=1, lang="en") == "1\u202f234.5"
    assert mapview.fmt_number(1234.5, lang="fr") == "1\u202f234"  # whole: no separator
    assert mapview.fmt_number(None) == "—"
    assert mapview.fmt_number(math.inf) == "—"
    assert mapview.fmt_number(math.nan) == "—"


def _explorer_like_map() -> folium.Map:
    offline.use_local_assets()
    m = mapview.base_map(tiles="none")
    text = mapview.feature_collection_text(
        [{"code": "01", "geometry": json.dumps(SQUARE), "name_fr": "Un", "name_ar": "واحد"}],
        ["name_fr", "name_ar"],
    )
    mapview.PolygonLayer(
        text,
        name="communes",
        values={"01": ("#fdbe85", "5 %")},
        fields=["name_fr", "name_ar", "_value"],
        labels=["Nom", "الاسم", "Valeur"],
        name_field="name_fr",
    ).add_to(m)
    mapview.add_outline(m, [{"code": "R", "geometry": SQUARE}], name="regions")
    mapview.add_points(
        m,
        [{"id": 1, "name": "Centre", "lon": -7.5, "lat": 31.5}],
        name="centres",
        color_of=lambda _r: "#d62728",
        popup_fields=["name"],
        popup_aliases=["Nom"],
        tooltip_field="name",
    )
    mapview.Legend("<b>legend</b>").add_to(m)
    folium.LayerControl().add_to(m)
    return m


def test_map_links_only_assets_served_by_the_app() -> None:
    m = _explorer_like_map()
    assert offline.external_assets(m) == []
    urls = offline.linked_assets(m)
    assert any(u.endswith("leaflet.js") for u in urls)
    if offline.assets_installed():
        missing = [u for u in urls if not offline.local_path(u).is_file()]
        assert missing == []


def test_osm_tiles_carry_their_attribution_and_none_draws_no_tiles() -> None:
    html = mapview.base_map(tiles="osm").get_root().render()
    assert "tile.openstreetmap.org" in html
    assert "OpenStreetMap" in html
    assert "ODbL" in html
    assert "tile.openstreetmap.org" not in mapview.base_map(tiles="none").get_root().render()


def test_features_carry_only_the_popup_fields() -> None:
    rows = [{"code": "01", "geometry": SQUARE, "name_fr": "Un", "pwd": 3, "secret": "x"}]
    fc = mapview.feature_collection(rows, ["name_fr", "pwd"])
    assert fc["features"][0]["id"] == "01"
    assert fc["features"][0]["properties"] == {"name_fr": "Un", "pwd": 3}


def test_polygon_layer_embeds_the_cached_text_once_with_its_colour_table() -> None:
    m = _explorer_like_map()
    html = m.get_root().render()
    assert html.count('"name_ar": "واحد"') + html.count('"name_ar":"واحد"') == 1
    assert '"01": ["#fdbe85", "5 %"]' in html
    assert "L.geoJson(" in html


def test_feature_collection_text_is_valid_geojson_with_unicode_kept() -> None:
    text = mapview.feature_collection_text(
        [{"code": "01.511.01.0", "geometry": json.dumps(SQUARE), "name_ar": "طنجة", "x": 1}],
        ["name_ar"],
    )
    parsed = json.loads(text)
    assert parsed["features"][0]["id"] == "01.511.01.0"
    assert parsed["features"][0]["properties"] == {"name_ar": "طنجة"}
    assert "طنجة" in text  # not \\u-escaped: half the bytes


def test_a_click_names_the_clicked_unit_not_a_centre() -> None:
    from app.components.figures import clicked_unit

    codes = {"01.051", "01.061"}
    polygon = {"type": "Feature", "id": "01.061", "properties": {}, "geometry": SQUARE}
    assert clicked_unit(polygon, codes) == "01.061"
    point = {"type": "Feature", "id": "01.051", "geometry": {"type": "Point"}}
    assert clicked_unit(point, codes) is None  # a centre whose id looks like a code
    assert clicked_unit({**polygon, "id": "99"}, codes) is None
    assert clicked_unit(None, codes) is None


def test_an_arabic_map_lays_its_popups_out_right_to_left() -> None:
    rtl = mapview.base_map(rtl=True).get_root().render()
    assert ".leaflet-popup-content,.leaflet-tooltip,.walouja-legend{direction:rtl;" in rtl
    assert "direction:rtl" not in mapview.base_map().get_root().render()
