"""The one connection path to PostGIS: URL resolution, engines, transactions, health checks."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from geo import cluster
from walouja.errors import DatabaseError, PostGISMissingError, WaloujaError
from walouja.settings import Settings


def database_url(settings: Settings, *, driver: bool = True) -> str:
    """The database URL: ``DATABASE_URL`` when set, else the local cluster's.

    Parameters
    ----------
    driver
        Give the SQLAlchemy form (``postgresql+psycopg2://``) rather than libpq's.
    """
    if settings.database_url is None:
        return cluster.local_url(settings, driver=driver)
    url = re.sub(r"^postgres(ql)?(\+psycopg2)?://", "postgresql://", settings.database_url)
    return url.replace("postgresql://", "postgresql+psycopg2://", 1) if driver else url


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 5, "application_name": "walouja"},
    )


def get_engine(settings: Settings) -> Engine:
    """A pooled engine for the configured database (one per URL per process)."""
    return _engine_for(database_url(settings))


def readable_url(url: str) -> str:
    """``url`` as a user writes it for ``psql``: without the driver or the password, and a
    socket folder as its path (SQLAlchemy writes ``host=%2Fwork%2Fmain%2F.walouja%2Frun``).

    Examples
    --------
    >>> readable_url("postgresql+psycopg2://postgres@/walouja?host=%2Fsrv%2F.walouja%2Frun&port=5432")
    'postgresql://postgres@/walouja?host=/srv/.walouja/run&port=5432'
    >>> readable_url("postgresql://u:secret@db:5432/walouja")
    'postgresql://u:***@db:5432/walouja'
    """
    text = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    base, sep, query = text.partition("?")
    return base + sep + unquote(query)


def _socket(parsed: URL) -> str | None:
    """The socket folder the ``host`` query parameter of ``parsed`` names (None when it
    names none, or several)."""
    query_host = parsed.query.get("host")
    return query_host if isinstance(query_host, str) else None


def _place(url: str, *, local: bool) -> str:
    """Where the database of ``url`` is, in words: the local cluster's socket folder, or
    the server's host and port.

    Examples
    --------
    >>> _place("postgresql://postgres@/w?host=%2Fsrv%2Frun&port=5432", local=True)
    'in the local cluster (socket in /srv/run, port 5432)'
    >>> _place("postgresql://u@db.example:6432/w", local=False)
    'on the server db.example:6432 (DATABASE_URL)'
    """
    parsed = make_url(url)
    socket = _socket(parsed)
    port = parsed.port or parsed.query.get("port") or 5432
    if local:
        return f"in the local cluster (socket in {socket}, port {port})"
    if socket and not parsed.host:
        return f"on the server at the socket in {socket} (DATABASE_URL)"
    return f"on the server {parsed.host}:{port} (DATABASE_URL)"


def explain_connection_error(
    exc: BaseException, url: str, *, local: bool | None = None
) -> DatabaseError:
    """Turn a driver error into a one-line ``DatabaseError`` with what to do.

    ``local`` says whether ``url`` is the project's own cluster (``walouja db up`` can
    then mend it); ``None``: guessed from the URL (a socket path).
    """
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    safe = readable_url(url)
    low = first.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return DatabaseError(
            f"the database refused the password for {safe}",
            hint="check the user and password in DATABASE_URL",
            code="password_refused",
        )
    if local is None:
        local = "host=/" in url or "host=%2F" in url  # the project's own cluster, by socket
    role = re.search(r'role "([^"]*)" does not exist', first)
    if role:
        return DatabaseError(
            f"the database server at {safe} has no user {role.group(1)!r}",
            hint=(
                "the local cluster's role is postgres unless WALOUJA_DB_USER names another: "
                "unset WALOUJA_DB_USER"
                if local
                else "check the user name in DATABASE_URL (or unset it to use the local cluster)"
            ),
            code="role_missing",
        )
    if "does not exist" in low and "database" in low:
        # the database by its name and where it was looked for: the message showed the URL
        # SQLAlchemy encodes (host=%2Fwork%2Fmain%2F...), the name lost in it
        name = make_url(url).database or ""
        return DatabaseError(
            f"the database {name} does not exist {_place(url, local=local)}",
            hint=(
                "create it with `walouja db up`, then load the data with `walouja load` "
                "(or `make run`); or set WALOUJA_DB_NAME to the database you meant"
                if local
                else f"create it (createdb {name}) or fix the database name in DATABASE_URL; "
                "unset DATABASE_URL to use the local cluster"
            ),
            code="database_missing",
            params={"database": name},
        )
    if "invalid response to ssl negotiation" in low or ("expected authentication request" in low):
        # a web server (or any other program) answers on the port: libpq's own words
        # ("received invalid response to SSL negotiation: H") said nothing a user could act on
        port = _port(url)
        return DatabaseError(
            f"something other than PostgreSQL answers at {safe}",
            hint=(
                f"check the port in DATABASE_URL ({port} is not a PostgreSQL server's)"
                if not local
                else "check WALOUJA_DB_PORT"
            ),
            code="not_postgres",
            params={"port": port},
        )
    if "no such file or directory" in low or "connection refused" in low or "could not" in low:
        hint = (
            "start the local cluster with `walouja db up` (or `make run`)"
            if local
            else "check that the server in DATABASE_URL is running and reachable"
        )
        where = (
            f"the database {make_url(url).database} {_place(url, local=True)}"
            if local
            else f"the database at {safe}"
        )
        return DatabaseError(
            f"cannot reach {where}",
            hint=hint,
            code="database_unreachable",
            params={"place": _server(url, local=local)},
        )
    if "timeout" in low:
        return DatabaseError(
            f"the database at {safe} did not answer in time",
            hint="check the host and port in DATABASE_URL and the network",
            code="database_timeout",
            params={"place": _server(url, local=local)},
        )
    return DatabaseError(
        f"cannot use the database at {safe}: {first}",
        hint="check DATABASE_URL and that the server there is PostgreSQL with PostGIS"
        if not local
        else "read the local cluster's log, postgres.log in WALOUJA_HOME (.walouja by default)",
        code="connection_failed",
        params={"reason": first},
    )


def _port(url: str) -> int:
    """The port of ``url`` (5432 when it names none)."""
    parsed = make_url(url)
    port = parsed.port or parsed.query.get("port") or 5432
    return int(port if isinstance(port, (int, str)) else port[0])


def _server(url: str, *, local: bool) -> str:
    """The server of ``url`` as a page names it: ``host:port``, or the local socket folder.

    Examples
    --------
    >>> _server("postgresql://u@db.example:6432/w", local=False)
    'db.example:6432'
    >>> _server("postgresql://postgres@/w?host=%2Fsrv%2Frun&port=5433", local=True)
    '/srv/run (port 5433)'
    """
    parsed = make_url(url)
    if parsed.host:
        return f"{parsed.host}:{_port(url)}"
    return f"{_socket(parsed)} (port {_port(url)})"


def _refusal(exc: BaseException, settings: Settings) -> WaloujaError:
    """Why the database of ``settings`` could not be reached: the local cluster running on
    another port than ``WALOUJA_DB_PORT`` first (its socket is not where it is looked for:
    every command said to start it with ``walouja db up``, which found it running)."""
    if settings.uses_local_cluster:
        missing = cluster.missing_home_refusal(settings)
        if missing is not None:
            return missing
        port = cluster.running_port(settings)
        if port is not None and port != settings.db_port:
            return cluster.other_port_refusal(settings, port)
    return explain_connection_error(exc, database_url(settings), local=settings.uses_local_cluster)


@contextmanager
def connect(settings: Settings) -> Iterator[Connection]:
    """Yield a connection inside a transaction, committed on success, rolled back on error."""
    engine = get_engine(settings)
    try:
        conn = engine.connect()
    except sa.exc.OperationalError as exc:
        raise _refusal(exc, settings) from None
    try:
        with conn.begin():
            yield conn
    finally:
        conn.close()


@dataclass(frozen=True)
class DatabaseStatus:
    """What ``walouja db status`` reports."""

    url: str
    local: bool
    running: bool | None
    """Whether the local cluster runs; None for a DATABASE_URL server (not known from here:
    ``reachable`` says whether it answered)."""
    reachable: bool
    postgres_version: str | None = None
    postgis_version: str | None = None
    revision: str | None = None
    error: str | None = None
    error_code: str | None = None
    """The error's code: ``database_missing`` when the server answers but has no such
    database, ``role_missing``, ``password_refused``... (None when reachable)."""
    error_params: Mapping[str, object] = field(default_factory=dict)
    """The values the error's message shows (a port, a server), by the names the
    translated texts use."""

    def as_dict(self) -> dict[str, Any]:
        """The status as plain JSON-able values."""
        return {**self.__dict__, "error_params": dict(self.error_params)}


def postgis_version(conn: Connection) -> str:
    """The PostGIS version of the connected database, or ``PostGISMissingError``."""
    try:
        with conn.begin_nested():
            return str(conn.execute(sa.text("SELECT postgis_lib_version()")).scalar_one())
    except sa.exc.ProgrammingError:
        raise PostGISMissingError(
            "the database has no PostGIS extension",
            hint="run `CREATE EXTENSION postgis;` in it as a superuser, "
            "or install PostGIS (apt-get install postgis) and run `walouja db up`",
        ) from None


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at, or None before any migration."""
    exists = conn.execute(sa.text("SELECT to_regclass('public.alembic_version')")).scalar()
    if exists is None:
        return None
    row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def status(settings: Settings) -> DatabaseStatus:
    """Probe the configured database without raising."""
    url = database_url(settings, driver=False)
    safe = readable_url(url)
    local = settings.uses_local_cluster
    running = cluster.is_running(settings) if local else None
    # a mistyped WALOUJA_HOME is named: "not running (walouja db up)" would make a new
    # cluster there
    refusal = cluster.missing_home_refusal(settings) if local else None
    if local and not running and refusal is None:
        return DatabaseStatus(
            url=safe,
            local=True,
            running=False,
            reachable=False,
            error="the local cluster is not running (walouja db up)",
        )
    port = cluster.running_port(settings) if local and refusal is None else None
    if port is not None and port != settings.db_port:
        refusal = cluster.other_port_refusal(settings, port)
    if refusal is not None:
        return DatabaseStatus(
            url=safe,
            local=True,
            running=bool(running),
            reachable=False,
            error=str(refusal),
            error_code=refusal.code,
            error_params=refusal.params,
        )
    try:
        with connect(settings) as conn:
            version = str(conn.execute(sa.text("SHOW server_version")).scalar_one())
            try:
                gis: str | None = postgis_version(conn)
            except PostGISMissingError:
                gis = None
            revision = current_revision(conn)
    except DatabaseError as exc:
        return DatabaseStatus(
            url=safe,
            local=local,
            running=running,
            reachable=False,
            error=str(exc),
            error_code=exc.code,
            error_params=exc.params,
        )
    return DatabaseStatus(
        url=safe,
        local=local,
        running=running,
        reachable=True,
        postgres_version=version,
        postgis_version=gis,
        revision=revision,
    )


