"""What the app tests share: the app's entry point and checks on the state of the test
database."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

HOME = str(Path(__file__).resolve().parents[2] / "app" / "Home.py")
"""The app's entry point, as ``AppTest.from_file`` opens it."""


def require_no_centre_of_type(engine: Engine, kind: str) -> None:
    """Fail unless no centre has type ``kind`` (the demonstration centres have no ``other``):
    the tests of a centre type without centres rely on it."""
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE centre_type = :k"), {"k": kind}
        ).scalar_one()
    assert found == 0, f"expects the demonstration centres, which have no type {kind!r}"
