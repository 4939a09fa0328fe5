"""Per-process resources for the pages: settings and the database status, cached."""

from __future__ import annotations

import streamlit as st

from geo import db
from walouja.errors import WaloujaError
from walouja.settings import Settings, get_settings


@st.cache_resource
def app_settings() -> Settings:
    """The settings, read once per server process."""
    return get_settings()


def fallback_language() -> str:
    """The language of ``WALOUJA_LANGUAGE`` when it is fr, ar or en, else French: the
    language of the pages while another setting (or this one) is refused."""
    from pydantic_settings import BaseSettings

    class _Language(BaseSettings):
        model_config = Settings.model_config
        language: str = "fr"

    try:
        language = _Language().language
    except ValueError:
        return "fr"
    return language if language in ("fr", "ar", "en") else "fr"


@st.cache_data(ttl=30, show_spinner=False)
def database_status() -> dict[str, object]:
    """The database status as a dict (cached for 30 s)."""
    try:
        return db.status(app_settings()).as_dict()
    except WaloujaError as exc:
        # the code, its params and the English texts, for the page to word in its language
        # (a cluster folder it may not write read English on the French and Arabic pages)
        return {
            "reachable": False,
            "error": str(exc),
            "error_code": exc.code,
            "error_params": dict(exc.params),
            "error_message": exc.message,
            "error_hint": exc.hint,
        }
