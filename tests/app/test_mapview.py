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


def test_the_first_class_starts_at_the_smallest_value() -> None:
    # a map of shares covered with many communes at 0 %: its legend read "≤ 0", then "0 – 51"
    values = [0.0] * 12 + [float(v) for v in range(20, 100, 5)] + [100.0] * 4
    classes = mapview.classify(values)
    assert not classes.exact
    assert classes.breaks[0] == 0.0
    rows = mapview.legend_html("Couverts (%)", classes, fmt=lambda v: f"{v:.0f}").split("<br>")
    labels = [r.split("</i>")[1] for r in rows[1:]]
    assert labels[0] == "0"
    # a first class of several values reads as its range, from the smallest
    spread = mapview.classify([float(v) for v in range(12, 112)])
    first = mapview.legend_html("PSH", spread, fmt=lambda v: f"{v:.0f}").split("<br>")[1]
    assert first.endswith("</i>12 – 31")


def _labels(classes: mapview.Classes) -> list[str]:
    rows = mapview.legend_html("PSH", classes, fmt=lambda v: f"{v:.0f}").split("<br>")
    return [r.split("</i>")[1] for r in rows[1:]]


def test_each_class_reads_from_its_smallest_to_its_largest_value() -> None:
    # 12 communes at 0 %, then 20, 25 ... 95, then 100: the legend read "0", "0 – 22",
    # "22 – 53"..., as if a commune at 0 % could be in the second class and one at 22 % in
    # both; it now gives the values each class holds
    values = [0.0] * 12 + [float(v) for v in range(20, 100, 5)] + [100.0] * 4
    assert _labels(mapview.classify(values)) == ["0", "20", "25 – 50", "55 – 80", "85 – 100"]
    # quantile bounds between two values (31.8) read as the values on each side
    spread = mapview.classify([float(v) for v in range(12, 112)])
    assert _labels(spread) == ["12 – 31", "32 – 51", "52 – 71", "72 – 91", "92 – 111"]


def test_classes_that_would_read_alike_keep_their_bounds() -> None:
    # 0.3 written "0" next to a class "0": the values cannot tell the classes apart, the
    # bounds ("0 – 1", "1 – 18") at least order them
    classes = mapview.classify([0.0] * 5 + [0.3, 5, 10, 20, 30, 40, 50, 60, 70])
    assert _labels(classes) == ["0", "0 – 1", "1 – 18", "18 – 44", "44 – 70"]


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


def test_numbers_are_formatted_as_each_language_writes_them() -> None:
    assert mapview.fmt_number(1234567.4) == "1\u202f234\u202f567"
    # decimals after a comma in French and Arabic, a point in English; thousands by commas
    # in English, as the command line prints them
    assert mapview.fmt_number(3.14159, decimals=2, lang="fr") == "3,14"
    assert mapview.fmt_number(3.14159, decimals=2, lang="ar") == "3,14"
    assert mapview.fmt_number(1234.5, decimals=1, lang="en") == "1,234.5"
    assert mapview.fmt_number(18577, lang="en") == "18,577"
    assert mapview.fmt_number(18577, lang="ar") == "18\u202f577"
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
    assert ".leaflet-popup-content,.leaflet-tooltip,.walouja-legend," in rtl
    assert "{direction:rtl;text-align:right;}" in rtl
    assert "direction:rtl" not in mapview.base_map().get_root().render()


def test_the_legend_folds_under_its_title_and_keeps_clicks_and_wheel_off_the_map() -> None:
    m = mapview.base_map()
    mapview.Legend("<b>PwD</b>", title="Légende", position="bottomright").add_to(m)
    html = m.get_root().render()
    assert "\\u003cdetails open\\u003e\\u003csummary\\u003eL\\u00e9gende" in html
    assert "L.DomEvent.disableClickPropagation(div)" in html
    assert "L.DomEvent.disableScrollPropagation(div)" in html
    folded = mapview.Legend("x", title="Legend", collapsed=True)
    assert folded.markup.startswith("<details><summary>Legend</summary>")
    # at most half the map high (it scrolls beyond); the swatch's gap on its text's side
    assert "max-height:calc(45vh - 40px);overflow-y:auto" in mapview.BACKGROUND_CSS
    assert "margin-inline-end:5px" in mapview.BACKGROUND_CSS
    assert "margin:0 6px" not in mapview.BACKGROUND_CSS


def test_the_scale_is_metric_the_wheel_scrolls_the_page_and_controls_speak_the_language() -> None:
    html = (
        mapview.base_map(titles={"zoom_in": "تكبير", "zoom_out": "تصغير", "layers": "الطبقات"})
        .get_root()
        .render()
    )
    assert "L.control.scale({imperial: false, metric: true})" in html
    assert "L.control.scale()" not in html  # Leaflet's own shows miles too
    assert '"scrollWheelZoom": false' in html
    assert "e.ctrlKey || e.metaKey" in html  # Ctrl + wheel still zooms
    assert '"layers": "\\u0627\\u0644\\u0637\\u0628\\u0642\\u0627\\u062a"' in html
    assert ".leaflet-control-layers-toggle" in html


def test_an_arabic_credit_keeps_its_brackets_whole_when_it_wraps() -> None:
    credit = "الإحصاء والحدود: المندوبية السامية للتخطيط، الإحصاء العام 2024 (CC BY 4.0)"
    rtl = mapview.base_map(credits=[credit], rtl=True).get_root().render()
    assert "white-space:nowrap\\u0027\\u003e(CC BY 4.0)\\u003c/span\\u003e" in rtl
    assert ".leaflet-control-attribution{max-width:calc(100vw - 130px)" in rtl
    ltr = mapview.base_map(credits=["HCP, RGPH 2024 (CC BY 4.0)"]).get_root().render()
    assert "RGPH 2024 (CC BY 4.0)" in ltr


WHERE = {"lon": -7.5, "lat": 31.5}


def test_point_popups_escape_names_leave_out_missing_ones_and_planned_points_are_hollow() -> None:
    m = mapview.base_map()
    layer = mapview.add_points(
        m,
        [
            {"id": 1, "name": "<img src=x>", "name_ar": None, "status": "operating", **WHERE},
            {"id": 2, "name": "Centre B", "name_ar": "مركز ب", "status": "planned", **WHERE},
        ],
        name="centres",
        color_of=lambda _r: "#d62728",
        popup_fields=["name", "name_ar"],
        popup_aliases=["Nom (français)", "Nom (arabe)"],
        tooltip_of=lambda r: str(r["name_ar"] or r["name"]),
        dashed_of=lambda r: r["status"] != "operating",
    )
    assert layer is not None
    first, second = (f["properties"] for f in layer.data["features"])
    assert first["_p"] == [["Nom (français)", "<img src=x>"]]  # no empty Arabic row
    assert second["_p"] == [["Nom (français)", "Centre B"], ["Nom (arabe)", "مركز ب"]]
    assert second["_t"] == "مركز ب"
    html = m.get_root().render()
    assert "esc(l.feature.properties._t)" in html  # names are text, never markup
    assert '"dashArray": "3 2"' in html
    assert '"fillColor": "#ffffff"' in html


def test_popups_open_clear_of_the_legend_and_the_controls() -> None:
    html = _explorer_like_map().get_root().render()
    options = '"autoPanPaddingBottomRight": [260, 20], "autoPanPaddingTopLeft": [50, 10]'
    assert html.count(options) == 2  # the polygons' popups and the points'
