"""The database path: PostGIS, migrations, status, and the errors a user can meet."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import db, migrate
from walouja.errors import DatabaseError, PostGISMissingError
from walouja.settings import Settings


def test_postgis_version_is_read(conn: Connection) -> None:
    version = db.postgis_version(conn)
    assert version.split(".")[0].isdigit()
    assert int(version.split(".")[0]) >= 3


def test_test_database_is_at_head(conn: Connection) -> None:
    assert db.current_revision(conn) == migrate.head()


def test_migrations_apply_and_roll_back(scratch_settings: Settings) -> None:
    db.ensure_postgis(scratch_settings)
    migrate.upgrade(scratch_settings)
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == migrate.head()
        tables = set(
            c.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
    assert "layer_sources" in tables
    migrate.downgrade(scratch_settings, "base")
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) is None
        left = set(
            c.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename NOT IN ('spatial_ref_sys', 'alembic_version')"
                )
            ).scalars()
        )
    assert left == set()
    migrate.upgrade(scratch_settings)
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == migrate.head()


def test_database_without_postgis_is_reported(scratch_settings: Settings) -> None:
    with db.connect(scratch_settings) as c, pytest.raises(PostGISMissingError):
        db.postgis_version(c)
    st = db.status(scratch_settings)
    assert st.reachable is True
    assert st.postgis_version is None


def test_unreachable_database_url_is_one_line(settings: Settings) -> None:
    bad = settings.model_copy(update={"database_url": "postgresql://nobody@127.0.0.1:9/none"})
    st = db.status(bad)
    assert st.reachable is False
    assert st.error is not None
    assert "cannot reach the database" in st.error
    assert "\n" not in st.error
    with (
        pytest.raises(DatabaseError, match="check that the server in DATABASE_URL is running"),
        db.connect(bad),
    ):
        pass


def test_missing_database_is_explained(settings: Settings) -> None:
    url = sa.engine.make_url(db.database_url(settings)).set(database="walouja_does_not_exist")
    bad = settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
    st = db.status(bad)
    assert st.reachable is False
    assert st.error is not None
    assert "does not exist" in st.error


def test_a_missing_database_of_the_local_cluster_says_to_run_db_up(settings: Settings) -> None:
    # the local cluster (a socket in the project): the hint said createdb or fix DATABASE_URL
    missing = settings.model_copy(update={"db_name": "walouja_does_not_exist"})
    # the local cluster's database is named by WALOUJA_DB_NAME; a DATABASE_URL (even one
    # through a socket) names its own, and db_name does not change it
    if settings.uses_local_cluster:
        with pytest.raises(DatabaseError, match=r"walouja db up") as caught, db.connect(missing):
            pass
        assert "createdb" not in str(caught.value.hint)
    # the same driver text for a socket URL and for a server named in DATABASE_URL
    said = 'FATAL:  database "walouja_x" does not exist'
    socket = db.explain_connection_error(
        Exception(said), "postgresql://postgres@/walouja_x?host=%2Fsrv%2F.walouja%2Frun"
    )
    assert "walouja db up" in str(socket.hint)
    server = db.explain_connection_error(Exception(said), "postgresql://u:secret@db:5432/walouja_x")
    assert "createdb" in str(server.hint)
    assert "secret" not in str(server)


def test_a_database_url_on_the_clusters_socket_is_the_users_own(settings: Settings) -> None:
    # a DATABASE_URL that names the project's socket is still the user's URL: `walouja db up`
    # does not create a database named there (it said to run it, and WALOUJA_DB_NAME)
    url = sa.engine.make_url(db.database_url(settings)).set(database="walouja_does_not_exist")
    bad = settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
    with pytest.raises(DatabaseError) as caught, db.connect(bad):
        pass
    assert caught.value.code == "database_missing"
    assert "createdb" in str(caught.value.hint)
    assert "walouja db up" not in str(caught.value.hint)
    st = db.status(bad)
    assert st.error_code == "database_missing"


def test_an_unknown_user_is_named_with_what_to_check(settings: Settings) -> None:
    url = sa.engine.make_url(db.database_url(settings)).set(username="nobody_here")
    bad = settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
    with pytest.raises(DatabaseError) as caught, db.connect(bad):
        pass
    assert caught.value.code == "role_missing"
    assert "has no user 'nobody_here'" in caught.value.message
    assert "check the user name in DATABASE_URL" in str(caught.value.hint)
    assert "\n" not in str(caught.value)
