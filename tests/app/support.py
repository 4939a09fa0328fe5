"""Checks the app tests share on the state of the test database."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def require_no_centre_of_type(engine: Engine, kind: str) -> None:
    """Fail unless no centre has type ``kind`` (the demonstration centres have no ``other``):
    the tests of a centre type without centres rely on it."""
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE centre_type = :k"), {"k": kind}
        ).scalar_one()
    assert found == 0, f"expects the demonstration centres, which have no type {kind!r}"
