"""`walouja import` of a municipality's spreadsheet whose optional cells say "N/A", "-" or
« غير متوفر » (not known): the rows are imported with those cells empty and the report says
so in one line; a required field saying "N/A" is refused naming row and field, and nothing
is written. Run as a user runs the command, committed into the test database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.layers import prune_sources
from tests.geo.fixtures.support import AGADIR, FES, RABAT, require_layers, write

WALOUJA = [sys.executable, "-m", "walouja.cli"]
SOURCE = "Commune (test of not-known cells)"
CSV = (
    "identifiant;nom;type;capacite;date_ouverture;lon;lat\n"
    f"CLI-MK-1;Centre CLI MK A;COAPH;N/A;n.d.;{FES[0]};{FES[1]}\n"
    f"CLI-MK-2;Centre CLI MK B;CAS;-;2019-04-01;{RABAT[0]};{RABAT[1]}\n"
    f"CLI-MK-3;Centre CLI MK C;CAS;غير متوفر;;{AGADIR[0]};{AGADIR[1]}\n"
    f"CLI-MK-4;Centre CLI MK D;EMF;0;ND;{FES[0] + 0.02};{FES[1] + 0.02}\n"
)
NOTE = (
    '  note: 5 cells read as empty, as they say the value is not known: "N/A" ×1, "-" ×1, '
    '"غير متوفر" ×1, "n.d." ×1, "ND" ×1 (capacity, opened)'
)


def _walouja(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (the test database from the environment)."""
    return subprocess.run([*WALOUJA, *args], capture_output=True, text=True, check=False)


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT external_id, capacity, opened::text FROM centres "
                "WHERE external_id LIKE 'CLI-MK-%' ORDER BY external_id"
            )
        ).all()
    return [tuple(r) for r in rows]


@pytest.fixture
def committed(engine: Engine) -> Iterator[None]:
    """Rows the CLI commits, removed afterwards with their history and emptied sources."""
    with engine.connect() as c:
        require_layers(c)
    assert _stored(engine) == []
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'CLI-MK-%'"))
        c.execute(sa.text("DELETE FROM layer_history WHERE external_id LIKE 'CLI-MK-%'"))
        prune_sources(c)


def test_cells_saying_not_known_are_imported_empty_and_the_report_says_so(
    committed: None, engine: Engine, tmp_path: Path
) -> None:
    # every row was refused: "row 2, capacity: not a number: 'N/A'"
    path = write(tmp_path / "centres.csv", CSV, bom=True)
    out = _walouja("import", "centres", str(path), "--source", SOURCE)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 rows read, inserted 4" in out.stdout.splitlines()[0], out.stdout
    assert NOTE in out.stdout.splitlines()
    assert _stored(engine) == [
        ("CLI-MK-1", None, None),
        ("CLI-MK-2", None, "2019-04-01"),
        ("CLI-MK-3", None, None),
        ("CLI-MK-4", 0, None),  # "0" places is a count
    ]
    # the JSON report gives the note's code and params, to word it in another language
    again = _walouja("import", "centres", str(path), "--source", SOURCE, "--json")
    assert again.returncode == 0, again.stderr
    notes = json.loads(again.stdout)["notes"]
    marked = [n for n in notes if n["code"] == "cells_read_as_empty"]
    assert [(n["params"]["n"], n["params"]["fields"]) for n in marked] == [(5, "capacity, opened")]
    assert json.loads(again.stdout)["unchanged"] == 4


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_required_field_saying_n_a_is_refused_naming_row_and_field(
    committed: None, engine: Engine, tmp_path: Path, suffix: str
) -> None:
    text = CSV.replace("CLI-MK-3;Centre CLI MK C;CAS;", "CLI-MK-3;Centre CLI MK C;N/A;")
    path = write(tmp_path / "centres.csv", text)
    if suffix == ".xlsx":  # the same list kept in Excel
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        book = tmp_path / "centres.xlsx"
        pyogrio.write_dataframe(frame, book, driver="XLSX", layer="Feuil1")
        path = book
    out = _walouja("import", "centres", str(path), "--source", SOURCE)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert "    row 4, type: required value missing: 'N/A' says it is not known" not in lines
    assert "    row 4, centre_type: required value missing: 'N/A' says it is not known" in lines
    assert f"centres: import of centres{suffix} refused — 1 of 4 rows rejected" in out.stderr
    assert _stored(engine) == []  # nothing written, the valid rows neither
