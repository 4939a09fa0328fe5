"""The project-local PostgreSQL cluster: initdb, start, stop and status through pg_ctl.

The cluster lives under ``Settings.home`` (``.walouja/`` by default) and listens on a Unix
socket inside it, so it never clashes with a system PostgreSQL on port 5432. PostgreSQL refuses
to run as root; when the caller is root, every server command runs as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from walouja.errors import ClusterError
from walouja.settings import Settings

_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux; keep a margin


@dataclass(frozen=True)
class ClusterPaths:
    """Where the local cluster keeps its files."""

    home: Path
    data: Path
    socket_dir: Path
    log: Path


def find_pg_bin() -> Path:
    """Return the folder holding ``pg_ctl`` and ``initdb`` (the newest installed version)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise ClusterError(
        "PostgreSQL server programs (pg_ctl, initdb) are not installed",
        hint="run `sudo apt-get install postgresql postgis` or set DATABASE_URL",
    )


def _is_root() -> bool:
    return os.geteuid() == 0


def _postgres_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError(
            "running as root but there is no `postgres` user to run the cluster",
            hint="install Debian's postgresql package (it creates the user) or run unprivileged",
        ) from None


def _as_server_user(cmd: list[str]) -> list[str]:
    if _is_root():
        _postgres_user()
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _server_user_can_reach(path: Path) -> bool:
    if not _is_root():
        return True
    result = subprocess.run(
        _as_server_user(["test", "-w", str(path)]), capture_output=True, check=False
    )
    return result.returncode == 0


def cluster_home_refusal(home: Path) -> ClusterError:
    """The refusal of a cluster folder the account running walouja may not write."""
    return ClusterError(
        f"cannot write the local database's folder {home}: permission denied",
        hint="run walouja as the account that set the database up, or let this one write "
        "the folder (chown or chmod), or set WALOUJA_HOME to a folder of its own (or "
        "DATABASE_URL to another database)",
        code="cluster_home_not_writable",
        params={"home": str(home)},
    )


def _server_user_reaches_home(home: Path) -> bool:
    """Whether the ``postgres`` user (root's server account) may keep the cluster in ``home``.

    A probe folder made there and given to ``postgres`` answers it. Root without the power
    to override permissions (a container's root, ``setpriv``) may not write a ``home`` that
    ``postgres`` owns, as it does once root has set the cluster up: ``postgres`` is then
    asked about ``home`` itself (a ``PermissionError`` traceback came from every command
    that opens the database). A ``home`` neither may write is refused with what to do.
    """
    try:
        home.mkdir(parents=True, exist_ok=True)
        # one probe per process and thread: app sessions and parallel test runs call this
        # at the same time, and a shared probe was removed under another caller's feet
        probe = home / f".probe-{os.getpid()}-{threading.get_ident()}"
        probe.mkdir(exist_ok=True)
    except PermissionError:
        if home.is_dir() and _server_user_can_reach(home):
            return True
        raise cluster_home_refusal(home) from None
    try:
        os.chown(probe, _postgres_user().pw_uid, _postgres_user().pw_gid)
        return _server_user_can_reach(probe)
    finally:
        probe.rmdir()


def cluster_paths(settings: Settings) -> ClusterPaths:
    """Compute the cluster's folders, falling back where the project path cannot be used.

    Two fallbacks exist: a socket path longer than the kernel allows moves the socket to a
    short folder under ``/tmp``; and when root runs a project the ``postgres`` user cannot
    enter (for example under ``/root``), the data folder moves to ``/var/tmp``.

    A ``home`` that does not exist is not created here (:func:`init` creates it): a
    command that only reads (``walouja db status``, ``walouja coverage``) made the folder a
    mistyped ``WALOUJA_HOME`` named. Its cluster, if any, is then the one moved out.
    """
    home = settings.home.resolve()
    digest = hashlib.sha1(str(home).encode()).hexdigest()[:10]
    data = home / "pgdata"
    socket_dir = home / "run"
    outside = Path("/var/tmp") / f"walouja-{digest}"
    if _is_root() and (
        not _server_user_reaches_home(home) if home.is_dir() else (outside / "pgdata").is_dir()
    ):
        data = outside / "pgdata"
        socket_dir = outside / "run"
    if len(str(socket_dir / f".s.PGSQL.{settings.db_port}")) > _SOCKET_PATH_MAX:
        socket_dir = Path("/tmp") / f"walouja-{digest}"
    return ClusterPaths(
        home=home, data=data, socket_dir=socket_dir, log=data.parent / "postgres.log"
    )


