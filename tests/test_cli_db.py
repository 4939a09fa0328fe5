"""`walouja db ...` against a real, separate local cluster (its own WALOUJA_HOME)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.cluster import cluster_paths
from walouja.settings import Settings

WALOUJA = [sys.executable, "-m", "walouja.cli"]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WALOUJA, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _free_port() -> int:
    """A TCP port nothing listens on now: two test runs on one machine each take their own
    (a fixed 5498 or 5499 made the second run's tests fail)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def cluster_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("cluster") / "home"
    if os.geteuid() == 0:
        # the postgres user must be able to enter the folder
        for parent in [home.parent, *home.parent.parents]:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    port = str(_free_port())
    env.update({"WALOUJA_HOME": str(home), "WALOUJA_DB_NAME": "cli_check", "WALOUJA_DB_PORT": port})
    yield env
    _run(env, "db", "down")


def test_up_twice_then_status(cluster_env: dict[str, str]) -> None:
    first = _run(cluster_env, "db", "up")
    assert first.returncode == 0, first.stderr
    assert "database ready" in first.stdout
    second = _run(cluster_env, "db", "up")
    assert second.returncode == 0, second.stderr
    assert "created" not in second.stdout
    status = _run(cluster_env, "db", "status", "--json")
    assert status.returncode == 0, status.stderr
    payload = json.loads(status.stdout)
    assert payload["reachable"] is True
    assert payload["ok"] is True
    assert payload["revision"] == payload["head"]
    assert payload["postgis_version"]


def test_url_is_accepted_by_psql(cluster_env: dict[str, str]) -> None:
    assert _run(cluster_env, "db", "up").returncode == 0
    url = _run(cluster_env, "db", "url").stdout.strip()
    out = subprocess.run(
        ["psql", url, "-Atc", "SELECT postgis_lib_version()"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()[0].isdigit()


def test_down_then_status_then_up(cluster_env: dict[str, str]) -> None:
    assert _run(cluster_env, "db", "up").returncode == 0
    down = _run(cluster_env, "db", "down")
    assert down.returncode == 0
    assert "stopped" in down.stdout
    status = _run(cluster_env, "db", "status")
    assert status.returncode == 1
    assert "not running" in status.stdout
    assert "Traceback" not in status.stderr
    # "error_code": null, though not ok: a script could not tell why
    as_json = json.loads(_run(cluster_env, "db", "status", "--json").stdout)
    assert (as_json["ok"], as_json["error_code"]) == (False, "cluster_not_running")
    up = _run(cluster_env, "db", "up")
    assert up.returncode == 0, up.stderr
    assert _run(cluster_env, "db", "status").returncode == 0


def test_crash_leaves_stale_pid_and_up_recovers(cluster_env: dict[str, str]) -> None:
    assert _run(cluster_env, "db", "up").returncode == 0
    # this cluster's own data folder (under its home, or under /var/tmp when the postgres
    # user cannot enter the home): a search of /var/tmp found another run's cluster, and
    # this test killed it
    own = Settings(
        home=Path(cluster_env["WALOUJA_HOME"]), db_port=int(cluster_env["WALOUJA_DB_PORT"])
    )
    pid_file = cluster_paths(own).data / "postmaster.pid"
    assert pid_file.exists()
    pid = int(pid_file.read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        subprocess.run(["sleep", "0.05"], check=False)
    # the crash leaves postmaster.pid behind; make it point at a dead pid for certain
    pid_file.write_text("999999\n" + "\n".join(pid_file.read_text().splitlines()[1:]) + "\n")
    up = _run(cluster_env, "db", "up")
    assert up.returncode == 0, up.stderr
    assert "stale postmaster.pid" in up.stdout
    assert _run(cluster_env, "db", "status").returncode == 0


def test_port_in_use_is_one_line(cluster_env: dict[str, str]) -> None:
    _run(cluster_env, "db", "down")
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))  # a port of its own, held until the check is done
        blocker.listen()
        port = blocker.getsockname()[1]
        env = {**cluster_env, "WALOUJA_DB_LISTEN_TCP": "true", "WALOUJA_DB_PORT": str(port)}
        out = _run(env, "db", "up")
    assert out.returncode == 1
    assert f"port {port} is already in use" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_unreachable_database_url_status(cluster_env: dict[str, str]) -> None:
    env = {**cluster_env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    out = _run(env, "db", "status")
    assert out.returncode == 1
    assert "cannot reach the database" in out.stdout
    # whether a server it cannot reach runs is not known from here: not "running": true
    status = json.loads(_run(env, "db", "status", "--json").stdout)
    assert status["running"] is None
    assert status["reachable"] is False
    # its own code: a script can tell a server it cannot reach from a refused login
    assert status["error_code"] == "database_unreachable"
    up = _run(env, "db", "up")
    assert up.returncode == 1
    assert "Traceback" not in up.stderr
    assert len(up.stderr.strip().splitlines()) == 1


def test_status_says_why_a_reachable_database_is_not_ready(cluster_env: dict[str, str]) -> None:
    assert _run(cluster_env, "db", "up").returncode == 0
    env = {**cluster_env, "WALOUJA_DB_NAME": "cli_bare"}
    server = _run({**cluster_env, "WALOUJA_DB_NAME": "postgres"}, "db", "url").stdout.strip()
    for sql in ("DROP DATABASE IF EXISTS cli_bare", "CREATE DATABASE cli_bare"):
        subprocess.run(["psql", server, "-c", sql], check=True, capture_output=True)
    bare = json.loads(_run(env, "db", "status", "--json").stdout)
    assert (bare["reachable"], bare["ok"], bare["error_code"]) == (True, False, "postgis_missing")
    up = _run(env, "db", "up", "--no-migrate")
    assert up.returncode == 0, up.stderr
    behind = json.loads(_run(env, "db", "status", "--json").stdout)
    assert (behind["ok"], behind["error_code"]) == (False, "not_migrated")
    assert _run(env, "db", "up").returncode == 0
    ready = json.loads(_run(env, "db", "status", "--json").stdout)
    assert (ready["ok"], ready["error_code"]) == (True, None)


def test_status_tells_a_refused_login_from_a_server_down(cluster_env: dict[str, str]) -> None:
    # the server answered and refused the user, and the status said "unreachable"
    assert _run(cluster_env, "db", "up").returncode == 0
    out = _run({**cluster_env, "WALOUJA_DB_USER": "nobody"}, "db", "status")
    assert out.returncode == 1
    assert "status: server up, login refused — the database server at " in out.stdout
    assert "has no user 'nobody'" in out.stdout
    assert "unreachable" not in out.stdout


def test_status_tells_a_missing_database_from_a_server_down(cluster_env: dict[str, str]) -> None:
    # the server answers and only the database is missing: not "unreachable"
    assert _run(cluster_env, "db", "up").returncode == 0
    env = {**cluster_env, "WALOUJA_DB_NAME": "walouja_not_created"}
    out = _run(env, "db", "status")
    assert out.returncode == 1
    assert "status: server up, database missing" in out.stdout
    assert "walouja db up" in out.stdout
    status = json.loads(_run(env, "db", "status", "--json").stdout)
    assert status["error_code"] == "database_missing"


def test_reset_names_the_database_it_deletes_and_asks_for_yes(cluster_env: dict[str, str]) -> None:
    # it said "this deletes every table of the local database", not which one
    assert _run(cluster_env, "db", "up").returncode == 0
    asked = _run(cluster_env, "db", "reset")
    assert asked.returncode == 1
    assert asked.stderr == (
        "walouja: this deletes the database cli_check of the local cluster, with all its data — "
        "add --yes to confirm (WALOUJA_DB_NAME names the database)\n"
    )
    assert asked.stdout == ""
    done = _run(cluster_env, "db", "reset", "--yes")
    assert done.returncode == 0, done.stderr
    assert "created database cli_check" in done.stdout
    external = _run(
        {**cluster_env, "DATABASE_URL": "postgresql://x:y@127.0.0.1:1/nodb"}, "db", "reset", "--yes"
    )
    assert external.returncode == 1
    assert external.stderr.startswith("walouja: DATABASE_URL is set: reset only handles the local")


def test_reset_of_a_stopped_cluster_keeps_its_other_databases(cluster_env: dict[str, str]) -> None:
    # `db reset --yes` on a stopped cluster deleted the cluster's whole data folder: every
    # other database of it (the app's own `walouja`, with its imports) went with the one named
    other = {**cluster_env, "WALOUJA_DB_NAME": "cli_keep_me"}
    assert _run(other, "db", "up").returncode == 0
    assert _run(cluster_env, "db", "up").returncode == 0
    assert _run(cluster_env, "db", "down").returncode == 0
    done = _run(cluster_env, "db", "reset", "--yes")
    assert done.returncode == 0, done.stderr
    assert "created database cli_check" in done.stdout
    kept = json.loads(_run(other, "db", "status", "--json").stdout)
    assert (kept["ok"], kept["error_code"]) == (True, None)


def test_reset_refuses_the_servers_own_databases(cluster_env: dict[str, str]) -> None:
    # WALOUJA_DB_NAME=postgres ended in the driver's traceback ("cannot drop the currently
    # open database"); template1 is the one every new database is copied from
    assert _run(cluster_env, "db", "up").returncode == 0
    for name in ("postgres", "template1"):
        out = _run({**cluster_env, "WALOUJA_DB_NAME": name}, "db", "reset", "--yes")
        assert out.returncode == 1
        assert out.stderr == (
            f"walouja: WALOUJA_DB_NAME={name} names one of PostgreSQL's own databases, which "
            "reset does not delete — set WALOUJA_DB_NAME to the database of Walouja to reset "
            "(walouja by default)\n"
        )
    assert _run(cluster_env, "db", "status").returncode == 0


def test_status_not_ready_says_why_on_stderr(cluster_env: dict[str, str]) -> None:
    # exit code 1 and nothing on stderr: a script that keeps stderr alone had no reason
    env = {**cluster_env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    for extra in ([], ["--json"]):
        out = _run(env, "db", "status", *extra)
        assert out.returncode == 1
        assert out.stderr == (
            "walouja: cannot reach the database at postgresql://nobody@127.0.0.1:9/none — check "
            "that the server in DATABASE_URL is running and reachable\n"
        )
    assert json.loads(_run(env, "db", "status", "--json").stdout)["ok"] is False


def test_a_new_port_while_the_cluster_runs_says_how_to_move_it(
    cluster_env: dict[str, str],
) -> None:
    # `walouja db up` found the cluster running (on its old port) and left it, then said it
    # could not reach the database on the new one, "start the local cluster with `walouja
    # db up`": the command just run
    assert _run(cluster_env, "db", "up").returncode == 0
    old = cluster_env["WALOUJA_DB_PORT"]
    new = str(_free_port())
    moved = {**cluster_env, "WALOUJA_DB_PORT": new}
    said = (
        f"walouja: the local cluster runs on port {old}, not on port {new} (WALOUJA_DB_PORT) — "
        f"run `walouja db down` then `walouja db up` to move it to port {new}, or set "
        f"WALOUJA_DB_PORT to {old}\n"
    )
    up = _run(moved, "db", "up")
    assert (up.returncode, up.stderr) == (1, said)
    # and any other command ("cannot reach … start the local cluster with `walouja db up`")
    listed = _run(moved, "scenarios", "list")
    assert (listed.returncode, listed.stderr) == (1, said)
    status = _run(moved, "db", "status", "--json")
    assert status.returncode == 1
    assert json.loads(status.stdout)["error_code"] == "cluster_other_port"
    assert status.stderr == said
    # and the advice works: down, then up on the new port
    assert _run(moved, "db", "down").returncode == 0
    again = _run(moved, "db", "up")
    assert again.returncode == 0, again.stderr
    assert f"port={new}" in again.stdout
    assert _run(moved, "db", "down").returncode == 0
    assert _run(cluster_env, "db", "up").returncode == 0


def test_a_program_other_than_postgresql_on_the_port_is_named(
    cluster_env: dict[str, str], web_server: int
) -> None:
    # a web server answered on the port of DATABASE_URL: "cannot use the database at …:
    # connection to server … failed: received invalid response to SSL negotiation: H"
    port = web_server
    env = {**cluster_env, "DATABASE_URL": f"postgresql://x:y@127.0.0.1:{port}/db"}
    out = _run(env, "db", "status", "--json")
    assert out.returncode == 1
    assert out.stderr == (
        f"walouja: something other than PostgreSQL answers at postgresql://x:***@127.0.0.1:"
        f"{port}/db — check the port in DATABASE_URL ({port} is not a PostgreSQL server's)\n"
    )
    assert json.loads(out.stdout)["error_code"] == "not_postgres"
