"""Translation catalogues (French, Arabic, English) and the ``t()`` lookup the pages use.

Every ``data/i18n/*.{lang}.json`` file is a flat JSON object ``{"key": "text"}``; the files of
one language are merged, so each feature can ship its own catalogue (``app.fr.json``,
``prioritise.fr.json``...). Texts may hold ``str.format`` fields: ``"{n} centres"``.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from walouja.errors import DataError
from walouja.settings import PROJECT_ROOT

LANGUAGES: tuple[str, ...] = ("fr", "ar", "en")
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français", "ar": "العربية", "en": "English"}
CATALOGUE_DIR = PROJECT_ROOT / "data" / "i18n"
_FILE = re.compile(r"^(?P<domain>[A-Za-z0-9_-]+)\.(?P<lang>[a-z]{2})\.json$")


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many")
"""CLDR plural categories with forms of their own (``other`` is the key itself)."""


def _plural_form_of(key: str, keys: set[str]) -> bool:
    """Whether ``key`` is a plural-category form (``base.two``) of a key in ``keys``."""
    base, _, category = key.rpartition(".")
    return category in PLURAL_CATEGORIES and category != "one" and base in keys


@dataclass(frozen=True)
class Catalogues:
    """The merged texts of every language, and which file each key came from."""

    texts: Mapping[str, Mapping[str, str]]
    origin: Mapping[str, Mapping[str, str]]

    def keys(self) -> set[str]:
        """Every key defined in at least one language."""
        return set().union(*(set(v) for v in self.texts.values()))

    def missing(self) -> dict[str, list[str]]:
        """Per language, the keys another language defines and this one lacks.

        A count's form for a plural category (``key.two``...) belongs to the languages that
        have that category: it is not missing where the language has only ``key``.
        """
        every = self.keys()
        out: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            own = set(self.texts.get(lang, {}))
            lacking = sorted(k for k in every - own if not _plural_form_of(k, own))
            if lacking:
                out[lang] = lacking
        return out

    def field_mismatches(self) -> list[str]:
        """Keys whose ``{fields}`` differ between languages (a translation would crash)."""
        bad = []
        for key in sorted(self.keys()):
            # a count's form may leave the number out ("سطر واحد", "one line")
            count_form = key.rsplit(".", 1)[-1] in PLURAL_CATEGORIES
            fields = {
                lang: _fields(self.texts[lang][key]) - ({"n"} if count_form else set())
                for lang in LANGUAGES
                if key in self.texts.get(lang, {})
            }
            if len({frozenset(f) for f in fields.values()}) > 1:
                bad.append(f"{key}: {fields}")
        return bad


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def load_catalogues(directory: Path = CATALOGUE_DIR) -> Catalogues:
    """Read and merge every catalogue file in ``directory``.

    Raises
    ------
    DataError
        A file is not a flat JSON object of strings, or two files of one language define
        the same key.
    """
    texts: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    origin: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for path in sorted(directory.glob("*.json")):
        match = _FILE.match(path.name)
        if match is None or match["lang"] not in LANGUAGES:
            continue
        lang = match["lang"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"cannot read translation file {path.name}: {exc}") from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise DataError(f"translation file {path.name} must map keys to texts")
        for key, text in data.items():
            if key in texts[lang]:
                raise DataError(
                    f"translation key {key!r} is defined twice for {lang}: "
                    f"{origin[lang][key]} and {path.name}"
                )
            texts[lang][key] = text
            origin[lang][key] = path.name
    return Catalogues(texts=texts, origin=origin)


@lru_cache(maxsize=1)
def catalogues() -> Catalogues:
    """The project's catalogues, read once per process."""
    return load_catalogues()


