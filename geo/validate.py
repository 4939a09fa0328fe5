"""Row rules for layer imports: pure pandas/shapely checks, testable without a database.

The importer (``geo.importer``) runs these first, then the checks that need the database
(inside a commune, duplicates already in the table) on the rows that passed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher, get_close_matches
from functools import cache, partial
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree

from geo.layers import ALIASES, FieldSpec, LayerSpec
from geo.messages import Advice, Note, file_error
from walouja.settings import PROJECT_ROOT

# Morocco including the southern provinces (the same box as the tables' CHECK constraints).
BBOX = (-17.30, 20.70, -0.95, 36.00)
DUPLICATE_METRES = 50.0
NAME_SIMILARITY = 0.85
EARTH_RADIUS_M = 6_371_008.8

# a spreadsheet kept in Arabic heads them خط الطول / خط العرض (as normalise_column keys them)
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "stop_lon", "longitude_wgs84", "خط_الطول")
LAT_COLUMNS = ("lat", "latitude", "y", "stop_lat", "latitude_wgs84", "خط_العرض")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "geometrie")
# one column holding both, "34.0331, -5.0003", as Google Maps copies a place's position
PAIR_COLUMNS = (
    "coordonnees",
    "coordonnees_gps",
    "coordinates",
    "coords",
    "gps",
    "latlon",
    "lat_lon",
    "lat_long",
    "lat/lon",
    "lat,lon",
    "الاحداثيات",
    "احداثيات",
)
IGNORED_COLUMNS = ("commune_code", "commune", "province_code", "region_code")
# Columns a file may have beside the layer's fields: its id, and each row's provenance (an
# export's source and licence, read back so that shared rows keep their attribution).
PROVENANCE_COLUMNS = ("external_id", "source", "licence")
# Columns of an export that the database sets: read back without a note.
EXPORT_ONLY_COLUMNS = ("created_at", "updated_at")
# An export's is_demo column: when present, each row keeps the value it gives (so a
# demonstration export re-imports unchanged); when absent, rows are real data.
IS_DEMO = FieldSpec("is_demo", "bool")

# The largest value each numeric field takes: at most what its column holds
# (geo/migrations/versions/0003_layers.py: capacity is an integer, the years are CHECKed
# BETWEEN 1990 AND 2100, budget_mad is numeric(16, 2)), and less where a larger value is no
# real one. Every other whole-number field is at most an integer's maximum.
INT4_MAX = Decimal(2_147_483_647)
# A centre's places: the 340 EPS hold 31,590 places in all (93 each on average), and the
# largest social institution in Morocco holds at most a few thousand. 10,000 lets every
# real centre in, with room to grow, and refuses what no centre could hold: a capacity of
# 1,000,000,000 was accepted, the country's places many times over in one row, skewing
# every figure of places (coverage, access ratios, the Prioritise page's capacities).
MAX_CAPACITY = Decimal(10_000)
# An Accessible City's budget (its convention's, in MAD): the action plan's national lines
# are 50 M MAD for equipping and running every reception centre and 500 M MAD for the whole
# 2022 support programme of associations (technical aids, schooling, inclusion, centres).
# 100 M MAD for one city's accessibility works is twice the national centres' line, and
# leaves room for a large city; a figure above it is a slip (cents typed as dirhams, zeros
# too many, the country's total in one row) that would swell every sum of the programme.
# (The column, numeric(16, 2), took up to 99,999,999,999,999.99 MAD.)
MAX_BUDGET_MAD = Decimal(100_000_000)
MAXIMUM: dict[str, Decimal] = {
    "capacity": MAX_CAPACITY,
    "start_year": Decimal(2100),
    "end_year": Decimal(2100),
    "budget_mad": MAX_BUDGET_MAD,
}
# Dates further than this in the past or the future are typing mistakes (9999-12-31).
EARLIEST_DATE = dt.date(1900, 1, 1)
FUTURE_YEARS = 10
# Statuses of a centre that has opened: its opening date cannot be in the future.
OPEN_STATUSES = ("operating", "closed")

# What a spreadsheet writes in a cell to say its value is not known ("N/A", "n.d.", "—",
# « non disponible », « غير متوفر »), as :func:`marker_key` folds them. An optional field
# (but a text field: « NC » may be a manager's initials) holding one is read as empty;
# a required field holding one is rejected as missing. Deliberately few: no "0", "none",
# "néant", "لا يوجد" or "?" (a count of zero, or a doubt, rather than "not known").
MISSING_MARKERS = frozenset(
    {
        # English, and Excel's error value of a lookup that found nothing
        *("n/a", "n.a.", "n.a", "na", "#n/a", "not available", "not known", "unknown"),
        # French: non disponible, non déterminé, non communiqué, non renseigné, inconnu
        *("nd", "n.d.", "n.d", "n/d", "non disponible", "non dispo", "non determine"),
        *("non determinee", "nc", "n.c.", "n.c", "non communique", "non communiquee"),
        *("non renseigne", "non renseignee", "inconnu", "inconnue", "non connu", "non connue"),
        # a dash alone: hyphen, its double and triple, en dash, em dash, minus sign
        *("-", "--", "---", "\u2013", "\u2014", "\u2212"),
        # Arabic: not available, not known, not determined
        *("غير متوفر", "غير متوفرة", "غير متاح", "غير متاحة", "غير معروف", "غير معروفة"),
        *("غير محدد", "غير محددة"),
    }
)

_TRUE = {"1", "true", "t", "yes", "y", "oui", "o", "vrai", "نعم", "x"}
_FALSE = {"0", "false", "f", "no", "n", "non", "faux", "لا"}


# Why a row is rejected: a stable machine code and the English text built from its params.
# The app translates by code (catalogue keys ``reason.<code>``, same ``{fields}``).
REASONS: dict[str, str] = {
    "unreadable_row": "{detail}",
    "wrong_field_count": (
        "{found} fields where the header has {expected} (a {sep!r} inside a value that is "
        "not quoted?)"
    ),
    "too_few_fields": (
        "only {found} of the header's {expected} fields (a value or a {sep!r} left out?)"
    ),
    "quote_left_open": (
        "a quotation mark opened on line {line} is not closed: {lines} lines of the file read "
        "as this one row (close the quote, or remove it)"
    ),
    # the same quote on the file's last line: the rest of the line is one value
    "quote_left_open_last_line": (
        "a quotation mark opened on line {line} is never closed: the rest of the line, to the "
        "end of the file, reads as one value (close the quote, or remove it)"
    ),
    "required_missing": "required value missing",
    "required_marked_missing": "required value missing: {value!r} says it is not known",
    "name_without_letters": "{value!r} is not a name: it has no letter or digit",
    "not_a_number": "not a number: {value!r}",
    "not_whole_number": "not a whole number: {value}",
    "below_minimum": "must be >= {minimum}, got {value}",
    "above_maximum": "too large (at most {maximum}): {value}",
    "not_a_single_value": "a list or object, not a single value: {value}",
    "ends_before_start": "end_year {end} is before start_year {start}",
    "date_out_of_range": "{value} is not a plausible date (expected {earliest} to {latest})",
    "opened_in_future": "{value} is in the future, but the status is {status!r}",
    "not_a_date": "not a date (YYYY-MM-DD or DD/MM/YYYY): {value!r}",
    "not_yes_no": "not yes/no: {value!r}",
    "unknown_wheelchair": (
        "unknown value {value!r} (expected 0, 1 or 2 as in GTFS, or yes/limited/no)"
    ),
    "unknown_value": "unknown value {value!r} (expected one of: {expected})",
    "unknown_values": "unknown {values} (expected: {expected})",
    "bad_wkt": "not valid WKT",
    "missing_geometry": "missing geometry",
    "empty_geometry": "empty geometry",
    "invalid_geometry": "invalid geometry: {detail}",
    "missing_coordinate": "missing coordinate",
    "outside_morocco": "outside Morocco ({lon}, {lat})",
    "outside_morocco_swapped": (
        "outside Morocco ({lon}, {lat}): longitude and latitude look swapped"
    ),
    # Ceuta and Melilla are in no census commune: the reason says so, not "outside Morocco"
    "outside_communes": (
        "in no commune ({lon}, {lat}): more than 2 km from every commune of the census (at "
        "sea, abroad, or in Ceuta or Melilla, which it does not cover)"
    ),
    "duplicate_in_file": (
        "duplicate of row {other_row} ({other_name}): same type, similar name, {distance} m apart"
    ),
    "duplicate_external_id": "external id {external_id!r} repeats row {other_row}",
    # a candidate file's sites: no type to compare
    "duplicate_site_in_file": (
        "duplicate of row {other_row} ({other_name}): similar name, {distance} m apart"
    ),
    "duplicate_point_in_file": "duplicate of row {other_row}: no name, {distance} m apart",
    "duplicate_in_table": (
        "duplicate of {other_name!r} already in {table} (id {other_id}, external id "
        "{other_external_id}): same type, similar name, {distance} m apart"
    ),
    "commune_taken": "commune {commune} already has an entry ({other_name})",
    "id_of_another_place": (
        "id {external_id!r} already names {other_name!r} ({other_type}, source "
        "{other_source!r}, table id {other_id}), {distance} from this row's {name!r} "
        "({type}): another place, left unchanged — give this file's ids a prefix of their "
        "own, or leave the id column out; if it is that place, import the row under the "
        "source {other_source!r}"
    ),
    # candidate sites (geo.candidate_sites)
    "not_a_point": "a {geom_type}, not a point",
    "number_missing": "missing or not a number",
    "degrees_out_of_range": "{value} is not in ±{limit} degrees",
    "in_no_commune": "lon={lon}, lat={lat} is in no commune",
}

MISSING_CODES = ("required_missing", "required_marked_missing")
"""Why a row lacks a required field: an empty cell, or one saying it is not known ("N/A");
``--set`` (the Data page's box) gives a value to both."""


@dataclass(frozen=True)
class Problem:
    """One rejected row: its row number (None for the whole file), the field and why.

    ``reason`` is the English text; ``code`` (a key of ``REASONS``) and ``params`` (the
    values the text shows) let other interfaces word it in their own language. They take
    no part in equality, so a problem equals another with the same row, field and reason.
    """

    row: int | None
    field: str
    reason: str
    code: str = dataclasses.field(default="", compare=False)
    params: Mapping[str, str | Decimal] = dataclasses.field(
        default_factory=dict, compare=False, hash=False
    )

    def as_tuple(self) -> tuple[int | None, str, str]:
        """``(row, field, reason)`` as ``ValidationError.problems`` holds them."""
        return (self.row, self.field, self.reason)

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, {self.field}: {self.reason}"


def problem(row: int | None, field_name: str, code: str, **params: Any) -> Problem:
    """A ``Problem`` whose English reason is ``REASONS[code]`` filled with ``params``.

    The params are kept as text (the values as the file or the check wrote them), but for a
    ``Decimal``, a figure of Walouja's own (the largest value a field takes): it stays a
    number, for each interface to write as it writes figures (the Data page ``10 000`` in
    French), and the English reason writes it as the command line does (:func:`figure_text`).
    """
    values = {k: v if isinstance(v, Decimal) else str(v) for k, v in params.items()}
    shown = {k: figure_text(v) if isinstance(v, Decimal) else v for k, v in values.items()}
    return Problem(row, field_name, REASONS[code].format(**shown), code, values)


class RowError(str):
    """A reader's reason to reject a row (text plus code and params).

    It is a ``str``, so readers' ``row_errors`` stay plain text for callers that only print.
    ``field_name`` is ``"row"`` when the row could not be split into fields (its other
    checks are then left out), or the field the reader found wrong (a GTFS stop without
    ``stop_id``), in which case the row's other problems are reported too.
    """

    code: str
    params: dict[str, str]
    field_name: str

    def __new__(cls, code: str, /, *, field_name: str = "row", **params: Any) -> RowError:
        values = {k: str(v) for k, v in params.items()}
        self = super().__new__(cls, REASONS[code].format(**values))
        self.code = code
        self.params = values
        self.field_name = field_name
        return self


def row_problem(row: int, reason: str) -> Problem:
    """The ``Problem`` of a row a reader rejected (``row_errors``)."""
    if isinstance(reason, RowError):
        return Problem(row, reason.field_name, str(reason), reason.code, reason.params)
    return problem(row, "row", "unreadable_row", detail=reason)


@dataclass
class Validated:
    """The outcome of the pure checks.

    Attributes
    ----------
    rows
        Accepted rows: ``row`` (number in the file), ``external_id``, the layer's fields,
        ``is_demo`` (None unless the file has such a column), ``source`` and ``licence``
        (when the file has such columns), ``lon``, ``lat``.
    problems
        One entry per rejected row (a row may have several).
    warnings
        Notes about the whole file (ignored columns, assumed CRS...).
    total
        Number of records read.
    sources
        The sources the file's ``source`` column names, most frequent first, over all its
        rows, rejected ones too (the column is the file's, whichever rows are valid yet).
    """

    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total: int = 0
    present: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def rejected_rows(self) -> list[int]:
        """Sorted row numbers with at least one problem."""
        return sorted({p.row for p in self.problems if p.row is not None})


def normalise_key(value: Any) -> str:
    """Lower case, accents removed, separators folded to single spaces (for lookups)."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("_", " ").replace("-", " ").replace("'", " ")
    return re.sub(r"\s+", " ", text).strip()


def normalise_column(name: Any) -> str:
    """A column header as a lookup key: BOM stripped, lower case, no accents, ``_`` joins."""
    return normalise_key(str(name).replace("\ufeff", "")).replace(" ", "_")


LABEL_CATALOGUES = ("app", "validation")
"""The catalogues (``data/i18n/<domain>.<lang>.json``) whose ``field.<name>`` texts name the
layers' fields as the app shows them, and whose ``<field>.<value>`` texts name their values."""
LABELLED_VALUES = ("status", "mode", "stage")
"""Fields whose values the app shows by label (``status.operating``: « en activité »)."""


@cache
def _app_labels() -> dict[str, tuple[str, ...]]:
    """Each catalogue key's texts in French, Arabic and English (a missing file is skipped)."""
    found: dict[str, list[str]] = {}
    for domain in LABEL_CATALOGUES:
        for lang in ("fr", "ar", "en"):
            path = PROJECT_ROOT / "data" / "i18n" / f"{domain}.{lang}.json"
            try:
                texts = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for key, text in texts.items():
                if isinstance(text, str):
                    found.setdefault(key, []).append(text)
    return {key: tuple(texts) for key, texts in found.items()}


def layer_names(layer: str) -> set[str]:
    """The names a file may give the layer ``layer`` (as :func:`normalise_column` keys them):
    its own and its label as the app shows it in French, Arabic and English.

    Examples
    --------
    >>> {"beaches", "plages"} <= layer_names("beaches")
    True
    """
    labels = _app_labels().get(f"layer.{layer}", ())
    return {normalise_column(layer), *(normalise_column(t) for t in labels)}


def column_aliases(spec: LayerSpec) -> dict[str, str]:
    """The headers (as :func:`normalise_column` keys them) read as each field of ``spec``
    besides its own name: its aliases (``capacite``), and the field's label as the app
    shows it in French, Arabic and English (« Type de centre », « نوع المركز »), also
    without a unit in brackets (« Capacité (places) » as « Capacité »). A sheet headed
    with the app's own words is read; a label two fields would share is left out.
    """
    fields = {*spec.field_names, *PROVENANCE_COLUMNS}
    out = {normalise_column(k): v for k, v in spec.aliases.items()}
    labels = _app_labels()
    for whole in (True, False):
        claims: dict[str, set[str]] = {}
        for name in sorted(fields):
            for text in labels.get(f"field.{name}", ()):
                shown = text if whole else re.sub(r"\s*\([^()]*\)\s*$", "", text)
                key = normalise_column(shown)
                if key and key not in fields and key not in out:
                    claims.setdefault(key, set()).add(name)
        out |= {key: names.pop() for key, names in claims.items() if len(names) == 1}
    return out


def value_aliases(field_name: str) -> dict[str, str]:
    """Spellings read as each value of ``field_name`` (normalised with
    :func:`normalise_key`): :data:`geo.layers.ALIASES`, and for the fields the app shows by
    label (:data:`LABELLED_VALUES`) each value's label in French, Arabic and English."""
    out = {normalise_key(k): v for k, v in ALIASES.get(field_name, {}).items()}
    if field_name in LABELLED_VALUES:
        prefix = f"{field_name}."
        for key, texts in _app_labels().items():
            if key.startswith(prefix) and key.count(".") == 1:
                for text in texts:
                    out.setdefault(normalise_key(text), key.removeprefix(prefix))
    return out


def normalise_name(value: Any) -> str:
    """A place name for duplicate detection: accents, case, tatweel and punctuation removed."""
    text = unicodedata.normalize("NFKD", str(value)).replace("\u0640", "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def similar_names(a: Any, b: Any) -> bool:
    """Whether two names are the same or similar (ratio >= 0.85 after normalisation).

    Names whose numbers differ are not similar, however alike the rest: "Ligne 1 Arrêt 1"
    and "Ligne 1 Arrêt 2", "Centre 280" and "Centre 305" are other places.
    """
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if re.findall(r"\d+", na) != re.findall(r"\d+", nb):
        return False
    return SequenceMatcher(None, na, nb).ratio() >= NAME_SIMILARITY


def stable_id(layer: str, kind: str | None, name: str, lon: float, lat: float) -> str:
    """An external id from type, normalised name and coordinates rounded to ~10 m."""
    key = f"{layer}|{kind or ''}|{normalise_name(name)}|{lon:.4f}|{lat:.4f}"
    return "h:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None


def _as_text(series: pd.Series) -> pd.Series:
    """Every cell as stripped text, or None when empty (object dtype)."""
    values = series.astype(object).tolist()
    return pd.Series(
        [(v.strip() or None) if type(v) is str else _cell_text(v) for v in values],
        index=series.index,
        dtype=object,
    )


def marker_key(text: str) -> str:
    """``text`` folded for comparison with :data:`MISSING_MARKERS`: lower case, accents,
    Arabic diacritics and tatweel removed, spaces single and none around ``/`` or ``.``.

    Examples
    --------
    >>> marker_key(" N / A "), marker_key("Non Déterminé"), marker_key("n. d.")
    ('n/a', 'non determine', 'n.d.')
    """
    folded = unicodedata.normalize("NFKD", text.replace("\u0640", ""))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = re.sub(r"\s+", " ", folded).strip()
    return re.sub(r" ?([/.]) ?", r"\1", folded)


def is_missing_marker(value: Any) -> bool:
    """Whether a cell says its value is not known (« N/A », « - », « غير متوفر »…).

    Examples
    --------
    >>> [is_missing_marker(v) for v in ("N/A", " n.d. ", "—", "غير متوفر", "Non disponible")]
    [True, True, True, True, True]
    >>> [is_missing_marker(v) for v in ("0", "", None, "120", "NAN", "Nador", "-5")]
    [False, False, False, False, False, False, False]
    """
    text = _cell_text(value)
    return text is not None and marker_key(text) in MISSING_MARKERS


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _marked(spec: FieldSpec, series: pd.Series) -> pd.Series:
    """The cells of ``series`` that say the value of the field ``spec`` is not known.

    A text field's cell is one only when the field is required and the marker has a letter
    (a name « N/A »): an optional text may be what it says (« NC », a manager's initials),
    and a name « - » is refused as having no letter, as before.
    """
    if spec.kind == "text" and not spec.required:
        return pd.Series(False, index=series.index)
    texts = _as_text(series)
    # each distinct text once: a file of 100,000 rows repeats a few values
    said = {
        v
        for v in set(texts.dropna().tolist())
        if is_missing_marker(v)
        and (spec.kind != "text" or _has_letter(v))
        and not _is_value_of(spec, v)
    }
    return texts.isin(said) if said else pd.Series(False, index=series.index)


def _is_value_of(spec: FieldSpec, text: str) -> bool:
    """Whether ``text`` is one of the values ``spec`` reads (GTFS's ``unknown`` wheelchair
    boarding is its value 0): a marker that is a field's own value is read as that value."""
    key = normalise_key(text)
    if spec.kind == "gtfs_wheelchair":
        return key in WHEELCHAIR_CODES
    if spec.kind == "bool":
        return parse_bool(key) is not None
    if spec.kind in ("enum", "enum_list"):
        return key in value_aliases(spec.name) or key in {normalise_key(c) for c in spec.choices}
    return False


# Arabic-Indic (٠١٢…) and extended Arabic-Indic (۰۱۲…) digits, as an Arabic keyboard may
# type them: read as 0-9 (they were "not a number: ١٢٠")
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
_NUMBER_CHARS = str.maketrans(
    {
        ",": ".",
        " ": None,
        "\u00a0": None,
        "\u202f": None,
        "\t": None,
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": None,  # Arabic thousands separator
        **{chr(k): v for k, v in _DIGITS.items()},
    }
)


def _blank(series: pd.Series) -> pd.Series:
    return _as_text(series).isna()


def _text(series: pd.Series) -> pd.Series:
    return _each(_as_text(series), lambda v: None if v is None else unicodedata.normalize("NFC", v))


def parse_numbers(series: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal point or comma, spaces as thousand separators."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return pd.to_numeric(series, errors="coerce").astype(float)
    text = _each(_as_text(series), lambda v: None if v is None else v.translate(_NUMBER_CHARS))
    return pd.to_numeric(text, errors="coerce").astype(float)


_DMS = re.compile(
    r"\s*(?P<h1>[NSEWO])?\s*(?P<sign>-)?\s*(?P<d>\d{1,3}(?:[.,]\d+)?)\s*[°º˚]\s*"
    r"(?:(?P<m>\d{1,2}(?:[.,]\d+)?)\s*['′’]\s*"
    r"(?:(?P<s>\d{1,2}(?:[.,]\d+)?)\s*(?:[\"″”]|''|′′)?)?)?\s*(?P<h2>[NSEWO])?\s*",
    re.IGNORECASE,
)


def parse_dms(value: Any) -> float | None:
    r"""A coordinate written in degrees, minutes and seconds (as a GPS or Google Earth shows
    it) in decimal degrees, or None when ``value`` is not written so. South, west (or
    ``O``, ouest) and a minus sign make it negative.

    Examples
    --------
    >>> round(parse_dms("34°01'59\"N"), 6), round(parse_dms("5° 0' 1\" W"), 6)
    (34.033056, -5.000278)
    >>> parse_dms("O 6°50,5'"), parse_dms("34.03"), parse_dms("34°75'")
    (-6.841666666666667, None, None)
    """
    text = _cell_text(value)
    found = None if text is None else _DMS.fullmatch(text.translate(_DIGITS))
    if found is None:
        return None
    h1, h2 = (found.group("h1") or "").upper(), (found.group("h2") or "").upper()
    if h1 and h2:
        return None  # "N 34°01' S": which?

    def part(name: str) -> float:
        return float((found.group(name) or "0").replace(",", "."))

    minutes, seconds = part("m"), part("s")
    if minutes >= 60 or seconds >= 60:
        return None
    degrees = part("d") + minutes / 60 + seconds / 3600
    negative = bool(found.group("sign")) or (h1 or h2) in ("S", "W", "O")
    return -degrees if negative else degrees


def _split_pair(value: Any) -> tuple[float, float] | None:
    """A cell holding a latitude and a longitude (``34.0331, -5.0003``, ``34,0331;-5,0003``,
    or in degrees, minutes and seconds) as ``(lat, lon)``, or None. The two are told apart
    in Morocco, where every latitude is positive and every longitude negative: a pair given
    longitude first is turned round.

    Examples
    --------
    >>> _split_pair("34.0331, -5.0003"), _split_pair("-5,0003; 34,0331")
    ((34.0331, -5.0003), (34.0331, -5.0003))
    >>> _split_pair("34,0331, -5,0003"), _split_pair("34.0331"), _split_pair("")
    ((34.0331, -5.0003), None, None)
    """
    text = _cell_text(value)
    if text is None:
        return None
    text = text.strip().strip("()[]").translate(_DIGITS)
    if ";" in text:
        parts = text.split(";")
    elif re.search(r",\s", text):  # "34.0331, -5.0003" or "34,0331, -5,0003"
        parts = re.split(r",\s+", text)
    elif text.count(",") == 1:
        parts = text.split(",")
    else:
        parts = text.split()
    if len(parts) != 2:
        return None
    numbers: list[float] = []
    for part in parts:
        number = parse_numbers(pd.Series([part], dtype=object)).iloc[0]
        if not np.isfinite(number):
            number = parse_dms(part)
            if number is None:
                return None
        numbers.append(float(number))
    first, second = numbers
    if first < 0 < second:  # longitude first
        first, second = second, first
    return first, second


def _holds_pairs(values: pd.Series) -> bool:
    """Whether a column named as coordinates holds latitude/longitude pairs: at least half
    of its non-blank cells do (a « Coordonnées » column of telephone numbers or addresses
    holds contact details, not a position).

    Examples
    --------
    >>> _holds_pairs(pd.Series(["34.0331, -5.0003", "à compléter", None]))
    True
    >>> _holds_pairs(pd.Series(["0522 11 22 33", "Rue 5, Casablanca"]))
    False
    """
    texts = [v for v in values if _cell_text(v) is not None]
    read = sum(_split_pair(v) is not None for v in texts)
    return read > 0 and 2 * read >= len(texts)


def _parse_date(value: str) -> dt.date | None:
    value = value.strip().translate(_DIGITS)
    formats = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S")
    for fmt in (*formats, "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value[:19], fmt).date()
        except ValueError:
            continue
    # a year alone, or a year and month: any year, so that 1850 is "not a plausible date"
    # as 2099 is, not "not a date"
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1)
        if re.fullmatch(r"\d{4}-\d\d", value):
            return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:  # year 0000 or month 13
        return None
    return None


def _to_date(value: Any) -> dt.date | None:
    """A cell as a date: a date, a datetime or Timestamp (its day), or text in a known form.

    GeoJSON and GeoPackage readers give datetimes (an export's ``2018-04-01`` comes back at
    midnight); a time of day, when there is one, is dropped.
    """
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp is a datetime
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    text = _cell_text(value)
    return None if text is None else _parse_date(text)


_NOT_SCALAR = (list, tuple, dict, set, np.ndarray)


def _show_cell(value: Any) -> str:
    """A list or object cell as the file wrote it (JSON), for a message."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (set, tuple)):
        value = list(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _single_values(
    records: pd.DataFrame, fields: Mapping[str, tuple[str, bool]], check: _Checker
) -> pd.DataFrame:
    """``records`` with every list or object cell made one value, or rejected.

    GeoJSON properties may be arrays or objects. ``fields`` maps a column to the field
    name reported and whether the field takes several values (an ``enum_list``: a list is
    joined with ``;``). Elsewhere a list of one item is that item (GDAL reads a column
    mixing text and lists as lists), and a list of several items or an object is rejected
    (row, field) and left blank.
    """
    out = records
    for column, (field_name, several) in fields.items():
        values = records[column].tolist()
        if not any(isinstance(v, _NOT_SCALAR) for v in values):
            continue
        fixed: list[Any] = []
        shown: dict[Any, str] = {}
        for row, value in zip(records.index, values, strict=True):
            if isinstance(value, (list, tuple, np.ndarray)) and (several or len(value) <= 1):
                items = [str(v) for v in value if not _is_missing(v)]
                fixed.append(";".join(items) or None)
            elif isinstance(value, _NOT_SCALAR):
                fixed.append(None)
                shown[row] = _show_cell(value)
            else:
                fixed.append(value)
        bad = pd.Series([row in shown for row in records.index], index=records.index)
        check.reject(bad, field_name, "not_a_single_value", partial(_shown_value, shown))
        if out is records:
            out = records.copy()
        out[column] = pd.Series(fixed, index=records.index, dtype=object)
    return out


def _shown_value(shown: Mapping[Any, str], row: Any) -> dict[str, str]:
    return {"value": shown[row]}


def _each(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """Apply ``func`` to every cell, keeping the results as Python objects (no inference)."""
    return pd.Series([func(v) for v in series.tolist()], index=series.index, dtype=object)


class _Checker:
    """Collects problems while parsing one field after another."""

    def __init__(self, rows: pd.Index) -> None:
        self.rows = rows
        self.problems: list[Problem] = []
        self.bad = pd.Series(False, index=rows)
        self.cells: set[tuple[int, str]] = set()  # (row, field) already rejected
        # (field, text) of each optional cell read as empty for saying its value is not
        # known ("N/A"), in the order read
        self.markers: list[tuple[str, str]] = []

    def reject(
        self,
        mask: pd.Series,
        field_name: str,
        code: str,
        params: Callable[[Any], Mapping[str, Any]] | None = None,
    ) -> None:
        """Reject the rows in ``mask`` for ``code``; ``params`` gives each row's values.

        A cell already rejected is not rejected again (one reason per row and field).
        """
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        self.bad |= mask
        for row in mask.index[mask.to_numpy()]:
            if (int(row), field_name) in self.cells:
                continue
            self.cells.add((int(row), field_name))
            values = {} if params is None else params(row)
            self.problems.append(problem(int(row), field_name, code, **values))

    def add(self, item: Problem) -> None:
        """Reject ``item.row`` with a ready-made problem."""
        assert item.row is not None
        self.bad |= pd.Series(self.rows == item.row, index=self.rows)
        self.cells.add((item.row, item.field))
        self.problems.append(item)


WHEELCHAIR_CODES = {  # GTFS wheelchair_boarding: 0 unknown, 1 possible, 2 not possible
    "0": 0,
    "1": 1,
    "2": 2,
    "0.0": 0,
    "1.0": 1,
    "2.0": 2,
    "unknown": 0,
    "yes": 1,
    "limited": 1,
    "no": 2,
    "oui": 1,
    "non": 2,
}


def parse_bool(key: str | None) -> bool | None:
    """A yes/no word as the importer reads it (``oui``, ``true``, ``1``...), else None.

    ``key`` is normalised as by :func:`normalise_key`.
    """
    if key is None:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def _parse_field(spec: FieldSpec, raw: pd.Series, check: _Checker) -> pd.Series:
    marked = _marked(spec, raw)
    if marked.any():
        # "N/A", "-", « non disponible »: no value, said in words. A required field is
        # rejected as missing (the text shown); an optional one is read as an empty cell
        said = _as_text(raw)
        if spec.required:
            check.reject(marked, spec.name, "required_marked_missing", _value(said))
        else:
            check.markers.extend((spec.name, str(v)) for v in said[marked])
        raw = raw.astype(object).where(~marked, None)
    text = _as_text(raw)
    blank = text.isna()
    if spec.required:
        check.reject(blank & ~marked, spec.name, "required_missing")
    present = ~blank
    if spec.kind == "text":
        return _each(text, lambda v: None if v is None else unicodedata.normalize("NFC", v))
    if spec.kind in ("int", "number"):
        nums = parse_numbers(raw)
        nums = nums.where(np.isfinite(nums))  # "inf" and "1e400" parse, but are no amount
        check.reject(present & nums.isna(), spec.name, "not_a_number", _value(text))
        if spec.kind == "int":
            frac = present & nums.notna() & (nums != np.floor(nums))
            check.reject(frac, spec.name, "not_whole_number", _value(text))
        if spec.minimum is not None:
            low = present & nums.notna() & (nums < spec.minimum)
            minimum = f"{spec.minimum:g}"
            check.reject(
                low,
                spec.name,
                "below_minimum",
                lambda r: {"minimum": minimum, "value": text.loc[r]},
            )
        maximum = MAXIMUM.get(spec.name, INT4_MAX if spec.kind == "int" else None)
        if maximum is not None:
            # numeric(16, 2) stores the value rounded to cents
            high = present & nums.notna() & (nums.round(2) > float(maximum))
            check.reject(
                high,
                spec.name,
                "above_maximum",
                lambda r: {"maximum": maximum, "value": text.loc[r]},
            )
        if spec.kind == "int":
            return _each(nums, lambda v: None if np.isnan(v) else int(v))
        return _each(nums, lambda v: None if np.isnan(v) else float(v))
    if spec.kind == "date":
        parsed = _each(raw, _to_date)
        check.reject(present & parsed.isna(), spec.name, "not_a_date", _value(text))
        earliest, latest = EARLIEST_DATE, dt.date(dt.date.today().year + FUTURE_YEARS, 12, 31)
        odd = _each(parsed, lambda d: d is not None and not earliest <= d <= latest)
        check.reject(
            odd.astype(bool),
            spec.name,
            "date_out_of_range",
            lambda r: {
                "value": parsed.loc[r].isoformat(),
                "earliest": earliest.isoformat(),
                "latest": latest.isoformat(),
            },
        )
        return parsed
    lookup = {v: normalise_key(v) for v in set(text.tolist()) if v is not None}
    keys = _each(text, lambda v: None if v is None else lookup[v])
    if spec.kind == "bool":
        parsed = _each(keys, parse_bool)
        check.reject(present & parsed.isna(), spec.name, "not_yes_no", _value(text))
        return parsed
    if spec.kind == "gtfs_wheelchair":
        parsed = _each(keys, lambda v: None if v is None else WHEELCHAIR_CODES.get(v))
        check.reject(present & parsed.isna(), spec.name, "unknown_wheelchair", _value(text))
        return parsed
    aliases = value_aliases(spec.name)
    aliases |= {normalise_key(c): c for c in spec.choices}
    expected = ", ".join(spec.choices)
    if spec.kind == "enum":
        parsed = _each(keys, lambda v: None if v is None else aliases.get(v))
        check.reject(
            present & parsed.isna(),
            spec.name,
            "unknown_value",
            lambda r: {"value": text.loc[r], "expected": expected},
        )
        return parsed

    # enum_list: values separated by ; , | or / (or the Arabic comma and semicolon ، ؛)
    def to_list(v: str | None) -> tuple[list[str], list[str]]:
        if v is None:
            return [], []
        items = [normalise_key(p) for p in re.split(r"[;,|/\u060c\u061b]", v) if p.strip()]
        good = [aliases[i] for i in items if i in aliases]
        return sorted(set(good)), [i for i in items if i not in aliases]

    pairs = _each(text, to_list)
    unknown = _each(pairs, lambda p: bool(p[1])).astype(bool)
    check.reject(
        present & unknown,
        spec.name,
        "unknown_values",
        lambda r: {"values": ", ".join(map(repr, pairs.loc[r][1])), "expected": expected},
    )
    return _each(pairs, lambda p: p[0])


def figure_text(figure: Decimal) -> str:
    """A figure of a message in English, exactly (a ``Decimal``, never a float's
    ``…999.98``): its thousands marked from 10,000 (``2,147,483,647``; a year ``2100``),
    its cents when it has any.

    Examples
    --------
    >>> figure_text(Decimal(10_000)), figure_text(Decimal(2100))
    ('10,000', '2100')
    >>> figure_text(Decimal("99999999999999.99"))
    '99,999,999,999,999.99'
    """
    return f"{figure:,}" if figure >= 10_000 else str(figure)


def _check_consistency(out: pd.DataFrame, check: _Checker) -> None:
    """Rules between fields: years in order, a centre that has opened has an opening date
    that is not in the future."""
    if "start_year" in out and "end_year" in out:
        start, end = out["start_year"], out["end_year"]
        backwards = pd.Series(
            [s is not None and e is not None and e < s for s, e in zip(start, end, strict=True)],
            index=out.index,
        )
        check.reject(
            backwards,
            "end_year",
            "ends_before_start",
            lambda r: {"end": end.loc[r], "start": start.loc[r]},
        )
    if "opened" in out and "status" in out:
        today = dt.date.today()
        opened, status = out["opened"], out["status"]
        future = pd.Series(
            [
                d is not None and d > today and s in OPEN_STATUSES
                for d, s in zip(opened, status, strict=True)
            ],
            index=out.index,
        )
        check.reject(
            future,
            "opened",
            "opened_in_future",
            lambda r: {"value": opened.loc[r].isoformat(), "status": status.loc[r]},
        )


def _round7(values: np.ndarray) -> np.ndarray:
    """Rounded to 7 decimals; values too large to round (a typo such as 1e308) stay as read."""
    values = np.asarray(values, dtype=float)
    small = np.abs(values) < 1e9
    out = values.copy()
    out[small] = np.round(values[small], 7)
    return out


def _degrees(value: float) -> str:
    """A coordinate for a message: 5 decimals, or a short form for absurd values."""
    return f"{value:.5f}" if abs(value) < 1e6 else f"{value:.5g}"


def _looks_lonlat(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether coordinates without a CRS are longitude/latitude: most finite pairs fit.

    Projected coordinates in Morocco (Lambert, UTM) are hundreds of thousands of metres, so
    none fit; a typo in one row of a lon/lat file (``1e308``, ``inf``, a value in metres)
    leaves that row to be rejected on its own instead of the whole file being refused.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return True
    fits = (np.abs(x[ok]) <= 180) & (np.abs(y[ok]) <= 90)
    return bool(2 * int(fits.sum()) > int(ok.sum()))


def _looks_like_moroccan_degrees(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether most finite pairs are longitude/latitude inside Morocco's box (``BBOX``).

    Projected coordinates of Moroccan places are hundreds of thousands of metres: none
    fits, so such a file in a projected CRS holds degrees.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return False
    xs, ys = x[ok], y[ok]
    inside = (xs >= BBOX[0]) & (xs <= BBOX[2]) & (ys >= BBOX[1]) & (ys <= BBOX[3])
    return bool(2 * int(inside.sum()) > int(ok.sum()))


@dataclass
class _Frame:
    """Where the coordinates' CRS comes from: the file (``stated``), the user (``given``).

    A refusal says which of the two is wrong, and its advice fits the file's format.
    """

    what: str
    given: CRS | None
    fmt: str | None
    stated: CRS | None = None

    @property
    def overrides(self) -> bool:
        """Whether a CRS was given that differs from the one the file states."""
        return self.given is not None and (
            self.stated is None or not self.stated.equals(self.given, ignore_axis_order=True)
        )

    @property
    def stated_name(self) -> str | None:
        """The file's CRS as messages write it (``EPSG:26191``), or None."""
        return None if self.stated is None else self.stated.to_string()


def _crs_refusal(frame: _Frame, crs: CRS, *, degrees: bool) -> Exception:
    """The refusal of coordinates that do not fit ``crs``: metres in a CRS in degrees
    (``degrees``), or degrees in a projected CRS.

    It names the CRS given and the file's own when the user's overrides the file's, and
    otherwise the file's, with advice for the file's format (a GeoJSON without a crs
    member is longitude/latitude by definition).
    """
    name, shown = frame.what, crs.to_string()
    if frame.overrides and frame.stated is None:
        if degrees:
            return file_error("given_crs_not_lonlat_unstated", name=name, crs=shown)
        return file_error("lonlat_in_given_crs_unstated", name=name, crs=shown)
    if frame.overrides:
        own = frame.stated_name
        if degrees:
            return file_error("given_crs_not_lonlat", name=name, crs=shown, file_crs=own)
        return file_error("lonlat_in_given_crs", name=name, crs=shown, file_crs=own)
    if not degrees:
        return file_error("lonlat_in_projected_crs", name=name, crs=shown)
    if frame.fmt == "geojson":
        # metres in a GeoJSON: GDAL reads one without a crs member as EPSG:4326 (RFC 7946)
        return file_error("geojson_not_lonlat", name=name)
    return file_error("not_lonlat_in_degrees_crs", name=name, crs=shown)


def _to_lonlat(
    x: np.ndarray, y: np.ndarray, crs: CRS | None, frame: _Frame
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    notes: list[str] = []
    if crs is None:
        if not _looks_lonlat(x, y):
            raise file_error("not_lonlat_without_crs", name=frame.what)
        notes.append(Note("assumed_lonlat", name=frame.what))
        return x, y, notes
    if crs.is_geographic and not _looks_lonlat(x, y):
        raise _crs_refusal(frame, crs, degrees=True)
    if crs.is_projected and _looks_like_moroccan_degrees(x, y):
        # the opposite: --crs EPSG:26191 for longitude/latitude, which would put every row
        # a few metres from the projection's origin, "outside Morocco"
        raise _crs_refusal(frame, crs, degrees=False)
    if crs.equals(CRS.from_epsg(4326)) or crs.equals(CRS.from_string("OGC:CRS84")):
        return x, y, notes
    transformer = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)
    lon, lat = transformer.transform(x, y)
    notes.append(Note("reprojected", crs=crs.to_string()))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), notes


def _refuse_clashing_columns(spec: LayerSpec, headers: Any, what: str) -> None:
    """Refuse a file where two columns name one of ``spec``'s fields (``Name`` and ``name``)."""
    used = {*spec.field_names, *PROVENANCE_COLUMNS, *column_aliases(spec)}
    refuse_clashing_columns(headers, used | {*LON_COLUMNS, *LAT_COLUMNS, *WKT_COLUMNS}, what)


def refuse_clashing_columns(headers: Any, used: set[str], what: str) -> None:
    """Refuse a file where two headers are the same column once normalised, if it is read.

    Headers are compared as :func:`normalise_column` makes them (``Name`` = ``name``);
    reading one of the two and silently dropping the other would use the wrong values.
    Columns outside ``used`` (normalised names the reader looks at) may clash.
    """
    seen: dict[str, list[str]] = {}
    for header in headers:
        seen.setdefault(normalise_column(header), []).append(str(header))
    for key, names in seen.items():
        if key not in used or len(names) < 2:
            continue
        if len(set(names)) == 1:
            raise file_error("repeated_column", name=what, column=names[0], n=len(names))
        raise file_error("duplicate_column", name=what, columns=", ".join(map(repr, names)))


def _unused_columns(
    spec: LayerSpec,
    headers: list[Any],
    mapped: Mapping[str, str],
    records: pd.DataFrame | None = None,
) -> list[Note]:
    """Notes naming the columns of a file that no field reads (``records``: the file's
    rows, whose values tell whether a column is another layer's type).

    A column close to a field not read otherwise (a field's name or one of its aliases
    within a spelling mistake, ``Servicess``, or as the first word, ``Capacité d'accueil``)
    has a note of its own suggesting the field; the others are listed together. An
    export's ``created_at`` and ``updated_at`` (set by the database) are not mentioned.
    """
    fields = {*spec.field_names, *PROVENANCE_COLUMNS}
    names = {
        key: target
        for key, target in {**column_aliases(spec), **{f: f for f in fields}}.items()
        if target in fields and target not in mapped
    }
    notes: list[Note] = []
    plain: list[str] = []
    values: dict[str, pd.Series] = {}
    for header in headers:
        if records is not None and header in records.columns:
            values[str(header)] = records[header]
        key = normalise_column(header)
        if not key or key in EXPORT_ONLY_COLUMNS:
            continue
        close = get_close_matches(key, list(names), n=1, cutoff=0.8)
        first = key.split("_", 1)[0]
        target = names[close[0]] if close else names.get(first) if len(first) >= 3 else None
        if target is None:
            plain.append(str(header))
        else:
            notes.append(Note("unused_column_like", column=str(header), field=target))
    if plain:
        notes.insert(
            0, Note("unused_columns", n=len(plain), columns=", ".join(plain), layer=spec.name)
        )
        notes.extend(_another_layers_columns(spec, plain, values))
    return notes


def _another_layers_columns(
    spec: LayerSpec, headers: list[str], values: Mapping[str, pd.Series]
) -> list[Note]:
    """A note when columns no field of ``spec`` reads give another layer its type (a
    centres file imported into beaches: its ``type`` column is a centre's type), as the
    layer chosen may be the wrong one. At most one note, for the first such layer.

    The column's ``values`` must be that type's codes or labels, most of its filled cells:
    a beach's type « plage urbaine » or a centre's mode « gestion déléguée » is no centre
    type nor transport mode, and the note sent the user to the wrong layer."""
    from geo.layers import LAYERS

    for other in LAYERS.values():
        kind = other.type_field
        if other.name == spec.name or kind is None or kind in spec.field_names:
            continue
        names = {**column_aliases(other), kind: kind}
        field = next(f for f in other.fields if f.name == kind)
        known = set(value_aliases(kind)) | {normalise_key(c) for c in field.choices}
        for header in headers:
            if names.get(normalise_column(header)) != kind or header not in values:
                continue
            texts = [t for t in _as_text(values[header]) if t is not None]
            items = [
                [normalise_key(p) for p in re.split(r"[;,|/\u060c\u061b]", t) if p.strip()]
                for t in texts
            ]
            read = sum(bool(i) and all(k in known for k in i) for i in items)
            if read and 2 * read > len(texts):
                return [Note("another_layers_column", column=header, field=kind, layer=other.name)]
    return []


def _header_below(records: pd.DataFrame, *, rows: int = 10) -> int | None:
    """The row, among the first ``rows`` of ``records``, that holds coordinate column names
    (``lon`` and ``lat``, or ``wkt``...), or None: a file whose column names are not in its
    first row.

    Examples
    --------
    >>> title = pd.DataFrame(
    ...     [["name", "lon", "lat"], ["A", "-6.8", "34.0"]], columns=["Centres 2026", "", ""],
    ...     index=[2, 3])
    >>> _header_below(title)
    2
    """
    for row, values in records.head(rows).iterrows():
        names = {normalise_column(v) for v in values if v is not None and str(v).strip()}
        if has_coordinates(names):
            return int(str(row))
    return None


def has_coordinates(headers: Iterable[Any]) -> bool:
    """Whether column ``headers`` name coordinates: lon and lat (or their other names), a
    WKT column, or one column of latitude/longitude pairs (« Coordonnées GPS »).

    Examples
    --------
    >>> has_coordinates(["Nom", "Longitude (X)", "Latitude (Y)"]), has_coordinates(["Notice"])
    (True, False)
    >>> has_coordinates(["nom", "type", "Coordonnées GPS"])
    True
    """
    columns = {normalise_column(h): str(h) for h in headers}
    return (
        _find(columns, WKT_COLUMNS) is not None
        or _find(columns, PAIR_COLUMNS) is not None
        or (_find(columns, LON_COLUMNS) is not None and _find(columns, LAT_COLUMNS) is not None)
    )


def _find(columns: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    """The column named one of ``names`` (``columns``: normalised key -> header), else the
    only one so named once a bracketed note is cut (« Longitude (X) », « lat (WGS84) »).

    Examples
    --------
    >>> _find({"name": "name", "longitude_(x)": "Longitude (X)"}, LON_COLUMNS)
    'Longitude (X)'
    """
    for name in names:
        if name in columns:
            return columns[name]
    cut: dict[str, list[str]] = {}
    for key, header in columns.items():
        cut.setdefault(re.sub(r"_?\([^()]*\)$", "", key), []).append(header)
    for name in names:
        if len(cut.get(name, ())) == 1:
            return cut[name][0]
    return None


def validate_records(
    spec: LayerSpec,
    records: pd.DataFrame,
    geometry: Any = None,
    *,
    crs: str | CRS | None = None,
    stated_crs: str | None = None,
    defaults: Mapping[str, Any] | None = None,
    row_errors: Mapping[int, str] | None = None,
    what: str = "the file",
    fmt: str | None = None,
) -> Validated:
    """Check and convert the records of a file for ``spec``.

    Parameters
    ----------
    records
        Attribute columns as read (text or native types); the index holds the row numbers
        reported to the user.
    geometry
        Geometries aligned with ``records`` (a GeoSeries with its CRS, or shapely objects
        plus ``crs``); None when the coordinates are columns (lon/lat or WKT).
    crs
        The CRS the user gave (``--crs``) for coordinate columns or ``geometry``: it
        overrides the CRS the file states (a note says so when they differ), as
        ``ogr2ogr -s_srs`` does. None means "as the file says", and for a file that says
        nothing longitude/latitude is assumed only when the values fit.
    stated_crs
        The CRS the file states for its coordinate columns (a GTFS feed's are EPSG:4326);
        ``geometry`` carries its own.
    defaults
        Values for fields the file leaves empty or lacks (``--set centre_type=other``).
    row_errors
        Rows the reader could not split into fields, with the reason.
    fmt
        The file's format (``geojson``...), for advice that depends on it.
    """
    rows = records.index
    check = _Checker(rows)
    for row, reason in (row_errors or {}).items():
        if row in rows:
            check.add(row_problem(int(row), reason))
    warnings: list[str] = []
    _refuse_clashing_columns(spec, records.columns, what)
    columns = {normalise_column(c): c for c in records.columns}
    # 1. map the file's columns onto the layer's fields
    mapped: dict[str, str] = {}
    targets = {*spec.field_names, *PROVENANCE_COLUMNS}
    for key, original in columns.items():  # exact names first, then aliases
        if key in targets:
            mapped[key] = original
    aliases = column_aliases(spec)
    for key, original in columns.items():
        target = aliases.get(key)
        if target in targets and target not in mapped and key not in targets:
            mapped[target] = original
    for key, original in columns.items():  # Shapefile (dBase) names cut at 10 characters
        if len(key) == 10 and key not in targets and key not in aliases:
            fits = [t for t in targets if t.startswith(key) and t not in mapped]
            if len(fits) == 1:
                mapped[fits[0]] = original
    ignored = [columns[k] for k in columns if k in IGNORED_COLUMNS]
    if ignored:
        warnings.append(Note("ignored_columns", columns=", ".join(map(str, ignored))))
    # 2. geometry -> lon/lat
    if isinstance(crs, str):
        # "EPSG 26191" or "epsg : 26191" as typed in a box: the code, whatever its spacing
        typed = re.fullmatch(r"\s*epsg\s*[:\s]\s*(\d+)\s*", crs, flags=re.IGNORECASE)
        try:
            crs = CRS.from_user_input(f"EPSG:{typed.group(1)}" if typed else crs)
        except Exception:  # pyproj's CRSError: PROJ's own words help no user
            raise file_error("unknown_crs", crs=crs) from None
    frame = _Frame(what=what, given=crs, fmt=fmt)
    lon_col, lat_col = _find(columns, LON_COLUMNS), _find(columns, LAT_COLUMNS)
    wkt_col = _find(columns, WKT_COLUMNS)
    pair_col = (
        _find(columns, PAIR_COLUMNS)
        if geometry is None and wkt_col is None and (lon_col is None or lat_col is None)
        else None
    )
    if pair_col is not None and not _holds_pairs(records[pair_col]):
        # a "Coordonnées" column of telephone numbers or addresses names no position: every
        # row was refused "not a number", with a note that coordinates were read from it
        pair_col = None
    read = {
        *mapped.values(),
        *ignored,
        lon_col,
        lat_col,
        wkt_col,
        pair_col,
        columns.get("is_demo"),
    }
    unread_columns = [c for c in records.columns if c not in read]
    warnings.extend(_unused_columns(spec, unread_columns, mapped, records))
    field_kinds = {f.name: f.kind for f in spec.fields}
    cells = {col: (name, field_kinds.get(name) == "enum_list") for name, col in mapped.items()}
    for col in (lon_col, lat_col, wkt_col, pair_col, columns.get("is_demo")):
        if col is not None:
            cells.setdefault(col, (str(col), False))
    records = _single_values(records, cells, check)
    if geometry is None and wkt_col is not None and (lon_col is None or lat_col is None):
        text = _as_text(records[wkt_col]).to_numpy(dtype=object)
        geometry = shapely.from_wkt(text, on_invalid="ignore")
        bad_wkt = pd.Series(
            [g is None and t is not None for g, t in zip(geometry, text, strict=True)],
            index=rows,
        )
        check.reject(bad_wkt, "geometry", "bad_wkt")
    if geometry is not None:
        geoms = np.asarray(getattr(geometry, "values", geometry), dtype=object)
        stated = getattr(geometry, "crs", None)
        frame.stated = None if stated is None else CRS.from_user_input(stated)
        file_crs = _file_crs(frame, warnings)
        missing = pd.Series([g is None for g in geoms], index=rows, dtype=bool)
        check.reject(missing & ~check.bad, "geometry", "missing_geometry")
        present = ~missing.to_numpy()
        empty = np.zeros(len(geoms), dtype=bool)
        empty[present] = shapely.is_empty(geoms[present].astype(object))
        check.reject(pd.Series(empty, index=rows), "geometry", "empty_geometry")
        usable = present & ~empty
        valid = np.ones(len(geoms), dtype=bool)
        valid[usable] = shapely.is_valid(geoms[usable].astype(object))
        if (~valid).any():
            where = dict(zip(rows, geoms, strict=True))
            check.reject(
                pd.Series(~valid, index=rows),
                "geometry",
                "invalid_geometry",
                lambda r: {"detail": shapely.is_valid_reason(where[r])},
            )
        usable &= valid
        pts = np.full(len(geoms), None, dtype=object)
        pts[usable] = geoms[usable]
        non_point = np.zeros(len(geoms), dtype=bool)
        if usable.any():
            types = shapely.get_type_id(pts[usable].astype(object))
            non_point[usable] = types != 0
            if non_point.any():
                pts[non_point] = shapely.point_on_surface(pts[non_point].astype(object))
                warnings.append(Note("non_point_geometries", n=int(non_point.sum())))
        x = np.full(len(geoms), np.nan)
        y = np.full(len(geoms), np.nan)
        if usable.any():
            coords = shapely.get_coordinates(pts[usable].astype(object))
            x[usable], y[usable] = coords[:, 0], coords[:, 1]
        lon, lat, notes = _to_lonlat(x, y, file_crs, frame)
        warnings.extend(notes)
    elif lon_col is not None and lat_col is not None:
        x = parse_numbers(records[lon_col]).to_numpy(dtype=float, na_value=np.nan).copy()
        y = parse_numbers(records[lat_col]).to_numpy(dtype=float, na_value=np.nan).copy()
        read_dms: list[tuple[str, float]] = []
        for col, arr in ((lon_col, x), (lat_col, y)):
            # degrees, minutes and seconds, as a GPS or Google Earth writes them: refused as
            # "not a number" (5°00'01"W is -5.000278)
            for i, value in enumerate(records[col]):
                if not np.isfinite(arr[i]) and (degrees := parse_dms(value)) is not None:
                    arr[i] = degrees
                    read_dms.append((str(_cell_text(value)), degrees))
        if read_dms:
            shown, decimal = read_dms[0]
            warnings.append(
                Note("coordinates_dms", n=len(read_dms), example=shown, value=f"{decimal:.6f}")
            )
        for col, arr in ((lon_col, x), (lat_col, y)):
            raw = records[col]
            # "inf" and "nan" parse as floats but are no coordinates
            bad_num = pd.Series(~np.isfinite(arr), index=rows) & ~_blank(raw)
            texts = _as_text(raw)
            check.reject(bad_num, str(col), "not_a_number", _value(texts))
            check.reject(_blank(raw), str(col), "missing_coordinate")
            arr[~np.isfinite(arr)] = np.nan
        frame.stated = None if stated_crs is None else CRS.from_user_input(stated_crs)
        lon, lat, notes = _to_lonlat(x, y, crs or frame.stated, frame)
        # no CRS is normal for CSV: not worth a note
        warnings.extend(n for n in notes if getattr(n, "code", "") != "assumed_lonlat")
    elif pair_col is not None:
        # "34.0331, -5.0003" in one column (Google Maps' order: latitude, longitude)
        pairs = [_split_pair(v) for v in records[pair_col]]
        y = np.array([p[0] if p else np.nan for p in pairs], dtype=float)
        x = np.array([p[1] if p else np.nan for p in pairs], dtype=float)
        raw = records[pair_col]
        unread = pd.Series([p is None for p in pairs], index=rows) & ~_blank(raw)
        check.reject(unread, str(pair_col), "not_a_number", _value(_as_text(raw)))
        check.reject(_blank(raw), str(pair_col), "missing_coordinate")
        if any(p is not None for p in pairs):
            warnings.append(Note("coordinates_in_one_column", column=str(pair_col)))
        frame.stated = None if stated_crs is None else CRS.from_user_input(stated_crs)
        lon, lat, notes = _to_lonlat(x, y, crs or frame.stated, frame)
        warnings.extend(n for n in notes if getattr(n, "code", "") != "assumed_lonlat")
    else:
        below = _header_below(records)
        if below is not None:
            # a title line above the column names, as many lists kept in a spreadsheet have:
            # it was refused as having no lon/lat columns, which it does have
            raise file_error("header_not_first_row", name=what, row=below)
        raise file_error("no_geometry", name=what)
    # 7 decimals (about 1 cm): reprojection noise must not make a re-import look changed
    lon_s = pd.Series(_round7(lon), index=rows)
    lat_s = pd.Series(_round7(lat), index=rows)
    known = lon_s.notna() & lat_s.notna()
    inside = (lon_s >= BBOX[0]) & (lon_s <= BBOX[2]) & (lat_s >= BBOX[1]) & (lat_s <= BBOX[3])
    swapped = (lat_s >= BBOX[0]) & (lat_s <= BBOX[2]) & (lon_s >= BBOX[1]) & (lon_s <= BBOX[3])
    outside = known & ~inside

    def lonlat(r: Any) -> dict[str, str]:
        return {"lon": _degrees(lon_s.loc[r]), "lat": _degrees(lat_s.loc[r])}

    check.reject(outside & swapped, "geometry", "outside_morocco_swapped", lonlat)
    check.reject(outside & ~swapped, "geometry", "outside_morocco", lonlat)
    # 3. fields
    out = pd.DataFrame(index=rows)
    defaults = dict(defaults or {})
    for key in defaults:
        if key not in spec.field_names:
            raise file_error(
                "cannot_set_field", field=key, layer=spec.name, fields=", ".join(spec.field_names)
            )
    for fspec in spec.fields:
        if fspec.name in defaults:
            # a value given for the rows without one is checked even when no row needs it
            # (--set centre_type=COAHP went unnoticed on a file whose rows all had a type)
            probe = _Checker(pd.RangeIndex(1))
            _parse_field(fspec, pd.Series([str(defaults[fspec.name])], dtype=object), probe)
            if probe.problems:
                raise file_error(
                    "bad_set_value",
                    field=fspec.name,
                    value=str(defaults[fspec.name]),
                    reason=probe.problems[0].reason,
                )
    for fspec in spec.fields:
        column = mapped.get(fspec.name)
        raw = (
            records[column]
            if column is not None
            else pd.Series([None] * len(rows), index=rows, dtype=object)
        )
        if fspec.name == "name" and "name_ar" in mapped:
            # a place named only in Arabic (a file whose name column is الاسم) is named:
            # its Arabic name stands for both (every row was refused as having no name)
            unset = _blank(raw) | _marked(fspec, raw)  # no name, or "N/A"
            raw = raw.astype(object).where(~unset, records[mapped["name_ar"]])
        if fspec.name in defaults:
            # a cell saying its value is not known ("N/A") takes it as an empty one does
            unset = _blank(raw) | _marked(fspec, raw)
            raw = raw.astype(object).where(~unset, str(defaults[fspec.name]))
        parsed = _parse_field(fspec, raw, check)
        if fspec.name == "name":
            # "." or "-" names no place: it would be shown as the place's name, and no name
            # is similar to it, so a re-import read it as another place at the same spot
            blank_name = parsed.map(lambda v: v is not None and not normalise_name(v))
            check.reject(blank_name, "name", "name_without_letters", _value(parsed))
        if fspec.default is not None:
            parsed = _each(parsed, partial(_or_default, fspec.default))
        out[fspec.name] = parsed.astype(object)
    _check_consistency(out, check)
    is_demo = columns.get("is_demo")
    out["is_demo"] = (
        _parse_field(IS_DEMO, records[is_demo], check).astype(object)
        if is_demo is not None
        else pd.Series([None] * len(rows), index=rows, dtype=object)
    )
    if check.markers:
        warnings.append(_markers_note(check.markers))
    # 4. external ids: given, or a hash of type + name + rounded coordinates
    kind = spec.type_field
    if "external_id" in mapped:
        given = _each(_as_text(records[mapped["external_id"]]), _clean_id)
    else:
        given = pd.Series([None] * len(rows), index=rows, dtype=object)
    kinds = out[kind].tolist() if kind is not None else [None] * len(rows)
    names = out["name"].tolist()
    ext = [
        g
        if g is not None
        else (
            None
            if np.isnan(x) or np.isnan(y)
            else stable_id(spec.name, None if k is None else str(k), str(n or ""), x, y)
        )
        for g, k, n, x, y in zip(
            given.tolist(), kinds, names, lon_s.tolist(), lat_s.tolist(), strict=True
        )
    ]
    out.insert(0, "external_id", pd.Series(ext, index=rows, dtype=object))
    for column in ("source", "licence"):
        out[column] = (
            _text(records[mapped[column]])
            if column in mapped
            else pd.Series([None] * len(rows), index=rows, dtype=object)
        )
    out["lon"] = lon_s
    out["lat"] = lat_s
    # 5. duplicates inside the file, among rows that are otherwise fine
    ok = ~check.bad
    for row, values in duplicate_params(out[ok], spec).items():
        check.add(problem(int(row), "name", "duplicate_in_file", **values))
    ok = ~check.bad
    repeat = out["external_id"].duplicated(keep="first") & ok & out["external_id"].notna()
    if repeat.any():
        first = {v: r for r, v in out.loc[ok & ~repeat, "external_id"].items()}
        ids = out["external_id"]
        check.reject(
            repeat,
            "external_id",
            "duplicate_external_id",
            lambda r: {"external_id": ids.loc[r], "other_row": first.get(ids.loc[r], "?")},
        )
    accepted = out[~check.bad].copy()
    accepted.insert(0, "row", accepted.index.astype(int))
    # a row the reader could not split has blank fields: only the reader's reason counts
    unsplit = {
        row
        for row, reason in (row_errors or {}).items()
        if getattr(reason, "field_name", "row") == "row"
    }
    problems = sorted(
        (p for p in check.problems if p.row not in unsplit or p.field == "row"),
        key=lambda p: (p.row or 0, p.field),
    )
    return Validated(
        rows=accepted.reset_index(drop=True),
        problems=problems,
        warnings=warnings,
        total=len(records),
        present=tuple(f for f in spec.field_names if f in mapped or f in defaults),
        sources=tuple(str(v) for v in out["source"].dropna().value_counts().index),
    )


def _markers_note(markers: Sequence[tuple[str, str]]) -> Note:
    """The note saying how many cells were read as empty for saying their value is not
    known, each marker as written with its count (most frequent first), and the fields.

    Examples
    --------
    >>> note = _markers_note([("capacity", "N/A"), ("capacity", "-"), ("end_year", "N/A")])
    >>> note.params["n"], note.params["markers"], note.params["fields"]
    (3, '"N/A" ×2, "-" ×1', 'capacity, end_year')
    """
    counts: dict[str, int] = {}
    fields: list[str] = []
    for name, text in markers:
        counts[text] = counts.get(text, 0) + 1
        if name not in fields:
            fields.append(name)
    said = sorted(counts.items(), key=lambda item: -item[1])  # stable: first seen first
    return Note(
        "cells_read_as_empty",
        n=len(markers),
        markers=", ".join(f'"{text}" ×{n}' for text, n in said),
        fields=", ".join(fields),
    )


def _file_crs(frame: _Frame, warnings: list[str]) -> CRS | None:
    """The CRS of the geometries: the one given when there is one (noted when the file
    states another), else the file's."""
    if frame.given is None:
        return frame.stated
    if frame.overrides:
        warnings.append(
            Note(
                "crs_overridden",
                name=frame.what,
                file_crs=str(frame.stated_name),
                crs=frame.given.to_string(),
            )
        )
    return frame.given


def _value(texts: pd.Series) -> Callable[[Any], dict[str, Any]]:
    """The params of a rejection that shows the cell's text as ``value``."""
    return lambda row: {"value": texts.loc[row]}


def _or_default(default: Any, value: Any) -> Any:
    return default if _is_missing(value) else value


def _clean_id(value: str | None) -> str | None:
    return None if value is None else re.sub(r"^(\d+)\.0$", r"\1", value)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (chord length is monotone in great-circle distance)."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def great_circle_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)))


def find_duplicates(rows: pd.DataFrame, spec: LayerSpec) -> dict[Any, str]:
    """Later rows that repeat an earlier one: same type, similar name, within 50 m.

    Returns ``{row index: reason}``; the first occurrence is kept.
    """
    template = REASONS["duplicate_in_file"]
    return {row: template.format(**p) for row, p in duplicate_params(rows, spec).items()}


def _near_pairs(rows: pd.DataFrame) -> NDArray[np.intp]:
    """Positions ``(i, j)`` of the pairs of ``rows`` (``lon``, ``lat``) within
    ``DUPLICATE_METRES`` of each other, in order."""
    if len(rows) < 2:
        return np.empty((0, 2), dtype=np.intp)
    xyz = unit_vectors(rows["lon"].to_numpy(float), rows["lat"].to_numpy(float))
    chord = 2 * np.sin(DUPLICATE_METRES / EARTH_RADIUS_M / 2)
    pairs = cKDTree(xyz).query_pairs(chord * 1.000001, output_type="ndarray")
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs


def repeated_sites(rows: pd.DataFrame) -> dict[Any, dict[str, str]]:
    """Later sites of a candidate file that repeat an earlier one, by the import's rule
    (:func:`duplicate_params`) without a type: a similar name, or no name on either, within
    ``DUPLICATE_METRES``; the first one is kept.

    ``rows`` holds ``lon``, ``lat`` and ``name`` (``None`` where a row has none), indexed by
    row number. Returns ``{row: {"code", "other_row", "other_name", "distance"}}``, the code
    ``duplicate_site_in_file`` (named rows) or ``duplicate_point_in_file`` (unnamed ones).

    Examples
    --------
    >>> rows = pd.DataFrame({"lon": [-1.91, -4.01, -1.91, -4.01, -4.0101],
    ...     "lat": [34.68, 34.21, 34.68, 34.21, 34.21],
    ...     "name": ["Oujda", "Taza", "OUJDA", None, None]}, index=[2, 3, 4, 5, 6])
    >>> found = repeated_sites(rows)
    >>> sorted(found), found[4]["other_row"], found[6]["code"]
    ([4, 6], '2', 'duplicate_point_in_file')
    """
    index = rows.index.tolist()
    names = [
        None if v is None or pd.isna(v) or not str(v).strip() else str(v) for v in rows["name"]
    ]
    lon, lat = rows["lon"].to_numpy(float), rows["lat"].to_numpy(float)
    out: dict[Any, dict[str, str]] = {}
    for i, j in _near_pairs(rows):
        i, j = (i, j) if index[i] < index[j] else (j, i)
        if index[j] in out or index[i] in out:
            continue
        a, b = names[i], names[j]
        if a is None and b is None:
            code = "duplicate_point_in_file"
        elif a is not None and b is not None and similar_names(a, b):
            code = "duplicate_site_in_file"
        else:
            continue
        out[index[j]] = {
            "code": code,
            "other_row": str(index[i]),
            "other_name": str(a or ""),
            "distance": f"{great_circle_m(lon[i], lat[i], lon[j], lat[j]):.0f}",
        }
    return out


def duplicate_params(rows: pd.DataFrame, spec: LayerSpec) -> dict[Any, dict[str, str]]:
    """As ``find_duplicates``, with the values of each reason (``other_row``, ``distance``...)."""
    pairs = _near_pairs(rows)
    if len(pairs) == 0:
        return {}
    index = rows.index.to_numpy()
    names = rows["name"].to_numpy(dtype=object)
    kinds = rows[spec.type_field].to_numpy(dtype=object) if spec.type_field else None
    lon, lat = rows["lon"].to_numpy(float), rows["lat"].to_numpy(float)
    # a feed's own stop ids (not hashed from type, name and place, nor OpenStreetMap's,
    # whose one stop is mapped as platform and pole): a GTFS feed's stops of one name on
    # either side of a road are two stops
    given = (
        [not str(e).startswith(("h:", "osm:")) for e in rows["external_id"]]
        if spec.name == "transport_stops" and "external_id" in rows.columns
        else [False] * len(rows)
    )
    out: dict[Any, dict[str, str]] = {}
    for i, j in pairs:
        i, j = (i, j) if index[i] < index[j] else (j, i)
        if index[j] in out or index[i] in out:
            continue
        if kinds is not None and kinds[i] != kinds[j]:
            continue
        if given[i] and given[j]:
            continue
        if not similar_names(names[i], names[j]):
            continue
        dist = great_circle_m(lon[i], lat[i], lon[j], lat[j])
        out[index[j]] = {
            "other_row": str(index[i]),
            "other_name": str(names[i]),
            "distance": f"{dist:.0f}",
        }
    return out


def advise(
    spec: LayerSpec, problems: Sequence[Problem], total: int, warnings: Sequence[str] = ()
) -> list[Advice]:
    """What to do about the rows rejected for lacking a required field, one per field.

    A field with a list of values can be given to every row that lacks it (``--set``); a
    text field (a name) has to be completed in the file. When no row has the field and a
    column was left out as a likely misspelling of it (``unused_column_like``), the advice
    is to rename that column. A field no row has comes first (the likely reason every row
    is rejected), then the others, each group in the layer's order.

    Parameters
    ----------
    problems
        The rejected rows (``required_missing`` ones are read, and ``required_marked_missing``:
        a cell saying « N/A » lacks the value as an empty one does).
    total
        How many rows the file has.
    warnings
        The notes about the file.
    """
    lacking: dict[str, set[int]] = {}
    for item in problems:
        if item.code in MISSING_CODES and item.row is not None:
            lacking.setdefault(item.field, set()).add(item.row)
    misspelt = {
        str(w.params.get("field")): str(w.params.get("column"))
        for w in warnings
        if isinstance(w, Note) and w.code == "unused_column_like"
    }
    out: list[Advice] = []
    for fspec in spec.fields:
        n = len(lacking.get(fspec.name, ()))
        if n == 0:
            continue
        everywhere = n >= total
        if everywhere and fspec.name in misspelt:
            out.append(
                Advice(
                    "field_in_misspelt_column",
                    {"field": fspec.name, "column": misspelt[fspec.name]},
                )
            )
        elif fspec.choices:
            values = {
                "field": fspec.name,
                "example": fspec.choices[0],
                "values": ", ".join(fspec.choices),
            }
            if everywhere:
                out.append(Advice("field_missing_everywhere", values))
            else:
                out.append(Advice("field_missing_in_rows", {"n": n, "total": total, **values}))
        elif everywhere:
            out.append(Advice("text_missing_everywhere", {"field": fspec.name}))
        else:
            out.append(
                Advice("text_missing_in_rows", {"n": n, "total": total, "field": fspec.name})
            )
    return sorted(out, key=lambda a: "n" in a.params)  # stable: the layer's order in each
