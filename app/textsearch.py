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
"""Consonants a Latin query (letters an Arabic one, long vowels aside) needs to find the
names some of whose words are spelled like it: « bni » (``bn'i``) would find every « Beni … »
and « Beny … » besides the « Bni … » its spelling finds, « العيون » every « العين »; a
short query still finds a whole name spelled otherwise (see :data:`SHORT_KEY_LETTERS`)."""


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
    """The rows of ``units`` (columns ``name_fr``, ``name_ar``) whose name matches ``query``,
    best first (see :func:`match_ranks`), ties by larger population. An empty query matches
    nothing."""
    needle = normalise(query)
    if not needle or units.empty:
        return units.iloc[0:0]
    rank = match_ranks(units, query)
    found = units.assign(_rank=rank)[rank < NO_MATCH]
    order = ["_rank", "population"] if "population" in found else ["_rank"]
    ascending = [True, False][: len(order)]
    return found.sort_values(order, ascending=ascending).drop(columns="_rank").head(limit)


KINDS: tuple[str, ...] = ("communes", "provinces", "regions")
"""The levels :func:`search_places` looks in, from the smallest."""


def search_places(
    units: Mapping[str, pd.DataFrame], query: str, *, first: str | None = None
) -> pd.DataFrame:
    """The units of every level in ``units`` (``{"regions": …, "communes": …}``, each with
    the columns :func:`search_units` reads) whose name matches ``query``, with their level
    in a ``level`` column.

    Ranked as :func:`search_units` ranks names. Among equally good matches the places of
    one name stay together, the name of the larger place first (« agadir » lists the
    prefecture Agadir-Ida-Ou-Tanane before the commune Agadir Melloul, « sidi » the
    provinces before most communes); among the places of one name the level ``first``
    comes first (the Map explorer passes the level its map draws), then the levels next to
    it, the smaller before the larger; without ``first`` a commune comes first, then a
    province, then a region.

    Why a commune first: a name typed is most often a town's, and a province or prefecture
    that has the same name (« Tiznit », « Salé ») is named after its chief town; the list
    shows each place's level, so the province is the next line. A planner who looks at the
    provinces' map gets the province first. An empty query matches nothing.
    """
    frames = [frame.assign(level=level) for level, frame in units.items() if not frame.empty]
    needle = normalise(query)
    if not needle or not frames:
        return pd.DataFrame(columns=["code", "name_fr", "name_ar", "population", "level"])
    every = pd.concat(frames, ignore_index=True)
    rank = match_ranks(every, query)
    kind = every["level"].map(_level_order(first)).fillna(len(KINDS))
    name = every["name_fr"].fillna("").astype(str).map(normalise)
    name = name.where(name != "", every["name_ar"].fillna("").astype(str).map(normalise))
    found = every.assign(_rank=rank, _kind=kind, _name=name)[rank < NO_MATCH]
    biggest = found.groupby(["_rank", "_name"])["population"].transform("max")
    order = ["_rank", "_biggest", "_name", "_kind", "population"]
    return (
        found.assign(_biggest=biggest.fillna(0))
        .sort_values(order, ascending=[True, False, True, True, False])
        .drop(columns=["_rank", "_kind", "_name", "_biggest"])
        .reset_index(drop=True)
    )


def _level_order(first: str | None) -> dict[str, int]:
    """The place of each level among equal matches: ``first``, then its neighbours."""
    if first not in KINDS:
        return {k: i for i, k in enumerate(KINDS)}
    at = KINDS.index(first)
    ordered = sorted(range(len(KINDS)), key=lambda i: (abs(i - at), i))
    return {KINDS[i]: n for n, i in enumerate(ordered)}