def local_url(settings: Settings, *, driver: bool = False) -> str:
    """The libpq URL of the local cluster's database (``psql`` accepts it)."""
    paths = cluster_paths(settings)
    scheme = "postgresql+psycopg2" if driver else "postgresql"
    return (
        f"{scheme}://{quote(settings.db_user)}@/{quote(settings.db_name)}"
        f"?host={quote(str(paths.socket_dir), safe='/')}&port={settings.db_port}"
    )


def _prepare_dir(path: Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if _is_root():
        user = _postgres_user()
        os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(mode)


def _pg_ctl(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    paths = cluster_paths(settings)
    cmd = [str(find_pg_bin() / "pg_ctl"), "-D", str(paths.data), *args]
    return subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)


def is_initialised(settings: Settings) -> bool:
    """Whether ``initdb`` has already created the data folder."""
    return (cluster_paths(settings).data / "PG_VERSION").exists()


def is_running(settings: Settings) -> bool:
    """Whether the local cluster's server process is running."""
    if not is_initialised(settings):
        return False
    return _pg_ctl(settings, "status").returncode == 0


def running_port(settings: Settings) -> int | None:
    """The port the running local cluster listens on (from its ``postmaster.pid``), or None
    when it does not run or the file cannot be read."""
    if not is_running(settings):
        return None
    try:
        lines = (cluster_paths(settings).data / "postmaster.pid").read_text().splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


def other_port_refusal(settings: Settings, port: int) -> ClusterError:
    """The refusal of a ``WALOUJA_DB_PORT`` other than the port the cluster runs on.

    ``walouja db up`` found the cluster running and left it, then said it could not reach
    the database, and to run ``walouja db up``: advice that went round in a loop.
    """
    return ClusterError(
        f"the local cluster runs on port {port}, not on port {settings.db_port} (WALOUJA_DB_PORT)",
        hint=f"run `walouja db down` then `walouja db up` to move it to port "
        f"{settings.db_port}, or "
        + (
            "unset WALOUJA_DB_PORT"
            if port == Settings.model_fields["db_port"].default
            else f"set WALOUJA_DB_PORT to {port}"
        ),
        code="cluster_other_port",
        params={"port": port, "wanted": settings.db_port},
    )


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _remove_stale_pid(settings: Settings) -> bool:
    """Remove ``postmaster.pid`` left by a crash. Return whether one was removed."""
    paths = cluster_paths(settings)
    pid_file = paths.data / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (ValueError, IndexError, OSError):
        pid = -1
    alive = False
    if pid > 0:
        try:
            os.kill(pid, 0)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            alive = b"postgres" in cmdline
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            alive = False
    if alive:
        return False
    pid_file.unlink()
    for lock in paths.socket_dir.glob(".s.PGSQL.*"):
        with contextlib.suppress(OSError):
            lock.unlink()
    return True


def missing_home_refusal(settings: Settings) -> ClusterError | None:
    """The refusal of a ``WALOUJA_HOME`` set to a folder that does not exist (None when it
    exists, or is not set: the project's ``.walouja`` before ``walouja db up``).

    Every command that opens the database said to start the cluster with ``walouja db
    up``, which would have made a new, empty one in the mistyped folder.
    """
    home = settings.home.resolve()
    if home.exists() or "home" not in settings.model_fields_set:
        return None
    return ClusterError(
        f"WALOUJA_HOME={settings.home} does not exist: there is no local cluster there",
        hint="check WALOUJA_HOME in the environment or .env (unset, it is the project's "
        ".walouja folder), or run `walouja db up` to create a new cluster there",
        code="cluster_home_missing",
        params={"home": str(settings.home)},
    )


def init(settings: Settings) -> bool:
    """Create the cluster with ``initdb`` unless it exists. Return whether it was created."""
    if is_initialised(settings):
        return False
    # the folder first: where the data go depends on who may write in it (cluster_paths)
    settings.home.resolve().mkdir(parents=True, exist_ok=True)
    paths = cluster_paths(settings)
    _prepare_dir(paths.data.parent, 0o755)
    if paths.data.exists() and any(paths.data.iterdir()):
        raise ClusterError(
            f"{paths.data} exists but holds no PostgreSQL cluster",
            hint="remove that folder (or run `walouja db reset --yes`) and try again",
        )
    _prepare_dir(paths.data, 0o700)
    cmd = [
        str(find_pg_bin() / "initdb"),
        "-D",
        str(paths.data),
        "-U",
        settings.db_user,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
    ]
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClusterError(
            f"initdb failed: {_last_line(result.stderr or result.stdout)}",
            hint=f"see the full output with: {' '.join(cmd)}",
        )
    return True


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def start(settings: Settings, *, timeout: float = 60.0) -> list[str]:
    """Start the cluster (initialising it first). Return notes on what was done."""
    notes: list[str] = []
    if init(settings):
        notes.append("created a new cluster")
    paths = cluster_paths(settings)
    if is_running(settings):
        port = running_port(settings)
        if port is not None and port != settings.db_port:
            raise other_port_refusal(settings, port)
        return notes
    if _remove_stale_pid(settings):
        notes.append("removed a stale postmaster.pid left by a crash")
    if settings.db_listen_tcp and _port_in_use(settings.db_port):
        raise ClusterError(
            f"port {settings.db_port} is already in use by another program",
            hint="stop that program or set WALOUJA_DB_PORT to a free port",
        )
    _prepare_dir(paths.socket_dir, 0o755)
    paths.log.parent.mkdir(parents=True, exist_ok=True)
    if _is_root():
        paths.log.touch(exist_ok=True)
        user = _postgres_user()
        os.chown(paths.log, user.pw_uid, user.pw_gid)
    listen = "127.0.0.1" if settings.db_listen_tcp else "''"
    options = (
        f"-c listen_addresses={listen} -c port={settings.db_port} "
        f"-c unix_socket_directories='{paths.socket_dir}' -c fsync=on "
        "-c max_connections=100 -c shared_buffers=256MB -c work_mem=32MB"
    )
    result = _pg_ctl(
        settings, "start", "-w", "-t", str(int(timeout)), "-l", str(paths.log), "-o", options
    )
    if result.returncode != 0:
        reason = _explain_log(paths.log)
        raise ClusterError(
            f"the local PostgreSQL did not start: {reason}",
            hint=f"read {paths.log}; `walouja db reset --yes` recreates the cluster",
        )
    deadline = time.monotonic() + timeout
    while not (paths.socket_dir / f".s.PGSQL.{settings.db_port}").exists():
        if time.monotonic() > deadline:
            raise ClusterError(
                "the local PostgreSQL started but its socket never appeared",
                hint=f"read {paths.log}",
            )
        time.sleep(0.1)
    notes.append("started")
    return notes


def _explain_log(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()[-30:]
    except OSError:
        return "no log was written"
    for line in reversed(lines):
        if "Address already in use" in line or "could not bind" in line:
            return "its port is already in use by another program"
        if "FATAL" in line or "ERROR" in line:
            return line.split("FATAL:")[-1].split("ERROR:")[-1].strip()
    return _last_line("\n".join(lines))


def stop(settings: Settings) -> bool:
    """Stop the cluster if it runs. Return whether it was running."""
    if not is_running(settings):
        return False
    result = _pg_ctl(settings, "stop", "-m", "fast", "-w")
    if result.returncode != 0:
        raise ClusterError(f"pg_ctl stop failed: {_last_line(result.stderr)}")
    return True
