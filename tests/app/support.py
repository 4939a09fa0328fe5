"""What the app tests share: the app's entry point and checks on the state of the test
database."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

HOME = str(Path(__file__).resolve().parents[2] / "app" / "Home.py")
"""The app's entry point, as ``AppTest.from_file`` opens it."""

APP = Path(HOME).parent


def opened(page: str, address: Mapping[str, str], *, timeout: float = 180) -> AppTest:
    """The app's ``page`` (its path under ``app/``, ``views/….py``) opened at an address
    (a shared link): ``address`` is its query; it must render without an exception."""
    at = AppTest.from_file(HOME, default_timeout=timeout)
    for key, value in address.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def page_at(lang: str | None, page: str = "1_Overview", *, timeout: float = 120) -> AppTest:
    """The app's ``views/<page>.py`` as a reader who chose ``lang`` (``?lang=``; ``None``: the
    default) sees it, first opened on the Overview; it must render without an exception."""
    at = AppTest.from_file(HOME, default_timeout=timeout)
    if lang is not None:
        at.query_params["lang"] = lang
    at.run()
    if page != "1_Overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def opened_in(
    monkeypatch: Any,
    lang: str,
    page: str,
    address: Mapping[str, str] | None = None,
    *,
    timeout: float = 180,
) -> AppTest:
    """:func:`opened` in ``lang`` (the default language: AppTest words a box's labels outside
    the session) with the offline basemap; ``monkeypatch`` is the test's."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    return opened(page, address or {}, timeout=timeout)


def widget_calls(*methods: str) -> Iterator[tuple[str, int, ast.Call]]:
    """Every ``….<method>(…)`` call in ``app/`` whose method is one of ``methods``, as
    (path relative to the project, line, call), for checks that every widget of a kind is
    given an argument."""
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in methods
            ):
                yield str(path.relative_to(APP.parent)), node.lineno, node


def lacking_keyword(calls: list[tuple[str, int, ast.Call]], keyword: str) -> list[str]:
    """The ``path:line`` of each call in ``calls`` not given ``keyword=``."""
    return [
        f"{path}:{line}"
        for path, line, call in calls
        if not any(k.arg == keyword for k in call.keywords)
    ]


def require_no_centre_of_type(engine: Engine, kind: str) -> None:
    """Fail unless no centre has type ``kind`` (the demonstration centres have no ``other``):
    the tests of a centre type without centres rely on it."""
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE centre_type = :k"), {"k": kind}
        ).scalar_one()
    assert found == 0, f"expects the demonstration centres, which have no type {kind!r}"


def longest_eps(engine: Engine) -> Any:
    """The EPS centre with the longest Arabic name (``external_id``, ``name``, ``name_ar``)."""
    with engine.connect() as c:
        return c.execute(
            sa.text(
                "SELECT external_id, name, name_ar FROM centres WHERE centre_type = 'EPS' "
                "ORDER BY length(name_ar) DESC, external_id LIMIT 1"
            )
        ).one()


_ADD_CREDIT = re.compile(r"attributionControl\.addAttribution\((\"(?:[^\"\\]|\\.)*\")\)")


def map_credits(text: str) -> list[str]:
    """The texts a folium map's script in ``text`` adds to its credits (Leaflet's
    attribution control), decoded; the spans that keep an Arabic map's bracketed parts on one
    line, left to right, are taken out."""
    found = [json.loads(credit) for credit in _ADD_CREDIT.findall(text)]
    return [re.sub(r"<span [^>]*>|</span>", "", credit) for credit in found]


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>$~:=^])")
"""A sign escaped by ``app.shell.plain_markdown``."""


def as_read(markdown: str) -> str:
    r"""A page's Markdown text as the reader reads it: the signs of a value shown as typed
    (a file's name, ``centres\.csv``) without their escape (``centres.csv``)."""
    return _ESCAPED.sub(r"\1", markdown)
