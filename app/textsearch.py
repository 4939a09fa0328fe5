"""Find communes, provinces and regions by name in French or Arabic, ignoring case,
accents, Arabic vowel marks and the usual ways Moroccan names are spelled in Latin letters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

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
_LATIN = re.compile("[a-z]")
# one spelling of the sounds Latin transcriptions write differently ("Qassem" and "Kacem",
# "Djerada" and "Jerada", "Hadhifa" and "Hadifa"): a "c" is an "s" before e, i and y, else
# a "k" (but in "ch")
_LATIN_SOUNDS = (
    (re.compile("sh"), "ch"),
    (re.compile("dh"), "d"),
    (re.compile("th"), "t"),
    (re.compile("dj"), "j"),
    (re.compile("ph"), "f"),
    (re.compile("q"), "k"),
    (re.compile("ck"), "k"),
    (re.compile("c(?=[eiy])"), "s"),
    (re.compile("c(?!h)"), "k"),
)
_DOUBLED = re.compile(r"(.)\1+")
_LATIN_VOWELS = re.compile("[aeiouyw]")
_VOWEL_LETTERS = frozenset("aeiou")
_CONSONANT_W = re.compile("(?<=[aei])ou|(?:ou|w)(?=[aei])")
_CONSONANT_Y = re.compile("(?<![aeiou])y(?=[aeiou])|^y")
# an article written on the word: « Eljadida », « Essaouira », « Eddahab »
_ATTACHED_ARTICLE = re.compile(r"^[ae](?:l(?![aeiouy])|([dtsrzn])\1)")
_FINAL_VOWEL = {"a": "'a", "i": "'i", "y": "'i", "o": "'u", "u": "'u"}
"""The mark :func:`latin_key` ends a word with for its last vowel (a mute ``e`` has none)."""
_MARKS = re.compile(r"'[aiu]?|\s")
"""What is not a consonant in a key: the marks of :func:`latin_key`, spaces."""
_ARTICLES = frozenset(
    {"el", "al", "l", "ed", "ad", "es", "as", "et", "at", "er", "ar", "ez", "az", "en", "an"}
    | {"ech", "ach", "ej"}
)
"""The Arabic article as transcriptions write it on its own (« El Kebir », « Ed-Dahab »)."""
VARIANT_MIN_LETTERS = 4
"""Consonants a Latin query needs to find the names some of whose words are spelled like
it: « bni » (``bn'i``) would find every « Beni … » and « Beny … » besides the « Bni … » its
spelling finds; a short query still finds a whole name spelled otherwise."""


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


def latin_key(text: str) -> str:
    """A normalised Latin name as its consonants, which the spellings of one Moroccan name
    share: doubled letters single, one letter for each sound written in several ways
    (:data:`_LATIN_SOUNDS`), vowels dropped inside words (``ou`` too, but a ``w`` or ``y``
    before a vowel stays), words joined.

    A word that starts with a vowel keeps a mark there (`'`); one that ends with a vowel
    other than a French mute ``e`` keeps a mark and the kind of vowel (``'a``; ``'i`` for
    an « i » or « y », ``'u`` for an « o » or « u »), so that « Imlil » is not « Mellal »,
    « Mohammedia » not « Mohamed », « Témara » not « Tamri », while « bni », « beni » and
    « beny » are all ``bn'i``. The article keeps the consonant it is written with, attached
    or not, and a letter doubled where an article meets its word is single: « Ksar El
    Kebir » and « ksar lkbir » are both ``ksrlkbr``, « Oued Ed-Dahab » and « Oued Eddahab »
    both ``wdhb`` (but « Aït Tamlil » keeps its two ``t`` and is not « Aït Melloul »).

    >>> latin_key(normalise("Ksar El Kebir")) == latin_key(normalise("ksar lkbir"))
    True
    """
    key = ""
    after_article = False
    for word in text.split():
        part = _word_key(word, after_article=after_article)
        article = after_article or word in _ARTICLES or bool(_ATTACHED_ARTICLE.match(word))
        key += part[1:] if article and key and part[:1] == key[-1:] else part
        after_article = word in _ARTICLES
    return key


def _word_key(word: str, *, after_article: bool) -> str:
    standalone = word in _ARTICLES
    attached = bool(_ATTACHED_ARTICLE.match(word))
    for pattern, sound in _LATIN_SOUNDS:
        word = pattern.sub(sound, word)
    word = _CONSONANT_W.sub("W", _CONSONANT_Y.sub("Y", _DOUBLED.sub(r"\1", word)))
    marked = not (standalone or attached or after_article)
    first = "'" if marked and word[:1] in _VOWEL_LETTERS else ""
    last = _FINAL_VOWEL.get(word[-1], "") if not standalone and len(word) > 1 else ""
    return first + _LATIN_VOWELS.sub("", word).lower() + last


@lru_cache(maxsize=8192)
def _latin_keys(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """The Latin keys of ``name`` (normalised): of the whole name, and of each run of its
    words, each with and without its articles (« Ksar Kebir » for « Ksar El Kebir »)."""
    words = name.split()
    bare = [w for w in words if w not in _ARTICLES] if len(words) > 1 else words
    whole = frozenset({latin_key(name), latin_key(" ".join(bare))})
    runs = frozenset(
        latin_key(" ".join(ws[i:j]))
        for ws in (words, bare)
        for i in range(len(ws))
        for j in range(i + 1, len(ws) + 1)
    )
    return whole, runs


def search_units(units: pd.DataFrame, query: str, *, limit: int = 20) -> pd.DataFrame:
    """The rows of ``units`` (columns ``name_fr``, ``name_ar``) whose name matches ``query``.

    Exact names first, then names starting with the query, then names containing it, then
    names spelled otherwise: for an Arabic query, Arabic names that differ from it only by
    long vowels (see :func:`skeleton`); for a Latin one, French names with its consonants
    (see :func:`latin_key`: « bni mellal » finds « Béni Mellal »), the whole name, then some
    of its words (for a query of :data:`VARIANT_MIN_LETTERS` consonants or more: « sidi
    qassem » finds « Zaouiat Sidi Kacem »). Ties by larger population. An empty query
    matches nothing.
    """
    needle = normalise(query)
    if not needle or units.empty:
        return units.iloc[0:0]
    rank = _ranks(units, needle)
    found = units.assign(_rank=rank)[rank < 9]
    order = ["_rank", "population"] if "population" in found else ["_rank"]
    ascending = [True, False][: len(order)]
    return found.sort_values(order, ascending=ascending).drop(columns="_rank").head(limit)


KINDS: tuple[str, ...] = ("regions", "provinces", "communes")
"""The levels :func:`search_places` looks in, in the order it lists equal matches."""


def search_places(units: Mapping[str, pd.DataFrame], query: str) -> pd.DataFrame:
    """The units of every level in ``units`` (``{"regions": …, "communes": …}``, each with
    the columns :func:`search_units` reads) whose name matches ``query``, with their level
    in a ``level`` column.

    Ranked as :func:`search_units` ranks names; among equally good matches a region comes
    first, then a province, then a commune (« Tiznit » is the province before the commune),
    then the larger population. An empty query matches nothing.
    """
    frames = [frame.assign(level=level) for level, frame in units.items() if not frame.empty]
    needle = normalise(query)
    if not needle or not frames:
        return pd.DataFrame(columns=["code", "name_fr", "name_ar", "population", "level"])
    every = pd.concat(frames, ignore_index=True)
    rank = _ranks(every, needle)
    kind = every["level"].map({k: i for i, k in enumerate(KINDS)}).fillna(len(KINDS))
    found = every.assign(_rank=rank, _kind=kind)[rank < 9]
    return (
        found.sort_values(["_rank", "_kind", "population"], ascending=[True, True, False])
        .drop(columns=["_rank", "_kind"])
        .reset_index(drop=True)
    )


def _ranks(units: pd.DataFrame, needle: str) -> pd.Series:
    """How well each name of ``units`` matches the normalised ``needle`` (0 the exact name,
    9 no match; see :func:`search_units`)."""
    fr = units["name_fr"].fillna("").map(normalise)
    ar = units["name_ar"].fillna("").map(normalise)
    rank = pd.Series(9, index=units.index)
    bare = skeleton(needle)
    if _ARABIC.search(needle) and bare:
        rank = rank.where(~ar.map(skeleton).str.contains(bare, regex=False), 3)
    if _LATIN.search(needle) and not _ARABIC.search(needle):
        rank = _latin_variants(fr, needle, rank)
    for score, test in (
        (2, lambda s: s.str.contains(needle, regex=False)),
        (1, lambda s: s.str.startswith(needle)),
        (0, lambda s: s == needle),
    ):
        hit = test(fr) | test(ar)
        rank = rank.where(~hit, score)
    return rank


def _latin_variants(names: pd.Series, needle: str, rank: pd.Series) -> pd.Series:
    """``rank`` with 3 for the ``names`` that are ``needle`` spelled otherwise and 4 for
    those with words spelled like it (see :func:`search_units`)."""
    query = set(_latin_keys(needle)[0]) - {""}
    if not query:
        return rank
    keys = names.map(_latin_keys)
    whole = keys.map(lambda k: not k[0].isdisjoint(query))
    ranked = rank.where(~whole | (rank < 3), 3)
    long_enough = {q for q in query if len(_MARKS.sub("", q)) >= VARIANT_MIN_LETTERS}
    if long_enough:
        part = keys.map(lambda k: not k[1].isdisjoint(long_enough))
        ranked = ranked.where(~part | (ranked < 4), 4)
    return ranked