def translate(key: str, lang: str, /, **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in.

    An unknown key shows as ``⟦key⟧`` (and the catalogue test fails), never as a crash.
    """
    table = catalogues().texts
    text = table.get(lang, {}).get(key)
    if text is None:
        text = table.get("fr", {}).get(key)
    if text is None:
        return f"⟦{key}⟧"
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):
        return text


def has_key(key: str, lang: str) -> bool:
    """Whether the catalogue of ``lang`` itself defines ``key`` (no fallback to French)."""
    return key in catalogues().texts.get(lang, {})


# parameters whose values are identifiers with a label of their own in the catalogues: an
# Arabic message names the layer « المراكز », not ``centres``. English keeps the identifiers,
# as the CLI prints them (its messages are the English texts).
_LABELLED_PARAMS: dict[str, str] = {
    "layer": "layer.",
    "centre_type": "centre_type.",
    "status": "status.",
    "type": "centre_type.",  # a row's type beside another's (a centre type when it is one)
    "other_type": "centre_type.",
}


_COUNT_PARAMS: frozenset[str] = frozenset({"n", "total", "rejected", "maximum"})
"""Parameters of messages and notes that are counts, written with their thousands marked
(row numbers, ids and distances are not)."""


def _fill(
    key: str,
    lang: str,
    params: Mapping[str, object],
    escape: Callable[[str], str] | None = None,
) -> str | None:
    """The text of ``key`` in ``lang`` filled with ``params``; None when it cannot be.

    Except in English, values of the parameters in ``_LABELLED_PARAMS`` (a layer's name, a
    centre type, a status) are shown by their label in ``lang`` when the catalogue has one,
    as is otherwise; counts (``_COUNT_PARAMS``) are written as ``lang`` writes figures.
    ``escape``, when given, is applied to every text value last (the page's Markdown).
    """
    if not has_key(key, lang):
        return None
    count = params.get("n")
    if isinstance(count, int) and not isinstance(count, bool):
        key = count_key(key, count, lang)  # "1 site hors des communes", not "1 site(s)"
    text = catalogues().texts[lang][key]
    shown = dict(params)
    for name, prefix in _LABELLED_PARAMS.items() if lang != "en" else ():
        value = shown.get(name)
        if isinstance(value, str) and has_key(prefix + value, lang):
            shown[name] = catalogues().texts[lang][prefix + value]
    # counts written as the language writes figures ("3 580" in French, "3,580" in English),
    # unless the text gives the figure a format of its own
    plain = {name for _, name, spec, _ in string.Formatter().parse(text) if name and not spec}
    for name in _COUNT_PARAMS & plain:
        value = shown.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            shown[name] = grouped(value, lang)
    if escape is not None:
        shown = {name: escape(v) if isinstance(v, str) else v for name, v in shown.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return None


class Worded(Protocol):
    """A message with a code the catalogues word: a ``WaloujaError``, or the advice of an
    import report (``geo.messages.Advice``)."""

    @property
    def message(self) -> str: ...

    @property
    def hint(self) -> str | None: ...

    @property
    def code(self) -> str | None: ...

    @property
    def params(self) -> Mapping[str, object]: ...


def error_texts(
    exc: Worded, lang: str, *, escape: Callable[[str], str] | None = None
) -> tuple[str, str | None]:
    """The message and hint of ``exc`` worded in ``lang``.

    An error with a ``code`` is worded from ``errors.<code>`` (and ``errors.<code>.hint``)
    filled with its ``params`` (the hint from ``errors.<code>.hint.app`` first: the page's
    wording of a hint the CLI words with its options); without a code, or without a text in
    ``lang``, the English ``message`` and ``hint`` it was raised with. The hint is shown
    only when ``exc`` has one. The advice of an import report is worded the same way.

    ``escape`` (``shell.plain_markdown`` for a page's Markdown) is applied to the values the
    texts are filled with, and to an English text as a whole: a file named
    ``plan_*urgent*_v2.csv`` reads as typed, not in italics.
    """
    message = hint = None
    if exc.code:
        key = f"errors.{exc.code}"
        message = _fill(key, lang, exc.params, escape)
        if message is not None and exc.hint:
            # a hint that names a CLI option has the page's own wording (``.hint.app``)
            hint = _fill(f"{key}.hint.app", lang, exc.params, escape) or _fill(
                f"{key}.hint", lang, exc.params, escape
            )
    if message is None:
        message = exc.message if escape is None else escape(exc.message)
    if hint is None and exc.hint:
        hint = exc.hint if escape is None else escape(exc.hint)
    return message, hint


def note_text(note: str, lang: str, *, escape: Callable[[str], str] | None = None) -> str:
    """A note about an imported file worded in ``lang`` (``warnings.<code>``), else as is.

    ``note`` is usually a ``geo.messages.Note``: its English text with a ``code`` and
    ``params``; a plain string has no other wording. A note the page words with its own
    means (a box, not the CLI's ``--crs``) is worded from ``warnings.<code>.app`` first.
    ``escape`` as for :func:`error_texts`.
    """
    code = getattr(note, "code", None)
    params = getattr(note, "params", None) or {}
    # a note that names a CLI option has the page's own wording (``.app``)
    text = code and (
        _fill(f"warnings.{code}.app", lang, params, escape)
        or _fill(f"warnings.{code}", lang, params, escape)
    )
    if text:
        return text
    return str(note) if escape is None else escape(str(note))


def provenance_text(text: str | None, lang: str) -> str | None:
    """A stored provenance ``text`` (a layer's title, source, licence, notes) in ``lang``.

    Texts Walouja writes itself for the layers it loads are found again by
    ``geo.provenance.recognise`` and worded from ``provenance.<code>``; any other text (a
    source typed at import) is the data's own and is shown as it is stored.
    """
    from geo.provenance import recognise

    found = recognise(text)
    if found is None:
        return text
    code, fields = found
    return _fill(f"provenance.{code}", lang, fields) or text


def is_rtl(lang: str) -> bool:
    """Whether ``lang`` is written right to left."""
    return lang in RTL_LANGUAGES


def current_language() -> str:
    """The language of the current Streamlit session (set by the sidebar)."""
    import streamlit as st

    from app.context import app_settings

    lang = st.session_state.get("lang")
    if lang in LANGUAGES:
        return str(lang)
    return app_settings().language


def t(key: str, /, **fields: object) -> str:
    """The text of ``key`` in the session's language."""
    return translate(key, current_language(), **fields)


def plural_category(n: int, lang: str) -> str:
    """The CLDR plural category of ``n`` in ``lang``.

    French: ``one`` for 0 and 1. Arabic: ``zero`` (0), ``one`` (1), ``two`` (2), ``few``
    (3-10, also 103-110...), ``many`` (11-99, 111-199...), ``other`` (100-102...). English:
    ``one`` for 1. Everything else is ``other``.
    """
    n = abs(int(n))
    if lang == "fr":
        return "one" if n in (0, 1) else "other"
    if lang == "ar":
        if n in (0, 1, 2):
            return ("zero", "one", "two")[n]
        rest = n % 100
        if 3 <= rest <= 10:
            return "few"
        if 11 <= rest <= 99:
            return "many"
        return "other"
    return "one" if n == 1 else "other"


def count_key(key: str, n: int, lang: str) -> str:
    """``key.<category>`` for the plural category of ``n`` in ``lang`` (see
    :func:`plural_category`) when the catalogue has that form, else ``key``."""
    category = plural_category(n, lang)
    form = f"{key}.{category}"
    return form if category != "other" and has_key(form, lang) else key


def tn(key: str, n: int, /, **fields: object) -> str:
    """The text of ``key`` for a count ``n`` (field ``{n}``), singular or plural; ``n``
    written as the language writes figures ("1 503" in French and Arabic, "1,503" in
    English)."""
    lang = current_language()
    return translate(count_key(key, n, lang), lang, n=grouped(n, lang), **fields)


def grouped(n: int, lang: str) -> str:
    """A whole count with its thousands marked: narrow no-break spaces in French and
    Arabic, commas in English."""
    text = f"{int(n):,}"
    return text if lang == "en" else text.replace(",", "\u202f")


def join_list(items: Iterable[str]) -> str:
    """``items`` as a list in the session's language ("a, b" / "a، b"), a Latin item on its
    own on a right-to-left page (:func:`list_words`): the kept sites "Alpha، Bravo" read
    from the right as "Bravo، Alpha"."""
    return list_words(items, current_language())


_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
"""A letter of a right-to-left script (Hebrew, Arabic and their presentation forms)."""
_PLAIN_FIGURE = re.compile("[0-9][0-9.,\u202f\u00a0]*")
"""An unsigned figure ("200.0", "1 503"): one run in any direction, left as it is."""


def bidi_own(text: str, lang: str) -> str:
    """``text`` laid out on its own on a right-to-left page when it has no right-to-left
    letter (a code, a column name, a figure typed in a file): between a first-strong
    isolate and its end, so that a sign stays before its figure ("-5" read "5-" in an Arabic
    sentence) and the words around do not take it into their run. As is otherwise, and an
    unsigned figure, which keeps its order anyway."""
    if not text or not is_rtl(lang) or _RTL_LETTER.search(text) or _PLAIN_FIGURE.fullmatch(text):
        return text
    return f"\u2068{text}\u2069"


def list_words(items: Iterable[str], lang: str, separator: str | None = None) -> str:
    """``items`` as a list in ``lang`` (its ``list.separator`` unless ``separator``), each
    Latin item on its own on a right-to-left page (:func:`bidi_own`): "COAPH، CAS، CAPE"
    was one left-to-right run, read from the right as "CAPE، CAS، COAPH"."""
    sep = translate("list.separator", lang) if separator is None else separator
    return sep.join(bidi_own(item, lang) for item in items)


def name_column(lang: str | None = None) -> str:
    """Which name column to show first: ``name_ar`` in Arabic, ``name_fr`` otherwise."""
    return "name_ar" if (lang or current_language()) == "ar" else "name_fr"
