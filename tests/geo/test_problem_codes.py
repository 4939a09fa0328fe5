"""Every rejected row carries a stable machine code and the values its message shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from geo.importer import ImportReport
from geo.io_read import read_csv_text
from geo.layers import get_layer
from geo.validate import REASONS, Problem, Validated, figure_text, problem, validate_records

CENTRES_BAD = (
    "external_id;name;centre_type;capacity;services;opened;lon;lat\n"
    "C-1;Centre A;COAPH;12;;;-5.0;34.0\n"  # 2: fine
    "C-2;;CAS;;;;-5.1;34.1\n"  # 3: name missing
    "C-3;Centre C;hospital;;;;-5.2;34.2\n"  # 4: unknown type
    "C-4;Centre D;CAS;abc;;;-5.3;34.3\n"  # 5: capacity not a number
    "C-5;Centre E;CAS;1.5;;;-5.4;34.4\n"  # 6: not whole
    "C-6;Centre F;CAS;-3;;;-5.5;34.5\n"  # 7: below 0
    "C-7;Centre G;CAS;;foo;;-5.6;34.6\n"  # 8: unknown service
    "C-8;Centre H;CAS;;;soon;-5.7;34.7\n"  # 9: not a date
    "C-9;Centre I;CAS;;;;;34.8\n"  # 10: lon missing
    "C-10;Centre J;CAS;;;;x;34.9\n"  # 11: lon not a number
    "C-11;Centre K;CAS;;;;-3.7;40.41\n"  # 12: Madrid
    "C-12;Centre L;CAS;;;;34.0;-5.0\n"  # 13: swapped
    "C-13;Centre M;CAS;;;;-5.0;34.0;extra\n"  # 14: too many fields
    "C-14;Centre A;COAPH;;;;-5.0;34.0\n"  # 15: duplicate of row 2
    "C-1;Centre N;CAS;;;;-6.0;33.0\n"  # 16: repeats C-1
    "C-15;Centre O;CAS;3000000000;;;-6.1;33.1\n"  # 17: more places than any centre has
    "C-16;Centre P;CAS;;;9999-12-31;-6.2;33.2\n"  # 18: no plausible date
    f"C-17;Centre Q;CAS;;;{dt.date.today().year + 1}-01-01;-6.3;33.3\n"  # 19: opens later
    "C-18;Centre R;CAS;-6.4;33.4\n"  # 20: fields left out
    'C-19;"Centre S;CAS;;;;-6.5;33.5\n'  # 21: a quote opened here...
    'C-20;Centre T;CAS;;;;-6.6;33.6"\n'  # ... closed on line 22: row 21 is two lines
    "C-21;Centre U;CAS;;;;-6.7;33.7\n"  # 22 (line 23): fine again
)

CITIES_BAD = pd.DataFrame(
    {
        "name": ["Ville A", ["Ville", "B"]],
        "stage": ["completed", "completed"],
        "start_year": ["2020", "2020"],
        "end_year": ["2018", "2021"],
        "lon": ["-5.0", "-6.0"],
        "lat": ["34.0", "33.0"],
    },
    index=pd.RangeIndex(2, 4),
)

BEACHES_BAD = pd.DataFrame(
    {
        "name": ["Plage A", "Plage B", "Plage C", "Plage D", "Plage E"],
        "blue_flag": ["oui", "peut-être", None, None, None],
        "wkt": [
            "POINT (-6.9 34.0)",
            "POINT (-6.8 34.1)",
            "POINT (",
            "POINT EMPTY",
            "POLYGON ((-6 34, -5 35, -5 34, -6 35, -6 34))",
        ],
    },
    index=pd.RangeIndex(2, 7),
)

STOPS_BAD = pd.DataFrame(
    {"name": ["Arrêt A"], "mode": ["bus"], "wheelchair_boarding": ["7"], "lon": ["-6.8"]},
    index=pd.RangeIndex(2, 3),
).assign(lat=["34.0"])


def _bad_results() -> list[Validated]:
    records, errors = read_csv_text(CENTRES_BAD, "bad.csv")
    # a quote opened on the last line and never closed
    last, last_errors = read_csv_text('name;wkt\n"Plage V;POINT (-6.9 34.0)\n', "open.csv")
    blank = pd.DataFrame({"name": ["Sans lieu"], "wkt": [None]}, index=pd.RangeIndex(2, 3))
    return [
        validate_records(get_layer("centres"), records, row_errors=errors),
        validate_records(get_layer("beaches"), last, row_errors=last_errors),
        validate_records(get_layer("beaches"), BEACHES_BAD),
        validate_records(get_layer("beaches"), blank),
        # a name without a letter or digit ("." in the healthsites.io extract) names nothing
        validate_records(
            get_layer("beaches"),
            pd.DataFrame({"name": ["."], "wkt": ["POINT (-6.7 34.2)"]}, index=pd.RangeIndex(2, 3)),
        ),
        validate_records(get_layer("transport_stops"), STOPS_BAD),
        # a required field saying its value is not known is missing, the text shown
        validate_records(
            get_layer("transport_stops"),
            pd.DataFrame(
                {"name": ["Arrêt B"], "mode": ["N/A"], "lon": ["-6.8"], "lat": ["34.1"]},
                index=pd.RangeIndex(2, 3),
            ),
        ),
        validate_records(get_layer("accessible_cities"), CITIES_BAD),
    ]


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    return [p for result in _bad_results() for p in result.problems]


def test_every_problem_has_a_known_code_and_its_reason_is_the_template(
    problems: list[Problem],
) -> None:
    assert problems
    for p in problems:
        assert p.code in REASONS, p
        # values as text; a bound (the largest value taken) a number, written as the CLI
        # writes figures ("10,000")
        shown = {k: figure_text(v) if isinstance(v, Decimal) else v for k, v in p.params.items()}
        assert p.reason == REASONS[p.code].format(**shown), p
        assert all(
            isinstance(v, Decimal) if k == "maximum" else isinstance(v, str)
            for k, v in p.params.items()
        ), p


def test_the_bad_files_cover_the_codes_rows_can_be_rejected_for(
    problems: list[Problem],
) -> None:
    codes = {p.code for p in problems}
    db_only = {
        "outside_communes",
        "duplicate_in_table",
        "commune_taken",
        "unreadable_row",
        "id_of_another_place",
    }
    # candidate-site files have their own (tests/geo/test_candidate_and_export_sites.py,
    # tests/geo/test_candidate_repeated_rows.py)
    candidate_sites = {
        "not_a_point",
        "number_missing",
        "degrees_out_of_range",
        "in_no_commune",
        "duplicate_site_in_file",
        "duplicate_point_in_file",
    }
    assert codes == set(REASONS) - db_only - candidate_sites


def test_codes_name_the_row_and_field_with_the_values_shown() -> None:
    centres = _bad_results()[0].problems
    by_row = {(p.row, p.code): p for p in centres}
    assert len(by_row) == len(centres)
    assert by_row[(12, "outside_morocco")].params == {"lon": "-3.70000", "lat": "40.41000"}
    assert by_row[(12, "outside_morocco")].reason == "outside Morocco (-3.70000, 40.41000)"
    assert by_row[(3, "required_missing")].field == "name"
    assert by_row[(4, "unknown_value")].params["value"] == "hospital"
    assert by_row[(5, "not_a_number")].reason == "not a number: 'abc'"
    assert by_row[(7, "below_minimum")].params == {"minimum": "0", "value": "-3"}
    assert by_row[(14, "wrong_field_count")].params == {"found": "9", "expected": "8", "sep": ";"}
    assert by_row[(20, "too_few_fields")].params == {"found": "5", "expected": "8", "sep": ";"}
    assert by_row[(20, "too_few_fields")].reason == (
        "only 5 of the header's 8 fields (a value or a ';' left out?)"
    )
    assert by_row[(21, "quote_left_open")].params == {"line": "21", "lines": "2"}
    assert by_row[(21, "quote_left_open")].reason.startswith(
        "a quotation mark opened on line 21 is not closed: 2 lines of the file read as this"
    )
    assert not [p for p in centres if p.row == 22]  # the row after the quote reads again
    assert by_row[(15, "duplicate_in_file")].params["other_row"] == "2"
    assert by_row[(16, "duplicate_external_id")].params == {"external_id": "C-1", "other_row": "2"}
    assert by_row[(17, "above_maximum")].reason == "too large (at most 10,000): 3000000000"
    assert by_row[(18, "date_out_of_range")].field == "opened"
    assert by_row[(19, "opened_in_future")].params["status"] == "operating"
    cities = {(p.row, p.code): p for p in _bad_results()[-1].problems}
    assert str(cities[(2, "ends_before_start")]) == (
        "row 2, end_year: end_year 2018 is before start_year 2020"
    )
    assert str(cities[(3, "not_a_single_value")]) == (
        'row 3, name: a list or object, not a single value: ["Ville", "B"]'
    )
    assert len(cities) == 2  # the name made blank is not also "required value missing"


def test_a_quote_never_closed_names_its_line_and_what_it_swallowed() -> None:
    text = 'name;lon;lat\nA;-5.0;34.0\n"B;-5.1;34.1\nC;-5.2;34.2\nD;-5.3;34.3\n'
    records, errors = read_csv_text(text, "open.csv")
    assert list(records.index) == [2, 3]
    assert errors[3].code == "quote_left_open"  # type: ignore[attr-defined]
    assert errors[3].params == {"line": "3", "lines": "3"}  # type: ignore[attr-defined]
    # never closed on the file's last line, or over lines whose values fill the header's
    # fields: the row was "only 1 of the header's 3 fields", or its value "34\nB" not a number
    for text, line, code, params in (
        ('name,lon,lat\n"Centre A,-6.8,34.0\n', 2, "quote_left_open_last_line", {}),
        ('name,lon,lat\r\nA,-5,34\r\n"B,-6.8,34.0', 3, "quote_left_open_last_line", {}),
        ('name,lon,lat\nA,-5,"34\nB,-6,35\n', 2, "quote_left_open", {"lines": "2"}),
    ):
        records, errors = read_csv_text(text, "open.csv")
        assert list(errors) == [line], text
        assert errors[line].code == code  # type: ignore[attr-defined]
        assert errors[line].params == {"line": str(line), **params}  # type: ignore[attr-defined]
        assert records.loc[line].isna().all()
    assert str(read_csv_text('name,lon,lat\n"A,-6.8,34.0\n', "a.csv")[1][2]) == (
        "a quotation mark opened on line 2 is never closed: the rest of the line, to the end "
        "of the file, reads as one value (close the quote, or remove it)"
    )
    # a quote closed on the last line is no quote left open
    assert read_csv_text('name,lon,lat\n"A",-6.8,34.0', "a.csv")[1] == {}
    # a row with a field left out is told so, not that a separator is inside a value
    records, errors = read_csv_text("name;lon;lat\nA;-5.0\n", "short.csv")
    assert str(errors[2]) == "only 2 of the header's 3 fields (a value or a ';' left out?)"


def test_a_reader_message_without_a_code_is_an_unreadable_row() -> None:
    records = pd.DataFrame({"name": ["A"], "lon": ["-5"], "lat": ["34"]}, index=[2])
    result = validate_records(get_layer("beaches"), records, row_errors={2: "broken quoting"})
    (only,) = result.problems
    assert (only.row, only.field, only.code) == (2, "row", "unreadable_row")
    assert only.reason == "broken quoting"


def test_codes_and_params_take_no_part_in_equality() -> None:
    made = problem(5, "capacity", "not_a_number", value="abc")
    assert made == Problem(5, "capacity", "not a number: 'abc'")
    assert hash(made) == hash(Problem(5, "capacity", "not a number: 'abc'"))


def test_the_json_report_carries_codes_and_params() -> None:
    made = problem(12, "geometry", "outside_morocco", lon="-3.70000", lat="40.41000")
    report = ImportReport(
        "centres", "f.csv", "csv", 1, 0, 1, 0, 0, 0, dry_run=True, refused=True, problems=(made,)
    )
    assert report.as_dict()["problems"] == [
        {
            "row": 12,
            "field": "geometry",
            "reason": "outside Morocco (-3.70000, 40.41000)",
            "code": "outside_morocco",
            "params": {"lon": "-3.70000", "lat": "40.41000"},
        }
    ]