EXACT = 0
"""The name as typed (case, accents, Arabic marks and punctuation aside)."""
SAME_LETTERS = 1
"""The name as typed but for its spaces or its articles: « ben slimane » is « Benslimane »,
« hoceima » « Al Hoceima », « حسيمة » « الحسيمة »."""
SPELLED_OTHERWISE = 2
"""The whole name spelled otherwise: with other long vowels in Arabic (:func:`skeleton`),
other Latin letters for its sounds (:func:`latin_key`: « knitra » is « Kénitra »)."""
STARTS = 3
"""The name starts with the query (its spaces aside: « ben sli » starts « Benslimane »)."""
WORDS = 4
"""Some whole words of the name are the query (an Arabic word without its article too):
« sale » in « Rabat-Salé-Kénitra », « جديدة » in « واد الجديدة »."""
WORDS_SPELLED_OTHERWISE = 5
"""Some words of the name are the query spelled otherwise (from
:data:`VARIANT_MIN_LETTERS` letters: « sidi qassem » is in « Zaouiat Sidi Kacem »)."""
WORD_STARTS = 6
"""A word of the name starts with the query (an Arabic word after its article too)."""
INSIDE_WORD = 7
"""The query inside a word, from :data:`INSIDE_MIN_LETTERS` letters (« slimane » in
« Benslimane », « سليمان » in « بنسليمان »)."""
NO_MATCH = 9
INSIDE_MIN_LETTERS = 4
"""Letters a query needs to find a name that has it inside a word: « سلا » is inside
« ويسلان » (Ouislane) and « رسلان » (Rislane), which no one looking for Salé wants."""
SHORT_KEY_LETTERS = 3
"""Below this many consonants (Arabic letters without long vowels), a name spelled
otherwise must also be one letter away from the query: the consonants of « sale » (``sl``)
are those of « Assoul », of « saada » those of « Saidia », of « سلا » those of « اسول »."""


def match_ranks(units: pd.DataFrame, query: str) -> pd.Series:
    """How well the French or Arabic name of each row of ``units`` matches ``query``: from
    :data:`EXACT` (0) to :data:`INSIDE_WORD`, the better of its two names, or
    :data:`NO_MATCH`.

    A name matches as a whole before a name that starts with the query, which comes before a
    name with a word that does, because the query most often is the whole name of the place
    one looks for: « jdida » is « El Jadida » before « Oued Jdida ». Spelling variants only
    match whole names or whole words, never part of a word.
    """
    needle = normalise(query)
    rank = pd.Series(NO_MATCH, index=units.index)
    if not needle:
        return rank
    raw_fr = units["name_fr"].fillna("").astype(str)
    fr = raw_fr.map(normalise)
    ar = units["name_ar"].fillna("").astype(str).map(normalise)
    arabic = bool(_ARABIC.search(needle))
    if arabic:
        rank = rank.where(~ar.map(lambda name: _arabic_variant(name, needle)), SPELLED_OTHERWISE)
        spelled = ar.map(lambda name: _arabic_words_variant(name, needle))
        rank = rank.where(~spelled | (rank < WORDS_SPELLED_OTHERWISE), WORDS_SPELLED_OTHERWISE)
    elif _LATIN.search(needle):
        rank = rank.clip(upper=_latin_ranks(raw_fr, fr, query))
    for names in (fr, ar):
        rank = rank.clip(upper=names.map(lambda name: _letter_rank(name, needle)))
    return rank


def _letter_rank(name: str, needle: str) -> int:
    """The rank of ``name`` for ``needle`` (both normalised) letter by letter."""
    if not name:
        return NO_MATCH
    if name == needle:
        return EXACT
    if _compact(name) == _compact(needle) or (
        _bare(needle) and _compact(_bare(name)) == _compact(_bare(needle))
    ):
        return SAME_LETTERS
    if name.startswith(needle) or _compact(name).startswith(_compact(needle)):
        return STARTS
    words = f" {name} "
    if f" {needle} " in words or f" {needle} " in f" {_bare(name)} ":
        return WORDS
    if f" {needle}" in words or f" ال{needle}" in words:
        return WORD_STARTS
    if len(_compact(needle)) >= INSIDE_MIN_LETTERS and needle in name:
        return INSIDE_WORD
    return NO_MATCH


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _bare(text: str) -> str:
    """``text`` (normalised) without its articles: the Latin ones written as words (when
    there are other words), the Arabic one on its word (« ال »)."""
    words = text.split()
    if len(words) > 1:
        words = [w for w in words if w not in _ARTICLES] or words
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words)


