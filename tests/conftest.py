"""Shared fixtures: the real PostGIS database that `make test` set up.

The suite never skips database tests: when PostGIS cannot be reached the session fails with
the reason, so CI cannot pass without the database.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo import db
from walouja.errors import WaloujaError
from walouja.settings import Settings, get_settings


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to run on a database that is not a test database.

    The tests write and delete rows (centres, beaches, sources, scenarios) and create
    ``<name>_scratch`` databases beside it: ``WALOUJA_DB_NAME=walouja make test``, or a
    ``DATABASE_URL`` in the environment or ``.env`` naming the ministry's database, would run
    them there. A database whose name has ``test`` in it is taken; any other only when
    ``WALOUJA_TEST_DATABASE`` names it.
    """
    try:
        name = sa.engine.make_url(db.database_url(get_settings())).database or ""
    except WaloujaError:
        return  # the settings' own refusal is the engine fixture's failure
    allowed = os.environ.get("WALOUJA_TEST_DATABASE", "").strip()
    if "test" not in name.lower() and name != allowed:
        pytest.exit(
            f"refusing to run the tests on the database {name!r}: they write to it. Run them "
            "on a test database (make test uses walouja_test; a DATABASE_URL must name a "
            "database with 'test' in its name), or set WALOUJA_TEST_DATABASE="
            f"{name} if this database may be written to",
            returncode=4,
        )


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The settings `make test` runs with (database ``walouja_test`` in the local cluster)."""
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    """An engine on the test database; fails the run (never skips) without PostGIS."""
    try:
        with db.connect(settings) as conn:
            db.postgis_version(conn)
    except WaloujaError as exc:
        pytest.fail(f"PostGIS is required for the test suite: {exc}", pytrace=False)
    return db.get_engine(settings)


@pytest.fixture
def forget_runs(engine: Engine) -> Iterator[list[int]]:
    """Ids of runs (and scenarios) a test stores, through the CLI or a page; deleted
    afterwards."""
    ids: list[int] = []
    yield ids
    if ids:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": ids})


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        trans = connection.begin()
        try:
            yield connection
        finally:
            trans.rollback()


@pytest.fixture
def scratch_settings(settings: Settings, engine: Engine) -> Iterator[Settings]:
    """Settings for a fresh, empty database created for one test and dropped after it."""
    name = f"{settings.db_name}_scratch"
    scratch = settings.model_copy(update={"db_name": name})
    if settings.database_url is not None:
        url = sa.engine.make_url(db.database_url(settings)).set(database=name)
        scratch = settings.model_copy(
            update={"database_url": url.render_as_string(hide_password=False)}
        )
    admin = sa.create_engine(
        sa.engine.make_url(db.database_url(settings)).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield scratch
    finally:
        sa.create_engine(db.database_url(scratch)).dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def web_server() -> Iterator[int]:
    """A port where a web server (not PostgreSQL) answers: its number."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()
