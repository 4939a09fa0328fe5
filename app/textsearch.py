"""Find communes, provinces and regions by name in French or Arabic, ignoring case,
accents, Arabic vowel marks and the usual ways Moroccan names are spelled in Latin letters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

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
        # one sound in Morocco, written either way: HCP's « الناضور » is most people's
        # « الناظور » (Nador); « ظ » is the one whose Latin spellings include both's
        "ض": "ظ",
        # the « g » Moroccans write « ڭ » (Persian keyboards « گ »), HCP « ك »: « ڭلميم »
        "ڭ": "ك",
        "گ": "ك",
        "ک": "ك",  # the Persian keyboard's kaf
        "ی": "ي",  # and its ya
        "ڤ": "ف",  # the « v » of some names and loanwords
    }
)
_SEPARATORS = re.compile(r"[\s'’`\-_.()،,]+")
_ARABIC_LONG_VOWELS = re.compile("[اوي]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[a-z]")
# one spelling of the sounds Latin transcriptions write differently ("Qassem" and "Kacem",
# "Djerada" and "Jerada", "Hadhifa" and "Hadifa"): a "c" is an "s" before e, i and y, else
# a "k" (but in "ch"); a "gu" before e, i and y is the "g" French writes so ("Guelmim",
# "Gelmim")
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
    (re.compile("gu(?=[eiy])"), "g"),
)
_DOUBLED = re.compile(r"(.)\1+")
_LATIN_VOWELS = re.compile("[aeiouyw]")
_VOWEL_LETTERS = frozenset("aeiou")
# a « و » read as a consonant: « ou » or « w » between vowels, and at the start of a word,
# where transcriptions write it « ou » (« Oujda », « Ouled ») or « w » (« wjda », « wlad »)
_CONSONANT_W = re.compile("^(?:ou|w)|(?<=[aei])ou|(?:ou|w)(?=[aei])")
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
    one spelling of alef/ya/ta marbuta (and of the letters Moroccans write two ways, « ض »
    and « ظ », « ك » and « ڭ »), punctuation and spaces collapsed to one space.

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
    best first (see :func:`match_ranks`; a name that starts with another name found after
    it, see :func:`search_places`), ties by larger population. An empty query matches
    nothing."""
    needle = normalise(query)
    if not needle or units.empty:
        return units.iloc[0:0]
    rank = match_ranks(units, query)
    found = _in_order(units.assign(_rank=rank, _kind=0)[rank < NO_MATCH])
    return found.drop(columns=["_rank", "_kind"]).head(limit)


KINDS: tuple[str, ...] = ("communes", "provinces", "regions")
"""The levels :func:`search_places` looks in, from the smallest."""


