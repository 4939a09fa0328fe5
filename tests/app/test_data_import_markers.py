"""The Data page's import of a list whose cells say "N/A" or « غير متوفر »: the check says in
the page's language how many cells it reads as empty, the rows are written with those cells
empty, and a required field saying "N/A" is a rejected row with its reason in that language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import bidi_own, translate
from geo.layers import prune_sources
from tests.app.support import opened_in
from tests.geo.fixtures.support import FES, RABAT

PREFIX = "test-data-markers-"
CSV = (
    "identifiant;nom;type;capacite;lon;lat\n"
    f"{PREFIX}1;Centre marqueur A;COAPH;N/A;{FES[0]};{FES[1]}\n"
    f"{PREFIX}2;مركز المؤشر ب;CAS;غير متوفر;{RABAT[0]};{RABAT[1]}\n"
)


@pytest.fixture
def written(engine: Engine) -> Iterator[str]:
    """The rows the page writes, deleted afterwards with their history and source."""
    yield PREFIX
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE :p"), {"p": PREFIX + "%"})
        c.execute(
            sa.text("DELETE FROM layer_history WHERE external_id LIKE :p"), {"p": PREFIX + "%"}
        )
        prune_sources(c)
    st.cache_data.clear()
    st.cache_resource.clear()


def _checked(lang: str, monkeypatch: pytest.MonkeyPatch, text: str) -> AppTest:
    at = opened_in(monkeypatch, lang, "views/4_Data.py")
    name = f"{PREFIX}liste.csv"
    at.file_uploader(key="upload").set_value((name, text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    return at


def test_cells_saying_not_known_are_said_in_french_and_written_empty(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    # both rows were refused: « n'est pas un nombre : « N/A » »
    at = _checked("fr", monkeypatch, CSV)
    # the page says so beside the columns it expects, before any file is given
    assert any("(N/A, -, n.d., non disponible…) est lue comme vide" in c.value for c in at.caption)
    notes = " ".join(m.value for m in at.markdown)
    assert (
        "2 cellules lues comme vides, car elles indiquent que la valeur n'est pas connue : "
        '"N/A" ×1, "غير متوفر" ×1 (capacity)'
    ) in notes
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    with engine.connect() as c:
        stored = c.execute(
            sa.text(
                "SELECT external_id, capacity FROM centres WHERE external_id LIKE :p "
                "ORDER BY external_id"
            ),
            {"p": PREFIX + "%"},
        ).all()
    assert [tuple(r) for r in stored] == [(f"{PREFIX}1", None), (f"{PREFIX}2", None)]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_required_type_saying_n_a_is_a_rejected_row_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str
) -> None:
    at = _checked(lang, monkeypatch, CSV.replace(";CAS;", ";N/A;"))
    (table,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    reasons = table.value[translate("data.col.reason", lang)].tolist()
    # the file's value isolated on an Arabic page, as every Latin value in a reason (7fdb800)
    said = translate("reason.required_marked_missing", lang, value=bidi_own("N/A", lang))
    assert said in reasons
    # as for an empty cell, the page offers a type for the rows without one
    assert [s for s in at.selectbox if s.key == "imp_default_centre_type"]
    with engine.connect() as c:
        left = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE external_id LIKE :p"), {"p": PREFIX + "%"}
        ).scalar_one()
    assert left == 0
