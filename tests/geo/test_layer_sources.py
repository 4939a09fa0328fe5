"""Each source of a layer keeps its own provenance: licence and demo mark (``layer_sources``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import db, migrate
from geo.importer import (
    ImportOptions,
    default_source,
    import_and_record,
    import_table,
    record_import_source,
)
from geo.io_read import read_file
from geo.layers import LayerSummary, list_layers
from tests.geo.fixtures.support import FES, RABAT, require_layers, write
from walouja.settings import Settings

HEALTHSITES = "healthsites.io test extract"


@pytest.fixture
def db_conn(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def _import(conn: Connection, path: Path, source: str, licence: str | None) -> None:
    report = import_table(conn, "centres", read_file(path), source=source)
    assert report.written
    record_import_source(conn, "centres", source, licence)


def _entries(conn: Connection) -> dict[str, tuple[str, bool]]:
    rows = conn.execute(
        sa.text("SELECT row_source, licence, is_demo FROM layer_sources WHERE layer = 'centres'")
    ).all()
    return {r.row_source: (r.licence, r.is_demo) for r in rows}


def _centres(conn: Connection) -> LayerSummary:
    return next(s for s in list_layers(conn) if s.layer == "centres")


def test_an_import_beside_demo_rows_keeps_both_licences(
    db_conn: Connection, tmp_path: Path
) -> None:
    demo_before = {k: v for k, v in _entries(db_conn).items() if v[1]}
    assert demo_before, "the demonstration centres are loaded with their own entry"
    path = write(
        tmp_path / "hs.csv",
        "external_id,name,centre_type,lon,lat\n"
        f"hs-1,Clinique A,other,{RABAT[0]},{RABAT[1]}\n"
        f"hs-2,Clinique B,other,{FES[0]},{FES[1]}\n",
    )
    _import(db_conn, path, HEALTHSITES, "ODbL 1.0")
    entries = _entries(db_conn)
    assert entries[HEALTHSITES] == ("ODbL 1.0", False)
    for key, value in demo_before.items():  # the demo entry is not overwritten
        assert entries[key] == value
    summary = _centres(db_conn)
    assert summary.source is not None
    assert summary.source.startswith(HEALTHSITES + "; Walouja demonstration data")
    assert summary.licence == "ODbL 1.0; CC0 1.0 (invented data)"
    assert summary.is_demo is False  # not every source is demonstration data
    # the same source recorded again without a licence keeps the one it has
    record_import_source(db_conn, "centres", HEALTHSITES, None)
    assert _entries(db_conn)[HEALTHSITES] == ("ODbL 1.0", False)


def test_a_source_whose_rows_were_all_replaced_is_dropped(
    db_conn: Connection, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "a.csv",
        f"external_id,name,centre_type,lon,lat\nhs-9,Clinique C,other,{RABAT[0]},{RABAT[1]}\n",
    )
    _import(db_conn, first, "first survey", "CC BY 4.0")
    assert "first survey" in _entries(db_conn)
    second = write(
        tmp_path / "b.csv",
        # the same place, 90 m from where the first survey put it
        "external_id,name,centre_type,lon,lat\n"
        f"hs-9,Clinique C,other,{RABAT[0] + 0.001},{RABAT[1]}\n",
    )
    _import(db_conn, second, "second survey", "CC BY 4.0")
    entries = _entries(db_conn)
    assert "second survey" in entries
    assert "first survey" not in entries  # its only row now comes from the second survey


def test_migration_0005_up_and_down(scratch_settings: Settings) -> None:
    migrate.upgrade(scratch_settings)
    insert = (
        "INSERT INTO layer_sources (layer, row_source, title, source, licence, is_demo) "
        "VALUES ('centres', :s, 't', :s, 'l', false)"
    )
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == "0005"
        c.execute(sa.text(insert), {"s": "one"})
        c.execute(sa.text(insert), {"s": "two"})
    migrate.downgrade(scratch_settings, "0004")
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == "0004"
        assert c.execute(sa.text("SELECT count(*) FROM layer_sources")).scalar_one() == 1
    migrate.upgrade(scratch_settings)
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == "0005"
        row = c.execute(sa.text("SELECT layer, row_source FROM layer_sources")).one()
        assert tuple(row) == ("centres", "centres")  # no rows: the entry is keyed by its layer


def test_rows_citing_their_own_sources_get_an_entry_each(
    db_conn: Connection, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "surveys.csv",
        "external_id,name,centre_type,source,lon,lat\n"
        f"sv-1,Clinique D,other,Kaart Ground Survey 2018,{RABAT[0]},{RABAT[1]}\n"
        f"sv-2,Clinique E,other,Field visit 2021,{FES[0]},{FES[1]}\n",
    )
    _import(db_conn, path, "surveys.csv", "ODbL 1.0")
    entries = _entries(db_conn)
    assert entries["Kaart Ground Survey 2018"] == ("ODbL 1.0", False)
    assert entries["Field visit 2021"] == ("ODbL 1.0", False)
    assert "surveys.csv" not in entries  # no row carries the file's name
    assert _sources(db_conn, ["sv-1", "sv-2"]) == {
        "sv-1": "Kaart Ground Survey 2018",
        "sv-2": "Field visit 2021",
    }


def _sources(conn: Connection, ids: list[str]) -> dict[str, str]:
    rows = conn.execute(
        sa.text("SELECT external_id, source FROM centres WHERE external_id = ANY(:ids)"),
        {"ids": ids},
    )
    return {str(e): str(s) for e, s in rows}


LICENSED = (
    "external_id,name,centre_type,lon,lat\n"
    f"lc-1,Clinique licence A,other,{RABAT[0]},{RABAT[1]}\n"
    f"lc-2,Clinique licence B,other,{FES[0]},{FES[1]}\n"
)


def _reimport(conn: Connection, path: Path, **options: object) -> tuple[int, tuple[str, ...]]:
    """Import ``path`` as ``import_file`` does (source from the options, else the file's),
    returning the rows it changed and its notes about the sources' licences."""
    opts = ImportOptions(raise_on_reject=True, **options)  # type: ignore[arg-type]
    source = opts.source or default_source(path)
    report = import_and_record(conn, "centres", read_file(path), opts, source=source)
    return report.inserted + report.updated, report.provenance


def test_a_reimport_with_a_corrected_licence_records_it_and_says_so(
    db_conn: Connection, tmp_path: Path
) -> None:
    path = write(tmp_path / "licensed.csv", LICENSED)
    assert _reimport(db_conn, path, source="Survey L", licence="CC BY 4.0") == (2, ())
    assert _entries(db_conn)["Survey L"] == ("CC BY 4.0", False)
    # the same file again, with the licence corrected: no row changes, the entry does
    changed, notes = _reimport(db_conn, path, source="Survey L", licence="CC BY-SA 4.0")
    assert changed == 0
    assert notes == ("licence of Survey L updated: CC BY 4.0 → CC BY-SA 4.0",)
    assert notes[0].code == "licence_updated"  # type: ignore[attr-defined]
    assert _entries(db_conn)["Survey L"] == ("CC BY-SA 4.0", False)
    assert _sources(db_conn, ["lc-1", "lc-2"]) == {"lc-1": "Survey L", "lc-2": "Survey L"}
    # the same licence again, or none at all: nothing changes and nothing is said
    assert _reimport(db_conn, path, source="Survey L", licence="CC BY-SA 4.0") == (0, ())
    assert _reimport(db_conn, path, source="Survey L") == (0, ())
    assert _entries(db_conn)["Survey L"] == ("CC BY-SA 4.0", False)
    # a dry run records nothing
    assert _reimport(db_conn, path, source="Survey L", licence="CC0", dry_run=True) == (0, ())
    assert _entries(db_conn)["Survey L"] == ("CC BY-SA 4.0", False)


def test_a_licence_for_a_source_no_row_comes_from_is_not_recorded_and_says_why(
    db_conn: Connection, tmp_path: Path
) -> None:
    path = write(tmp_path / "licensed.csv", LICENSED)
    _reimport(db_conn, path, source="Survey L", licence="CC BY 4.0")
    before = _entries(db_conn)
    # unchanged rows keep the source they were imported with, so "Survey M" has no rows
    changed, notes = _reimport(db_conn, path, source="Survey M", licence="ODbL 1.0")
    assert changed == 0
    assert notes == (
        "licence ODbL 1.0 not recorded: no row of centres comes from Survey M "
        "(rows left unchanged keep the source they were imported with)",
    )
    assert _entries(db_conn) == before
    assert _sources(db_conn, ["lc-1", "lc-2"]) == {"lc-1": "Survey L", "lc-2": "Survey L"}


def test_an_update_without_url_or_notes_keeps_the_recorded_ones(db_conn: Connection) -> None:
    from geo.layers import record_source

    record_source(
        db_conn,
        "centres",
        title="Survey",
        source="ministry survey 2025",
        licence="public information",
        is_demo=False,
        url="https://example.org/survey",
        attribution="Ministry",
        notes="first wave",
    )
    # a later import of the same source knows its licence, not its address or notes
    record_source(
        db_conn,
        "centres",
        title="Survey",
        source="ministry survey 2025",
        licence="CC BY 4.0",
        is_demo=False,
    )
    row = db_conn.execute(
        sa.text(
            "SELECT licence, url, attribution, notes FROM layer_sources "
            "WHERE layer = 'centres' AND row_source = 'ministry survey 2025'"
        )
    ).one()
    assert tuple(row) == ("CC BY 4.0", "https://example.org/survey", "Ministry", "first wave")
