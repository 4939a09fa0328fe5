"""Column names and values municipality officers write in French and Arabic that the importer
reads: the Arabic name under « Nom arabe » or « الاسم بالعربية », a status « planifié » or
« يشتغل ». Each file is imported on a rolled-back connection."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tests.geo.fixtures.support import FES, RABAT, require_layers, run_import, write


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


@pytest.mark.parametrize(
    "header",
    ["Nom arabe", "Nom en arabe", "nom_arabe", "Arabic name", "الاسم بالعربية", "الاسم العربي"],
)
def test_the_arabic_name_is_read_under_the_names_officers_give_it(
    db: Connection, tmp_path: Path, header: str
) -> None:
    # "note: column 'Nom arabe' left out: did you mean name_ar?" and the Arabic names lost
    text = f"nom;{header};type;lon;lat\nCentre test Fès;مركز تجريبي فاس;CAS;{FES[0]};{FES[1]}\n"
    report = run_import(db, "centres", write(tmp_path / "noms.csv", text))
    assert (report.inserted, report.rejected) == (1, 0), [str(p) for p in report.problems]
    assert not any(header in str(n) for n in report.warnings), report.warnings
    name_ar = db.execute(
        sa.text("SELECT name_ar FROM centres WHERE name = 'Centre test Fès'")
    ).scalar_one()
    assert name_ar == "مركز تجريبي فاس"


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("planifié", "planned"),
        ("en projet", "planned"),
        ("actif", "operating"),
        ("ouvert", "operating"),
        ("en fonctionnement", "operating"),
        ("en travaux", "under_construction"),
        ("يشتغل", "operating"),
        ("مفتوح", "operating"),
        ("قيد الإنشاء", "under_construction"),
        ("قيد البناء", "under_construction"),
        ("مخطط", "planned"),
        ("مغلقة", "closed"),
    ],
)
def test_a_status_is_read_in_the_words_officers_write_it(
    db: Connection, tmp_path: Path, written: str, status: str
) -> None:
    # "row 2, status: unknown value 'planifié' (expected one of: operating, …)"
    text = f"nom;type;statut;lon;lat\nCentre test Rabat;CAS;{written};{RABAT[0]};{RABAT[1]}\n"
    report = run_import(db, "centres", write(tmp_path / "statuts.csv", text))
    assert (report.inserted, report.rejected) == (1, 0), [str(p) for p in report.problems]
    found = db.execute(
        sa.text("SELECT status FROM centres WHERE name = 'Centre test Rabat'")
    ).scalar_one()
    assert found == status