def search_places(
    units: Mapping[str, pd.DataFrame], query: str, *, first: str | None = None
) -> pd.DataFrame:
    """The units of every level in ``units`` (``{"regions": …, "communes": …}``, each with
    the columns :func:`search_units` reads) whose name matches ``query``, with their level
    in a ``level`` column.

    Ranked as :func:`search_units` ranks names. Among equally good matches a name that
    starts with the whole of another name found comes after it: « casa » starts
    « Casablanca » and « Casablanca-Settat », and lists the commune and the prefecture
    Casablanca before the region named after them. Then the places of one name stay
    together, the name of the larger place first (« agadir » lists the prefecture
    Agadir-Ida-Ou-Tanane before the commune Agadir Melloul, « sidi » the provinces before
    most communes); among the places of one name the level ``first`` comes first (the Map
    explorer passes the level its map draws), then the levels next to it, the smaller
    before the larger; without ``first`` a commune comes first, then a province, then a
    region.

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
    found = _in_order(every.assign(_rank=rank, _kind=kind)[rank < NO_MATCH])
    return found.drop(columns=["_rank", "_kind"]).reset_index(drop=True)


def _in_order(found: pd.DataFrame) -> pd.DataFrame:
    """``found`` (with its ranks in ``_rank``, the order of its levels in ``_kind``) in the
    order :func:`search_places` lists it.

    The rows of one rank make groups: a name, and the names that start with the whole of
    it followed by more words, French or Arabic (« Casablanca » and « Casablanca-Settat »);
    the group of the largest place first; in a group the name itself first, then the longer
    ones; then the places of one name together (see :func:`search_places`)."""
    pairs = list(zip(_column(found, "name_fr"), _column(found, "name_ar"), strict=True))
    name = [_forms(fr).text or _forms(ar).text for fr, ar in pairs]
    group, longer = _groups(found["_rank"].tolist(), pairs, name)
    population = (
        found["population"].fillna(0) if "population" in found else pd.Series(0, index=found.index)
    )
    keyed = found.assign(_name=name, _group=group, _longer=longer, _pop=population)
    by_name = keyed.groupby(["_rank", "_name"])["_pop"].transform("max")
    by_group = keyed.groupby(["_rank", "_group"])["_pop"].transform("max")
    keyed = keyed.assign(_biggest=by_name, _group_biggest=by_group)
    order = ["_rank", "_group_biggest", "_group", "_longer", "_biggest", "_name", "_kind", "_pop"]
    ascending = [True, False, True, True, False, True, True, False]
    helpers = ["_name", "_group", "_longer", "_pop", "_biggest", "_group_biggest"]
    return keyed.sort_values(order, ascending=ascending, kind="stable").drop(columns=helpers)


def _groups(
    ranks: list[int], pairs: list[tuple[str, str]], names: list[str]
) -> tuple[list[str], list[bool]]:
    """For each row (its rank, its raw French and Arabic names, the name it is listed by):
    its group (see :func:`_in_order`), named by the row of the same rank with the shortest
    name its own starts with, and whether that is another name than its own."""
    canonical: dict[tuple[int, str], str] = {}
    for rank, pair, name in zip(ranks, pairs, names, strict=True):
        for raw in pair:
            if text := _forms(raw).text:
                canonical.setdefault((rank, text), name)
    group, longer = [], []
    for rank, pair, name in zip(ranks, pairs, names, strict=True):
        base = next(
            (
                canonical[(rank, start)]
                for raw in pair
                for start in _word_starts(_forms(raw).text)
                if (rank, start) in canonical
            ),
            None,
        )
        group.append(name if base is None else base)
        longer.append(base is not None)
    return group, longer


def _word_starts(text: str) -> list[str]:
    """The first words of ``text``, shortest first, without the last (« a », « a b » of
    « a b c »)."""
    words = text.split()
    return [" ".join(words[:i]) for i in range(1, len(words))]


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
other Latin letters for its sounds (:func:`latin_key`: « knitra » is « Kénitra »), or the
Arabic name as it is said in Latin letters (:func:`arabic_pattern`: « asfi » is « آسفي »)."""
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
otherwise must also be one letter away from the query (doubled letters and a final mute
« e » aside, see :func:`_spelling`): the consonants of « sale » (``sl``) are those of
« Assoul », of « saada » those of « Saidia », of « سلا » those of « اسول », while « sla »
is « Sala » (Salé) with one letter less and « layoun » « Laayoune » with one more."""


def match_ranks(units: pd.DataFrame, query: str) -> pd.Series:
    """How well the French or Arabic name of each row of ``units`` matches ``query``: from
    :data:`EXACT` (0) to :data:`INSIDE_WORD`, the better of its two names, or
    :data:`NO_MATCH`.

    A name matches as a whole before a name that starts with the query, which comes before a
    name with a word that does, because the query most often is the whole name of the place
    one looks for: « jdida » is « El Jadida » before « Oued Jdida ». Spelling variants only
    match whole names or whole words, never part of a word. A query in Latin letters is
    also read against the Arabic name spelled in Latin letters (:func:`arabic_pattern`),
    which is how many people write a name they say rather than read (« wjda », « asfi »).
    """
    q = _query(query)
    if q is None:
        return pd.Series(NO_MATCH, index=units.index)
    pairs = zip(_column(units, "name_fr"), _column(units, "name_ar"), strict=True)
    return pd.Series([_rank(q, fr, ar) for fr, ar in pairs], index=units.index, dtype=int)


def _column(units: pd.DataFrame, column: str) -> list[str]:
    return units[column].fillna("").astype(str).tolist()


class _Forms(NamedTuple):
    """A name (or a query) normalised, in the forms the ranks compare, made once."""

    text: str
    compact: str
    bare: str
    bare_compact: str
    padded: str
    bare_padded: str


@lru_cache(maxsize=16384)
def _forms(raw: str) -> _Forms:
    text = normalise(raw)
    bare = _bare(text)
    return _Forms(text, _compact(text), bare, _compact(bare), f" {text} ", f" {bare} ")


class _Spellings(NamedTuple):
    """The Latin keys of a name (:func:`_latin_keys`) and the spellings of it a query with
    a short key is compared with (:func:`_spelling`)."""

    whole: frozenset[str]
    runs: frozenset[str]
    close: frozenset[str]


_NO_SPELLINGS = _Spellings(frozenset(), frozenset(), frozenset())


@lru_cache(maxsize=16384)
def _french_spellings(raw: str) -> _Spellings:
    """The Latin keys of a French name, its final « é » an « a » (:func:`latin_text`)."""
    text = latin_text(raw)
    if not _LATIN.search(text):
        return _NO_SPELLINGS
    whole, runs = _latin_keys(text)
    return _Spellings(whole, runs, frozenset({_spelling(normalise(raw)), _spelling(text)}))


class _Query(NamedTuple):
    """A query, normalised once for every name it is compared with."""

    forms: _Forms
    arabic: bool
    keys: frozenset[str]
    """Its Latin keys (of a Latin query) that have a consonant."""
    long_keys: frozenset[str]
    """Those of them from :data:`VARIANT_MIN_LETTERS` consonants."""
    spelling: str
    arabic_words: str
    """The query without its articles, when it is Arabic from :data:`VARIANT_MIN_LETTERS`
    letters (long vowels aside), else ``""``."""


def _query(query: str) -> _Query | None:
    forms = _forms(query)
    if not forms.text:
        return None
    arabic = bool(_ARABIC.search(forms.text))
    keys: frozenset[str] = frozenset()
    if not arabic and _LATIN.search(forms.text):
        keys = frozenset(k for k in _latin_keys(latin_text(query))[0] if _MARKS.sub("", k))
    long_keys = frozenset(k for k in keys if len(_MARKS.sub("", k)) >= VARIANT_MIN_LETTERS)
    words = forms.bare if len(_compact(skeleton(forms.bare))) >= VARIANT_MIN_LETTERS else ""
    return _Query(forms, arabic, keys, long_keys, _spelling(forms.text), words if arabic else "")


def _rank(q: _Query, fr: str, ar: str) -> int:
    """The rank of the row with the French name ``fr`` and the Arabic name ``ar`` (raw)
    for ``q``."""
    french, arabic = _forms(fr), _forms(ar)
    rank = min(_letter_rank(french, q.forms), _letter_rank(arabic, q.forms))
    if rank <= SPELLED_OTHERWISE:
        return rank
    if q.arabic:
        if ar and _arabic_variant(arabic, q.forms):
            return SPELLED_OTHERWISE
        if rank > WORDS_SPELLED_OTHERWISE and q.arabic_words and ar:
            rank = (
                WORDS_SPELLED_OTHERWISE if _arabic_words_variant(arabic, q.arabic_words) else rank
            )
    elif q.keys:
        spelled = _french_spellings(fr)
        if any(_short_key_close(k, spelled.close, q.spelling) for k in spelled.whole & q.keys):
            return SPELLED_OTHERWISE
        if ar and _said_as(ar, q.forms.compact):
            return SPELLED_OTHERWISE
        if rank > WORDS_SPELLED_OTHERWISE and not spelled.runs.isdisjoint(q.long_keys):
            rank = WORDS_SPELLED_OTHERWISE
    return rank


def _letter_rank(name: _Forms, needle: _Forms) -> int:
    """The rank of ``name`` for ``needle`` letter by letter."""
    if not name.text:
        return NO_MATCH
    if name.text == needle.text:
        return EXACT
    if name.compact == needle.compact or (needle.bare and name.bare_compact == needle.bare_compact):
        return SAME_LETTERS
    if name.text.startswith(needle.text) or name.compact.startswith(needle.compact):
        return STARTS
    if needle.padded in name.padded or needle.padded in name.bare_padded:
        return WORDS
    if f" {needle.text}" in name.padded or f" ال{needle.text}" in name.padded:
        return WORD_STARTS
    if len(needle.compact) >= INSIDE_MIN_LETTERS and needle.text in name.text:
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


def _spelling(text: str) -> str:
    """A normalised Latin name as one compares short names: without its spaces, its doubled
    letters single, without a final mute « e » (« laayoune » and « layoun » are both
    ``layoun``)."""
    folded = _DOUBLED.sub(r"\1", _compact(text))
    return folded[:-1] if len(folded) > 2 and folded.endswith("e") else folded


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


def _short_key_close(key: str, names: Iterable[str], needle: str) -> bool:
    """Whether a name with the key ``key`` in common with the query ``needle`` is close
    enough to it: from :data:`SHORT_KEY_LETTERS` consonants, or one of its spellings
    ``names`` one letter away."""
    letters = len(_MARKS.sub("", key))
    return letters >= SHORT_KEY_LETTERS or any(_one_letter_apart(n, needle) for n in names)


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


def _arabic_variant(name: _Forms, needle: _Forms) -> bool:
    """Whether the Arabic ``name`` is the whole ``needle`` with other long vowels, its
    articles and spaces aside."""
    for a, b in ((name.text, needle.text), (name.bare, needle.bare)):
        key = _compact(skeleton(b))
        if key and _long_vowels_apart(a, b) and _short_key_close(key, [_compact(a)], _compact(b)):
            return True
    return False


def _arabic_words_variant(name: _Forms, bare_needle: str) -> bool:
    """Whether some successive words of the Arabic ``name`` are ``bare_needle`` (a query
    without its articles) with other long vowels."""
    words = name.bare.split()
    return any(
        _long_vowels_apart(" ".join(words[i:j]), bare_needle)
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    )


_SOUNDED_FINAL_E = re.compile(r"(?:é|e\u0301)(?=$|[\s\-'’])", re.IGNORECASE)


@lru_cache(maxsize=16384)
def latin_text(name: str) -> str:
    """``name`` normalised for :func:`latin_key`, where a final « é » is not a French mute
    « e » but the final alef of the Arabic name: « Salé » (« سلا ») is « Sala », « Sla ».

    >>> latin_key(latin_text("Salé")) == latin_key(latin_text("sala"))
    True
    """
    return normalise(_SOUNDED_FINAL_E.sub("a", unicodedata.normalize("NFC", name)))


_SHORT_VOWEL = "(?:[aeiouy]|ou)?"
"""A vowel Arabic does not write, which a Latin spelling may write between two consonants."""
_ARABIC_LETTERS = {
    "ب": "b",
    "ت": "t",
    "ث": "th|t",
    "ج": "dj|j",
    "ح": "h|7",
    "خ": "kh|h|5",
    "د": "d",
    "ذ": "dh|d|z",
    "ر": "r",
    "ز": "z",
    "س": "ss|s|c(?=[eiy])",
    "ش": "sh|ch",
    "ص": "ss|s|c(?=[eiy])",
    "ض": "dh|d",
    "ط": "t",
    "ظ": "dh|d|z",
    "غ": "gh|rh",
    "ف": "ph|f",
    "ڤ": "v",
    "ق": "qu|q|k|g|c|9",
    "ك": "ck|gu|k|g|c|q",
    "ڭ": "gu|g|k",
    "گ": "gu|g|k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
}
"""The Latin letters Moroccan names are written with in French for each Arabic consonant
(after :func:`normalise`), and the digits people type for the sounds Latin has no letter
for (« 3 » for « ع », « 7 » for « ح », « 9 » for « ق »)."""
_ARABIC_VOWELS = {
    "ا": "(?:aa|a|e)",
    "ع": "(?:aa|a|e|3)?",
    "و": "(?:ou|oo|o|u|w|aw)",
    "ي": "(?:ie|i|y|ay|ai|ei|ey)",
    "ء": "",
}
"""The letters each long vowel is written with (« ع » too, which transcriptions write as a
vowel or leave out: « Laâyoune », « Bouarouss »), « ي » and « و » also as the diphthong
they make after a short « a » (« Beida », « Bayda »)."""
_WORD_START = {"و": "(?:ou|o|u|w)", "ي": "y", "ع": "(?:aa|a|e|3)", "ا": "(?:aa|a|e|i)"}
"""The letters of a word's first « و », « ي » (consonants there: « Oujda », « wjda »,
« Youssoufia »), « ع » (written there: « Aïn », « 3in ») and « ا » (« Asfi », « Inezgane »),
which a word of :data:`VARIANT_MIN_LETTERS` consonants may leave out, as it is said
(« nzgan »; « dar » is not « آدار », Adar)."""
_SUN_LETTERS = frozenset("تثدذرزسشصضطظلن")
_TA_MARBUTA = "(?:a|e|et|at|ah)"
"""A final « ة » (« ه » once normalised): « a », « e », « at » before the next word."""


def _word_pattern(word: str) -> str:
    """A word's letters (:func:`arabic_pattern`): short vowels only between consonants."""
    body = word[:-1] if word.endswith("ه") and len(word) > 1 else word
    pattern, consonant = "", False
    for i, ch in enumerate(body):
        if i == 0 and ch in _WORD_START:
            piece, consonant_now = _WORD_START[ch], ch in "وي"
            if ch == "ا" and len(skeleton(body)) >= VARIANT_MIN_LETTERS:
                piece += "?"
        elif ch in _ARABIC_VOWELS:
            # a « و » or « ي » after a vowel is a consonant (« تاوريرت », Tawrirt)
            after_vowel = i > 0 and body[i - 1] in "اع"
            piece, consonant_now = _ARABIC_VOWELS[ch], after_vowel and ch in "وي"
        else:
            letters = _ARABIC_LETTERS.get(ch, re.escape(ch))
            many = len(letters) > 1  # a shadda: doubled
            piece, consonant_now = f"(?:{letters}){{1,2}}" if many else f"{letters}{{1,2}}", True
        pattern += (_SHORT_VOWEL if consonant and consonant_now else "") + piece
        consonant = consonant_now
    if body is word:
        return pattern + "e?"  # a French mute « e » (« Ouarzazate »)
    return pattern + (_SHORT_VOWEL if consonant else "") + _TA_MARBUTA


