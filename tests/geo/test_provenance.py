"""The provenance texts Walouja writes: found again whatever their fields, worded in every
language with the same fields, and what the loaders actually stored."""

from __future__ import annotations

import string

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.i18n import catalogues
from geo import provenance
from geo.census import LAYER_SOURCES
from geo.importer import OSM_SOURCE

FRENCH_TEMPLATES = {"census.title.regions", "census.title.provinces", "census.title.communes"}
"""Texts stored in French (the census levels' titles): the English page has its own words."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", sorted(provenance.TEXTS))
def test_each_text_is_found_again_with_its_fields(code: str) -> None:
    fields = {name: f"9.{i}.0" for i, name in enumerate(sorted(_fields(provenance.TEXTS[code])))}
    assert provenance.recognise(provenance.english(code, **fields)) == (code, fields)


def test_a_text_typed_at_import_or_a_changed_one_is_not_recognised() -> None:
    assert provenance.recognise("CC0 1.0") is None
    assert provenance.recognise("CC0 1.0 (invented data) ") is None  # whole texts only
    assert provenance.recognise("relevé de terrain, 2025") is None
    assert provenance.recognise(None) is None
    assert provenance.recognise("") is None


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_language_words_every_text_with_the_same_fields(lang: str) -> None:
    texts = catalogues().texts[lang]
    for code, template in provenance.TEXTS.items():
        worded = texts[f"provenance.{code}"]
        assert _fields(worded) == _fields(template), (lang, code)
        if lang == "en" and code not in FRENCH_TEMPLATES:
            assert worded == template, code  # the English page says what the CLI prints
    extra = {k for k in texts if k.startswith("provenance.")} - {
        f"provenance.{c}" for c in provenance.TEXTS
    }
    assert not extra


def test_the_loaders_write_the_templates() -> None:
    assert LAYER_SOURCES["regions"]["title"] == "Régions (RGPH 2024)"
    assert OSM_SOURCE == "OpenStreetMap contributors"


def test_every_text_the_load_stored_is_recognised(engine: Engine) -> None:
    columns = ["title", "source", "licence", "attribution", "notes"]
    query = f"SELECT layer, {', '.join(columns)} FROM layer_sources WHERE layer IN :layers"
    layers = ("regions", "provinces", "communes", "accessible_cities")
    with engine.connect() as c:
        rows = list(
            c.execute(
                sa.text(query).bindparams(sa.bindparam("layers", expanding=True)),
                {"layers": list(layers)},
            ).all()
        )
    assert {r[0] for r in rows} == set(layers), "run `walouja load`"
    demo = "SELECT title, source, licence, notes FROM layer_sources WHERE is_demo"
    with engine.connect() as c:
        rows += list(c.execute(sa.text(demo)).all())
    unknown = [v for r in rows for v in r if v and v not in layers and not provenance.recognise(v)]
    assert not unknown
