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

import streamlit as st


def start_index(key: str, options: Sequence[str], default: str) -> int:
    """Index of the value a keyed select widget should show.

    The widget's own current value when it has one, else the URL's value, else
    ``default`` (a stale or hand-edited link falls back to it).
    """
    if not options:
        return 0
    values = [str(o) for o in options]
    for candidate in (st.session_state.get(key), st.query_params.get(key), default):
        if isinstance(candidate, str) and candidate in values:
            return values.index(candidate)
    return 0


def start_list(key: str, options: Sequence[str], default: Sequence[str]) -> list[str]:
    """Start values of a keyed multiselect: the URL holds codes joined by commas."""
    current = st.session_state.get(key)
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
        if key in st.query_params:
            del st.query_params[key]
        return
    text = str(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def publish_list(key: str, values: Sequence[str], default: Sequence[str]) -> None:
    """Write a multiselect's values to the URL (removed when equal to ``default``)."""
    if list(values) == list(default):
        if key in st.query_params:
            del st.query_params[key]
        return
    text = ",".join(values)
    if st.query_params.get(key) != text:
        st.query_params[key] = text
