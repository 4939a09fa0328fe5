"""OpenStreetMap through real osmnx: an .osm XML fixture, and Overpass served from 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.importer import (
    OSM_LICENCE,
    OSM_SOURCE,
    ImportOptions,
    import_and_record,
    import_file,
    import_table,
)
from geo.io_osm import read_osm_xml, read_overpass
from geo.layers import LayerFilter, read_layer
from tests.geo.fixtures.support import FIXTURES, require_layers, run_import
from walouja.errors import DataError
from walouja.settings import Settings

OSM = FIXTURES / "fes_small.osm"


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def test_xml_transport_stops_map_accessibility_tags() -> None:
    table = read_osm_xml(OSM, "transport_stops")
    rec = table.records.set_index("external_id")
    # the pole 8 m from the platform with the same name is folded into it
    assert "osm:node/1002" not in rec.index
    assert any("folded" in w for w in table.warnings)
    florence = rec.loc["osm:node/1001"]
    assert (florence["name"], florence["name_ar"], florence["mode"]) == (
        "Place Florence",
        "ساحة فلورانس",
        "bus",
    )
    assert florence["wheelchair_boarding"] == "1"
    assert florence["tactile_paving"] is True
    assert (florence["kerb"], florence["raised_platform"]) == ("raised", True)
    boujloud = rec.loc["osm:node/1003"]
    assert boujloud["wheelchair_boarding"] == "2"
    assert (boujloud["kerb"], boujloud["step_free"], boujloud["tactile_paving"]) == (
        "lowered",
        True,
        False,
    )
    gare = rec.loc["osm:node/1004"]
    assert (gare["mode"], gare["wheelchair_boarding"], gare["operator"]) == ("train", "1", "ONCF")


def test_xml_centres_types_and_capacity() -> None:
    rec = read_osm_xml(OSM, "centres").records.set_index("external_id")
    assert sorted(rec.index) == ["osm:node/2001", "osm:node/2002"]
    coaph = rec.loc["osm:node/2001"]
    assert (coaph["centre_type"], coaph["capacity"], coaph["wheelchair"]) == (
        "COAPH",
        "80",
        "limited",
    )
    assert coaph["services"] == "day_care"
    assert coaph["manager"] == "Entraide Nationale"
    rehab = rec.loc["osm:node/2002"]
    assert (rehab["centre_type"], rehab["services"]) == ("other", "paramedical")


def test_xml_import_reports_the_unnamed_stop(db: Connection) -> None:
    report = run_import(db, "transport_stops", OSM, fmt="osm")
    assert report.refused
    assert [(p.field, p.reason) for p in report.problems] == [("name", "required value missing")]
    kept = run_import(db, "transport_stops", OSM, fmt="osm", skip_invalid=True)
    assert (kept.inserted, kept.rejected) == (3, 1)
    assert run_import(db, "transport_stops", OSM, fmt="osm", skip_invalid=True).unchanged == 3


def test_a_node_without_coordinates_is_named_in_the_refusal(tmp_path: Path) -> None:
    path = tmp_path / "beaches.osm"
    path.write_text(
        '<osm version="0.6"><node id="1" lat="34.02" lon="-6.84">'
        '<tag k="natural" v="beach"/></node><node id="2"><tag k="natural" v="beach"/></node>'
        "</osm>",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"beaches\.osm as OpenStreetMap XML: an element has no"):
        read_osm_xml(path, "beaches")


def test_an_elements_source_tag_is_not_the_rows_provenance(db: Connection, tmp_path: Path) -> None:
    # "source" on an OSM element says where its mapper took the geometry from (imagery, a
    # survey): the rows come from OpenStreetMap, under the ODbL, whatever it says
    path = tmp_path / "beaches.osm"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
        "<node id='910001' lat='34.0209' lon='-6.8416'><tag k='natural' v='beach'/>"
        "<tag k='name' v='Plage source test A'/><tag k='source' v='bing'/></node>\n"
        "<node id='910002' lat='30.4278' lon='-9.5981'><tag k='natural' v='beach'/>"
        "<tag k='name' v='Plage source test B'/>"
        "<tag k='source' v='Kaart Ground Survey 2018'/></node>\n</osm>\n",
        encoding="utf-8",
    )
    table = read_osm_xml(path, "beaches")
    assert "source" not in table.records.columns
    report = import_and_record(
        db, "beaches", table, ImportOptions(), source=OSM_SOURCE, default_licence=OSM_LICENCE
    )
    assert (report.inserted, report.rejected, report.provenance) == (2, 0, ())
    rows = db.execute(
        sa.text("SELECT external_id, source FROM beaches WHERE external_id LIKE 'osm:node/9100%'")
    ).all()
    assert sorted(map(tuple, rows)) == [
        ("osm:node/910001", "OpenStreetMap contributors"),
        ("osm:node/910002", "OpenStreetMap contributors"),
    ]
    found = db.execute(
        sa.text("SELECT row_source, licence FROM layer_sources WHERE layer = 'beaches'")
    )
    entries = {str(source): str(licence) for source, licence in found}
    assert entries["OpenStreetMap contributors"] == "ODbL 1.0"
    assert not {"bing", "Kaart Ground Survey 2018"} & set(entries)


def test_a_kml_saved_as_xml_is_not_read_as_openstreetmap(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "centres.xml"
    path.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark>'
        "<name>Centre KML</name><Point><coordinates>-6.8,34.0</coordinates></Point>"
        "</Placemark></kml>",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        import_file(settings, "centres", path, options=ImportOptions(dry_run=True))
    # named a KML, and how to import it (it said its root element was <kml>)
    assert caught.value.code == "format_is_other"
    assert caught.value.message == (
        "centres.xml is not in the OpenStreetMap XML (.osm) format: it is in the KML format"
    )
    assert "--format kml" in str(caught.value.hint)


def test_accessible_cities_are_not_osm_features() -> None:
    with pytest.raises(DataError, match="not an OpenStreetMap feature"):
        read_osm_xml(OSM, "accessible_cities")


# --- Overpass and Nominatim answered by a local server ------------------------------------

PLACE_POLYGON = {
    "type": "Polygon",
    "coordinates": [
        [[-5.33, 35.60], [-5.24, 35.60], [-5.24, 35.66], [-5.33, 35.66], [-5.33, 35.60]]
    ],
}
NOMINATIM = [
    {
        "place_id": 1,
        "osm_type": "relation",
        "osm_id": 42,
        "boundingbox": ["35.60", "35.66", "-5.33", "-5.24"],
        "lat": "35.62",
        "lon": "-5.27",
        "display_name": "Martil, Tétouan, Maroc",
        "class": "boundary",
        "type": "administrative",
        "importance": 0.7,
        "geojson": PLACE_POLYGON,
    }
]
# a beach drawn as a closed way (osmnx turns it into a polygon) and a named one as a node
OVERPASS = {
    "version": 0.6,
    "elements": [
        {"type": "node", "id": 11, "lat": 35.6190, "lon": -5.2770},
        {"type": "node", "id": 12, "lat": 35.6190, "lon": -5.2740},
        {"type": "node", "id": 13, "lat": 35.6230, "lon": -5.2740},
        {"type": "node", "id": 14, "lat": 35.6230, "lon": -5.2770},
        {
            "type": "way",
            "id": 500,
            "nodes": [11, 12, 13, 14, 11],
            "tags": {
                "natural": "beach",
                "name": "Plage de Martil",
                "name:ar": "شاطئ مرتيل",
                "wheelchair": "limited",
                "award": "Blue Flag",
            },
        },
        {
            "type": "node",
            "id": 600,
            "lat": 35.6450,
            "lon": -5.2800,
            "tags": {"natural": "beach", "name": "Plage Cabo Negro Sud"},
        },
    ],
}


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def _send(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.requests.append(f"GET {url.path}")
        if url.path.endswith("/search"):
            assert parse_qs(url.query)["q"] == ["Martil"]
            self._send(NOMINATIM)
        elif url.path.endswith("/interpreter"):
            self._send(OVERPASS)
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        data = parse_qs(self.rfile.read(length).decode())
        self.requests.append(f"POST {urlparse(self.path).path}")
        assert "['natural'='beach']" in data["data"][0]
        self._send(OVERPASS)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def servers() -> Iterator[tuple[str, list[str]]]:
    _Handler.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", _Handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_overpass_by_place_name(db: Connection, servers: tuple[str, list[str]]) -> None:
    base, requests = servers
    table = read_overpass(
        "Martil", "beaches", overpass_url=base + "/api", nominatim_url=base + "/nominatim"
    )
    assert requests[0] == "GET /nominatim/search"
    assert any(r.endswith("/api/interpreter") for r in requests)
    rec = table.records.set_index("external_id")
    assert sorted(rec.index) == ["osm:node/600", "osm:way/500"]
    martil = rec.loc["osm:way/500"]
    assert (martil["name_ar"], martil["wheelchair"], martil["blue_flag"]) == (
        "شاطئ مرتيل",
        "limited",
        True,
    )
    report = import_table(db, "beaches", table, source="OpenStreetMap contributors")
    assert (report.inserted, report.rejected) == (2, 0)
    assert "1 non-point geometry stored as a point on its surface" in report.warnings
    row = read_layer(db, "beaches", where=LayerFilter(equals={"external_id": ["osm:way/500"]}))
    point = row.iloc[0]["geom"]
    assert -5.2770 < point.x < -5.2740
    assert 35.6190 < point.y < 35.6230


def test_osmnx_settings_are_restored(servers: tuple[str, list[str]]) -> None:
    import osmnx as ox

    before = (ox.settings.overpass_url, ox.settings.use_cache, ox.settings.overpass_rate_limit)
    base, _ = servers
    read_overpass(
        "Martil", "beaches", overpass_url=base + "/api", nominatim_url=base + "/nominatim"
    )
    assert (
        ox.settings.overpass_url,
        ox.settings.use_cache,
        ox.settings.overpass_rate_limit,
    ) == before


def test_unreachable_overpass_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="cannot reach OpenStreetMap"):
        read_overpass(
            "Martil",
            "beaches",
            overpass_url="http://127.0.0.1:9/api",
            nominatim_url="http://127.0.0.1:9/nominatim",
        )
