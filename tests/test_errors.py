"""``WaloujaError``: English text as before, plus an optional code and params."""

from __future__ import annotations

from walouja.errors import DataError, NotFoundError, ValidationError, WaloujaError


def test_code_and_params_are_stored_and_text_is_unchanged() -> None:
    params = {"name": "centres.csv"}
    exc = DataError("centres.csv is empty", code="empty_file", params=params)
    assert (exc.message, exc.hint, exc.code) == ("centres.csv is empty", None, "empty_file")
    assert exc.params == {"name": "centres.csv"}
    params["name"] = "other.csv"  # a copy: the caller's dict may change afterwards
    assert exc.params == {"name": "centres.csv"}
    assert str(exc) == "centres.csv is empty"


def test_hint_still_follows_the_message() -> None:
    exc = WaloujaError("x is bad", hint="fix x", code="bad", params={"n": 3})
    assert str(exc) == "x is bad — fix x"
    assert exc.params == {"n": 3}


def test_code_and_params_are_optional() -> None:
    exc = NotFoundError("unknown layer 'foo'", hint="choose one of: beaches")
    assert exc.code is None
    assert exc.params == {}
    assert str(exc) == "unknown layer 'foo' — choose one of: beaches"
    assert isinstance(exc, LookupError)


def test_validation_error_passes_code_and_params_through() -> None:
    exc = ValidationError(
        "f.csv: 1 row(s) have no valid point",
        problems=[(2, "lon", "missing or not a number")],
        code="candidates_invalid_rows",
        params={"name": "f.csv", "n": 1},
    )
    assert exc.problems == [(2, "lon", "missing or not a number")]
    assert (exc.code, exc.params) == ("candidates_invalid_rows", {"name": "f.csv", "n": 1})
    assert str(exc) == "f.csv: 1 row(s) have no valid point"
    assert ValidationError("refused").problems == []
