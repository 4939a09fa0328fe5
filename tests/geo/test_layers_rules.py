"""Pure row rules of layer imports (no database): parsing, geometry, enumerations, duplicates."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from geo.io_read import read_csv_text, sniff_separator
from geo.layers import get_layer
from geo.validate import (
    Validated,
    find_duplicates,
    normalise_name,
    similar_names,
    stable_id,
    validate_records,
)
from walouja.errors import DataError, NotFoundError

CENTRES = get_layer("centres")
STOPS = get_layer("transport_stops")


def frame(rows: list[dict[str, object]], start: int = 2) -> pd.DataFrame:
    out = pd.DataFrame(rows, dtype=object)
    out.index = pd.RangeIndex(start, start + len(rows))
    return out


def reasons(result: Validated) -> list[tuple[int | None, str, str]]:
    return [p.as_tuple() for p in result.problems]


def test_unknown_layer_names_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="centres"):
        get_layer("hospitals")


def test_separator_sniffing() -> None:
    assert sniff_separator("a;b;c") == ";"
    assert sniff_separator("a,b,c") == ","
    assert sniff_separator("a\tb") == "\t"
    assert sniff_separator("single") == ","


def test_csv_text_with_bom_semicolons_and_a_ragged_row() -> None:
    text = "\ufeffnom;lon;lat\nA;-5,0;34,0\nB;-5;34;extra\n\nC;-6;33\n"
    records, errors = read_csv_text(text, "t.csv")
    assert list(records.columns) == ["nom", "lon", "lat"]
    assert records.index.tolist() == [2, 3, 5]  # line numbers, blank line 4 skipped
    assert errors == {
        3: "4 fields where the header has 3 (a ';' inside a value that is not quoted?)"
    }


def test_decimal_comma_aliases_and_arabic_are_parsed() -> None:
    rows = frame(
        [
            {
                "Nom": "مركز الأمل",
                "Type": "coaph",
                "Capacité": "1 200",
                "Longitude": "-5,0003",
                "Latitude": "34,0331",
                "services": "Orientation; paramédical",
                "statut": "En service",
            }
        ]
    )
    result = validate_records(CENTRES, rows)
    assert result.problems == []
    row = result.rows.iloc[0]
    assert row["name"] == "مركز الأمل"
    assert row["centre_type"] == "COAPH"
    assert row["capacity"] == 1200
    assert row["services"] == ["orientation", "paramedical"]
    assert row["status"] == "operating"
    assert (row["lon"], row["lat"]) == (-5.0003, 34.0331)
    assert row["external_id"].startswith("h:")


def test_a_sheet_headed_and_filled_with_the_apps_arabic_words_is_read() -> None:
    # a register kept in Arabic, headed as the app's tables are ("نوع المركز", "الطاقة
    # الاستيعابية (مقاعد)"...) and filled with the app's Arabic labels ("في طور البناء"): every
    # column but the name was left unread and the rows refused for a missing type
    rows = frame(
        [
            {
                "الاسم": "مركز الأمل",
                "نوع المركز": "COAPH",
                "الطاقة الاستيعابية (مقاعد)": "٨٠",
                "الوضعية": "في طور البناء",
                "الخدمات": "توجيه، شبه طبي؛ تكوين مهني",
                "ولوج الكراسي المتحركة": "جزئيا",
                "خط الطول": "-5.0003",
                "خط العرض": "34.0331",
            }
        ]
    )
    result = validate_records(CENTRES, rows)
    assert result.problems == []
    assert not [n for n in result.warnings if "unused" in str(getattr(n, "code", ""))]
    row = result.rows.iloc[0]
    assert row["name_ar"] == "مركز الأمل"
    assert (row["centre_type"], row["capacity"], row["status"]) == (
        "COAPH",
        80,
        "under_construction",
    )
    assert row["services"] == ["orientation", "paramedical", "vocational_training"]
    assert row["wheelchair"] == "limited"


def test_the_apps_french_and_english_labels_are_read_as_headers_and_values() -> None:
    rows = frame(
        [
            {
                "Nom": "Arrêt Bab Lamrissa",
                "Mode": "Bus à haut niveau de service",
                "Exploitant": "Alsa",
                "Accès en fauteuil roulant": "1",
                "Bordure de trottoir": "raised",
                "lon": "-6.80",
                "lat": "34.03",
            },
            {
                "Nom": "Gare Rabat-Ville",
                "Mode": "Train",
                "Exploitant": "ONCF",
                "Accès en fauteuil roulant": "2",
                "Bordure de trottoir": "flush",
                "lon": "-6.84",
                "lat": "34.02",
            },
        ]
    )
    result = validate_records(STOPS, rows)
    assert result.problems == []
    assert list(result.rows["mode"]) == ["brt", "train"]
    assert list(result.rows["operator"]) == ["Alsa", "ONCF"]
    assert list(result.rows["kerb"]) == ["raised", "flush"]


@pytest.mark.parametrize(
    ("column", "value", "field", "reason"),
    [
        ("centre_type", "hospital", "centre_type", "unknown value 'hospital'"),
        ("centre_type", "", "centre_type", "required value missing"),
        ("name", "", "name", "required value missing"),
        ("capacity", "-5", "capacity", "must be >= 0"),
        ("capacity", "12.5", "capacity", "not a whole number"),
        ("capacity", "many", "capacity", "not a number: 'many'"),
        ("status", "demolished", "status", "unknown value 'demolished'"),
        ("services", "orientation;massage", "services", "unknown 'massage' (expected: "),
        ("opened", "last year", "opened", "not a date"),
        ("wheelchair", "perhaps", "wheelchair", "unknown value 'perhaps'"),
    ],
)
def test_each_field_rule_rejects_the_row(column: str, value: str, field: str, reason: str) -> None:
    good: dict[str, object] = {
        "name": "Centre A",
        "centre_type": "CAS",
        "lon": "-6.84",
        "lat": "34.02",
    }
    rows = frame([good, {**good, "name": "Centre B", "lon": "-6.80", column: value}])
    result = validate_records(CENTRES, rows)
    assert [r for r, *_ in reasons(result)] == [3]
    (_, got_field, got_reason) = reasons(result)[0]
    assert got_field == field
    assert reason in got_reason
    assert result.rows["name"].tolist() == ["Centre A"]


def test_outside_morocco_and_swapped_coordinates() -> None:
    rows = frame(
        [
            {"name": "Madrid", "centre_type": "CAS", "lon": "-3.70", "lat": "40.41"},
            {"name": "Swapped", "centre_type": "CAS", "lon": "34.02", "lat": "-6.84"},
            {"name": "No lat", "centre_type": "CAS", "lon": "-6.84", "lat": ""},
        ]
    )
    got = reasons(validate_records(CENTRES, rows))
    assert got[0] == (2, "geometry", "outside Morocco (-3.70000, 40.41000)")
    assert got[1][0] == 3
    assert "look swapped" in got[1][2]
    assert got[2] == (4, "lat", "missing coordinate")


def test_projected_file_without_crs_is_refused() -> None:
    rows = frame([{"name": "A", "centre_type": "CAS", "x": "500000", "y": "380000"}])
    with pytest.raises(DataError, match="no coordinate reference system"):
        validate_records(CENTRES, rows)


def test_a_typo_in_one_row_of_a_lonlat_file_rejects_that_row_only() -> None:
    # before: one absurd value made the whole file look projected, and it was refused
    # asking for a CRS
    rows = frame(
        [
            {"name": "A", "centre_type": "CAS", "lon": "-6.84", "lat": "34.02"},
            {"name": "B", "centre_type": "CAS", "lon": "1e308", "lat": "34.02"},
            {"name": "C", "centre_type": "CAS", "lon": "inf", "lat": "34.02"},
            {"name": "D", "centre_type": "CAS", "lon": "-6.84", "lat": "nan"},
            {"name": "E", "centre_type": "CAS", "lon": "-6.85", "lat": "34.03"},
        ]
    )
    result = validate_records(CENTRES, rows)
    assert reasons(result) == [
        (3, "geometry", "outside Morocco (1e+308, 34.02000)"),
        (4, "lon", "not a number: 'inf'"),
        (5, "lat", "not a number: 'nan'"),
    ]
    assert result.rows["name"].tolist() == ["A", "E"]
    # a projected file with a stray (0, 0) row is still projected
    projected = frame(
        [
            {"name": "A", "centre_type": "CAS", "x": "500000", "y": "380000"},
            {"name": "B", "centre_type": "CAS", "x": "510000", "y": "390000"},
            {"name": "C", "centre_type": "CAS", "x": "0", "y": "0"},
        ]
    )
    with pytest.raises(DataError, match="no coordinate reference system"):
        validate_records(CENTRES, projected)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["name", "name"], "has the column 'name' 2 times"),
        (["Nom", "nom"], "the columns 'Nom', 'nom' are the same field"),
    ],
)
def test_two_columns_for_one_field_are_refused(headers: list[str], message: str) -> None:
    rows = pd.DataFrame(
        [["A", "B", "CAS", "-6.84", "34.02"]],
        columns=[*headers, "centre_type", "lon", "lat"],
        dtype=object,
        index=pd.RangeIndex(2, 3),
    )
    with pytest.raises(DataError, match=message):
        validate_records(CENTRES, rows)
    # columns no field reads may repeat
    rows = pd.DataFrame(
        [["A", "x", "y", "CAS", "-6.84", "34.02"]],
        columns=["name", "Remarque", "remarque", "centre_type", "lon", "lat"],
        dtype=object,
        index=pd.RangeIndex(2, 3),
    )
    assert validate_records(CENTRES, rows).rows["name"].tolist() == ["A"]


def test_reprojection_from_the_file_crs() -> None:
    # Rabat's Hassan tower in EPSG:26191 (Merchich / Nord Maroc), from pyproj itself
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 26191, always_xy=True).transform(-6.8227, 34.0240)
    rows = frame([{"name": "Tour Hassan", "centre_type": "other", "x": str(x), "y": str(y)}])
    result = validate_records(CENTRES, rows, crs="EPSG:26191")
    assert result.problems == []
    assert result.rows.loc[0, "lon"] == pytest.approx(-6.8227, abs=1e-6)
    assert result.rows.loc[0, "lat"] == pytest.approx(34.0240, abs=1e-6)
    assert any("reprojected from EPSG:26191" in w for w in result.warnings)


def test_wkt_column_invalid_and_empty_geometries() -> None:
    bowtie = "POLYGON((-6.8 34, -6.7 34.1, -6.7 34, -6.8 34.1, -6.8 34))"
    rows = frame(
        [
            {"name": "A", "centre_type": "CAS", "wkt": "POINT(-6.84 34.02)"},
            {"name": "B", "centre_type": "CAS", "wkt": "POINT EMPTY"},
            {"name": "C", "centre_type": "CAS", "wkt": "POINT(-6.84"},
            {"name": "D", "centre_type": "CAS", "wkt": bowtie},
            {"name": "E", "centre_type": "CAS", "wkt": ""},
            {
                "name": "F",
                "centre_type": "CAS",
                "wkt": "POLYGON((-6 34, -5.9 34, -5.9 34.1, -6 34))",
            },
        ]
    )
    result = validate_records(CENTRES, rows)
    got = {r: (f, why) for r, f, why in reasons(result)}
    assert got[3] == ("geometry", "empty geometry")
    assert got[4] == ("geometry", "not valid WKT")
    assert got[5][0] == "geometry"
    assert got[5][1].startswith("invalid geometry: Self-intersection")
    assert got[6] == ("geometry", "missing geometry")
    assert result.rows["name"].tolist() == ["A", "F"]
    # a polygon is kept as a point on its surface
    f = result.rows.iloc[1]
    assert Polygon([(-6, 34), (-5.9, 34), (-5.9, 34.1)]).contains(Point(f["lon"], f["lat"]))


def test_geoseries_with_crs_is_reprojected() -> None:
    pts = gpd.GeoSeries([Point(-6.8227, 34.0240)], crs=4326).to_crs(3857)
    pts.index = pd.RangeIndex(1, 2)
    rows = frame([{"name": "A", "centre_type": "CAS"}], start=1)
    result = validate_records(CENTRES, rows, pts)
    assert result.rows.loc[0, "lon"] == pytest.approx(-6.8227, abs=1e-7)


def test_duplicates_inside_the_file() -> None:
    rows = frame(
        [
            {"name": "Centre Al Amal", "centre_type": "CAS", "lon": "-6.84000", "lat": "34.02000"},
            # 22 m north, same type, same name with different case/accents: duplicate
            {"name": "CENTRE AL-AMAL", "centre_type": "CAS", "lon": "-6.84000", "lat": "34.02020"},
            # same place, other type: kept
            {"name": "Centre Al Amal", "centre_type": "EPS", "lon": "-6.84000", "lat": "34.02020"},
            # same type and name 111 m away: kept
            {"name": "Centre Al Amal", "centre_type": "CAS", "lon": "-6.84000", "lat": "34.02100"},
            # same type, other name, 0 m: kept
            {"name": "Centre Annour", "centre_type": "CAS", "lon": "-6.84000", "lat": "34.02000"},
        ]
    )
    result = validate_records(CENTRES, rows)
    got = reasons(result)
    assert len(got) == 1
    assert got[0][:2] == (3, "name")
    assert "duplicate of row 2" in got[0][2]
    assert "22 m apart" in got[0][2]


def test_a_feeds_stops_of_one_name_either_side_of_a_road_are_two_stops() -> None:
    rows = frame(
        [
            {"stop_id": "BF_A", "name": "Bab Ftouh", "mode": "bus", "lon": "-4.97", "lat": "34.06"},
            # 29 m away, same name, its own stop id: the other direction's stop
            {
                "stop_id": "BF_B",
                "name": "Bab Ftouh",
                "mode": "bus",
                "lon": "-4.97",
                "lat": "34.06026",
            },
        ]
    )
    assert reasons(validate_records(STOPS, rows)) == []
    # without ids of their own, the same two rows are still one stop entered twice
    unnamed = rows.drop(columns=["stop_id"])
    (got,) = reasons(validate_records(STOPS, unnamed))
    assert got[:2] == (3, "name")


def test_repeated_external_ids_are_rejected() -> None:
    rows = frame(
        [
            {"id": "X1", "name": "A", "centre_type": "CAS", "lon": "-6.84", "lat": "34.02"},
            {"id": "X1", "name": "B", "centre_type": "CAS", "lon": "-6.70", "lat": "34.02"},
        ]
    )
    got = reasons(validate_records(CENTRES, rows))
    assert got == [(3, "external_id", "external id 'X1' repeats row 2")]


def test_names_and_stable_ids() -> None:
    assert normalise_name("  Gare de FÈS-Ville ") == "gare de fes ville"
    assert normalise_name("محطة  فـاس") == "محطة فاس"  # tatweel removed
    assert similar_names("Pharmacie Azizi", "pharmacie azizi")
    assert similar_names("Gare de Fès", "Gare de Fes")
    assert not similar_names("Gare de Fès", "Gare de Meknès")
    assert not similar_names("", "")
    # names whose numbers differ are other places, however alike the rest
    assert not similar_names("Ligne 1 Arrêt 1", "Ligne 1 Arrêt 2")
    assert not similar_names("Centre test 280", "Centre test 305")
    assert similar_names("Ligne 12 Arrêt 3", "ligne 12 arret 3")
    a = stable_id("centres", "CAS", "Centre A", -6.84001, 34.02001)
    assert a == stable_id("centres", "CAS", "centre a", -6.84002, 34.02002)
    assert a != stable_id("centres", "EPS", "Centre A", -6.84001, 34.02001)


def test_gtfs_wheelchair_values() -> None:
    rows = frame(
        [
            {
                "name": f"S{i}",
                "mode": "bus",
                "lon": str(-6.8 - i / 100),
                "lat": "34.0",
                "wheelchair_boarding": v,
            }
            for i, v in enumerate(["0", "1", "2", "", "yes", "no", "maybe"])
        ]
    )
    result = validate_records(STOPS, rows)
    assert result.rows["wheelchair_boarding"].tolist() == [0, 1, 2, 0, 1, 2]
    assert [p.row for p in result.problems] == [8]


def test_defaults_fill_missing_fields_only() -> None:
    rows = frame(
        [
            {"name": "A", "lon": "-6.84", "lat": "34.02"},
            {"name": "B", "centre_type": "EPS", "lon": "-6.70", "lat": "34.02"},
        ]
    )
    result = validate_records(CENTRES, rows, defaults={"centre_type": "other"})
    assert result.rows["centre_type"].tolist() == ["other", "EPS"]
    with pytest.raises(DataError, match="cannot set 'colour'"):
        validate_records(CENTRES, rows, defaults={"colour": "red"})


def test_find_duplicates_keeps_the_first() -> None:
    rows = pd.DataFrame(
        {
            "name": ["A", "A", "A"],
            "mode": ["bus", "bus", "bus"],
            "lon": [-6.8, -6.8, -6.8],
            "lat": [34.0, 34.0001, 34.0002],
        },
        index=[10, 11, 12],
    )
    dupes = find_duplicates(rows, STOPS)
    assert set(dupes) == {11, 12}
    assert all("duplicate of row 10" in why for why in dupes.values())
