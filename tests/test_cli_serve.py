"""`walouja serve`: the server is the command's own process, so stopping one stops the other."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WALOUJA = str(Path(sys.executable).with_name("walouja"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _wait_answering(proc: subprocess.Popen[bytes], port: int, what: str) -> None:
    """Wait (up to 60 s) until the server started by ``proc`` answers on ``port``."""
    deadline = time.monotonic() + 60
    while not _answers(port):
        assert proc.poll() is None, f"{what} stopped before answering"
        assert time.monotonic() < deadline, "the server did not answer in 60 s"
        time.sleep(0.5)


def test_stopping_serve_stops_the_server_and_frees_its_port() -> None:
    # killing `walouja serve` by its process id left Streamlit running as its child, holding
    # the port, so that the next `walouja serve` on it failed ("Port … is not available")
    port = _free_port()
    proc = subprocess.Popen(
        [WALOUJA, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "WALOUJA_TILES": "none"},
    )
    try:
        _wait_answering(proc, port, "walouja serve")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert not _answers(port)
        with socket.socket() as s:  # the port is free again: nothing listens on it
            # SO_REUSEADDR as servers set it: the health checks' closed connections may wait
            # out TIME_WAIT on the port (EADDRINUSE under load), but a listener still bound
            # to it makes the bind fail all the same
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_bare_streamlit_run_serves_the_maps_local_files() -> None:
    # `streamlit run app/Home.py` without `walouja serve`'s options served no /app/static/:
    # the map's Leaflet files did not load and the map was a frame 0 px high, without a word
    root = Path(__file__).resolve().parents[1]
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/Home.py", "--server.port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "WALOUJA_TILES": "none"},
    )
    try:
        _wait_answering(proc, port, "streamlit run")
        url = f"http://127.0.0.1:{port}/app/static/vendor/node_modules/leaflet/dist/leaflet.js"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.status == 200
            assert b"Leaflet" in r.read(4096)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_port_in_use_is_one_line_saying_what_to_do() -> None:
    # Streamlit said "2026-… Port 8501 is not available", nothing more
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        for args, env, where in (
            (["serve", "--port", str(port)], {}, "--port"),
            (["serve"], {"WALOUJA_APP_PORT": str(port)}, "WALOUJA_APP_PORT"),
        ):
            done = subprocess.run(
                [WALOUJA, *args],
                capture_output=True,
                text=True,
                env={**os.environ, **env},
                timeout=120,
            )
            assert done.returncode == 1
            assert done.stdout == ""
            assert done.stderr == (
                f"walouja: port {port} is already in use (by another walouja serve, or another "
                f"program) — stop that one, or choose another port with {where}\n"
            )
