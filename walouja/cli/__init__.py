"""The `walouja` command line: the same functions as the app, `--json` for machines."""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED: dict[str, Any] = {
    "error": {
        "code": "interrupted",
        "params": {},
        "message": "interrupted",
        "hint": "run the command again to finish it",
    }
}
"""What ``--json`` prints on stdout when Ctrl+C stops a command (exit code 130)."""

_INTERRUPTED_JSON = (
    b'{\n  "error": {\n    "code": "interrupted",\n    "params": {},\n    "message": '
    b'"interrupted",\n    "hint": "run the command again to finish it"\n  }\n}\n'
)
"""The same, ready to write from a signal handler (no import, no formatting there)."""


def _interrupted() -> NoReturn:
    """Ctrl+C before the command has begun (its modules take a second to import): the same
    line, JSON and exit code as during the command, not a traceback."""
    if "--json" in sys.argv[1:]:
        import json

        sys.stdout.write(json.dumps(INTERRUPTED, indent=2) + "\n")
    sys.stderr.write("walouja: interrupted\n")
    raise SystemExit(130) from None


def _interrupted_on_start(signum: int, frame: object) -> None:
    """SIGINT while the command line starts: what :func:`_interrupted` prints, then the end.

    It ends the process at once (``os._exit``) rather than raising: a handler runs wherever
    Python is, and an exception raised inside the import machinery's own lock callbacks is
    printed as "Exception ignored …" with a traceback, and the start went on. Nothing needs
    cleaning up yet: a command's own start gives Ctrl+C back to Python.
    """
    try:
        if "--json" in sys.argv[1:]:
            os.write(1, _INTERRUPTED_JSON)
        os.write(2, b"walouja: interrupted\n")
    finally:
        os._exit(130)


# Ctrl+C anywhere before a command begins (an import, building the command line, parsing
# it) ends as Ctrl+C during the command does: a try around the imports alone left the lines
# between them (and the standard library's own imports, first of all), where it printed a
# traceback. A command's own start (``friendly``) gives Ctrl+C back to Python. Only when this
# is the ``walouja`` program (``python -m`` names itself "-m" while it imports the package):
# a test importing the module keeps its handler.
if (sys.argv[0] == "-m" or os.path.basename(sys.argv[0]) == "walouja") and signal.getsignal(
    signal.SIGINT
) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _interrupted_on_start)

from pathlib import Path  # noqa: E402  (after the handler: each import takes its time)
from typing import Any, NoReturn  # noqa: E402

try:
    import typer

    from walouja.cli._common import HelpGroup, friendly, readable_help, settings
    from walouja.errors import ConfigError
except KeyboardInterrupt:
    _interrupted()

app = typer.Typer(
    help="Walouja — accessibility planning for persons with disabilities in Morocco.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=HelpGroup,
)


@app.command("serve")
@friendly
def serve(
    port: int = typer.Option(None, help="Port (default WALOUJA_APP_PORT, 8501)."),
    headless: bool = typer.Option(True, help="Do not open a browser."),
) -> None:
    """Serve the Streamlit app."""
    cfg = settings()
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a port number", hint="choose one from 1 to 65535")
    _check_port_free(cfg.app_port if port is None else port, given=port is not None)
    entry = Path(__file__).resolve().parents[2] / "app" / "Home.py"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(entry),
        "--server.port",
        str(cfg.app_port if port is None else port),
        "--server.headless",
        str(headless).lower(),
        "--server.enableStaticServing",
        "true",
        "--browser.serverAddress",
        "localhost",
        "--client.toolbarMode",
        "viewer",
        "--browser.gatherUsageStats",
        "false",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    # Streamlit takes this process's place: stopping `walouja serve` (Ctrl+C, kill PID, a
    # service manager) stops the server itself, with no child left holding the port
    os.execve(sys.executable, cmd, os.environ.copy())


def _check_port_free(port: int, *, given: bool) -> None:
    """A ``ConfigError`` when the app could not listen on ``port``: Streamlit said only
    "Port 8501 is not available", without what to do."""
    import errno
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server's own
        try:
            probe.bind(("", port))
        except OSError as exc:
            where = "--port" if given else "WALOUJA_APP_PORT"
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} is already in use (by another walouja serve, or another program)",
                    hint=f"stop that one, or choose another port with {where}",
                ) from None
            if exc.errno == errno.EACCES:
                raise ConfigError(
                    f"port {port} is reserved to the administrator (root)",
                    hint=f"choose a port above 1023 with {where}",
                ) from None
            raise ConfigError(
                f"cannot listen on port {port}: {exc.strerror}",
                hint=f"choose another port with {where}",
            ) from None


def _register_optional() -> None:
    """Add ``walouja db`` and the command modules of the other features (each registers its
    own commands)."""
    import importlib

    from walouja.cli import db as db_cli

    app.add_typer(db_cli.app, name="db")
    for name in ("load", "layers", "analysis", "prioritise"):
        try:
            module = importlib.import_module(f"walouja.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"walouja.cli.{name}":
                continue
            raise
        module.register(app)


try:
    _register_optional()  # most of a command's start: pandas, SciPy, ... behind the commands
except KeyboardInterrupt:
    _interrupted()
readable_help(app)


def main() -> None:
    """Entry point of the ``walouja`` script."""
    app()
