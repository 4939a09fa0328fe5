"""The place search finds what a Moroccan user types: the French transliterations of a name
and the Arabic name as it is said in Latin letters, the name itself before the longer names
that start with it, and nothing that only looks a little alike (the lead's findings: « sla »,
« Layoun », « Kelmim », « asfi », « wjda » found nothing, « casa » listed the region first)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from app.textsearch import (
    SPELLED_OTHERWISE,
    arabic_pattern,
    latin_key,
    match_ranks,
    normalise,
    search_places,
    search_units,
)
from geo import maps
from geo.maps import LEVELS


@pytest.fixture(scope="module")
def places(engine: Engine) -> dict[str, pd.DataFrame]:
    """The regions, provinces and 1,503 communes of the database, as the Map explorer reads
    them."""
    with engine.connect() as c:
        units: dict[str, pd.DataFrame] = {kind: maps.units(c, kind) for kind in LEVELS}
    assert len(units["communes"]) == 1503, "the communes are not loaded"
    return units


def _listed(found: pd.DataFrame) -> list[tuple[str, str]]:
    return [
        (str(level), str(name))
        for level, name in zip(found["level"], found["name_fr"], strict=True)
    ]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        # the lead's findings: each found nothing
        ("sla", "Salé"),  # « سلا » as it is said
        ("Layoun", "Laâyoune"),  # one « a », no mute « e »
        ("Laayoun", "Laâyoune"),
        ("Kelmim", "Guelmim"),  # « كلميم »
        ("asfi", "Safi"),  # « آسفي »
        ("wjda", "Oujda"),  # « وجدة »
        # more of the same kinds
        ("wejda", "Oujda"),
        ("ojda", "Oujda"),
        ("gelmim", "Guelmim"),  # « gu » before « e » is « g »
        ("kalmim", "Guelmim"),
        ("l3youn", "Laâyoune"),  # the digit typed for « ع »
        ("el ayoun", "Laâyoune"),
        ("tanja", "Tanger"),  # « طنجة »
        ("nzgan", "Inezgane"),  # « إنزكان » without its first vowel, as it is said
        ("tawrirt", "Taourirt"),
        ("l3rayech", "Larache"),  # « العرائش »
        ("lqsar lkbir", "Ksar El Kebir"),
        ("wlad tayma", "Oulad Teima"),  # « w » and « ou » at the start of a word
        ("ouled tayma", "Oulad Teima"),
        ("khouribka", "Khouribga"),  # « خريبكة »
        ("tinerhir", "Tinghir"),  # « rh » the old spelling of « غ »
        ("jrsif", "Guercif"),  # « جرسيف »
        ("lkhmissat", "Khémisset"),  # « الخميسات »
        ("lyoussoufia", "Youssoufia"),  # the article written on the word
        ("kelaat sraghna", "Kelâat Sraghna"),
        ("dar lbida", "Casablanca"),  # « الدار البيضاء »
        ("sala", "Salé"),
        ("Salé", "Salé"),
        # Arabic script, with and without its hamza, madda or article
        ("اسفي", "Safi"),
        ("آسفي", "Safi"),
        ("وجدة", "Oujda"),
        ("كلميم", "Guelmim"),
        ("لعيون", "Laâyoune"),
        ("سلا", "Salé"),
        # « ظ » and « ض » are one sound in Morocco: HCP writes « الناضور », most « الناظور »
        ("الناظور", "Nador"),
        ("الناضور", "Nador"),
        # the « g » Moroccans write « ڭ » (or Persian « گ »), where HCP writes « ك »
        ("ڭلميم", "Guelmim"),
        ("گلميم", "Guelmim"),
        ("خريبڭة", "Khouribga"),
    ],
)
def test_a_place_is_found_as_moroccans_write_it(
    places: dict[str, pd.DataFrame], query: str, name: str
) -> None:
    found = search_places(places, query)
    assert _listed(found)[:1] == [("communes", name)], _listed(found)[:5]


def test_casa_lists_the_city_before_the_region_named_after_it(
    places: dict[str, pd.DataFrame],
) -> None:
    # « casa » starts « Casablanca » and « Casablanca-Settat »: the region came first
    expected = [
        ("communes", "Casablanca"),
        ("provinces", "Casablanca"),
        ("regions", "Casablanca-Settat"),
        ("communes", "Méchouar de Casablanca"),
    ]
    assert _listed(search_places(places, "casa")) == expected
    assert _listed(search_places(places, "Casablanca")) == expected
    assert _listed(search_places(places, "الدار"))[:3] == expected[:3]
    # the level the map draws first among the places of one name, as before
    on_provinces = _listed(search_places(places, "casa", first="provinces"))
    assert on_provinces[:3] == [expected[1], expected[0], expected[2]]
    # a longer name stays with the name it starts with: Tanger before its prefecture and
    # region, then the other names that start with « tan »
    assert _listed(search_places(places, "tan"))[:5] == [
        ("communes", "Tanger"),
        ("regions", "Tanger-Tétouan-Al Hoceima"),
        ("provinces", "Tanger-Assilah"),
        ("communes", "Tan-Tan"),
        ("provinces", "Tan-Tan"),
    ]
    # names that start with the query but not with another name found keep their order:
    # the prefecture before the small commune
    assert _listed(search_places(places, "agadir")) == [
        ("communes", "Agadir"),
        ("provinces", "Agadir-Ida-Ou-Tanane"),
        ("communes", "Agadir Melloul"),
    ]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # a short query lists what it spells, not the names with its consonants
        ("sale", ["Salé", "Salé", "Rabat-Salé-Kénitra"]),  # not Assoul
        ("sla", ["Salé", "Salé", "Ouled Slama"]),  # not Assoul, Ouislane, Rislane
        ("wjda", ["Oujda"]),  # not Ain Taoujdate
        ("asfi", ["Safi", "Safi"]),
        ("Kelmim", ["Guelmim", "Guelmim"]),  # not Goulmima (« كلميمة »)
        ("Layoun", ["Laâyoune", "Laâyoune"]),  # not El Aioun Sidi Mellouk
        ("tiznit", ["Tiznit", "Tiznit"]),  # not Taouzint (« توزينت »)
        ("midar", ["Midar"]),  # not Imider (« إميضر »), Madagh (« مداغ »)
        ("azrar", ["Azrar"]),  # not Azghar: « r » is not « غ »
        ("ecole", []),  # not Igli, Isly, Assoul
        ("lion", []),  # not Laâyoune: « ع » starts its word
        ("zzzz", []),
    ],
)
def test_a_query_lists_no_place_that_only_looks_a_little_alike(
    places: dict[str, pd.DataFrame], query: str, listed: list[str]
) -> None:
    assert search_places(places, query)["name_fr"].tolist() == listed


def test_no_short_query_puts_a_look_alike_before_the_names_it_starts(
    places: dict[str, pd.DataFrame],
) -> None:
    # « dar » is not « آدار » (Adar): a word's first alef is left out only in long words
    names = search_places(places, "dar")["name_fr"].tolist()
    assert normalise(names[0]).startswith("dar "), names
    assert "Adar" not in names
    # « Kelâa » is « قلعة », the province of El Kelâa des Sraghna, then the commune
    assert _listed(search_places(places, "kelaa sraghna")) == [
        ("provinces", "El Kelâa Des-Sraghna"),
        ("communes", "Kelâat Sraghna"),
    ]
    assert search_places(places, "sidi")["name_fr"].iloc[0] == "Sidi Kacem"  # not Saidia


@pytest.mark.parametrize(
    ("name", "spelled", "said"),
    [
        ("آسفي", "asfi", True),
        ("اسفي", "asfi", True),
        ("آسفي", "sfi", False),  # a short word keeps its first vowel
        ("وجدة", "wjda", True),
        ("وجدة", "oujda", True),
        ("وجدة", "wejda", True),
        ("سلا", "sla", True),
        ("سلا", "sala", True),
        ("اسول", "sale", False),  # « و » is written
        ("العيون", "layoun", True),
        ("العيون", "laayoune", True),
        ("العيون", "l3youn", True),
        ("العيون", "lion", False),  # « ع » starts its word: it is written
        ("كلميم", "kelmim", True),
        ("كلميمة", "kelmim", False),  # a final « ة » is written
        ("توزينت", "tiznit", False),  # a long vowel is not another one
        ("عكرمة", "gourrama", False),
        ("الدار البيضاء", "eddarelbayda", True),
        ("الدار البيضاء", "darlbida", True),
    ],
)
def test_the_arabic_name_is_read_as_it_is_said(name: str, spelled: str, said: bool) -> None:
    pattern = arabic_pattern(name)
    assert pattern is not None
    assert (pattern.fullmatch(spelled) is not None) is said


def test_a_name_without_arabic_letters_has_no_reading() -> None:
    assert arabic_pattern("Casablanca") is None
    assert arabic_pattern("") is None


def test_the_french_spellings_of_the_start_of_a_word_share_their_key() -> None:
    # « ou » or « w » starts a word as a consonant (« و »)
    assert latin_key(normalise("Oujda")) == latin_key(normalise("wjda"))
    assert latin_key(normalise("Ouled")) == latin_key(normalise("Oulad")) == latin_key("wlad")
    assert latin_key(normalise("Ida Ou Tanane")) == latin_key(normalise("Ida Outanane"))
    # « gu » before « e » or « i » is a « g »
    assert latin_key(normalise("Guelmim")) == latin_key(normalise("Gelmim"))
    assert latin_key(normalise("Guelmim")) != latin_key(normalise("Goulmima"))


def test_a_spelling_of_the_arabic_name_ranks_as_a_name_spelled_otherwise() -> None:
    units = pd.DataFrame(
        {"name_fr": ["Safi", "Sfifa", "Tiznit"], "name_ar": ["آسفي", "سفيفة", "تيزنيت"]}
    )
    assert match_ranks(units, "asfi").tolist()[:1] == [SPELLED_OTHERWISE]
    assert search_units(units, "asfi")["name_fr"].tolist() == ["Safi"]
