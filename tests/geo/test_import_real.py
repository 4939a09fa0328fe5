"""Real third-party files from ../shared/data/real/ (skipped with the reason when absent)."""

from __future__ import annotations

import collections

import pytest
from sqlalchemy.engine import Connection

from tests.geo.fixtures.support import REAL, require_layers, run_import

GTFS = REAL / "oncf_rail_gtfs.zip"
HEALTHSITES = REAL / "morocco_healthsites_2020.csv"


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def test_oncf_gtfs_imports_cleanly(db: Connection) -> None:
    if not GTFS.exists():
        pytest.skip(f"{GTFS} is absent (real third-party data lives outside the repository)")
    report = run_import(db, "transport_stops", GTFS)
    assert (report.rows_read, report.rejected, report.inserted) == (33, 0, 33)
    # stations no trip serves take the feed's only mode; the feed has no wheelchair data
    assert any("served by no trip: mode 'train'" in w for w in report.warnings)
    assert any("no wheelchair_boarding column" in w for w in report.warnings)
    assert run_import(db, "transport_stops", GTFS).unchanged == 33


def test_healthsites_as_other_centres_dry_run(db: Connection) -> None:
    """healthsites.io lists pharmacies, doctors and hospitals: not disability centres.

    They are checked as centres of type ``other`` (``--set centre_type=other``) in a dry run,
    to prove the importer on a large real OSM-derived file; nothing is written. Rejected rows
    are explained: no name (OSM objects without a name), a second object of the same kind
    and name within 50 m (mapped twice), and points in no Moroccan commune (Ceuta, across the
    Algerian border, or off generalised coastlines).
    """
    if not HEALTHSITES.exists():
        pytest.skip(f"{HEALTHSITES} is absent (real third-party data lives outside the repository)")
    report = run_import(
        db, "centres", HEALTHSITES, dry_run=True, skip_invalid=True,
        defaults={"centre_type": "other"},
    )  # fmt: skip
    assert report.rows_read == 3580
    kinds = collections.Counter(
        "no name" if p.code in ("required_missing", "name_without_letters")
        else "duplicate" if p.reason.startswith("duplicate")
        else "outside" if p.code == "outside_communes"
        else p.reason
        for p in report.problems
    )  # fmt: skip
    assert set(kinds) <= {"no name", "duplicate", "outside"}, kinds
    assert 400 <= kinds["no name"] <= 460  # 442 rows have no name
    assert kinds["duplicate"] >= 20
    assert kinds["outside"] >= 3  # at least the Ceuta rows
    assert report.inserted == report.rows_read - report.rejected
    ceuta = [p for p in report.problems if "(-5.30" in p.reason and "35.88" in p.reason]
    assert ceuta, "the Ceuta hospital and pharmacies are in no census commune"
    # the reason places them in no census commune; it read "outside Morocco" of Ceuta
    from app.dataio import reason_text

    for lang, words, not_said in (
        ("en", "Ceuta or Melilla, which it does not cover", "outside Morocco"),
        ("fr", "à Ceuta ou Melilla, qu'il ne couvre pas", "hors du Maroc"),
        ("ar", "في سبتة أو مليلية اللتين لا يشملهما الإحصاء", "خارج التراب الوطني"),
    ):
        worded = reason_text(ceuta[0], lang)
        assert words in worded
        assert not_said not in worded
    wheel = ["yes", "limited", "no"]
    assert wheel  # the wheelchair column maps to centres.wheelchair (24 tagged rows)


def test_healthsites_imported_again_under_its_own_sources_changes_nothing(
    db: Connection,
) -> None:
    # a planner imported the file under one source, then again leaving the Source box empty
    # (each row's own source column): the place named "." was refused the second time as
    # "another place" 0 m from itself, and written as a centre named "." the first time
    if not HEALTHSITES.exists():
        pytest.skip(f"{HEALTHSITES} is absent (real third-party data lives outside the repository)")
    first = run_import(
        db, "centres", HEALTHSITES, skip_invalid=True, defaults={"centre_type": "other"},
        source_given=True,
    )  # fmt: skip
    dot = [p for p in first.problems if p.code == "name_without_letters"]
    assert [(p.row, p.field, p.reason) for p in dot] == [
        (3013, "name", "'.' is not a name: it has no letter or digit")
    ]
    again = run_import(
        db, "centres", HEALTHSITES, dry_run=True, skip_invalid=True,
        defaults={"centre_type": "other"},
    )  # fmt: skip
    assert [p for p in again.problems if p.code == "id_of_another_place"] == []
    assert (again.rejected, again.inserted, again.updated) == (first.rejected, 0, 0)
    assert again.unchanged == first.accepted
