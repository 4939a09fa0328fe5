"""Fixtures of the app tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from geo import census, db, migrate
from walouja.settings import Settings


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Streamlit's caches outlive a test in this process: each app test reads the settings,
    the database status and the layers afresh, and leaves nothing behind."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def scratch_app(scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The pages on a scratch database set up by the code's migrations and holding nothing
    (offline basemap): its settings."""
    db.ensure_postgis(scratch_settings)
    migrate.upgrade(scratch_settings)
    monkeypatch.setenv("WALOUJA_DB_NAME", scratch_settings.db_name)
    if scratch_settings.database_url:
        monkeypatch.setenv("DATABASE_URL", scratch_settings.database_url)
    monkeypatch.setenv("WALOUJA_TILES", "none")
    return scratch_settings


@pytest.fixture
def scratch_geography(scratch_app: Settings) -> Iterator[Engine]:
    """The pages on a scratch database holding the national geography and no centre: an
    engine on it, for the rows a test adds."""
    census.load_geography(scratch_app)
    scratch = db.get_engine(scratch_app)
    try:
        yield scratch
    finally:
        scratch.dispose()


@pytest.fixture
def download_types() -> dict[str, str]:
    """The media type of each file the page offers for download, by file name (filled by
    ``downloads``)."""
    return {}


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch, download_types: dict[str, str]) -> dict[str, bytes]:
    """The files the page offers for download, by file name (recorded as Streamlit stores
    them, so what is checked is what the browser would save)."""
    files: dict[str, bytes] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def record(
        self: MemoryMediaFileStorage,
        path_or_data: str | bytes,
        mimetype: str,
        kind: Any,
        filename: str | None = None,
    ) -> str:
        if isinstance(path_or_data, bytes) and filename:
            files[filename] = path_or_data
            download_types[filename] = mimetype
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files
