"""Alembic migrations, configured in code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from geo.db import connect
from walouja.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest revision in the code."""
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` in one transaction."""
    with connect(settings) as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Roll migrations back down to ``revision`` in one transaction."""
    with connect(settings) as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