@lru_cache(maxsize=16384)
def _letter_bounds(name: str) -> tuple[int, int]:
    """The fewest and most letters a Latin spelling of the Arabic ``name`` may have
    (:func:`arabic_pattern`): one for each of its consonants, articles and long vowels
    aside; six for each letter at most."""
    forms = _forms(name)
    consonants = skeleton(forms.bare_compact).replace("ع", "").replace("ء", "")
    return len(consonants), 6 * len(forms.compact) + 6


def _said_as(name: str, spelled: str) -> bool:
    """Whether ``spelled`` (a query, normalised, without spaces) is a Latin spelling of the
    Arabic ``name`` (:func:`arabic_pattern`), its length checked first: most names are
    not compared (and their pattern not built) with a query too short or long for them."""
    fewest, most = _letter_bounds(name)
    if not fewest <= len(spelled) <= most:
        return False
    pattern = arabic_pattern(name)
    return pattern is not None and pattern.fullmatch(spelled) is not None


@lru_cache(maxsize=16384)
def arabic_pattern(name: str) -> re.Pattern[str] | None:
    """What a Latin spelling of the Arabic ``name`` may be (spaces aside), the way one
    writes a name one says rather than reads it.

    Each consonant is written in one of the ways French transcriptions write it
    (:data:`_ARABIC_LETTERS`), once or doubled; each long vowel as a vowel of its kind
    (« و » « ou », « o », « u » or « w », never « i »), and nowhere else a vowel but a
    short one between two consonants, which Arabic does not write; the article « ال » as
    « el », « al », « l », a doubled sun letter, or not at all; a final « ة » as « a » or
    « e ». « آسفي » is « asfi » (Safi), « وجدة » « wjda » and « oujda », « سلا » « sla » and
    « sala » (Salé), « العيون » « layoun » and « laayoune », « كلميم » « kelmim »
    (Guelmim); « توزينت » (Taouzint) is not « tiznit », « عكرمة » (Akarma) not « gourrama ».
    ``None`` for a name without an Arabic letter.

    >>> arabic_pattern("وجدة").fullmatch("wjda") is not None
    True
    """
    text = normalise(name)
    if not _ARABIC.search(text):
        return None
    parts = []
    for word in text.split():
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
            sun = "|[ae]" if word[0] in _SUN_LETTERS else ""
            parts.append(f"(?:[ae]?l{sun})?")  # « el », « l », « e(d-d) », or left out
        elif word.startswith("او"):  # the alef only carries the « ou » (« أولاد », Ouled)
            word = word[1:]
        parts.append(_word_pattern(word))
    return re.compile("".join(parts))