def _one_letter_apart(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by changing, adding or dropping at most one letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]
    return True


def _short_key_close(key: str, name: str, needle: str) -> bool:
    """Whether a name with the key ``key`` in common with the query is close enough to it
    (see :data:`SHORT_KEY_LETTERS`)."""
    letters = len(_MARKS.sub("", key))
    return letters >= SHORT_KEY_LETTERS or _one_letter_apart(_compact(name), _compact(needle))


def _long_vowels_apart(a: str, b: str) -> bool:
    """Whether the Arabic ``a`` and ``b`` differ only by long vowels one of them adds: the
    other is ``a`` or ``b`` without some of its alef, waw and ya (« تزنيت » and « تيزنيت »,
    not « توزينت », which has the consonants of « تيزنيت » with other vowels)."""
    a, b = _compact(a), _compact(b)
    if skeleton(a) != skeleton(b):
        return False
    short, long = sorted((a, b), key=len)
    letters = iter(long)
    return all(any(ch == other for other in letters) for ch in short)


def _arabic_variant(name: str, needle: str) -> bool:
    """Whether the Arabic ``name`` is the whole ``needle`` with other long vowels, its
    articles and spaces aside."""
    if not name:
        return False
    for a, b in ((name, needle), (_bare(name), _bare(needle))):
        key = _compact(skeleton(b))
        if key and _long_vowels_apart(a, b) and _short_key_close(key, a, b):
            return True
    return False


def _arabic_words_variant(name: str, needle: str) -> bool:
    """Whether some successive words of the Arabic ``name`` are ``needle`` with other long
    vowels (from :data:`VARIANT_MIN_LETTERS` letters, articles aside)."""
    bare = _bare(needle)
    if len(_compact(skeleton(bare))) < VARIANT_MIN_LETTERS:
        return False
    words = _bare(name).split()
    return any(
        _long_vowels_apart(" ".join(words[i:j]), bare)
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    )


_SOUNDED_FINAL_E = re.compile(r"(?:é|e\u0301)(?=$|[\s\-'’])", re.IGNORECASE)


def latin_text(name: str) -> str:
    """``name`` normalised for :func:`latin_key`, where a final « é » is not a French mute
    « e » but the final alef of the Arabic name: « Salé » (« سلا ») is « Sala », « Sla ».

    >>> latin_key(latin_text("Salé")) == latin_key(latin_text("sala"))
    True
    """
    return normalise(_SOUNDED_FINAL_E.sub("a", unicodedata.normalize("NFC", name)))


def _latin_ranks(raw: pd.Series, names: pd.Series, query: str) -> pd.Series:
    """:data:`SPELLED_OTHERWISE` for the French names (``raw``, and normalised ``names``)
    that are ``query`` spelled otherwise, :data:`WORDS_SPELLED_OTHERWISE` for those with
    words spelled like it, else :data:`NO_MATCH`."""
    needle = normalise(query)
    keys = {k for k in _latin_keys(latin_text(query))[0] if _MARKS.sub("", k)}
    rank = pd.Series(NO_MATCH, index=names.index)
    if not keys:
        return rank
    name_keys = raw.map(lambda name: _latin_keys(latin_text(name)))
    whole = pd.Series(
        [
            any(_short_key_close(k, name, needle) for k in key[0] & keys)
            for key, name in zip(name_keys, names, strict=True)
        ],
        index=names.index,
        dtype=bool,
    )
    rank = rank.where(~whole, SPELLED_OTHERWISE)
    long_enough = {k for k in keys if len(_MARKS.sub("", k)) >= VARIANT_MIN_LETTERS}
    if long_enough:
        part = name_keys.map(lambda key: not key[1].isdisjoint(long_enough))
        rank = rank.where(~part | (rank < WORDS_SPELLED_OTHERWISE), WORDS_SPELLED_OTHERWISE)
    return rank
