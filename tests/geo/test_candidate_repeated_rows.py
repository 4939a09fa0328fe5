"""A candidate file that gives a site twice is refused naming the rows, as a layer's import
refuses a row repeating another (a similar name within 50 m); other sites are kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.i18n import error_texts
from geo.candidate_sites import load_candidates, read_points
from geo.validate import DUPLICATE_METRES
from tests.geo.fixtures.support import write
from walouja.errors import ValidationError

OUJDA = (-1.91, 34.68)
TAZA = (-4.01, 34.21)


def _refusal(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_points(path)
    return caught.value


def test_the_same_site_twice_is_refused_with_both_rows(tmp_path: Path) -> None:
    # two identical rows without ids became two sites, site-2 and site-4
    path = write(
        tmp_path / "twice.csv",
        f"nom;lon;lat\nOujda;{OUJDA[0]};{OUJDA[1]}\nTaza;{TAZA[0]};{TAZA[1]}\n"
        f"Oujda;{OUJDA[0]};{OUJDA[1]}\n",
    )
    refusal = _refusal(path)
    assert refusal.code == "candidates_repeated_rows"
    assert refusal.message == "twice.csv: 1 rows repeat a site given above them (rows 4)" or (
        refusal.message == "twice.csv: 1 row repeats a site given above it (row 4)"
    )
    assert refusal.problems == [(4, "name", "duplicate of row 2 (Oujda): similar name, 0 m apart")]
    message, hint = error_texts(refusal, "fr")
    assert message == "twice.csv : 1 ligne répète un site donné plus haut (ligne 4)"
    assert hint is not None
    assert "retirez les lignes répétées" in hint
    assert "4" in error_texts(refusal, "ar")[0]


def test_a_site_repeated_with_an_id_of_its_own_or_no_name_is_still_repeated(
    tmp_path: Path,
) -> None:
    # the import's rule: ids do not make a place another; rows without a name are compared
    # by their point alone
    near = OUJDA[0] + 0.0003  # about 28 m east
    path = write(
        tmp_path / "ids.csv",
        f"id;nom;lon;lat\nA;Centre Oujda;{OUJDA[0]};{OUJDA[1]}\n"
        f"B;centre  OUJDA;{near};{OUJDA[1]}\n",
    )
    assert [p[0] for p in _refusal(path).problems] == [3]
    unnamed = write(
        tmp_path / "unnamed.csv",
        f"lon;lat\n{TAZA[0]};{TAZA[1]}\n{OUJDA[0]};{OUJDA[1]}\n{TAZA[0]};{TAZA[1]}\n",
    )
    refusal = _refusal(unnamed)
    assert refusal.problems == [(4, "name", "duplicate of row 2: no name, 0 m apart")]


def test_other_sites_near_each_other_are_kept(tmp_path: Path) -> None:
    # other names at one place, one name at two places: two sites each
    far = OUJDA[1] + 2 * DUPLICATE_METRES / 111_000
    path = write(
        tmp_path / "apart.csv",
        f"nom;lon;lat\nTerrain 1;{OUJDA[0]};{OUJDA[1]}\nTerrain 2;{OUJDA[0]};{OUJDA[1]}\n"
        f"Oujda;{OUJDA[0]};{OUJDA[1]}\nOujda;{OUJDA[0]};{far}\n",
    )
    assert list(read_points(path)["row"]) == [2, 3, 4, 5]
    assert "given_name" not in read_points(path).columns


def test_repeated_rows_are_listed_with_the_rows_without_a_point(
    tmp_path: Path, engine: Engine
) -> None:
    path = write(
        tmp_path / "mixed.csv",
        f"nom;lon;lat\nOujda;{OUJDA[0]};{OUJDA[1]}\nSans point;;\nOujda;{OUJDA[0]};{OUJDA[1]}\n",
    )
    with engine.connect() as conn, pytest.raises(ValidationError) as caught:
        load_candidates(conn, path)
    refusal = caught.value
    assert refusal.code == "candidates_invalid_rows"
    assert refusal.params["n"] == 1  # the row without a point; the repeated one is listed
    assert [p[0] for p in refusal.problems] == [3, 3, 4]
    good = write(tmp_path / "good.csv", f"nom;lon;lat\nOujda;{OUJDA[0]};{OUJDA[1]}\n")
    with engine.connect() as conn:
        sites = load_candidates(conn, good)
    assert "given_name" not in sites.frame.columns
