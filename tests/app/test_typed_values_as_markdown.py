"""What a reader typed reads as typed where a page quotes it in a Markdown text: a search
that finds nothing on the Map explorer, and a reopened analysis's name on the Coverage and
equity page. "*Fès*" read "Fès" in italics, a name between backticks read as code. (AppTest
sees the Markdown a text is written in: the value is there with its signs escaped.) The Data
page's own quotes of a file's values are checked too.
"""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit import dataframe_util

from app.shell import plain_markdown
from tests.app.support import as_read, opened_in

TYPED = "Zq *rien* `ici`"
SHOWN = r"Zq \*rien\* \`ici\`"


def test_the_escape_reads_back_as_typed() -> None:
    assert plain_markdown(TYPED) == SHOWN
    assert as_read(SHOWN) == TYPED


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_search_that_finds_nothing_quotes_it_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, "views/2_Map_explorer.py")
    at.text_input(key="q").input(TYPED).run()
    assert not at.exception, at.exception
    said = " ".join(w.value for w in at.warning)
    assert SHOWN in said, said
    assert TYPED not in said
    st.cache_resource.clear()


def test_a_linked_search_in_a_region_quotes_it_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a shared link's ?q= is shown as the reader typed it, as the box's own value is
    at = opened_in(monkeypatch, "fr", "views/2_Map_explorer.py", {"q": TYPED, "region": "01"})
    said = " ".join(w.value for w in at.warning)
    assert f"« {SHOWN} »" in said, said
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_reopened_analysis_is_named_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, forget_runs: list[int], lang: str
) -> None:
    at = opened_in(
        monkeypatch,
        lang,
        "views/3_Coverage_and_equity.py",
        {"ctype": "CJPA", "km": "10", "eq_indicator": "coverage_share", "by": "province"},
    )
    at.text_input(key="eq_run_name").input("Comité *A* `b`").run()
    at.button(key="eq_save").click().run()
    assert not at.exception, at.exception
    saved = int(at.session_state["eq_open_id"])
    forget_runs.append(saved)
    at.button(key="eq_open").click().run()
    assert not at.exception, at.exception
    said = [s.value for s in at.success]
    assert len(said) == 1, said
    assert f"#{saved} — Comité \\*A\\* \\`b\\`." in said[0], said
    st.cache_resource.clear()


def test_the_data_page_quotes_a_files_values_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a guard (these were already escaped): a refused value, a source the file names and a
    # column no field reads, in the rejected rows' table (its cells are Markdown), the notes
    # and the caption under the Source box
    text = (
        "name,centre_type,capacity,lon,lat,source,*odd*_col\n"
        "Centre *T*,COAPH,40,-6.915,33.925,enq_*26*,x\n"
        "Centre `S`,`XYZ`,*abc*,-6.80,34.04,,x\n"
    )
    at = opened_in(monkeypatch, "fr", "views/4_Data.py")
    at.file_uploader(key="upload").set_value(("typed.csv", text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    (table,) = [x for x in at.table if "Raison" in x.value.columns]
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(
        table.proto.arrow_data.styler.display_values
    )
    reasons = " ".join(map(str, shown.iloc[:, -1]))
    assert r"« \*abc\* »" in reasons, reasons
    assert r"« \`XYZ\` »" in reasons, reasons
    notes = " ".join(m.value for m in at.markdown)
    assert r"\*odd\*\_col" in notes, notes
    assert r"« enq\_\*26\* »" in notes, notes
    captions = " ".join(c.value for c in at.caption)
    assert r"« enq\_\*26\* »" in captions, captions
    st.cache_resource.clear()
