"""The Map explorer as a planner uses it in a real headless Chromium at 1366×768: a region
or province chosen in the filters, and what the map lets them see of it.

Every wait is on something the page shows (SVG paths in the Leaflet map), never a fixed
sleep. Screenshots land in ``tests/artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.components.explorer import LEGEND_ROOM
from tests.e2e.conftest import ARTIFACTS, map_iframe, wait_idle

pytestmark = pytest.mark.e2e

MAP_IFRAME = map_iframe()
UNIT_STROKE = "#555555"  # app/components/mapview.PolygonLayer

_UNITS_AND_LEGEND = """([iframe, stroke]) => {
    const frame = document.querySelector(iframe);
    const doc = frame && frame.contentDocument;
    if (!doc || !doc.querySelector(".walouja-legend")) return {n: 0};
    const paths = [...doc.querySelectorAll(`path.leaflet-interactive[stroke='${stroke}']`)];
    const boxes = paths.map(p => p.getBoundingClientRect());
    const legend = doc.querySelector(".walouja-legend").getBoundingClientRect();
    return {
        n: paths.length,
        units: {
            left: Math.min(...boxes.map(b => b.left)), right: Math.max(...boxes.map(b => b.right)),
            top: Math.min(...boxes.map(b => b.top)), bottom: Math.max(...boxes.map(b => b.bottom)),
        },
        legend: {left: legend.left, right: legend.right, top: legend.top, bottom: legend.bottom},
        map: {width: doc.querySelector(".leaflet-container").clientWidth},
    };
}"""


def _communes_of(engine: Engine, *, region: str | None = None, province: str | None = None) -> int:
    with engine.connect() as c:
        return int(
            c.execute(
                sa.text(
                    "SELECT count(*) FROM communes WHERE geom_display IS NOT NULL "
                    "AND (CAST(:r AS text) IS NULL OR region_code = :r) "
                    "AND (CAST(:p AS text) IS NULL OR province_code = :p)"
                ),
                {"r": region, "p": province},
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("lang", "area"),
    [("fr", {"region": "02"}), ("ar", {"region": "02"}), ("fr", {"province": "09.001"})],
)
def test_the_legend_leaves_the_region_or_province_chosen_in_view(
    app: str, page: Any, engine: Engine, lang: str, area: dict[str, str]
) -> None:
    # Oriental's south-east (Figuig) lay under the legend once the map zoomed to the region
    page.set_viewport_size({"width": 1366, "height": 768})
    n = _communes_of(engine, **area)
    assert n > 5, "expects the national geography (run `walouja load`)"
    query = "&".join(f"{k}={v}" for k, v in area.items())
    page.goto(f"{app}/map_explorer?lang={lang}&indicator=coverage&{query}")
    # every unit drawn, and the map still: the same boxes twice, a quarter second apart (the
    # map zooms to the area with an animation, during which the boxes are in between)
    page.wait_for_function(
        f"""([iframe, stroke, n]) => {{
            const seen = ({_UNITS_AND_LEGEND})([iframe, stroke]);
            const now = JSON.stringify(seen);
            const still = seen.n === n && now === window.__lastSeen;
            window.__lastSeen = now;
            return still;
        }}""",
        arg=[MAP_IFRAME, UNIT_STROKE, n],
        timeout=90_000,
        polling=250,
    )
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    seen = page.evaluate(_UNITS_AND_LEGEND, [MAP_IFRAME, UNIT_STROKE])
    name = "-".join(area.values())
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-area-{name}-{lang}.png"))
    units, legend = seen["units"], seen["legend"]
    # the units drawn end left of the legend (or above it): none hides under it
    assert units["right"] <= legend["left"] + 1 or units["bottom"] <= legend["top"] + 1, seen
    # and the area still fills a fair part of the map (the room is not given away)
    assert units["right"] - units["left"] > 0.3 * seen["map"]["width"], seen


_WATCH_HEIGHT = """(sel) => {
    // the smallest height the map's container has on screen, frame by frame
    window.__lowest = Infinity;
    const watch = () => {
        const box = document.querySelector(sel);
        if (box) window.__lowest = Math.min(window.__lowest, box.getBoundingClientRect().height);
        requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
}"""


def test_the_map_keeps_its_room_while_a_search_redraws_it(app: str, page: Any) -> None:
    # st_folium mounts a new frame for a changed map; the container fell to 26 px for most
    # of a second and the page under it jumped up by the map's height and back
    page.goto(f"{app}/map_explorer")
    page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached"
    )
    page.evaluate(_WATCH_HEIGHT, ".st-key-explorer_map_frame")
    box = page.get_by_label("Chercher une commune, une province ou une région")
    box.fill("Tiznit")
    box.press("Enter")
    page.get_by_role("heading", name="Tiznit").first.wait_for()
    outline = page.frame_locator(MAP_IFRAME).locator("path[stroke='#000000'][stroke-width='3.5']")
    outline.first.wait_for(state="attached")  # the new map is drawn
    wait_idle(page)
    assert page.evaluate("() => window.__lowest") >= 620  # the map's height (MAP_HEIGHT)


_POINTS_BESIDE_LEGEND = """() => {
    // the points left of the legend, within its height, whose name would run under it
    const map = Object.values(window).find(v => v && v instanceof L.Map);
    const box = document.querySelector(".walouja-legend").getBoundingClientRect();
    const found = [];
    map.eachLayer(l => {
        const f = l.feature;
        if (!f || f.geometry.type !== "Point") return;
        const p = map.latLngToContainerPoint(l.getLatLng());
        if (p.x < map.getSize().x / 2 && p.x > box.left - 160 && p.x < box.left - 25
            && p.y > box.top + 15 && p.y < box.bottom - 15) {
            found.push({name: f.properties._t, x: p.x, y: p.y});
        }
    });
    return found;
}"""

_TOOLTIPS_AND_LEGEND = """() => {
    const box = e => {
        const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    return {
        legend: box(document.querySelector(".walouja-legend")),
        map: box(document.querySelector(".leaflet-container")),
        tips: [...document.querySelectorAll(".leaflet-tooltip")]
            .map(t => ({text: t.innerText, ...box(t)})),
    };
}"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_tooltip_beside_the_legend_opens_clear_of_it(app: str, page: Any, lang: str) -> None:
    # Leaflet draws its controls over tooltips: "EPS Al Fath — Sidi Abdellah Ghiat", left of
    # the legend, opened rightwards and ran under it, cut at "Sidi"
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/map_explorer?lang={lang}&region=07&overlays=centres")
    page.frame_locator(MAP_IFRAME).locator(".walouja-legend").wait_for()
    page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for()
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    doc = page.locator(MAP_IFRAME).element_handle().content_frame()
    # the map is still (it zooms to the region with an animation)
    doc.wait_for_function(
        """() => {
            const map = Object.values(window).find(v => v && v instanceof L.Map);
            const now = JSON.stringify([map.getCenter(), map.getZoom()]);
            const still = now === window.__lastView;
            window.__lastView = now;
            return still && !map._animatingZoom;
        }""",
        polling=250,
    )
    points = doc.evaluate(_POINTS_BESIDE_LEGEND)
    assert points, "expects demonstration centres left of the legend in Marrakech-Safi"
    frame = page.locator(MAP_IFRAME).bounding_box()
    for point in points:
        page.mouse.move(1, 1)  # off the map: its tooltips close
        doc.locator(".leaflet-tooltip").first.wait_for(state="detached")
        page.mouse.move(frame["x"] + point["x"], frame["y"] + point["y"])
        # the point's tooltip, or that of a point drawn over it
        doc.locator(".leaflet-tooltip").first.wait_for()
        seen = doc.evaluate(_TOOLTIPS_AND_LEGEND)
        legend, whole = seen["legend"], seen["map"]
        for tip in seen["tips"]:
            apart = (
                tip["right"] <= legend["left"]
                or tip["left"] >= legend["right"]
                or tip["bottom"] <= legend["top"]
                or tip["top"] >= legend["bottom"]
            )
            assert apart, (point, tip, legend)
            assert tip["left"] >= whole["left"], (point, tip)  # nor past the map's edge
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-tooltip-legend-{lang}.png"))


_HIDDEN_LAYERS = """() => {
    // the layers of the opened layer list whose name something else covers
    const list = document.querySelector(".leaflet-control-layers");
    const covered = r => {
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !list.contains(top);
    };
    return [...list.querySelectorAll("label")].filter(label => {
        // its box to tick, and its name (the text, not the line it sits on)
        const name = document.createRange();
        name.selectNodeContents(label.querySelector("span span") || label);
        const box = label.querySelector("input").getBoundingClientRect();
        return covered(box) || covered(name.getBoundingClientRect());
    }).map(label => label.innerText.trim());
}"""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_opened_layer_list_lies_over_the_legend(app: str, page: Any, lang: str) -> None:
    # the legend, a control of the same side drawn later, covered the list's last layers
    # ("محطات النقل", "الشواطئ") on an Arabic page
    page.set_viewport_size({"width": 1366, "height": 768})
    every = "centres,accessible_cities,transport_stops,beaches"
    page.goto(f"{app}/map_explorer?lang={lang}&overlays={every}&indicator=coverage")
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".walouja-legend").wait_for()
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    toggle = frame.locator(".leaflet-control-layers-toggle").bounding_box()
    page.mouse.move(toggle["x"] + toggle["width"] / 2, toggle["y"] + toggle["height"] / 2)
    frame.locator(".leaflet-control-layers-expanded").wait_for()
    frame.locator(".leaflet-control-layers-list label").last.wait_for()
    doc = page.locator(MAP_IFRAME).element_handle().content_frame()
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-layer-list-{lang}.png"))
    assert doc.evaluate(_HIDDEN_LAYERS) == []


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fr", "Leaflet : la bibliothèque JavaScript qui dessine la carte"),
        ("ar", "Leaflet: مكتبة JavaScript التي ترسم الخريطة"),
    ],
)
def test_the_credits_link_to_leaflet_is_titled_in_the_pages_language(
    app: str, page: Any, lang: str, title: str
) -> None:
    # pointing at "Leaflet" in the map's credits said "A JavaScript library for interactive
    # maps", in English on a French or Arabic page
    page.goto(f"{app}/map_explorer?lang={lang}&level=regions&overlays=")
    link = page.frame_locator(MAP_IFRAME).locator(".leaflet-control-attribution a").first
    link.wait_for()
    page.wait_for_function(
        """([iframe, title]) => {
            const frame = document.querySelector(iframe);
            const doc = frame && frame.contentDocument;
            const a = doc && doc.querySelector(".leaflet-control-attribution a");
            return a && a.title === title;
        }""",
        arg=[MAP_IFRAME, title],
        timeout=30_000,
    )
    assert link.get_attribute("title") == title


