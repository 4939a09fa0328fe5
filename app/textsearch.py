"""Find communes by name in French or Arabic, ignoring case, accents and Arabic vowel marks."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
    }
)
_SEPARATORS = re.compile(r"[\s'’`\-_.()،,]+")
_ARABIC_LONG_VOWELS = re.compile("[اوي]")
_ARABIC = re.compile("[\u0600-\u06ff]")


def normalise(text: str) -> str:
    """Fold ``text`` for matching: lower case, no accents, no Arabic diacritics or tatweel,
    one spelling of alef/ya/ta marbuta, punctuation and spaces collapsed to one space.

    >>> normalise("Fès-Médina") == normalise("fes medina")
    True
    >>> normalise("الدار البيضاء") == normalise("الدَّار البَيْضَاء")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.translate(_ARABIC_FOLD)
    return _SEPARATORS.sub(" ", folded).strip()


def skeleton(text: str) -> str:
    """A normalised Arabic name without its long-vowel letters (alef, waw, ya), which
    spellings of one place name add or drop: « تزنيت » and « تيزنيت » are both ``تزنت``.

    >>> skeleton(normalise("تيزنيت")) == skeleton(normalise("تزنيت"))
    True
    """
    return _ARABIC_LONG_VOWELS.sub("", text)


def search_units(units: pd.DataFrame, query: str, *, limit: int = 20) -> pd.DataFrame:
    """The rows of ``units`` (columns ``name_fr``, ``name_ar``) whose name matches ``query``.

    Exact names first, then names starting with the query, then names containing it, then
    (for an Arabic query) Arabic names that differ from it only by long vowels (see
    :func:`skeleton`); ties by larger population. An empty query matches nothing.
    """
    needle = normalise(query)
    if not needle or units.empty:
        return units.iloc[0:0]
    fr = units["name_fr"].fillna("").map(normalise)
    ar = units["name_ar"].fillna("").map(normalise)
    rank = pd.Series(9, index=units.index)
    bare = skeleton(needle)
    if _ARABIC.search(needle) and bare:
        rank = rank.where(~ar.map(skeleton).str.contains(bare, regex=False), 3)
    for score, test in (
        (2, lambda s: s.str.contains(needle, regex=False)),
        (1, lambda s: s.str.startswith(needle)),
        (0, lambda s: s == needle),
    ):
        hit = test(fr) | test(ar)
        rank = rank.where(~hit, score)
    found = units.assign(_rank=rank)[rank < 9]
    order = ["_rank", "population"] if "population" in found else ["_rank"]
    ascending = [True, False][: len(order)]
    return found.sort_values(order, ascending=ascending).drop(columns="_rank").head(limit)
