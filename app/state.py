"""Shareable page state: widget values mirrored in the URL (``st.query_params``).

A widget whose key is registered here starts from the URL when the page opens (a shared link
reopens the same view) and writes its value back to the URL on every run. Values in the URL
are codes (``communes``, ``pwd``, ``01``), never translated labels, so a link works in every
language.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def from_url(key: str, options: Sequence[str], default: str) -> str:
    """Initialise ``st.session_state[key]`` from the URL (once per widget life) and return it.

    A value that is not one of ``options`` (a stale or hand-edited link) falls back to
    ``default``; so does a session value that is no longer an option.
    """
    current = st.session_state.get(key)
    if current in options:
        return str(current)
    wanted = st.query_params.get(key)
    value = str(wanted) if wanted in options else default
    if value not in options and options:
        value = options[0]
    st.session_state[key] = value
    return value


def text_from_url(key: str, default: str = "") -> str:
    """Like :func:`from_url` for free text (a search box)."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key, default)
    return str(st.session_state[key])


def publish(key: str, value: object, default: object = None) -> None:
    """Write ``value`` to the URL under ``key`` (removed when it equals ``default``)."""
    if value is None or value == default or value == "":
        if key in st.query_params:
            del st.query_params[key]
        return
    text = str(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def list_from_url(key: str, options: Sequence[str], default: Sequence[str]) -> list[str]:
    """Like :func:`from_url` for a multiselect: the URL holds codes joined by commas."""
    current = st.session_state.get(key)
    if isinstance(current, list) and all(v in options for v in current):
        return list(current)
    wanted = st.query_params.get(key)
    if wanted is not None:
        value = [v for v in wanted.split(",") if v in options]
    else:
        value = [v for v in default if v in options]
    st.session_state[key] = value
    return value


def publish_list(key: str, values: Sequence[str], default: Sequence[str]) -> None:
    """Write a multiselect's values to the URL (removed when equal to ``default``)."""
    if list(values) == list(default):
        if key in st.query_params:
            del st.query_params[key]
        return
    text = ",".join(values)
    if st.query_params.get(key) != text:
        st.query_params[key] = text
