"""`walouja db up|down|status|url|reset`: the database and its migrations."""

from __future__ import annotations

import typer

from geo import cluster, db, migrate
from walouja.cli._common import emit_json, fail, friendly, settings

app = typer.Typer(help="Start, stop and inspect the database.", no_args_is_help=True)

SERVER_DATABASES = ("postgres", "template0", "template1")
"""PostgreSQL's own databases: ``walouja db reset`` never deletes them."""


@app.command("up")
@friendly
def up(
    migrate_: bool = typer.Option(True, "--migrate/--no-migrate", help="Apply migrations."),
) -> None:
    """Start the local cluster (or check DATABASE_URL), enable PostGIS, apply migrations."""
    cfg = settings()
    if cfg.uses_local_cluster:
        for note in cluster.start(cfg):
            typer.echo(f"local cluster: {note}")
        if db.ensure_database(cfg):
            typer.echo(f"created database {cfg.db_name}")
    gis = db.ensure_postgis(cfg)
    if migrate_:
        migrate.upgrade(cfg)
    st = db.status(cfg)
    typer.echo(
        f"database ready: {st.url} (PostgreSQL {st.postgres_version}, PostGIS {gis}, "
        f"revision {st.revision})"
    )


@app.command("down")
@friendly
def down() -> None:
    """Stop the local cluster."""
    cfg = settings()
    if not cfg.uses_local_cluster:
        typer.echo("DATABASE_URL is set: the database is external, nothing to stop")
        return
    missing = cluster.missing_home_refusal(cfg)
    if missing is not None:  # "was not running" of a mistyped folder: the cluster ran on
        raise missing
    typer.echo("stopped" if cluster.stop(cfg) else "the local cluster was not running")


@app.command("status")
@friendly
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Say whether the database is reachable, with its versions and migration revision.

    Exit code 0 when the database is reachable, with PostGIS and migrated; 1 otherwise.
    """
    cfg = settings()
    st = db.status(cfg)
    ok = st.reachable and st.postgis_version is not None and st.revision == migrate.head()
    if as_json:
        emit_json({**st.as_dict(), "error_code": _why_not_ok(st), "head": migrate.head(), "ok": ok})
    else:
        kind = "local cluster" if st.local else "DATABASE_URL"
        typer.echo(f"database: {st.url} ({kind})")
        if not st.reachable and st.error_code == "database_missing":
            # the server answers: only the database is missing
            typer.echo(f"status: server up, database missing — {st.error}")
        elif not st.reachable and st.error_code in ("password_refused", "role_missing"):
            # the server answers and refuses the login: it said "unreachable"
            typer.echo(f"status: server up, login refused — {st.error}")
        elif not st.reachable:
            typer.echo(f"status: unreachable — {st.error}")
        else:
            typer.echo(f"status: reachable, PostgreSQL {st.postgres_version}")
            typer.echo(f"postgis: {st.postgis_version or 'missing (run walouja db up)'}")
            behind = (
                ""
                if st.revision == migrate.head()
                else f" (code is at {migrate.head()}: run walouja db up)"
            )
            typer.echo(f"migrations: {st.revision or 'none'}{behind}")
    if not ok:
        # the one line on stderr every failing command gives: a script that keeps stderr
        # (`walouja db status > /dev/null || ...`) had an exit code 1 and no reason
        raise fail(_not_ready(st))


def _not_ready(st: db.DatabaseStatus) -> str:
    """Why the database of ``st`` is not ready, in one line with what to do."""
    if not st.reachable:
        return st.error or "the database is not reachable"
    if st.postgis_version is None:
        return "the database has no PostGIS extension — run `walouja db up`"
    return (
        f"the database is at migration {st.revision or 'none'}, the code at {migrate.head()} "
        "— run `walouja db up`"
    )


def _why_not_ok(st: db.DatabaseStatus) -> str | None:
    """Why ``walouja db status`` exits 1, as a code (None when the database is ready).

    The status's own code when it has one (``database_missing``, ``password_refused``...);
    it had none for a stopped cluster, a server it cannot reach, PostGIS missing or
    migrations behind, though ``ok`` was false: a script could not tell them apart.
    """
    if st.error_code:
        return st.error_code
    if not st.reachable:
        return "cluster_not_running" if st.local and st.running is False else "database_error"
    if st.postgis_version is None:
        return "postgis_missing"
    if st.revision != migrate.head():
        return "not_migrated"
    return None


@app.command("url")
@friendly
def url() -> None:
    """Print the database URL in the form psql accepts.

    A ``WALOUJA_HOME`` that does not exist is said on stderr: the URL is printed all the
    same (scripts read it), but it points to no cluster.
    """
    cfg = settings()
    typer.echo(db.database_url(cfg, driver=False))
    missing = cluster.missing_home_refusal(cfg) if cfg.uses_local_cluster else None
    if missing is not None:
        # the URL alone, exit 0, pointed nowhere: `psql` then said only that no server ran
        typer.echo(
            f"walouja: warning: WALOUJA_HOME={cfg.home} does not exist, so this URL points to "
            "no cluster — check WALOUJA_HOME, or run `walouja db up` to create a cluster there",
            err=True,
        )


@app.command("reset")
@friendly
def reset(yes: bool = typer.Option(False, "--yes", help="Confirm: all data are deleted.")) -> None:
    """Delete the local database (WALOUJA_DB_NAME) and recreate it empty, migrated."""
    cfg = settings()
    if not cfg.uses_local_cluster:
        raise fail(
            "DATABASE_URL is set: reset only handles the local cluster — drop and recreate "
            "that database yourself, or unset DATABASE_URL to reset the local one"
        )
    if cfg.db_name in SERVER_DATABASES:
        # DROP DATABASE postgres ended in the driver's traceback ("cannot drop the currently
        # open database"), and template1 is the one new databases are copied from
        raise fail(
            f"WALOUJA_DB_NAME={cfg.db_name} names one of PostgreSQL's own databases, which "
            "reset does not delete — set WALOUJA_DB_NAME to the database of Walouja to reset "
            "(walouja by default)"
        )
    if not yes:
        # named: WALOUJA_DB_NAME (in .env or the environment) decides which one goes
        raise fail(
            f"this deletes the database {cfg.db_name} of the local cluster, with all its data "
            "— add --yes to confirm (WALOUJA_DB_NAME names the database)"
        )
    missing = cluster.missing_home_refusal(cfg)
    if missing is not None:  # nothing to reset: it made a new cluster in the mistyped folder
        raise missing
    # a stopped cluster is started, not deleted: its data folder holds every other
    # database of the cluster too (the app's own, with its imports)
    for note in cluster.start(cfg):
        typer.echo(f"local cluster: {note}")
    db.drop_database(cfg)
    up(migrate_=True)
