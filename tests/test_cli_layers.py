"""`walouja import` end to end: the provenance it records and what it says about it."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from geo.importer import default_source
from geo.layers import prune_sources
from tests.geo.fixtures.support import FES, RABAT, REAL, require_layers, write
from walouja.cli import app

CSV = (
    "external_id,name,centre_type,lon,lat\n"
    f"CLI-L-1,Centre licence CLI A,CAS,{RABAT[0]},{RABAT[1]}\n"
    f"CLI-L-2,Centre licence CLI B,CAS,{FES[0]},{FES[1]}\n"
)
# two beaches whose OSM "source" tags are mapping notes, not provenance
OSM = (
    "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
    "<node id='920001' lat='34.0209' lon='-6.8416'><tag k='natural' v='beach'/>"
    "<tag k='name' v='Plage CLI source A'/><tag k='source' v='bing'/></node>\n"
    "<node id='920002' lat='34.0331' lon='-5.0003'><tag k='natural' v='beach'/>"
    "<tag k='name' v='Plage CLI source B'/><tag k='source' v='survey'/></node>\n</osm>\n"
)
OSM_IDS = ["osm:node/920001", "osm:node/920002"]


@pytest.fixture
def committed(engine: Engine) -> Iterator[None]:
    """Rows the CLI commits, removed afterwards with their history and emptied sources."""
    with engine.connect() as c:
        require_layers(c)
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'CLI-L-%'"))
        c.execute(sa.text("DELETE FROM beaches WHERE external_id = ANY(:ids)"), {"ids": OSM_IDS})
        c.execute(
            sa.text(
                "DELETE FROM layer_history WHERE external_id LIKE 'CLI-L-%' "
                "OR external_id = ANY(:ids)"
            ),
            {"ids": OSM_IDS},
        )
        prune_sources(c)


def _licence(engine: Engine, layer: str, source: str) -> str | None:
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT licence FROM layer_sources WHERE layer = :l AND row_source = :s"),
            {"l": layer, "s": source},
        ).scalar()
    return None if found is None else str(found)


def test_a_reimport_with_a_corrected_licence_updates_it_and_says_so(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    runner = CliRunner()
    path = str(write(tmp_path / "centres.csv", CSV))
    first = runner.invoke(
        app, ["import", "centres", path, "--source", "CLI survey", "--licence", "CC BY 4.0"]
    )
    assert first.exit_code == 0, first.output
    assert "inserted 2" in first.stdout
    assert "licence" not in first.stdout  # a new entry is no correction
    again = runner.invoke(
        app, ["import", "centres", path, "--source", "CLI survey", "--licence", "CC BY-SA 4.0"]
    )
    assert again.exit_code == 0, again.output
    assert "inserted 0, updated 0, 2 unchanged" in again.stdout
    assert "note: licence of CLI survey updated: CC BY 4.0 → CC BY-SA 4.0" in again.stdout
    assert _licence(engine, "centres", "CLI survey") == "CC BY-SA 4.0"
    # without --licence nothing changes and nothing is said
    plain = runner.invoke(app, ["import", "centres", path, "--source", "CLI survey", "--json"])
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["notes"] == []
    assert _licence(engine, "centres", "CLI survey") == "CC BY-SA 4.0"
    # the note carries its code and values for programs
    back = runner.invoke(
        app,
        ["import", "centres", path, "--source", "CLI survey", "--licence", "CC BY 4.0", "--json"],
    )
    assert json.loads(back.stdout)["notes"] == [
        {
            "code": "licence_updated",
            "params": {"source": "CLI survey", "old": "CC BY-SA 4.0", "new": "CC BY 4.0"},
            "text": "licence of CLI survey updated: CC BY-SA 4.0 → CC BY 4.0",
        }
    ]


def test_an_import_without_a_licence_records_it_unknown_and_says_so(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    # it recorded "as given by the importer", silently, and the Sources page showed that as
    # the source's licence
    path = str(write(tmp_path / "centres.csv", CSV))
    done = CliRunner().invoke(
        app, ["import", "centres", path, "--source", "CLI no licence", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["notes"] == [
        {
            "code": "licence_not_given",
            "params": {"source": "CLI no licence"},
            "text": "no licence given for CLI no licence: recorded as unknown — give it with "
            "--licence when it is known (walouja layers lists the licences recorded)",
        }
    ]
    assert _licence(engine, "centres", "CLI no licence") == "unknown"
    # given later, it takes the unknown one's place, and says so
    later = CliRunner().invoke(
        app, ["import", "centres", path, "--source", "CLI no licence", "--licence", "CC0 1.0"]
    )
    assert later.exit_code == 0, later.output
    assert "licence of CLI no licence updated: unknown → CC0 1.0" in later.stdout
    assert _licence(engine, "centres", "CLI no licence") == "CC0 1.0"


def test_an_osm_file_is_recorded_under_openstreetmap_not_its_source_tags(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "beaches.osm"
    path.write_text(OSM, encoding="utf-8")
    done = CliRunner().invoke(app, ["import", "beaches", str(path)])
    assert done.exit_code == 0, done.output
    assert "inserted 2" in done.stdout
    with engine.connect() as c:
        sources = c.execute(
            sa.text("SELECT DISTINCT source FROM beaches WHERE external_id = ANY(:ids)"),
            {"ids": OSM_IDS},
        ).all()
        names = set(
            c.execute(
                sa.text("SELECT row_source FROM layer_sources WHERE layer = 'beaches'")
            ).scalars()
        )
    assert [tuple(r) for r in sources] == [("OpenStreetMap contributors",)]
    assert _licence(engine, "beaches", "OpenStreetMap contributors") == "ODbL 1.0"
    assert not {"bing", "survey"} & names


def test_a_file_with_a_header_and_no_rows_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "header_only.csv", "name,centre_type,lon,lat\n")
    result = CliRunner().invoke(app, ["import", "centres", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "walouja: header_only.csv has no data rows: nothing to import — add the places below "
        "the header line, one per row (in GeoJSON or GeoPackage, one feature each; in KML, one "
        "placemark each)"
    )


def test_counts_of_one_take_the_singular(engine: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    madrid = "Madrid,CAS,-3.7,40.41\n"
    one = write(tmp_path / "one.csv", f"name,centre_type,lon,lat\n{madrid}")
    refused = runner.invoke(app, ["import", "centres", str(one), "--dry-run"])
    assert refused.exit_code == 1
    assert "refused — 1 of 1 row rejected, nothing written" in refused.stdout
    fes = f"Centre singulier,CAS,{FES[0]},{FES[1]}\n"
    both = write(tmp_path / "both.csv", f"name,centre_type,lon,lat\n{madrid}{fes}")
    skipped = runner.invoke(app, ["import", "centres", str(both), "--dry-run", "--skip-invalid"])
    assert skipped.exit_code == 0, skipped.output
    assert "2 rows read, would insert 1, would update 0, 0 unchanged, 1 rejected row skipped" in (
        skipped.stdout
    )
    with engine.connect() as c:
        some = c.execute(sa.text("SELECT external_id FROM centres ORDER BY id LIMIT 1")).scalar()
    out = tmp_path / "out.csv"
    exported = runner.invoke(app, ["export", "centres", str(out), "--where", f"external_id={some}"])
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.startswith(f"centres: 1 row written to {out} (csv)")


def test_skip_invalid_that_leaves_no_row_to_write_fails(engine: Engine, tmp_path: Path) -> None:
    # a misspelt column: no row has a centre_type, so --skip-invalid has nothing to write
    path = write(
        tmp_path / "misspelt.csv", "name,typ,lon,lat\nA,COAPH,-6.84,34.02\nB,CAS,-5.0,34.03\n"
    )
    runner = CliRunner()
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(app, ["import", "centres", str(path), "--skip-invalid", *extra])
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        assert lines[0] == (
            "centres: nothing imported from misspelt.csv — all 2 rows were rejected, none is "
            "left to write"
        )
        assert lines[1] == (
            "  no row has a centre_type: the column 'typ' is not read as centre_type — rename "
            "the column 'typ' to centre_type"
        )
        assert "    centre_type: required value missing in rows 2, 3" in lines
        # one line that says which import, as every refusal's does: it said "nothing was
        # written: … fix the rows above", unnamed, in a log that keeps stderr only; then
        # "fix the rows listed", where the rows need their column renamed
        assert result.stderr == f"walouja: {lines[0]}: {lines[1].strip()}\n"
    as_json = runner.invoke(app, ["import", "centres", str(path), "--skip-invalid", "--json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    # with --json the refusal printed nothing on stderr, where every other refusal says why
    assert as_json.stderr == (
        f"walouja: {report['summary']}: {report['advice'][0]['text']} — "
        f"{report['advice'][0]['hint']}\n"
    )
    assert as_json.stderr.startswith("walouja: centres: nothing imported from ")
    assert (report["refused"], report["skip_invalid"], report["inserted"]) == (True, True, 0)
    assert len(report["problems"]) == 2
    with engine.connect() as c:
        assert not c.execute(sa.text("SELECT count(*) FROM centres WHERE name = 'B'")).scalar()
    # one valid row is enough: it is written (dry run here) and the command succeeds
    some = write(
        tmp_path / "some.csv", "name,centre_type,lon,lat\nA,COAPH,-6.84,34.02\nB,,-5.0,34.03\n"
    )
    partial = runner.invoke(app, ["import", "centres", str(some), "--skip-invalid", "--dry-run"])
    assert partial.exit_code == 0, partial.output
    assert "would insert 1" in partial.stdout
    refused = runner.invoke(app, ["import", "centres", str(some), "--dry-run"])
    assert refused.exit_code == 1
    assert refused.stderr == (
        "walouja: centres: import of some.csv refused — 1 of 2 rows rejected, nothing written: "
        "1 of 2 rows has no centre_type — set one for the rows without it with --set "
        "centre_type=COAPH (one of: COAPH, CAS, CAPE, EMF, CJPA, EPS, other), or complete the "
        "file; or add --skip-invalid to import the valid rows only\n"
    )


def _stops(n: int) -> str:
    """A GTFS stops.txt alone (no routes to take the mode from) with ``n`` stops in Fès."""
    rows = "".join(f"S{i},Arrêt {i},{34.03 + i / 1000:.4f},-5.0{i % 10}\n" for i in range(n))
    return "stop_id,stop_name,stop_lat,stop_lon\n" + rows


def test_a_field_every_row_lacks_is_said_once_and_its_rows_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "stops.txt", _stops(30))
    result = CliRunner().invoke(app, ["import", "transport_stops", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    # the line on stderr said "fix the rows listed": a log that keeps stderr had neither
    # the rows nor the --set that mends them all
    assert result.stderr == (
        "walouja: transport_stops: import of stops.txt refused — 30 of 30 rows rejected, "
        "nothing written: no row has a mode — give every row one with --set mode=bus "
        "(one of: bus, tram, train, coach, brt)\n"
    )
    assert result.stdout.splitlines() == [
        "transport_stops: import of stops.txt refused — 30 of 30 rows rejected, nothing written",
        "  no row has a mode — give every row one with --set mode=bus "
        "(one of: bus, tram, train, coach, brt)",
        "  note: stops.txt has no wheelchair_boarding column: recorded as 0 (unknown)",
        "  rejected rows (30):",
        "    mode: required value missing in rows 2, 3, 4, 5, 6 and 25 more",
    ]
    done = CliRunner().invoke(
        app, ["import", "transport_stops", str(path), "--dry-run", "--set", "mode=train"]
    )
    assert done.exit_code == 0, done.output
    assert "would insert 30" in done.stdout


def test_many_rejected_rows_are_listed_up_to_twenty_then_counted(tmp_path: Path) -> None:
    rows = "".join(f"Centre {i},CAS,-3.7,{40.0 + i / 100:.2f}\n" for i in range(25))  # Spain
    path = write(tmp_path / "spain.csv", "name,centre_type,lon,lat\n" + rows)
    result = CliRunner().invoke(app, ["import", "centres", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "  rejected rows (25):"
    assert lines[2] == "    row 2, geometry: outside Morocco (-3.70000, 40.00000)"
    assert len(lines) == 2 + 20 + 1
    assert lines[-1] == "    … and 5 more (--json lists them all)"
    as_json = CliRunner().invoke(app, ["import", "centres", str(path), "--dry-run", "--json"])
    assert len(json.loads(as_json.stdout)["problems"]) == 25


def test_real_files_lacking_a_field_give_a_short_report(tmp_path: Path) -> None:
    """The ONCF feed's stops.txt alone, and the healthsites.io extract as centres."""
    gtfs, healthsites = REAL / "oncf_rail_gtfs.zip", REAL / "morocco_healthsites_2020.csv"
    if not gtfs.exists() or not healthsites.exists():
        pytest.skip(f"{REAL} is absent (real third-party data lives outside the repository)")
    with zipfile.ZipFile(gtfs) as zf:  # read where it is: never copied into the repository
        stops = write(tmp_path / "stops.txt", zf.read("stops.txt").decode("utf-8-sig"))
    runner = CliRunner()
    result = runner.invoke(app, ["import", "transport_stops", str(stops), "--dry-run"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("33 of 33 rows rejected, nothing written")
    assert lines[1] == (
        "  no row has a mode — give every row one with --set mode=bus "
        "(one of: bus, tram, train, coach, brt)"
    )
    assert lines[-1] == "    mode: required value missing in rows 2, 3, 4, 5, 6 and 28 more"
    assert len(lines) == 5
    result = runner.invoke(app, ["import", "centres", str(healthsites), "--dry-run"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("  no row has a centre_type — give every row one with --set ")
    assert lines[2] == (  # no row has a type: --skip-invalid would write none
        "  442 of 3,580 rows have no name — complete the file: a row without one cannot be imported"
    )
    assert "    centre_type: required value missing in rows 2, 3, 4, 5, 6 and 3,575 more" in lines
    assert len(lines) < 10  # it printed a line for each of the 3,580 rows


def test_rows_skipped_for_a_missing_name_are_not_told_to_use_skip_invalid(
    tmp_path: Path,
) -> None:
    # with --skip-invalid given, the report still advised "import the other rows with
    # --skip-invalid"
    healthsites = REAL / "morocco_healthsites_2020.csv"
    if not healthsites.exists():
        pytest.skip(f"{REAL} is absent (real third-party data lives outside the repository)")
    args = ["import", "centres", str(healthsites), "--set", "centre_type=other", "--dry-run"]
    result = CliRunner().invoke(app, [*args, "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "  442 of 3,580 rows have no name — those rows are skipped: complete them in the "
        "file, then import it again to add them"
    )
    nothing = CliRunner().invoke(app, [*args[:3], "--dry-run", "--skip-invalid"])
    assert nothing.exit_code == 1  # no row has a centre_type: none to write, none skipped
    assert nothing.stdout.splitlines()[2] == (
        "  442 of 3,580 rows have no name — complete the file: a row without one cannot be imported"
    )
    refused = CliRunner().invoke(app, args)  # without it, the advice is still to use it
    assert refused.stdout.splitlines()[1] == (
        "  442 of 3,580 rows have no name — complete the file, or import the other rows with "
        "--skip-invalid"
    )


def test_the_json_advice_says_what_the_printed_report_says(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    # with --skip-invalid given, the printed report said the nameless rows were skipped but
    # the JSON's advice still said to import the other rows with --skip-invalid
    path = write(
        tmp_path / "unnamed.csv",
        "external_id,name,centre_type,lon,lat\n"
        f"CLI-L-1,Centre nommé CLI,CAS,{RABAT[0]},{RABAT[1]}\n"
        f"CLI-L-2,,CAS,{FES[0]},{FES[1]}\n"
        f"CLI-L-3,,COAPH,{FES[0]},{FES[1] + 0.01}\n",
    )
    runner = CliRunner()
    skipped = "those rows are skipped: complete them in the file, then import it again to add them"
    for extra in (["--dry-run"], []):
        args = ["import", "centres", str(path), "--skip-invalid", *extra]
        printed = runner.invoke(app, args)
        assert printed.exit_code == 0, printed.output
        assert printed.stdout.splitlines()[1] == f"  2 of 3 rows have no name — {skipped}"
        if extra:  # the JSON of the import that writes is read below
            as_json = runner.invoke(app, [*args, "--json"])
            assert as_json.exit_code == 0, as_json.output
            report = json.loads(as_json.stdout)
            assert report["advice"] == [
                {
                    "code": "text_missing_in_rows_skipped",
                    "params": {"n": 2, "total": 3, "field": "name"},
                    "text": "2 of 3 rows have no name",
                    "hint": skipped,
                }
            ]
            assert "--skip-invalid" not in as_json.stdout.replace('"skip_invalid"', "")
    with engine.connect() as c:
        names = c.execute(
            sa.text("SELECT name FROM centres WHERE external_id LIKE 'CLI-L-%' ORDER BY 1")
        ).scalars()
        assert list(names) == ["Centre nommé CLI"]  # the valid row written, the others not
    # without the option the advice is still to use it, in the JSON as in print
    refused = runner.invoke(app, ["import", "centres", str(path), "--dry-run", "--json"])
    assert refused.exit_code == 1
    (tip,) = json.loads(refused.stdout)["advice"]
    assert (tip["code"], tip["hint"]) == (
        "text_missing_in_rows",
        "complete the file, or import the other rows with --skip-invalid",
    )
    # no valid row at all: --skip-invalid would write nothing, so it is not advised
    none = write(
        tmp_path / "none.csv",
        f"name,centre_type,lon,lat\n,CAS,{FES[0]},{FES[1]}\nB,,{RABAT[0]},{RABAT[1]}\n",
    )
    for extra in ([], ["--skip-invalid"]):
        args = ["import", "centres", str(none), "--dry-run", *extra]
        printed = runner.invoke(app, args)
        as_json = runner.invoke(app, [*args, "--json"])
        assert (printed.exit_code, as_json.exit_code) == (1, 1)
        hint = "complete the file: a row without one cannot be imported"
        assert f"  1 of 2 rows has no name — {hint}" in printed.stdout.splitlines()
        tips = {t["code"]: t["hint"] for t in json.loads(as_json.stdout)["advice"]}
        assert tips["text_missing_in_rows_no_valid_row"] == hint
        assert "--skip-invalid" not in " ".join(tips.values())


def test_an_export_reimported_notes_its_commune_column_without_column_s(tmp_path: Path) -> None:
    # every re-import of an export said "ignored column(s) commune_code"
    out = tmp_path / "beaches.csv"
    runner = CliRunner()
    assert runner.invoke(app, ["export", "beaches", str(out)]).exit_code == 0
    again = runner.invoke(app, ["import", "beaches", str(out), "--dry-run"])
    assert again.exit_code == 0, again.output
    assert "  note: ignored commune_code: the commune is derived from the geometry" in (
        again.stdout.splitlines()
    )
    assert "(s)" not in again.stdout


@pytest.mark.parametrize("layer", ["beaches", "centres", "accessible_cities"])
def test_the_oncf_feed_goes_into_transport_stops_only(engine: Engine, layer: str) -> None:
    # imported as beaches, the ONCF feed's 33 railway stations were taken as beaches
    feed = REAL / "oncf_rail_gtfs.zip"
    if not feed.exists():
        pytest.skip(f"{REAL} is absent (real third-party data lives outside the repository)")
    with engine.connect() as c:
        before = c.execute(sa.text(f"SELECT count(*) FROM {layer}")).scalar()
    result = CliRunner().invoke(app, ["import", layer, str(feed)])
    assert result.exit_code == 1
    assert result.stderr == (
        "walouja: oncf_rail_gtfs.zip is a GTFS feed: its stops are transport stops, and go into"
        f" no other layer — import it into transport_stops: walouja import transport_stops {feed}\n"
    )
    with engine.connect() as c:
        assert c.execute(sa.text(f"SELECT count(*) FROM {layer}")).scalar() == before
    stops = CliRunner().invoke(app, ["import", "transport_stops", str(feed), "--dry-run"])
    assert stops.exit_code == 0, stops.output


def test_without_source_the_rows_take_the_files_name_as_the_app_does(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "c5_errors.csv",
        f"external_id,name,centre_type,lon,lat\nCLI-L-9,Centre sans source,CAS,{FES[0]},{FES[1]}\n",
    )
    done = CliRunner().invoke(app, ["import", "centres", str(path), "--licence", "CC0"])
    assert done.exit_code == 0, done.output
    with engine.connect() as c:
        source = c.execute(
            sa.text("SELECT source FROM centres WHERE external_id = 'CLI-L-9'")
        ).scalar()
    assert source == default_source(path) == "c5_errors.csv"
    assert default_source(tmp_path / "fes.osm") == "OpenStreetMap contributors"
    assert default_source(tmp_path / "stops.txt", "osm") == "OpenStreetMap contributors"


def test_a_stated_source_wins_over_the_files_source_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "hs.csv",
        f"name,centre_type,source,lon,lat\nPharmacie A,other,bing,{FES[0]},{FES[1]}\n",
    )
    result = CliRunner().invoke(
        app, ["import", "centres", str(path), "--dry-run", "--source", "healthsites.io 2020"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "  note: the file's source column (1 value) was not used: each row added or changed is "
        "recorded under 'healthsites.io 2020', the source given"
    ) in result.stdout.splitlines()


def test_a_reimport_under_another_source_says_which_rows_keep_theirs(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    # the report said every row was recorded under the source given, while the rows the
    # re-import left unchanged kept the source they had: the report and the table disagreed
    runner = CliRunner()
    first = runner.invoke(
        app,
        ["import", "centres", str(write(tmp_path / "a.csv", CSV)), "--source", "Enquête 2025"],
    )
    assert first.exit_code == 0, first.output
    # the same centre, its position corrected by some 90 m
    changed = CSV.replace(f"CAS,{FES[0]},", f"CAS,{FES[0] + 0.001},")
    assert changed != CSV
    again = runner.invoke(
        app,
        [
            "import",
            "centres",
            str(write(tmp_path / "b.csv", changed)),
            "--source",
            "Délégation 2026",
            "--licence",
            "CC BY 4.0",
        ],
    )
    assert again.exit_code == 0, again.output
    assert "inserted 0, updated 1, 1 unchanged" in again.stdout
    assert (
        "  note: 1 unchanged row keeps the source it was recorded under ('Enquête 2025'): an "
        "import records its source on the rows it adds or changes only"
    ) in again.stdout.splitlines()
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT external_id, source FROM centres WHERE external_id LIKE 'CLI-L-%'")
        )
        sources = {str(e): str(s) for e, s in found}
    assert sources == {"CLI-L-1": "Enquête 2025", "CLI-L-2": "Délégation 2026"}
    assert _licence(engine, "centres", "Délégation 2026") == "CC BY 4.0"
    same = runner.invoke(
        app, ["import", "centres", str(tmp_path / "b.csv"), "--source", "Délégation 2026"]
    )
    assert same.exit_code == 0, same.output
    assert "1 unchanged row keeps the source" in same.stdout  # still Enquête 2025's
    assert "unchanged rows keep" not in first.stdout


def test_another_organisations_id_does_not_overwrite_its_centre(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    header = "id,name,centre_type,capacity,lon,lat\n"
    org_a = write(tmp_path / "orgA.csv", f"{header}CLI-L-7,Centre A,CAS,30,{FES[0]},{FES[1]}\n")
    org_b = write(tmp_path / "orgB.csv", f"{header}CLI-L-7,Centre B,COAPH,60,-8.00,31.63\n")
    runner = CliRunner()
    first = runner.invoke(
        app, ["import", "centres", str(org_a), "--source", "Délégation Fès", "--licence", "CC0"]
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app,
        ["import", "centres", str(org_b), "--source", "Délégation Marrakech", "--licence", "CC0"],
    )
    assert second.exit_code == 1
    assert "row 2, external_id: id 'CLI-L-7' already names 'Centre A' (" in second.stdout
    assert "source 'Délégation Fès'" in second.stdout
    with engine.connect() as c:
        kept = c.execute(
            sa.text("SELECT name, source FROM centres WHERE external_id = 'CLI-L-7'")
        ).one()
    assert tuple(kept) == ("Centre A", "Délégation Fès")


def _command_paths() -> list[list[str]]:
    """Every command of ``walouja``, as the words that name it (``["db", "up"]``)."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "walouja")
def test_every_help_reads_as_a_command_line(path: list[str]) -> None:
    shown = CliRunner().invoke(app, [*path, "--help"], prog_name="walouja")
    assert shown.exit_code == 0, shown.output
    usage = next(line for line in shown.stdout.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage  # Typer wrote required arguments as {layer} {file}
    assert "``" not in shown.stdout  # a docstring's reStructuredText marks
    assert "<bool>" not in shown.stdout  # a flag takes no value
    assert "list[" not in shown.stdout


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "walouja")
def test_no_option_says_its_default_twice(path: list[str]) -> None:
    # gaps said "The type each province should have (default COAPH). [default: COAPH]"
    shown = CliRunner().invoke(app, [*path, "--help"], prog_name="walouja", env={"COLUMNS": "400"})
    twice = [x for x in shown.stdout.splitlines() if "(default" in x and "[default:" in x]
    assert twice == []


def test_a_commands_description_flows_to_the_width_of_the_terminal() -> None:
    # its lines broke where the docstring's did: "... When rows are rejected nothing is",
    # then "written and the exit code is 1, unless --skip-invalid writes the valid ones (exit"
    shown = CliRunner().invoke(
        app, ["import", "--help"], prog_name="walouja", env={"COLUMNS": "400"}
    )
    lines = [line.strip() for line in shown.stdout.splitlines()]
    assert (
        "Every row is checked before anything is written. When rows are rejected nothing is "
        "written and the exit code is 1, unless --skip-invalid writes the valid ones (exit "
        "code 1 still when every row is rejected: nothing was imported)."
    ) in lines


def test_import_and_export_name_their_arguments_and_values() -> None:
    def helped(*words: str) -> str:
        shown = CliRunner().invoke(
            app, [*words, "--help"], prog_name="walouja", env={"COLUMNS": "200"}
        )
        # the table's borders and padding out: what a reader sees, as one line
        return " ".join(shown.stdout.replace("│", " ").split())

    imported = helped("import")
    assert "Usage: walouja import [OPTIONS] LAYER FILE" in imported
    assert "--set FIELD=VALUE A value for the rows that leave FIELD empty" in imported
    assert "--crs EPSG:N CRS of the coordinates" in imported
    assert "--dry-run Check every row and report; write nothing." in imported
    # FILE named no KML/KMZ, which it reads, and said a workbook's first sheet with data is read
    assert "GeoPackage, KML or KMZ, Shapefile" in imported
    assert "(the sheet named as the layer, else the first with coordinates)" in imported
    exported = helped("export")
    assert "Usage: walouja export [OPTIONS] LAYER FILE" in exported
    assert "--bbox W,S,E,N Keep the rows in this box" in exported
    # the summary named four formats after KML export came: the list of commands too
    assert "GeoPackage, GeoJSON, CSV, Excel (.xlsx) or KML" in exported
    assert "Excel (.xlsx) or KML" in helped()
    assert "GeoPackage, shapefile, KML/KMZ" in helped("prioritise")  # KML candidates
    assert "--report FILE.csv Also write how each commune was matched" in helped("load")
    assert "Usage: walouja scenarios compare [OPTIONS] A B" in helped("scenarios", "compare")


def test_load_json_lists_each_demonstration_layer() -> None:
    # "layers" was a sentence in the JSON; a script wants each layer's figures
    result = CliRunner().invoke(app, ["load", "--json"])
    assert result.exit_code == 0, result.output
    layers = json.loads(result.stdout)["layers"]
    assert layers["demonstration"] is True
    # the Accessible Cities are the programme's public facts: not called demonstration data
    assert layers["summary"].startswith("thematic layers: centres ")
    assert " demo" not in layers["summary"].split("accessible_cities")[1].split(";")[0]
    by_layer = {row["layer"]: row for row in layers["layers"]}
    assert {k for k, row in by_layer.items() if row["is_demo"]} == {
        "centres",
        "transport_stops",
        "beaches",
    }
    assert set(by_layer) == {"centres", "accessible_cities", "transport_stops", "beaches"}
    assert all(row["rows"] > 0 and row["rejected"] == 0 for row in by_layer.values())
    assert all(row["inserted"] == row["updated"] == 0 for row in by_layer.values())  # loaded


HEALTHSITES_SOURCE = "healthsites.io test of counts (CLI)"


@pytest.fixture
def healthsites_imported(engine: Engine) -> Iterator[Path]:
    """The healthsites.io extract imported as centres of type 'other', removed afterwards."""
    healthsites = REAL / "morocco_healthsites_2020.csv"
    if not healthsites.exists():
        pytest.skip(f"{REAL} is absent (real third-party data lives outside the repository)")
    with engine.connect() as c:
        require_layers(c)
    yield healthsites
    with engine.begin() as c:
        ids = c.execute(
            sa.text("DELETE FROM centres WHERE source = :s RETURNING external_id"),
            {"s": HEALTHSITES_SOURCE},
        ).scalars()
        c.execute(
            sa.text("DELETE FROM layer_history WHERE layer = 'centres' AND external_id = ANY(:i)"),
            {"i": list(ids)},
        )
        prune_sources(c)


def test_counts_of_thousands_carry_their_marks(healthsites_imported: Path, tmp_path: Path) -> None:
    # load, layers, the import's rejected rows, export and coverage printed 1503, 3582,
    # 3580 where every other line writes 1,503
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", "--no-layers"])
    assert loaded.exit_code == 0, loaded.output
    assert "  communes   1,503 rows  unchanged" in loaded.stdout.splitlines()
    assert "  regions       12 rows  unchanged" in loaded.stdout.splitlines()
    refused = runner.invoke(app, ["import", "centres", str(healthsites_imported), "--dry-run"])
    assert "  rejected rows (3,580):" in refused.stdout.splitlines()
    args = ["import", "centres", str(healthsites_imported), "--set", "centre_type=other"]
    imported = runner.invoke(app, [*args, "--skip-invalid", "--source", HEALTHSITES_SOURCE])
    assert imported.exit_code == 0, imported.output
    # one row fewer than the file's named rows: the place named "." is no name
    assert "inserted 3,093" in imported.stdout
    listed = runner.invoke(app, ["layers"])
    assert listed.stdout.startswith("centres              3,581 rows, 488 demo — ")
    out = tmp_path / "other.csv"
    exported = runner.invoke(app, ["export", "centres", str(out), "--where", "centre_type=other"])
    assert exported.stdout == f"centres: 3,093 rows written to {out} (csv)\n"
    covered = runner.invoke(app, ["coverage", "--centre-type", "other", "--by", "nation"])
    assert covered.exit_code == 0, covered.output
    # it read "of a other centre"
    assert "of a centre of type other (3,093 centres), by nation" in covered.stdout.splitlines()[0]


def _workbook(path: Path, rows: list[dict[str, object]]) -> Path:
    """``rows`` written by GDAL's XLSX or ODS driver (from the extension), one sheet."""
    import pandas as pd
    import pyogrio

    driver = {".xlsx": "XLSX", ".ods": "ODS"}[path.suffix]
    pyogrio.write_dataframe(pd.DataFrame(rows), path, driver=driver, layer="Centres")
    return path


WORKBOOK: list[dict[str, object]] = [  # a code, a decimal comma as text; coordinates numbers
    {"id": "CLI-L-04.421", "nom": "مركز الأمل", "type": "CAS", "lon": RABAT[0], "lat": RABAT[1]},
    {"id": None, "nom": None, "type": None, "lon": None, "lat": None},  # row 3: empty
    {"id": "CLI-L-2", "nom": "Centre Fès", "type": "hospital", "lon": FES[0], "lat": "34,0331"},
]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_workbook_is_imported_and_its_rejected_row_is_the_sheets(
    engine: Engine, committed: None, tmp_path: Path, suffix: str
) -> None:
    runner = CliRunner()
    path = _workbook(tmp_path / f"centres{suffix}", WORKBOOK)
    refused = runner.invoke(app, ["import", "centres", str(path)])
    assert refused.exit_code == 1
    assert f"import of centres{suffix} refused — 1 of 2 rows rejected, nothing written" in (
        refused.stdout
    )
    assert "row 4, centre_type: unknown value 'hospital'" in refused.stdout
    with engine.connect() as c:
        found = c.execute(sa.text("SELECT count(*) FROM centres WHERE external_id LIKE 'CLI-L-%'"))
        assert found.scalar_one() == 0  # all or nothing
    kept = runner.invoke(app, ["import", "centres", str(path), "--skip-invalid"])
    assert kept.exit_code == 0, kept.output
    with engine.connect() as c:
        rows = c.execute(
            sa.text("SELECT external_id, name FROM centres WHERE external_id LIKE 'CLI-L-%'")
        ).all()
    assert [tuple(r) for r in rows] == [("CLI-L-04.421", "مركز الأمل")]


def test_the_import_help_names_the_workbooks_and_an_xls_says_what_to_do(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["import", "--help"], env={"COLUMNS": "200"})
    assert "Excel (.xlsx, .xlsm" in shown.stdout
    assert "OpenDocument" in shown.stdout
    assert "csv, xlsx, ods, geojson" in shown.stdout
    xls = write(tmp_path / "centres.xls", "\xd0\xcf")
    refused = runner.invoke(app, ["import", "centres", str(xls)])
    assert refused.exit_code != 0
    assert refused.stderr.strip() == (
        "walouja: centres.xls is an Excel 97-2003 workbook (.xls), which Walouja does not read "
        "— open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx) (File > "
        "Save as > Excel Workbook), then import the .xlsx"
    )


def test_osm_names_its_layers_and_an_unreachable_server_has_the_imports_code() -> None:
    runner = CliRunner()
    # the layers' list offered accessible_cities, which osm then refused
    unknown = runner.invoke(app, ["osm", "roads", "Agadir"])
    assert unknown.exit_code == 1
    assert unknown.stderr == (
        "walouja: unknown layer 'roads' — OpenStreetMap features go into centres, "
        "transport_stops or beaches\n"
    )
    # nothing listens on port 1: the servers are unreachable, as without a network
    args = ["--overpass-url", "http://127.0.0.1:1/api", "--nominatim-url", "http://127.0.0.1:1"]
    done = runner.invoke(app, ["osm", "beaches", "Agadir", "--dry-run", "--json", *args])
    assert done.exit_code == 1
    error = json.loads(done.stdout)["error"]
    # it was "bad_input", the kind's code, where the import raised osm_unreachable
    assert error["code"] == "osm_unreachable"
    assert error["params"]["host"] == "127.0.0.1"
    assert error["message"] == "could not reach OpenStreetMap at 127.0.0.1: no network?"
    assert done.stderr.startswith("walouja: could not reach OpenStreetMap at 127.0.0.1")


def test_export_where_on_a_number_compares_numbers(engine: Engine, tmp_path: Path) -> None:
    # "--where capacity=abc" wrote an empty file without a word, and "capacity=40.0" missed
    # the centres of 40 places
    with engine.connect() as c:
        places, n = c.execute(
            sa.text(
                "SELECT capacity, count(*) FROM centres WHERE capacity IS NOT NULL "
                "GROUP BY capacity ORDER BY count(*) DESC, capacity LIMIT 1"
            )
        ).one()
    runner = CliRunner()
    out = tmp_path / "cap.csv"
    for value in (str(places), f"{places}.0"):
        exported = runner.invoke(
            app, ["export", "centres", str(out), "--where", f"capacity={value}"]
        )
        assert exported.exit_code == 0, exported.output
        assert exported.stdout.startswith(f"centres: {n:,} rows written to {out} (csv)"), value
    refused = runner.invoke(app, ["export", "centres", str(out), "--where", "capacity=abc"])
    assert refused.exit_code == 1
    assert refused.stderr == (
        "walouja: centres: capacity is a number, not 'abc' — give a number, for example "
        "--where capacity=40\n"
    )


def test_refusal_line_gives_the_advice_then_the_other_rows(tmp_path: Path) -> None:
    # a row without a name and a row at sea: the line on stderr says what to do about the
    # first, and that other rows are listed too
    path = write(
        tmp_path / "noname.csv", "name,centre_type,lon,lat\n,COAPH,-6.84,34.02\nB,COAPH,-7.5,40\n"
    )
    result = CliRunner().invoke(app, ["import", "centres", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        "walouja: centres: import of noname.csv refused — 2 of 2 rows rejected, nothing "
        "written: 1 of 2 rows has no name — complete the file: a row without one cannot be "
        "imported; then fix the other rows listed\n"
    )


def test_a_repeated_where_on_one_field_keeps_the_rows_of_either(
    engine: Engine, tmp_path: Path
) -> None:
    # "--where centre_type=COAPH --where centre_type=CAS" kept the CAS alone, without a word:
    # the second option replaced the first
    with engine.connect() as c:
        require_layers(c)
        n = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE centre_type IN ('COAPH', 'CAS')")
        ).scalar()
    out = tmp_path / "both.csv"
    runner = CliRunner()
    args = ["export", "centres", str(out), "--where", "centre_type=COAPH"]
    repeated = runner.invoke(app, [*args, "--where", "centre_type=CAS"])
    assert repeated.exit_code == 0, repeated.output
    assert repeated.stdout.startswith(f"centres: {n:,} rows written to {out} (csv)")
    listed = runner.invoke(app, ["export", "centres", str(out), "--where", "centre_type=COAPH,CAS"])
    assert listed.stdout.startswith(f"centres: {n:,} rows written to {out} (csv)")


def test_a_field_set_twice_to_two_values_is_refused(tmp_path: Path) -> None:
    # "--set centre_type=COAPH --set centre_type=CAS" imported every row as CAS, without a word
    path = write(tmp_path / "two.csv", f"name,lon,lat\nCentre deux,{RABAT[0]},{RABAT[1]}\n")
    args = ["import", "centres", str(path), "--dry-run", "--set", "centre_type=COAPH"]
    twice = CliRunner().invoke(app, [*args, "--set", "centre_type=CAS"])
    assert twice.exit_code == 1, twice.output
    assert twice.stderr == (
        "walouja: --set centre_type is given twice, COAPH and CAS — give it once, with the "
        "value the rows without their own take\n"
    )
    same = CliRunner().invoke(app, [*args, "--set", "centre_type=COAPH"])
    assert same.exit_code == 0, same.output


def test_export_to_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    # it said "cannot tell the export format of exports — use .gpkg, …": the folder was taken
    # for a file without an extension
    folder = tmp_path / "exports"
    folder.mkdir()
    result = CliRunner().invoke(app, ["export", "centres", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"walouja: cannot write {folder}: it is a folder — give a file name inside it, for "
        f"example {folder / 'export.csv'}\n"
    )
