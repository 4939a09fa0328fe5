"""Browser fixtures: a real ``walouja serve`` on a free port and Debian's headless Chromium.

The server runs against the test database with ``WALOUJA_TILES=none`` (no internet). The
browser is ``/usr/bin/chromium`` driven by Playwright; no browser is ever downloaded.
Screenshots go to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from walouja.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 90


def map_iframe(key: str | None = None) -> str:
    """The selector of the map's frame as it is now (in the container ``key`` if given).

    st_folium mounts a new frame whenever the map changes, and for the moment of a rerun the
    old one is still in the page, marked stale: a selector that also matched it found two
    frames and failed (CI, after a place search).
    """
    inner = "[data-stale='false'] iframe[title='streamlit_folium.st_folium']"
    return f".st-key-{key} {inner}" if key else inner


def map_document(page: Any, key: str | None = None) -> Any:
    """The map's own document (a Playwright ``Frame``), for scripts run inside the map."""
    handle = page.locator(map_iframe(key)).element_handle()
    return handle.content_frame()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll Streamlit's health endpoint until it answers (or the server dies)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"walouja serve exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval of a readiness loop, not a fixed wait
    pytest.fail(f"walouja serve did not answer within {SERVER_START_TIMEOUT_S}s")


@contextmanager
def serving(db_name: str, log_name: str) -> Iterator[str]:
    """URL of a ``walouja serve`` on a free port against the database ``db_name`` (its log in
    ``tests/artifacts/<log_name>``), stopped on leaving."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / log_name
    env = {
        **os.environ,
        "WALOUJA_DB_NAME": db_name,
        "WALOUJA_TILES": "none",
        "WALOUJA_LANGUAGE": "fr",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    walouja = shutil.which("walouja", path=str(ROOT / ".venv" / "bin")) or "walouja"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [walouja, "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(settings: Settings, engine: object) -> Iterator[str]:
    """URL of a ``walouja serve`` started for this session against the test database."""
    with serving(settings.db_name, "serve.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from Debian's package, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def app(app_url: str, browser: object) -> str:
    """``app_url`` after one visit to the entry page.

    Tests that are not about a cold server start from a warmed one.
    """
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        pg = context.new_page()
        pg.goto(app_url)
        pg.locator("h1").first.wait_for()  # the entry page ran (and called st.navigation)
    finally:
        context.close()
    return app_url


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page (1440×1000); a screenshot is kept when the test fails."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            pg.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so ``page`` knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


DRAWN_TEXT_HOOK = """
window.__drawn = [];
const proto = CanvasRenderingContext2D.prototype;
const dpr = () => window.devicePixelRatio || 1;
const rect = proto.rect;
proto.rect = function (x, y, w, h) {
    const m = this.getTransform();
    this.__rect = {left: (m.a * x + m.e) / dpr(), right: (m.a * (x + w) + m.e) / dpr()};
    return rect.call(this, x, y, w, h);
};
const clip = proto.clip;
proto.clip = function (...args) {
    this.__clip = this.__rect;
    return clip.apply(this, args);
};
const save = proto.save;
proto.save = function () {
    (this.__clips = this.__clips || []).push(this.__clip);
    return save.call(this);
};
const restore = proto.restore;
proto.restore = function () {
    this.__clip = (this.__clips || []).pop();
    return restore.call(this);
};
const fill = proto.fillText;
proto.fillText = function (text, x, y, maxWidth) {
    const canvas = this.canvas;
    const table = canvas.closest && canvas.closest("[data-testid='stDataFrame']");
    if (table) {
        const m = this.getTransform();
        const width = this.measureText(text).width * m.a / dpr();
        const at = (m.a * x + m.e) / dpr();
        const rtl = this.direction === "rtl" ||
            (this.direction === "inherit" && getComputedStyle(canvas).direction === "rtl");
        const align = this.textAlign;
        const right = align === "right" || (align === "end" && !rtl) || (align === "start" && rtl);
        const left = right ? at - width : align === "center" ? at - width / 2 : at;
        const tables = [...document.querySelectorAll("[data-testid='stDataFrame']")];
        window.__drawn.push({text: String(text), left, right: left + width,
                             y: (m.d * y + m.f) / dpr(), clip: this.__clip || null,
                             canvas: canvas.clientWidth, table: tables.indexOf(table)});
    }
    return fill.call(this, text, x, y, maxWidth);
};
"""
"""An init script recording what Streamlit's data grids draw on their canvas: for each text,
``text``, its ``left``/``right`` and ``y`` in CSS pixels, the ``clip`` rectangle of its
column (``left``/``right``, or null), the canvas width and the grid's index on the page
(``table``), in ``window.__drawn``. Shared by the browser tests of tables."""


@contextmanager
def grid_page(
    browser: Any,
    *,
    width: int = 1366,
    height: int = 768,
    timeout_ms: int = 30_000,
    **options: Any,
) -> Iterator[Any]:
    """A fresh page of ``width`` × ``height`` (a common laptop's by default) that records what
    the data grids draw (:data:`DRAWN_TEXT_HOOK`); its context is closed on leaving.
    ``options`` go to the browser context (``locale=``...)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    page.add_init_script(DRAWN_TEXT_HOOK)
    try:
        yield page
    finally:
        context.close()


_ON_TOP = """b => {
    const r = b.getBoundingClientRect();
    const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return e !== null && b.contains(e);
}"""


def toolbar_button(page: Any, block: Any, name: str) -> Any:
    """The button named ``name`` in the toolbar of the table in ``block`` (its element
    container), ready for the mouse.

    The table is brought to the middle of the window, clear of the page's sticky header, and
    the mouse rests on it until its toolbar is drawn on top: the toolbar fades in, and until
    then the grid beneath takes the pointer (Playwright then scrolls the button under the
    header, where the header takes it)."""
    table = block.locator("[data-testid='stDataFrame']")
    table.evaluate("e => e.scrollIntoView({block: 'center'})")
    table.hover()
    button = block.get_by_role("button", name=name, exact=True)
    button.wait_for()
    page.wait_for_function(_ON_TOP, arg=button.element_handle())
    return button


_GRIDS_QUIET = """quiet => {
    const n = window.__drawn.length, now = performance.now();
    const s = window.__settled;
    if (!s || s.n !== n) { window.__settled = {n, t: now}; return false; }
    return now - s.t >= quiet;
}"""


def wait_idle(page: Any) -> None:
    """Wait until the app's script has run to its end and its running indicator is gone.

    The indicator shows only after a short delay, so its absence alone does not say a run
    ended: a page just drawn could still be running (and adding what a test then reads).
    Streamlit marks its root with the script's state; its own tests wait on the same mark.
    """
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached"
    )
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached")


def settle_grids(page: Any, quiet_ms: int = 400) -> None:
    """Wait until the grids have drawn nothing new for ``quiet_ms``: their last draw, at
    their laid-out width (a grid draws once as it mounts, again once laid out)."""
    page.evaluate("window.__settled = null")
    page.wait_for_function(_GRIDS_QUIET, arg=quiet_ms, polling=100)


def last_draws(page: Any, table: int | None = None) -> list[dict[str, Any]]:
    """The last draw of each text at each height of the ``table``-th grid (every grid when
    None) inside a column, as :data:`DRAWN_TEXT_HOOK` records them."""
    last: dict[tuple[int, str, int], dict[str, Any]] = {}
    for d in page.evaluate("window.__drawn"):
        if d["clip"] and (table is None or d["table"] == table):
            last[(d["table"], d["text"], round(d["y"]))] = d
    return list(last.values())


def cut_texts(draws: Iterable[dict[str, Any]]) -> list[str]:
    """The texts of ``draws`` that run past their column's edge or the grid's, sorted."""
    return sorted(
        {
            d["text"]
            for d in draws
            if d["left"] < max(d["clip"]["left"], 0) - 1
            or d["right"] > min(d["clip"]["right"], d["canvas"]) + 1
        }
    )
