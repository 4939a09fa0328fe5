"""The centre-type and distance-threshold pickers the map and the coverage pages share, and
tabs that stay open across a change of language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app import analyses, state
from app.i18n import bidi_own, current_language, has_key, list_words, t, translate
from app.shell import plain_markdown

ANY_TYPE = "any"


@dataclass(frozen=True)
class CentreFilter:
    """What the two pickers show: ``choice`` is ``any`` or a centre type, ``km`` a threshold,
    both as written in the URL."""

    choice: str
    km: str

    @property
    def centre_type(self) -> str | None:
        """The centre type to analyse (None: any type)."""
        return None if self.choice == ANY_TYPE else self.choice

    @property
    def threshold_km(self) -> int:
        """The distance threshold in km."""
        return int(self.km)


def type_label(centre_type: str | None) -> str:
    """The translated name of a centre type, or "any type" for None."""
    return t("analysis.any_type") if centre_type is None else t(f"centre_type.{centre_type}")


def type_choice(centre_type: str | None) -> str:
    """A centre type as a select box offers it: its acronym first, so that a box too narrow
    for the whole name still tells COAPH from CAS (the Arabic names end with it: the box
    showed "مركز توجيه ومساعدة ا")."""
    label = type_label(centre_type)
    code = f" ({centre_type})"
    if centre_type and label.endswith(code):
        return f"{centre_type} — {label.removesuffix(code)}"
    return label


def type_row(centre_type: str, lang: str | None = None) -> str:
    """A centre type as the Overview's table names it in a row, in ``lang`` (default: the
    session's): its name, shortened where it is too long for the column that leaves the
    counts and places in sight at 800 px (``overview.type.<type>``: "COAPH — orientation et
    assistance des PSH")."""
    lang = lang or current_language()
    short = f"overview.type.{centre_type}"
    return translate(short if has_key(short, lang) else f"centre_type.{centre_type}", lang)


def type_tag(kind: str | None) -> str:
    """A short name of a centre type for legends and sentences: its acronym (COAPH...), or
    words for ``other``, which has no acronym."""
    if kind == "other":
        return t("centre_type.other.short")
    return str(kind)


def centre_filter(
    type_slot: DeltaGenerator,
    km_slot: DeltaGenerator,
    *,
    default_type: str = ANY_TYPE,
    km_disabled: bool = False,
    types: Sequence[str] | None = None,
) -> CentreFilter:
    """Draw the centre-type (URL key ``ctype``) and threshold (``km``) selectboxes in the two
    slots, mirror them in the URL and return what they show.

    ``types`` limits the centre types offered (default: every type); a type asked for by
    the URL or another page that is not offered falls back to ``default_type``.
    """
    offered = analyses.CENTRE_TYPES if types is None else tuple(types)
    type_options = [ANY_TYPE, *(k for k in analyses.CENTRE_TYPES if k in offered)]
    choice = type_slot.selectbox(
        t("analysis.centre_type"),
        type_options,
        key="ctype",
        index=state.start_index("ctype", type_options, default_type),
        format_func=lambda v: type_choice(None if v == ANY_TYPE else str(v)),
        placeholder=t("streamlit.choose_option"),
    )
    state.publish("ctype", choice, default_type)
    km_default = str(analyses.DEFAULT_THRESHOLD_KM)
    km_options = [str(k) for k in analyses.THRESHOLDS_KM]
    # the box starts from the address: what it asks for, read before publish() replaces it
    linked = st.session_state.get("km") is None
    asked = st.query_params.get("km") if linked else None
    km = km_slot.selectbox(
        t("analysis.threshold"),
        km_options,
        key="km",
        index=state.start_index("km", km_options, km_default),
        format_func=lambda v: f"{v} {t('unit.km')}",
        disabled=km_disabled,
        placeholder=t("streamlit.choose_option"),
    )
    state.publish("km", km, km_default)
    _say_unoffered_km(str(km), km_options, linked=linked, asked=asked, shown=not km_disabled)
    return CentreFilter(choice=str(choice), km=str(km))


_UNOFFERED_KM = "_km_unoffered"
"""Session key: the threshold the address asked for that the box does not offer, and the
one shown instead."""


def _say_unoffered_km(
    km: str, options: Sequence[str], *, linked: bool, asked: str | None, shown: bool
) -> None:
    """Say that the address asked for a threshold the box does not offer and which one the
    page shows: a link with ``km=25`` opened at 30 km without a word.

    ``linked``: the box started from the address, which asked for ``asked`` (None: nothing).
    Said until the reader picks another threshold or opens another page (whose box starts
    from its own address); ``shown``: only while the threshold is in use.
    """
    if linked:
        st.session_state.pop(_UNOFFERED_KM, None)
        if asked is not None and asked not in options:
            st.session_state[_UNOFFERED_KM] = (asked, km)
    kept = st.session_state.get(_UNOFFERED_KM)
    if kept is None:
        return
    if km != kept[1]:  # the reader chose a threshold
        del st.session_state[_UNOFFERED_KM]
        return
    if shown:
        lang = current_language()
        st.info(
            t(
                "analysis.km_not_offered",
                # as typed, whatever it is: not read as Markdown, nor a page long
                asked=bidi_own(plain_markdown(shortened(kept[0])), lang),
                offered=list_words(options, lang),
                shown=km,
            )
        )


def shortened(text: str, most: int = 12) -> str:
    """``text``, cut after ``most`` characters with an ellipsis.

    Examples
    --------
    >>> shortened("25"), shortened("x" * 20, 4)
    ('25', 'xxxx…')
    """
    return text if len(text) <= most else text[:most] + "…"


def kept_tabs(
    codes: Sequence[str], labels: Sequence[str], *, key: str, default: str
) -> tuple[dict[str, DeltaGenerator], str]:
    """Tabs (``labels``, one per code of ``codes``) that keep the one the user opened.

    Streamlit knows a tab by its label: after a change of language none of the new labels
    is the one it holds, and the first tab opened again (the planner reading the ranking
    in French found the table in Arabic). The open tab's code lives in the URL under
    ``key`` (a shared link opens it too); it becomes the tabs' start when their labels
    change, and stays their start while the labels do not, since Streamlit takes tabs
    whose start changes for new ones.

    Parameters
    ----------
    codes
        The tabs' codes, in order: what the URL holds.
    labels
        The tabs' labels in the page's language.
    key
        The URL parameter and, prefixed with ``tab_``, the widget key.
    default
        The code of the tab opened when neither the user nor the URL chose one.

    Returns
    -------
    dict[str, DeltaGenerator], str
        Each tab's container by code, and the code of the open tab.
    """
    widget, start_key = f"tab_{key}", f"_tab_start_{key}"
    clicked = st.session_state.get(widget)
    shown: str
    if isinstance(clicked, str) and clicked in labels:  # a tab of the page as drawn
        shown = codes[list(labels).index(clicked)]
    else:  # new labels (another language) or a first draw: the URL's tab
        asked = st.query_params.get(key)
        shown = asked if asked is not None and asked in codes else default
        st.session_state[start_key] = shown
    start = str(st.session_state.get(start_key, shown))
    containers = st.tabs(
        list(labels),
        key=widget,
        default=labels[list(codes).index(start)],
        on_change="rerun",
    )
    state.publish(key, shown, default)
    return dict(zip(codes, containers, strict=True)), shown