def _maintenance_url(settings: Settings) -> str:
    url = make_url(database_url(settings))
    return url.set(database="postgres").render_as_string(hide_password=False)


def ensure_database(settings: Settings) -> bool:
    """Create the local cluster's database and PostGIS extension if missing.

    Returns whether the database was created.
    """
    created = False
    engine = sa.create_engine(_maintenance_url(settings), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": settings.db_name},
            ).first()
            if exists is None:
                ident = conn.dialect.identifier_preparer.quote(settings.db_name)
                conn.execute(sa.text(f"CREATE DATABASE {ident}"))
                created = True
    except sa.exc.OperationalError as exc:
        raise _refusal(exc, settings) from None
    finally:
        engine.dispose()
    return created


def ensure_postgis(settings: Settings) -> str:
    """Make sure PostGIS is enabled; return its version, or a clear error if it cannot be."""
    with connect(settings) as conn:
        available = conn.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        ).first()
        if available is None:
            raise PostGISMissingError(
                "PostGIS is not installed on the database server",
                hint="install it (Debian: apt-get install postgresql-15-postgis-3) "
                "or point DATABASE_URL at a PostGIS database",
            )
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except sa.exc.ProgrammingError:
            raise PostGISMissingError(
                "the database has no PostGIS extension and this user may not create it",
                hint="ask an administrator to run `CREATE EXTENSION postgis;` in the database",
            ) from None
        return postgis_version(conn)


def drop_database(settings: Settings) -> None:
    """Drop the local cluster's database (used by ``walouja db reset``)."""
    engine = sa.create_engine(_maintenance_url(settings), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            ident = conn.dialect.identifier_preparer.quote(settings.db_name)
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)"))
    finally:
        engine.dispose()
    _engine_for.cache_clear()
