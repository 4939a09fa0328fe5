"""The entry page runs in Streamlit's AppTest against the real database."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from walouja.settings import Settings

HOME = str(Path(__file__).resolve().parents[2] / "app" / "Home.py")


def test_home_renders_with_database(settings: Settings, engine: object) -> None:
    at = AppTest.from_file(HOME, default_timeout=60).run()
    assert not at.exception
    assert any("Database connected" in s.value for s in at.success)
