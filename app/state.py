"""Shareable page state: widget values mirrored in the URL (``st.query_params``).

A widget opens on the value the URL gives (a shared link reopens the same view), and its
value is written back to the URL on every run. Values in the URL are codes (``communes``,
``pwd``, ``01``), never translated labels, so a link works in every language.

Widgets are keyed (their identity is the key, so changing language does not reset them) and
their start value is passed as ``index``/``default``/``value``; session state is never
written for a widget key, which would override what the user picks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


_CHOICES = "_state_choices:"  # session key prefix: a page's address parameters, kept
_SHOWN = "_state_page"  # session key: the page of the previous run
_SELECTS = "_state_select_keys"  # session key: the keys of the select widgets seen so far
_RESET = "_state_reset_keys"  # session key: select widgets whose value is re-sent this run


def relabel_selects(skip: Sequence[str] = ()) -> None:
    """Make the select widgets show their value in the new language on their next draw.

    A keyed select box keeps showing the label it had (its identity is its key, and the
    browser holds the label): after a change of language the Map explorer still read
    "Régions" on the Arabic page. Setting the widget's value through Session State makes
    Streamlit send it, worded anew, to the browser. Its start value (``index``/``default``)
    is then left at Streamlit's default, which Streamlit requires of a widget whose value
    comes from Session State. ``skip`` names widgets already drawn in this run.
    """
    reset = []
    for key in st.session_state.get(_SELECTS, ()):
        if key in skip or key not in st.session_state:
            continue
        st.session_state[key] = st.session_state[key]
        reset.append(key)
    st.session_state[_RESET] = set(reset)


def arrive(page: str) -> None:
    """Give a page the choices it had when the user left it for another page.

    Streamlit drops a page's address parameters (and its widgets' state) when the user
    opens another page: coming back through the sidebar, the Map explorer showed its
    defaults again. Each page's parameters are kept as they are written (:func:`publish`,
    :func:`remember`; a run the user interrupts still keeps what it wrote); when the page
    is opened from another one and its address carries no choice, they are put back, in
    one change (one browser history entry), before it runs. A page whose choices are all
    back to their defaults keeps them: this happens only on arrival.

    On arrival the select widgets start from the page's address alone: two pages share
    keys (the centre type, the distance), and the Map explorer's 60 km must not become the
    Coverage page's.
    """
    arrived = st.session_state.get(_SHOWN) != page
    st.session_state[_SHOWN] = page
    if not arrived:
        return
    forget_selects(keep=("lang",))
    own = {k: st.query_params[k] for k in st.query_params if k != "lang"}
    saved = st.session_state.get(_CHOICES + page)
    if not own and saved:
        lang = st.query_params.get("lang")
        st.query_params.from_dict({**saved, **({"lang": lang} if lang else {})})
    else:
        st.session_state[_CHOICES + page] = own


def remember(key: str, text: str | None) -> None:
    """Keep an address parameter of the page being shown (``None``: it was removed)."""
    page = st.session_state.get(_SHOWN)
    if page is None or key == "lang":
        return
    kept = st.session_state.setdefault(_CHOICES + str(page), {})
    if text is None:
        kept.pop(key, None)
    else:
        kept[key] = text


def forget_selects(keep: Sequence[str] = ()) -> None:
    """Drop the values the select widgets hold (but ``keep``'s): they start again from the
    address (see :func:`start_index`)."""
    for key in st.session_state.get(_SELECTS, ()):
        if key not in keep and key in st.session_state:
            del st.session_state[key]


def end_run() -> None:
    """Forget the widgets :func:`relabel_selects` re-sent (only this run's draws use it)."""
    st.session_state.pop(_RESET, None)


def keep_or(key: str, start: T, empty: T) -> T:
    """A select widget's start value (``index``/``default``), or ``empty`` right after a
    change of language for a widget whose value Session State then holds (see
    :func:`relabel_selects`); for the widgets that do not start from the URL."""
    return empty if _seen(key) else start


def _seen(key: str) -> bool:
    """Note ``key`` as a select widget; True when its value was re-sent for this draw."""
    keys = st.session_state.setdefault(_SELECTS, set())
    keys.add(key)
    reset = st.session_state.get(_RESET)
    if reset and key in reset:
        reset.discard(key)
        return True
    return False


def start_index(
    key: str, options: Sequence[str], default: str, *, widget: str | None = None
) -> int:
    """Index of the value a keyed select widget should show.

    The widget's own current value when it has one, else the URL's value (under ``key``),
    else ``default`` (a stale or hand-edited link falls back to it). ``widget`` is the
    widget's key when it is not ``key``. Right after a change of language, 0 for a widget
    whose value Session State holds (see :func:`relabel_selects`).
    """
    widget = widget or key
    if _seen(widget):
        return 0
    if not options:
        return 0
    values = [str(o) for o in options]
    for candidate in (st.session_state.get(widget), st.query_params.get(key), default):
        if isinstance(candidate, str) and candidate in values:
            return values.index(candidate)
    return 0


def start_list(
    key: str, options: Sequence[str], default: Sequence[str], *, widget: str | None = None
) -> list[str]:
    """Start values of a keyed multiselect: the URL holds codes joined by commas (none right
    after a change of language: Session State then holds them, see
    :func:`relabel_selects`). ``widget`` is the widget's key when it is not ``key``."""
    widget = widget or key
    if _seen(widget):
        return []
    current = st.session_state.get(widget)
    if isinstance(current, list) and all(v in options for v in current):
        return list(current)
    wanted = st.query_params.get(key)
    if wanted is not None:
        return [v for v in wanted.split(",") if v in options]
    return [v for v in default if v in options]


def start_text(key: str, default: str = "") -> str:
    """Start value of a keyed text input (from the URL)."""
    current = st.session_state.get(key)
    if isinstance(current, str):
        return current
    return str(st.query_params.get(key, default))


def publish(key: str, value: object, default: object = None) -> None:
    """Write ``value`` to the URL under ``key`` (removed when it equals ``default``)."""
    if value is None or value == default or value == "":
        remember(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    text = str(value)
    remember(key, text)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def publish_list(key: str, values: Sequence[str], default: Sequence[str]) -> None:
    """Write a multiselect's values to the URL (removed when equal to ``default``)."""
    if list(values) == list(default):
        remember(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    text = ",".join(values)
    remember(key, text)
    if st.query_params.get(key) != text:
        st.query_params[key] = text
