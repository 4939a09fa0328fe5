"""Imports a second review found mishandled: rows numbered after a value on several lines,
files with no rows, texts of other libraries, sources and ids of other organisations,
centres moved a little, a projected CRS given for degrees, columns nobody reads. Each test
imports a real small file and asserts what the user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from tests.geo.fixtures.support import FES, RABAT, require_layers, run_import, write


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


# 1. rows are numbered as a spreadsheet shows them


def test_rows_after_a_value_on_several_lines_keep_their_spreadsheet_number(
    db: Connection, tmp_path: Path
) -> None:
    text = (
        "name,centre_type,notes,lon,lat\n"  # row 1
        f'Centre Note,XXX,"ligne 1\nligne 2\nligne 3",{FES[0]},{FES[1]}\n'  # row 2, lines 2-4
        f"Centre Après,YYY,,{RABAT[0]},{RABAT[1]}\n"  # row 3
        "\n"  # row 4: a spreadsheet shows the empty line
        f"Centre Fin,ZZZ,,{RABAT[0]},{RABAT[1]}\n"  # row 5
    )
    report = run_import(db, "centres", write(tmp_path / "multi.csv", text), dry_run=True)
    assert [(p.row, p.field) for p in report.problems] == [
        (2, "centre_type"),
        (3, "centre_type"),
        (5, "centre_type"),
    ]