_DEMO_MARK_SHOWN = """() => {
    // the demonstration mark's box, and the part of the legend shown without scrolling it
    const body = document.querySelector(".walouja-legend-body");
    const mark = [...body.querySelectorAll("b")]
        .find(b => b.querySelector(".fa-flask"));
    if (!mark) return null;
    const box = r => ({top: r.top, bottom: r.bottom});
    return {mark: box(mark.getBoundingClientRect()), body: box(body.getBoundingClientRect()),
            text: mark.innerText};
}"""


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "indicator=access&ctype=COAPH&region=08&overlays=centres"),
        ("fr", "indicator=coverage&overlays=centres,accessible_cities,transport_stops,beaches"),
        ("ar", "indicator=pwd&overlays=centres,accessible_cities,transport_stops,beaches"),
    ],
)
def test_the_legend_shows_its_demonstration_mark_without_scrolling(
    app: str, page: Any, lang: str, query: str
) -> None:
    # the mark came last in a legend that scrolls: "values computed from demonstration
    # centres" was cut in half at the legend's bottom, or out of sight below it
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/map_explorer?lang={lang}&{query}")
    page.frame_locator(MAP_IFRAME).locator(".walouja-legend-body .fa-flask").wait_for(
        state="attached"
    )
    doc = page.locator(MAP_IFRAME).element_handle().content_frame()
    seen = doc.evaluate(_DEMO_MARK_SHOWN)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-legend-demo-{lang}.png"))
    assert seen is not None
    assert seen["body"]["top"] <= seen["mark"]["top"], seen
    assert seen["mark"]["bottom"] <= seen["body"]["bottom"], seen


