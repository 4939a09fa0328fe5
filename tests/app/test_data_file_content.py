"""The Data page's check of a CSV that opens a quote on its last line and never closes it,
and of an image or binary data under a .csv name: said in the page's language, nothing
written."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from PIL import Image
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from tests.app.support import as_read, opened

QUOTE_LEFT_OPEN = 'name,centre_type,lon,lat\n"Centre A,CAS,-6.8,34.0\n'


@pytest.fixture(autouse=True)
def _forget_settings() -> Iterator[None]:
    """The settings a page cached (its language) do not outlive the test that set them."""
    yield
    st.cache_resource.clear()


def _checked(lang: str, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes) -> AppTest:
    """The Data page in ``lang`` after checking the file ``name`` holding ``content``."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = opened("views/4_Data.py", {})
    at.file_uploader(key="upload").set_value((name, content, "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    return at


def _centres(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(sa.text("SELECT count(*) FROM centres")).scalar_one())


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "un guillemet ouvert à la ligne 2 n'est jamais fermé"),
        ("ar", "علامة تنصيص فُتحت في السطر 2 ولم تُغلق أبدًا"),
        ("en", "a quotation mark opened on line 2 is never closed"),
    ],
    ids=["fr", "ar", "en"],
)
def test_a_quote_left_open_on_the_only_line_is_named_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str, said: str
) -> None:
    # the page said "1 of the header's 4 fields (a value or a ',' left out?)"
    before = _centres(engine)
    at = _checked(lang, monkeypatch, "centres.csv", QUOTE_LEFT_OPEN.encode())
    column = translate("data.col.reason", lang)
    (table,) = [x for x in at.table if column in x.value.columns]
    (reason,) = table.value[column].tolist()
    assert said in reason
    assert not [b for b in at.button if b.key == "write"]
    assert _centres(engine) == before


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 4), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("lang", "image", "binary"),
    [
        (
            "fr",
            "centres.csv n'est pas un fichier CSV : c'est une image (PNG)",
            "centres.csv n'est pas un fichier texte (CSV) : il contient des données binaires",
        ),
        (
            "ar",
            "ليس centres.csv ملفًا بصيغة CSV: إنه صورة (PNG)",
            "ليس centres.csv ملفًا نصيًا (CSV): إنه يحتوي على بيانات ثنائية",
        ),
        (
            "en",
            "centres.csv is not a CSV file: it is an image (PNG)",
            "centres.csv is not a text (CSV) file: it holds binary data",
        ),
    ],
    ids=["fr", "ar", "en"],
)
def test_an_image_or_binary_data_under_a_csv_name_is_said_to_be_no_csv(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str, image: str, binary: str
) -> None:
    # both were "not UTF-8 … (most likely Windows-1252)" with advice to save as UTF-8
    before = _centres(engine)
    at = _checked(lang, monkeypatch, "centres.csv", _png())
    assert image in as_read(at.error[0].value).replace("\u2068", "").replace("\u2069", "")
    hint = " ".join(i.value for i in at.info)
    assert "GeoPackage" in hint
    assert "UTF-8" not in hint
    at = _checked(lang, monkeypatch, "centres.csv", b"\x03\x7e\x0c\x01\x02\x00" * 40)
    assert binary in as_read(at.error[0].value).replace("\u2068", "").replace("\u2069", "")
    assert _centres(engine) == before
