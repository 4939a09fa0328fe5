"""Translation catalogues: every key in every language, and every key the app uses exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app import i18n, registry
from app.components import explorer
from geo import maps
from geo.candidate_sites import MAX_CANDIDATES
from geo.inputs import CENTRE_STATUSES, CENTRE_TYPES
from geo.messages import file_error
from walouja.errors import DataError

APP = Path(__file__).resolve().parents[2] / "app"
LITERAL_KEY = re.compile(r"(?<![\w.])t\(\s*\"([a-z0-9_.]+)\"")


def test_every_key_exists_in_every_language() -> None:
    cats = i18n.load_catalogues()
    assert cats.missing() == {}, f"keys missing per language: {cats.missing()}"
    assert len(cats.keys()) > 150


def test_format_fields_agree_between_languages() -> None:
    assert i18n.load_catalogues().field_mismatches() == []


def test_every_literal_key_used_in_the_app_is_translated() -> None:
    keys = i18n.load_catalogues().keys()
    used = {
        key
        for path in APP.rglob("*.py")
        if "static" not in path.parts
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100
    assert sorted(used - keys) == []


def test_every_enumerated_key_family_is_translated() -> None:
    keys = i18n.load_catalogues().keys()
    wanted = (
        [f"layer.{t}" for t in maps.LAYER_TABLES]
        + [f"level.{v}" for v in maps.LEVELS]
        + [f"level.{v}.one" for v in maps.LEVELS]
        + [f"centre_type.{c}" for c in CENTRE_TYPES]
        + [f"status.{s}" for s in CENTRE_STATUSES]
        + [f"stage.{s}" for s in explorer.STAGE_COLOURS]
        + [f"boarding.{b}" for b in explorer.BOARDING_COLOURS]
        + [f"indicator.{i}" for i in explorer.INDICATORS]
        + [f"indicator.{i}.unit" for i in explorer.INDICATORS]
        + [f"equity.explain.{c}" for c in explorer.EQUITY_TO_MAP]
        + [spec.title_key for spec in registry.discover()]
    )
    assert sorted(set(wanted) - keys) == []


def test_french_and_arabic_quote_a_value_with_guillemets() -> None:
    # "{column!r}" wrote 'nom' in straight quotes in a French sentence ("e.csv contient 2
    # fois la colonne 'nom'"), where every other message writes « nom »
    texts = i18n.load_catalogues().texts
    straight = [
        (lang, key)
        for lang in ("fr", "ar")
        for key, text in texts[lang].items()
        if re.search(r"\{\w+!r\}", text)
    ]
    assert straight == []


def test_translate_fills_fields_and_marks_unknown_keys() -> None:
    assert i18n.translate("map.drawn", "en", n=3, level="communes") == "3 communes drawn"
    assert "3" in i18n.translate("map.drawn", "ar", n=3, level="جماعات")
    assert i18n.translate("no.such.key", "fr") == "⟦no.such.key⟧"


def _write(folder: Path, name: str, data: dict[str, str]) -> None:
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_files_of_one_language_are_merged_and_gaps_reported(tmp_path: Path) -> None:
    _write(tmp_path, "app.fr.json", {"a": "A", "b": "B {n}"})
    _write(tmp_path, "prioritise.fr.json", {"p": "P"})
    _write(tmp_path, "app.ar.json", {"a": "أ", "b": "ب {n}", "p": "ب"})
    _write(tmp_path, "app.en.json", {"a": "A", "b": "B {count}"})
    cats = i18n.load_catalogues(tmp_path)
    assert cats.texts["fr"] == {"a": "A", "b": "B {n}", "p": "P"}
    assert cats.origin["fr"]["p"] == "prioritise.fr.json"
    assert cats.missing() == {"en": ["p"]}
    assert cats.field_mismatches()
    assert cats.field_mismatches()[0].startswith("b:")


def test_a_key_defined_twice_for_one_language_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "app.fr.json", {"a": "A"})
    _write(tmp_path, "other.fr.json", {"a": "autre A"})
    with pytest.raises(DataError, match="defined twice"):
        i18n.load_catalogues(tmp_path)


def test_a_malformed_catalogue_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "app.fr.json").write_text('{"a": ["not", "text"]}', encoding="utf-8")
    with pytest.raises(DataError, match="must map keys to texts"):
        i18n.load_catalogues(tmp_path)


def test_every_rejection_reason_is_worded_in_every_language() -> None:
    from geo.validate import REASONS

    texts = i18n.load_catalogues().texts
    for lang in i18n.LANGUAGES:
        missing = sorted(c for c in REASONS if f"reason.{c}" not in texts[lang])
        assert missing == [], f"{lang}: no text for {missing}"
    # the English catalogue says exactly what the CLI says
    assert {c: texts["en"][f"reason.{c}"] for c in REASONS} == REASONS


@pytest.mark.parametrize(
    ("n", "lang", "category"),
    [
        (0, "ar", "zero"),
        (1, "ar", "one"),
        (2, "ar", "two"),
        (3, "ar", "few"),
        (10, "ar", "few"),
        (11, "ar", "many"),
        (99, "ar", "many"),
        (100, "ar", "other"),
        (102, "ar", "other"),
        (103, "ar", "few"),
        (1_503, "ar", "few"),
        (1_511, "ar", "many"),
        (0, "fr", "one"),
        (1, "fr", "one"),
        (2, "fr", "other"),
        (1, "en", "one"),
        (0, "en", "other"),
    ],
)
def test_plural_categories_follow_cldr(n: int, lang: str, category: str) -> None:
    assert i18n.plural_category(n, lang) == category


def test_arabic_counts_take_the_dual_and_the_plural_of_3_to_10() -> None:
    def rows(n: int) -> str:
        return i18n.translate(i18n.count_key("data.export_rows", n, "ar"), "ar", n=n)

    assert rows(1) == "تم تصدير سطر واحد."
    assert rows(2) == "تم تصدير سطرين."
    assert rows(5) == "تم تصدير 5 أسطر."
    assert rows(12) == "تم تصدير 12 سطراً."
    assert rows(100) == "تم تصدير 100 سطر."
    assert rows(0) == "تم تصدير 0 سطر."
    # French and English keep one/other; the Arabic forms are not missing there
    assert i18n.count_key("data.export_rows", 2, "fr") == "data.export_rows"
    assert i18n.count_key("data.export_rows", 1, "en") == "data.export_rows.one"
    assert "data.export_rows.two" not in i18n.load_catalogues().missing().get("fr", [])


@pytest.mark.parametrize(
    ("lang", "n", "added"),
    [
        ("ar", 1, "سطر واحد مضاف"),
        ("ar", 2, "سطران مضافان"),
        ("ar", 3, "3 أسطر مضافة"),
        ("ar", 11, "11 سطراً مضافاً"),
        ("ar", 100, "100 سطر مضاف"),
        ("ar", 0, "لا سطر مضاف"),  # Arabic's zero form, not "0 سطر"
        ("fr", 0, "0 ligne ajoutée"),
        ("fr", 1, "1 ligne ajoutée"),
        ("fr", 2, "2 lignes ajoutées"),
        ("en", 1, "1 row added"),
        ("en", 0, "0 rows added"),
    ],
)
def test_the_import_counts_take_their_plural_forms(lang: str, n: int, added: str) -> None:
    key = i18n.count_key("data.done.inserted", n, lang)
    assert i18n.translate(key, lang, n=n) == added


def test_a_plural_form_needs_its_base_key(tmp_path: Path) -> None:
    for lang in i18n.LANGUAGES:
        (tmp_path / f"t.{lang}.json").write_text(json.dumps({"k": "{n}"}), encoding="utf-8")
    (tmp_path / "t.ar.json").write_text(
        json.dumps({"k": "{n}", "k.two": "اثنان", "stray.few": "{n}"}), encoding="utf-8"
    )
    cats = i18n.load_catalogues(tmp_path)
    assert cats.missing() == {"en": ["stray.few"], "fr": ["stray.few"]}
    assert cats.field_mismatches() == []  # a count's form may leave the number out


def test_a_scenario_with_one_new_centre_reads_in_the_singular() -> None:
    def said(n: int, lang: str) -> str:
        return i18n.translate(i18n.count_key("prioritise.describe.new", n, lang), lang, n=n)

    assert said(1, "fr") == "1 nouveau centre"
    assert said(3, "fr") == "3 nouveaux centres"
    assert said(1, "en") == "1 new centre"
    assert said(2, "ar") == "مركزان جديدان"
    assert said(40, "ar") == "40 مركزاً جديداً"


def test_the_count_of_variables_takes_the_arabic_plural() -> None:
    def said(n: int) -> str:
        key = i18n.count_key("prioritise.optimal", n, "ar")
        return i18n.translate(key, "ar", n=n, s="0,1", vars=str(n))

    assert said(1_609).endswith("1609 متغيرات.")  # 09: 3-10
    assert said(344).endswith("344 متغيراً.")  # 44: 11-99
    assert said(2_600).endswith("2600 متغير.")  # 00: other


def test_an_error_with_a_count_takes_its_singular() -> None:
    from walouja.errors import ValidationError

    def worded(n: int, lang: str) -> str:
        exc = ValidationError(
            "x", code="candidates_outside_communes", params={"name": "a.csv", "n": n}
        )
        return i18n.error_texts(exc, lang)[0]

    assert worded(1, "fr") == "a.csv : 1 site hors des communes du Maroc"
    assert worded(3, "fr") == "a.csv : 3 sites hors des communes du Maroc"
    # English is the CLI's own wording (geo.messages), singular for one
    assert worded(1, "en") == "a.csv: 1 site lies outside Morocco's communes"
    assert worded(3, "en") == "a.csv: 3 sites lie outside Morocco's communes"


def test_arabic_reasons_keep_coordinates_whole() -> None:
    # "(-3.70000, 40.41000)" laid out right to left lost its closing bracket: the
    # coordinates and their brackets are one left-to-right run (LRI … PDI)
    texts = i18n.load_catalogues().texts["ar"]
    with_coordinates = {k: v for k, v in texts.items() if "{lon}" in v}
    assert with_coordinates
    for key, text in with_coordinates.items():
        run = re.search("\u2066([^\u2069]*)\u2069", text)
        assert run is not None, key
        assert "{lon}" in run.group(1), key
        assert "{lat}" in run.group(1), key
    shown = i18n.translate("reason.outside_morocco", "ar", lon="-3.70000", lat="40.41000")
    assert "\u2066(-3.70000, 40.41000)\u2069" in shown


def test_counts_are_written_with_their_thousands_marked() -> None:
    # "1503 communes dessinées", "49976 lignes acceptées" read as codes, not counts
    assert i18n.grouped(1503, "fr") == "1\u202f503"
    assert i18n.grouped(1503, "ar") == "1\u202f503"
    assert i18n.grouped(49976, "en") == "49,976"
    assert i18n.grouped(12, "fr") == "12"
    assert i18n.tn("data.report.accepted", 49976).startswith("49\u202f976 ")
    # a limit is a count too: "5 200 points ; 5000 sites candidats au plus"
    too_many = file_error("too_many_candidates", name="big.csv", n=5200, maximum=MAX_CANDIDATES)
    message, _ = i18n.error_texts(too_many, "fr")
    assert "5\u202f200 points" in message, message
    assert f"{i18n.grouped(MAX_CANDIDATES, 'fr')} sites candidats au plus" in message, message