_FILL = """([iframe, stroke, kept]) => {
    // how much of the room left of the legend's (``kept`` px) the region's units take
    const frame = document.querySelector(iframe);
    const doc = frame && frame.contentDocument;
    if (!doc || !doc.querySelector(".walouja-legend")) return {n: 0};
    const boxes = [...doc.querySelectorAll(`path.leaflet-interactive[stroke='${stroke}']`)]
        .map(p => p.getBoundingClientRect());
    const map = doc.querySelector(".leaflet-container").getBoundingClientRect();
    const width = Math.max(...boxes.map(b => b.right)) - Math.min(...boxes.map(b => b.left));
    const height = Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top));
    return {n: boxes.length, width, height,
            room: {width: map.width - kept, height: map.height}};
}"""


@pytest.mark.parametrize("region", ["06", "08", "11"])
def test_a_region_chosen_fills_the_room_left_of_the_legend(
    app: str, page: Any, engine: Engine, region: str
) -> None:
    # in whole zoom levels a region took what the next level down left it: Drâa-Tafilalet
    # 228 of the 415 px left of the legend, Laâyoune-Sakia El Hamra 285
    page.set_viewport_size({"width": 1366, "height": 768})
    n = _communes_of(engine, region=region)
    page.goto(f"{app}/map_explorer?region={region}&overlays=")
    page.wait_for_function(
        f"""([iframe, stroke, n, kept]) => {{
            const seen = ({_FILL})([iframe, stroke, kept]);
            const now = JSON.stringify(seen);
            const still = seen.n === n && now === window.__lastFill;
            window.__lastFill = now;
            return still;
        }}""",
        arg=[MAP_IFRAME, UNIT_STROKE, n, LEGEND_ROOM[0]],
        timeout=90_000,
        polling=250,
    )
    seen = page.evaluate(_FILL, [MAP_IFRAME, UNIT_STROKE, LEGEND_ROOM[0]])
    fill = max(seen["width"] / seen["room"]["width"], seen["height"] / seen["room"]["height"])
    assert fill >= 0.8, seen
