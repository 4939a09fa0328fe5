"""The Data page's import through AppTest against the real database: importing only the valid
rows, a value for a required column a file lacks, and the source and licence the Sources page
then shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from tests.app.support import as_read
from tests.geo.fixtures.support import write

HOME = str(Path(__file__).resolve().parents[2] / "app" / "Home.py")
PREFIX = "test-data-import-"


@pytest.fixture(autouse=True)
def _forget_settings() -> Iterator[None]:
    """The settings a page cached (its language) do not outlive the test that set them."""
    yield
    st.cache_resource.clear()


def _page(lang: str, monkeypatch: pytest.MonkeyPatch, page: str = "4_Data") -> AppTest:
    """``page`` in a fresh session whose language is ``lang`` from the start (AppTest words a
    selectbox's options in the default language)."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _check(at: AppTest, name: str, text: str) -> AppTest:
    at.file_uploader(key="upload").set_value((name, text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def written(engine: Engine) -> Iterator[str]:
    """Prefix of the rows (and of the file names, hence the sources) the tests write; all of
    them are deleted afterwards."""
    yield PREFIX
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE :p"), {"p": PREFIX + "%"})
        c.execute(
            sa.text("DELETE FROM layer_history WHERE external_id LIKE :p"), {"p": PREFIX + "%"}
        )
        c.execute(sa.text("DELETE FROM layer_sources WHERE source LIKE :p"), {"p": PREFIX + "%"})
    st.cache_data.clear()


def _rows(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as c:
        found = c.execute(
            sa.text(
                "SELECT external_id, centre_type, source FROM centres "
                "WHERE external_id LIKE :p ORDER BY external_id"
            ),
            {"p": PREFIX + "%"},
        )
        return [(str(a), str(b), str(s)) for a, b, s in found]


TWO_GOOD_ONE_BAD = (
    "external_id,name,centre_type,capacity,lon,lat\n"
    f"{PREFIX}1,Centre test Témara,COAPH,40,-6.915,33.925\n"
    f"{PREFIX}2,Centre test Salé,COAPH,25,-6.80,34.04\n"
    f"{PREFIX}3,Centre test faux,XYZ,abc,-6.85,34.00\n"
)


def test_the_valid_rows_alone_are_imported_when_asked_with_their_source_and_licence(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    name = f"{written}rabat.csv"
    at = _check(_page("fr", monkeypatch), name, TWO_GOOD_ONE_BAD)
    assert "2 lignes acceptées, 1 refusée sur 3" in at.error[0].value
    assert "ou n'importez que les lignes valides" in " ".join(w.value for w in at.main.warning)
    assert not [b for b in at.button if b.key == "write"]  # nothing to click before the choice
    skip = at.checkbox(key="imp_skip")
    assert skip.label.startswith("N'importer que les lignes valides (2 sur 3)")
    assert at.text_input(key="imp_source").value == name  # prefilled with the file's name
    assert at.text_input(key="imp_licence").value == ""
    skip.check().run()
    assert at.button(key="write").label == "Importer 2 lignes dans « Centres »"
    assert at.button(key="write").disabled  # no licence stated yet
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    assert not at.button(key="write").disabled
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Import terminé : 2 lignes ajoutées, 0 mise à jour, 0 inchangée."
    ]
    assert "1 ligne en erreur a été laissée de côté." in [i.value for i in at.info]
    assert _rows(engine) == [(f"{written}1", "COAPH", name), (f"{written}2", "COAPH", name)]
    with engine.connect() as c:
        licence = c.execute(
            sa.text("SELECT licence FROM layer_sources WHERE layer = 'centres' AND source = :s"),
            {"s": name},
        ).scalar_one()
    assert licence == "CC BY 4.0"

    at.switch_page("views/9_Sources_and_licences.py").run()
    assert not at.exception
    # the Centres card lists this source with its licence, as typed, beside the demo one's
    entries = [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown]
    (mine,) = [e for e in entries if f"**Source** : \u2068{name}\u2069" in e]
    assert "**Licence** : \u2068CC BY 4.0\u2069" in mine
    assert "**Démonstration** : non" in mine


def test_a_reimport_under_another_licence_corrects_the_source_and_says_so(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    text = (
        "external_id,name,centre_type,lon,lat\n"
        f"{written}L1,Centre licence Témara,CAS,-6.915,33.925\n"
        f"{written}L2,Centre licence Salé,CAS,-6.80,34.04\n"
    )
    name = f"{written}licence.csv"
    at = _page("fr", monkeypatch)
    for licence in ("CC BY 4.0", "ODbL 1.0"):
        at = _check(at, name, text)
        at.text_input(key="imp_licence").input(licence).run()
        at.button(key="write").click().run()
        assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Import terminé : 0 ligne ajoutée, 0 mise à jour, 2 inchangées."
    ]
    assert f"Licence de {name} mise à jour : CC BY 4.0 → ODbL 1.0" in " ".join(
        as_read(i.value) for i in at.info
    )
    with engine.connect() as c:
        licence = c.execute(
            sa.text("SELECT licence FROM layer_sources WHERE layer = 'centres' AND source = :s"),
            {"s": name},
        ).scalar_one()
    assert licence == "ODbL 1.0"


def test_a_file_without_centre_type_takes_the_one_chosen_for_every_row(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    # like the healthsites extract: no centre_type column, and a row without a name
    text = (
        "external_id,name,lon,lat\n"
        f"{written}1,Pharmacie test Témara,-6.915,33.925\n"
        f"{written}2,Pharmacie test Salé,-6.80,34.04\n"
        f"{written}3,,-6.85,34.00\n"
    )
    name = f"{written}healthsites.csv"
    at = _check(_page("ar", monkeypatch), name, text)
    assert "لا سطر مقبول و3 أسطر مرفوضة من أصل 3" in at.error[0].value  # zero form
    choose = at.selectbox(key="imp_default_centre_type")
    assert choose.label == "نوع المركز للأسطر التي لا تحدده"
    assert choose.value == ""
    assert "مركز المساعدة الاجتماعية (CAS)" in choose.options
    choose.set_value("CAS").run()
    assert not at.exception, at.exception
    assert "سطران مقبولان وسطر واحد مرفوض من أصل 3" in at.error[0].value  # checked again
    assert at.selectbox(key="imp_default_centre_type").value == "CAS"  # still offered
    at.checkbox(key="imp_skip").check()
    at.text_input(key="imp_licence").input("ODbL 1.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "اكتمل الاستيراد: سطران مضافان، ولا سطر محدَّث، ولا سطر بدون تغيير."
    ]
    assert "تم تجاوز سطر واحد خاطئ." in [i.value for i in at.info]
    assert _rows(engine) == [(f"{written}1", "CAS", name), (f"{written}2", "CAS", name)]


def test_a_file_whose_every_row_is_rejected_offers_nothing_to_write_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str, tmp_path: Path
) -> None:
    text = (
        "external_id,name,typ,lon,lat\n"  # a misspelt column: no row has a centre_type
        f"{written}n1,Centre test Témara,COAPH,-6.915,33.925\n"
        f"{written}n2,Centre test Salé,COAPH,-6.80,34.04\n"
    )
    at = _check(_page("fr", monkeypatch), f"{written}nothing.csv", text)
    assert "0 ligne acceptée, 2 refusées sur 2" in at.error[0].value
    # the centre type box alone could make them valid: the page says so
    assert (
        "Aucune ligne ne peut être importée en l'état : choisissez ci-dessus la valeur des "
        "lignes qui n'en ont pas (le fichier est aussitôt vérifié à nouveau), ou corrigez le "
        "fichier et vérifiez-le à nouveau."
    ) in [i.value for i in at.info]
    assert (
        "aucune ligne n'a de valeur pour type de centre : la colonne « typ » n'est pas lue "
        "comme type de centre — renommez la colonne « typ » en centre_type"
    ) in [as_read(i.value) for i in at.info]
    assert not [c for c in at.checkbox if c.key == "imp_skip"]
    assert not [b for b in at.button if b.key == "write"]
    # a write that finds no valid row (the layer changed since the check) is refused, as
    # the CLI's --skip-invalid is, instead of "import done: 0 rows added"
    from app import dataio
    from app.i18n import error_texts
    from walouja.errors import ValidationError

    path = write(tmp_path / "nothing.csv", text)
    with pytest.raises(ValidationError) as caught:
        dataio.write_file(
            "centres", path, source=f"{written}nothing", licence="CC0", skip_invalid=True
        )
    assert caught.value.code == "import_nothing_valid"
    assert error_texts(caught.value, "fr") == (
        "Centres : rien n'a été importé de nothing.csv — les 2 lignes ont toutes été refusées, "
        "il n'en reste aucune à écrire",
        "corrigez les lignes listées et importez à nouveau",
    )
    assert _rows(engine) == []


def test_a_field_no_row_has_is_said_with_the_pages_own_box_not_the_cli_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a GTFS stops.txt alone: no routes give the stops their mode
    stops = "stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{i},Arrêt {i},{34.03 + i / 1000:.4f},-5.0{i}\n" for i in range(4)
    )
    at = _page("fr", monkeypatch)
    at.selectbox(key="imp_layer").set_value("transport_stops").run()
    at = _check(at, "stops.txt", stops)
    assert "0 ligne acceptée, 4 refusées sur 4" in at.error[0].value
    tips = [i.value for i in at.info]
    assert (
        "aucune ligne n'a de valeur pour mode — choisissez ci-dessous la valeur que prendront "
        "toutes les lignes, ou complétez le fichier"
    ) in tips
    assert not any("--set" in tip for tip in tips)
    at.selectbox(key="imp_default_mode").set_value("train").run()  # the box it names
    assert not at.exception, at.exception
    assert "4 lignes acceptées, 0 refusée sur 4" in at.success[0].value
    assert not any("aucune ligne" in i.value for i in at.info)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "xlsx", "kml"])
def test_the_pages_export_carries_each_rows_licence_as_the_cli_does(
    engine: Engine, tmp_path: Path, fmt: str
) -> None:
    import geopandas as gpd
    import pyogrio

    from app import dataio

    content, name, rows = dataio.export_bytes("beaches", fmt)  # what the download serves
    assert rows > 0, "load the demonstration layers with `walouja load`"
    path = tmp_path / name
    path.write_bytes(content)
    back = (
        pd.read_csv(path, sep=";", encoding="utf-8-sig")  # the French page's CSV
        if fmt == "csv"
        else pyogrio.read_dataframe(path)
        if fmt == "xlsx"
        else gpd.read_file(path)
    )
    with engine.connect() as c:
        entries = c.execute(
            sa.text("SELECT row_source, licence FROM layer_sources WHERE layer = 'beaches'")
        ).all()
    expected = {str(name): str(licence) for name, licence in entries}
    assert back["licence"].tolist() == [expected[s] for s in back["source"]]


def test_an_openstreetmap_file_is_offered_under_the_odbl_and_the_limit_is_translated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _page("en", monkeypatch)
    assert "Up to 200 MB per file." in " ".join(c.value for c in at.caption)
    osm = (
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
        "<node id='1' lat='34.02' lon='-6.84'><tag k='natural' v='beach'/>"
        "<tag k='name' v='Plage test'/></node>\n</osm>\n"
    )
    at.selectbox(key="imp_layer").set_value("beaches").run()
    at.file_uploader(key="upload").set_value(("beach.osm", osm.encode(), "text/xml")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="imp_source").value == "OpenStreetMap contributors"  # as the CLI
    assert at.text_input(key="imp_licence").value == "ODbL 1.0"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_expected_columns_show_whole_and_align_right_in_arabic(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the grid of st.dataframe cut the long texts at their column's edge ("orientation,
    # paramedical, medical, …", "nom, name_fr, nom_fr, libelle, stop_name"): an HTML table
    # wraps them whole, and is laid out by the page's direction; Latin codes would sit left
    # under right-aligned headings
    at = _page(lang, monkeypatch)
    assert not [d for d in at.dataframe if translate("data.col.column", lang) in d.value.columns]
    (table,) = [x for x in at.table if translate("data.col.column", lang) in x.value.columns]
    assert table.value.columns[0] == translate("data.col.column", lang)
    styles = table.proto.arrow_data.styler.styles
    assert ("text-align: right" in styles) == (lang == "ar")


def test_the_import_done_message_words_each_count(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    text = "external_id,name,centre_type,lon,lat\n" + "".join(
        f"{written}N{i},Centre compte {i},CAS,{-6.9 + i / 100:.3f},34.0{i}\n" for i in range(3)
    )
    expected = {
        "en": [
            "Import done: 3 rows added, 0 updated, 0 unchanged.",
            "Import done: 0 rows added, 0 updated, 3 unchanged.",
        ],
        "ar": [
            "اكتمل الاستيراد: 3 أسطر مضافة، ولا سطر محدَّث، ولا سطر بدون تغيير.",
            "اكتمل الاستيراد: لا سطر مضاف، ولا سطر محدَّث، و3 أسطر بدون تغيير.",
        ],
    }
    for lang, (first, again) in expected.items():
        at = _page(lang, monkeypatch)
        for said in (first, again):
            at = _check(at, f"{written}{lang}-counts.csv", text)
            at.text_input(key="imp_licence").input("CC BY 4.0").run()
            at.button(key="write").click().run()
            assert not at.exception, at.exception
            assert [s.value for s in at.success] == [said]
        with engine.begin() as c:  # the next language adds them anew
            c.execute(
                sa.text("DELETE FROM centres WHERE external_id LIKE :p"), {"p": f"{written}N%"}
            )


@pytest.mark.parametrize(("lang", "aligned"), [("ar", {"right"}), ("fr", {None})])
def test_the_rejected_rows_and_the_layers_align_right_in_arabic(
    monkeypatch: pytest.MonkeyPatch, lang: str, aligned: set[str | None]
) -> None:
    # as the expected columns: row numbers and Latin field names would sit on the left
    at = _check(_page(lang, monkeypatch), "centres.csv", TWO_GOOD_ONE_BAD)
    (element,) = [d for d in at.dataframe if translate("data.col.rows", lang) in d.value.columns]
    config = json.loads(element.proto.columns or "{}")
    assert {config.get(str(c), {}).get("alignment") for c in element.value.columns} == aligned
    (reasons,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    styles = reasons.proto.arrow_data.styler.styles
    assert ("text-align: right" in styles) == (lang == "ar")


@pytest.mark.parametrize("lang", ["ar", "fr"])
@pytest.mark.parametrize("many", [False, True])
def test_the_data_pages_tables_read_from_the_right_in_arabic(
    monkeypatch: pytest.MonkeyPatch, lang: str, many: bool
) -> None:
    # the grid is drawn left to right on a canvas whatever the page's direction: an Arabic
    # table of rejected rows read "reason, field, row" from the right, its layers "demo
    # rows, rows, layer", as the Overview's tables do not. A few rejected rows are an HTML
    # table, laid out by the page; many of them are the grid, in the page's reading order
    if many:
        monkeypatch.setattr("app.dataio.WHOLE_PROBLEMS", 0)
    at = _check(_page(lang, monkeypatch), "centres.csv", TWO_GOOD_ONE_BAD)
    firsts = {"data.layer": "data.col.demo_rows"}  # the layers' tab
    if many:
        firsts["data.col.row"] = "data.col.reason"  # the rejected rows
        # the reason has the table's width: without one, the row number took a third of it
        (grid,) = [d for d in at.dataframe if translate("data.col.reason", lang) in d.value]
        config = json.loads(grid.proto.columns or "{}")
        widths = {c: config.get(c, {}).get("width") for c in map(str, grid.value.columns)}
        assert widths[translate("data.col.reason", lang)] == 660, widths
        assert sum(widths.values()) <= 904, widths
    else:
        (table,) = [x for x in at.table if translate("data.col.row", lang) in x.value.columns]
        assert str(table.value.columns[0]) == translate("data.col.row", lang)
    for first, last in firsts.items():
        (element,) = [d for d in at.dataframe if translate(first, lang) in d.value.columns]
        columns = [str(c) for c in element.value.columns]
        assert columns[0] == translate(first, lang)
        assert columns[-1] == translate(last, lang)
        drawn = list(element.proto.column_order) or columns
        assert drawn == (columns[::-1] if lang == "ar" else columns), first


# a row whose id names another source's centre far away: the longest reason there is
ANOTHER_PLACE = (
    "external_id,name,centre_type,lon,lat\n"
    "{id},Centre test autre lieu,EPS,-6.85,34.0\n"
    f"{PREFIX}ok,Centre test valide,CAS,-6.80,34.04\n"
)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_each_reason_a_row_was_rejected_for_reads_whole(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str
) -> None:
    # the grid cut a reason at its column's edge: "l'identifiant « … » désigne déjà
    # « CAPE Annahda — Tétouan » (CAPE" and not what to do about it
    with engine.connect() as c:
        other = c.execute(
            sa.text("SELECT external_id FROM centres WHERE is_demo ORDER BY external_id LIMIT 1")
        ).scalar_one()
    at = _check(_page(lang, monkeypatch), "autre.csv", ANOTHER_PLACE.format(id=other))
    assert not [d for d in at.dataframe if translate("data.col.reason", lang) in d.value.columns]
    (table,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    (reason,) = table.value[translate("data.col.reason", lang)].tolist()
    assert other in reason
    assert len(reason) > 200  # what to do about it too, not only the start
    # what to do about it, at the end of the reason: the words before its last field
    template = translate("reason.id_of_another_place", lang)
    assert template.rsplit("{", 1)[0][-30:] in reason


def test_many_rejected_rows_have_rows_tall_enough_for_their_longest_reason() -> None:
    import pandas as pd

    from app.dataio import REASON_CHARS_PER_LINE, problem_row_height

    def frame(*reasons: str) -> pd.DataFrame:
        return pd.DataFrame({"row": range(len(reasons)), "field": "x", "reason": reasons})

    assert problem_row_height(frame("coordonnée manquante")) == 16 + 19
    long = "x" * (3 * REASON_CHARS_PER_LINE + 1)
    assert problem_row_height(frame("court", long)) == 16 + 19 * 4
    assert problem_row_height(frame("x" * 10_000)) == 16 + 19 * 6  # at most six lines


# the points of TWO_GOOD_ONE_BAD (Témara, Salé) in Merchich / Nord Maroc (EPSG:26191) metres,
# the file stating no CRS
MERCHICH = (
    "external_id,name,centre_type,x,y\n"
    f"{PREFIX}m1,Centre test Merchich Témara,COAPH,359814,370605\n"
    f"{PREFIX}m2,Centre test Merchich Salé,COAPH,370614,383208\n"
)


def test_a_projected_file_is_checked_and_written_with_the_coordinate_system_given(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    at = _check(_page("fr", monkeypatch), f"{written}merchich.csv", MERCHICH)
    assert at.error, "metres without a CRS are refused"
    hint = " ".join(i.value for i in at.info)
    assert "Système de coordonnées du fichier" in hint  # the page's box, not the CLI's --crs
    assert "--crs" not in hint
    at.text_input(key="imp_crs").input("EPSG:26191").run()
    at = at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert "2 lignes acceptées, 0 refusée sur 2" in at.success[0].value
    assert "À l'import : 2 lignes ajoutées, 0 mise à jour, 0 inchangée." in [
        c.value for c in at.caption
    ]
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    with engine.connect() as c:
        placed = c.execute(
            sa.text(
                "SELECT t.external_id, round(ST_X(t.geom)::numeric, 3), "
                "round(ST_Y(t.geom)::numeric, 3) FROM centres t "
                "WHERE t.external_id LIKE :p ORDER BY 1"
            ),
            {"p": PREFIX + "m%"},
        ).all()
    assert [(float(x), float(y)) for _, x, y in placed] == [(-6.915, 33.925), (-6.8, 34.04)]


def test_a_second_check_says_what_writing_would_change(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    text = (
        "external_id,name,centre_type,lon,lat\n"
        f"{PREFIX}e1,Centre test effet Témara,COAPH,-6.915,33.925\n"
        f"{PREFIX}e2,Centre test effet Salé,COAPH,-6.80,34.04\n"
    )
    at = _check(_page("fr", monkeypatch), f"{written}effect.csv", text)
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    changed = text.replace("effet Salé", "effet Salé Tabriquet")
    at = _check(at, f"{written}effect.csv", changed)  # the same file, edited
    assert "À l'import : 0 ligne ajoutée, 1 mise à jour, 1 inchangée." in [
        c.value for c in at.caption
    ]


def test_the_expected_columns_say_what_each_column_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("fr", monkeypatch)
    table = next(d.value for d in at.table if "Colonne" in d.value.columns)
    values = dict(zip(table["Colonne"], table["Valeurs"], strict=True))
    names = dict(zip(table["Colonne"], table["Autres noms acceptés"], strict=True))
    assert values["capacity"] == "nombre entier"
    assert values["opened"].startswith("date (AAAA-MM-JJ")
    assert values["wheelchair"] != "enum"
    assert "(plusieurs, séparées par ; ou ,)" in values["services"]
    assert "capacite" in names["capacity"]
    assert "identifiant" in names["id"]
    # the field's label as the app's tables head it comes first: a sheet headed so is read
    assert names["capacity"].startswith("Capacité (places), ")
    assert names["centre_type"].startswith("Type de centre, ")
    at.selectbox(key="imp_layer").set_value("transport_stops").run()
    stops = next(d.value for d in at.table if "Colonne" in d.value.columns)
    assert "0 inconnu, 1 accessible" in " ".join(stops["Valeurs"])
    assert not any(
        v in {"text", "int", "date", "bool", "gtfs_wheelchair"} for v in stops["Valeurs"]
    )


def test_a_file_walouja_cannot_read_is_refused_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _page("fr", monkeypatch)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    at.file_uploader(key="upload").set_value(("centres.pdf", pdf, "application/pdf")).run()
    at = at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert "centres.pdf" in as_read(at.error[0].value)
    hint = " ".join(i.value for i in at.info)
    assert "GeoPackage" in hint
    assert "--format" not in hint


def test_a_new_check_deletes_the_previous_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _check(_page("fr", monkeypatch), "premier.csv", TWO_GOOD_ONE_BAD)
    first = at.session_state["import_check"].upload.path
    assert first.exists()
    at = _check(at, "second.csv", TWO_GOOD_ONE_BAD)
    second = at.session_state["import_check"].upload.path
    assert second.exists()
    assert second != first
    assert not first.parent.exists()


def test_a_typed_source_is_every_rows_and_the_offered_one_leaves_the_files_own(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    text = (
        "external_id,name,centre_type,lon,lat,source\n"
        f"{PREFIX}s1,Centre test source Témara,COAPH,-6.915,33.925,{PREFIX}survey\n"
    )
    name = f"{written}sources.csv"
    at = _check(_page("fr", monkeypatch), name, text)
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert [s for *_, s in _rows(engine)] == [f"{PREFIX}survey"]  # the file's own column
    # the same file again, a position corrected, under a source the user types: it is
    # every row's
    at = _check(at, name, text.replace("-6.915,33.925", "-6.914,33.925"))  # ~90 m east
    at.text_input(key="imp_source").input(f"{PREFIX}Délégation Rabat").run()
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert [s for *_, s in _rows(engine)] == [f"{PREFIX}Délégation Rabat"]


def test_a_source_typed_after_the_check_is_checked_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    org_a = f"{PREFIX}Organisation A"
    first = (
        f"external_id,name,centre_type,lon,lat\n{PREFIX}c1,Centre test Témara,COAPH,-6.915,33.925\n"
    )
    at = _check(_page("fr", monkeypatch), f"{written}a.csv", first)
    at.text_input(key="imp_source").input(org_a).run()
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    # another file gives the same id to another place: refused under its own (default) source
    other = "external_id,name,centre_type,lon,lat\n"
    other += f"{PREFIX}c1,Centre test Oujda,CAS,-1.91,34.68\n"
    other += f"{PREFIX}c2,Centre test Salé,COAPH,-6.80,34.04\n"
    at = _check(at, f"{written}b.csv", other)
    assert "1 ligne acceptée, 1 refusée sur 2" in at.error[0].value
    # the source typed and the write clicked at once: the file is checked again under that
    # source and nothing is written before the user has seen the new report
    at.checkbox(key="imp_skip").check().run()
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.text_input(key="imp_source").input(org_a)
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert any("La source a changé" in i.value for i in at.info)
    assert "2 lignes acceptées, 0 refusée sur 2" in at.success[0].value
    assert "À l'import : 1 ligne ajoutée, 1 mise à jour, 0 inchangée." in [
        c.value for c in at.caption
    ]
    assert _rows(engine) == [(f"{PREFIX}c1", "COAPH", org_a)]  # nothing written yet
    at.button(key="write").click().run()
    assert [s.value for s in at.success] == [
        "Import terminé : 1 ligne ajoutée, 1 mise à jour, 0 inchangée."
    ]


def test_upload_folders_left_behind_are_deleted_after_a_day() -> None:
    import os
    import tempfile

    from app import dataio

    old = Path(tempfile.mkdtemp(prefix="walouja-upload-"))
    (old / "centres.csv").write_text("name\n")
    recent = Path(tempfile.mkdtemp(prefix="walouja-upload-"))
    day_ago = old.stat().st_mtime - dataio.STALE_UPLOAD_S - 60
    os.utime(old, (day_ago, day_ago))
    try:
        assert dataio.discard_stale() >= 1
        assert not old.exists()  # a tab closed after its check left it
        assert recent.exists()  # another session's file, still in use
    finally:
        dataio.shutil.rmtree(recent, ignore_errors=True)


# ---- the QA pass of the Data page -------------------------------------------------------------

OWN_SOURCES = (
    "external_id,name,centre_type,lon,lat,source\n"
    f"{PREFIX}o1,Centre test sources Témara,COAPH,-6.915,33.925,{PREFIX}survey\n"
    f"{PREFIX}o2,Centre test sources Salé,COAPH,-6.80,34.04,{PREFIX}Kaart 2018\n"
    f"{PREFIX}o3,Centre test sources Rabat,COAPH,-6.85,34.00,\n"
)


def test_a_file_with_a_source_column_starts_with_an_empty_source_box_saying_what_it_records(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    # a pre-filled box read as "no source given" made the file's column win unseen: the box
    # is empty, says what an empty box records, and the note names the page's box
    name = f"{written}own.csv"
    at = _check(_page("en", monkeypatch), name, OWN_SOURCES)
    box = at.text_input(key="imp_source")
    assert box.value == ""
    assert box.placeholder == "each row's own source (the file's source column)"
    assert (
        "Left empty, each row keeps the source its file's source column names (2 different "
        f"values, e.g. “{PREFIX}survey”), and the rows without one are recorded under "
        f"“{name}”. A source typed here is every row's."
    ) in [as_read(c.value) for c in at.caption]
    notes = " ".join(m.value for m in at.markdown)
    assert "type a source in the Source box to record every row under it" in notes
    assert "Give the file's licence before importing it" in " ".join(c.value for c in at.caption)
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    assert not at.button(key="write").disabled  # no source needed: the rows have theirs
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert [s for *_, s in _rows(engine)] == [f"{PREFIX}survey", f"{PREFIX}Kaart 2018", name]


def test_the_source_the_box_shows_is_every_rows_even_the_files_name(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    name = f"{written}own.csv"
    at = _check(_page("fr", monkeypatch), name, OWN_SOURCES)
    at.text_input(key="imp_source").input(name).run()  # what the box used to show
    assert any("La source a changé" in i.value for i in at.info)
    assert "la source de la case Source (videz la case" in " ".join(m.value for m in at.markdown)
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert {s for *_, s in _rows(engine)} == {name}
    with engine.connect() as c:
        sources = c.execute(
            sa.text("SELECT source FROM layer_sources WHERE source LIKE :p"), {"p": PREFIX + "%"}
        ).scalars()
        assert set(sources) == {name}  # no entry per value of the file's column


REAL = Path("/work/shared/data/real/morocco_healthsites_2020.csv")
SOURCES = "SELECT layer, source FROM layer_sources"


@pytest.fixture
def new_centres(engine: Engine) -> Iterator[None]:
    """Deletes the centres, their history and the sources' entries a test adds."""
    with engine.connect() as c:
        ids = set(c.execute(sa.text("SELECT id FROM centres")).scalars())
        entries = {(str(a), str(b)) for a, b in c.execute(sa.text(SOURCES))}
    yield
    with engine.begin() as c:
        added = [
            (i, e)
            for i, e in c.execute(sa.text("SELECT id, external_id FROM centres"))
            if i not in ids
        ]
        c.execute(
            sa.text("DELETE FROM layer_history WHERE layer = 'centres' AND external_id = ANY(:e)"),
            {"e": [e for _, e in added]},
        )
        c.execute(sa.text("DELETE FROM centres WHERE id = ANY(:i)"), {"i": [i for i, _ in added]})
        for layer, source in {(str(a), str(b)) for a, b in c.execute(sa.text(SOURCES))} - entries:
            c.execute(
                sa.text("DELETE FROM layer_sources WHERE layer = :l AND source = :s"),
                {"l": layer, "s": source},
            )
    st.cache_data.clear()


@pytest.mark.skipif(not REAL.exists(), reason=f"the real healthsites extract is not at {REAL}")
def test_the_healthsites_extract_is_recorded_under_the_source_the_box_shows(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, new_centres: None
) -> None:
    at = _page("en", monkeypatch)
    at.file_uploader(key="upload").set_value((REAL.name, REAL.read_bytes(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="imp_source").value == ""  # its rows name 13 sources of their own
    tips = [i.value for i in at.info]
    assert (
        "442 of 3,580 rows have no name — complete the file: a row without one cannot be imported"
    ) in tips  # no box to import the valid rows yet: none is valid
    assert not any("the box below" in tip for tip in tips)
    at.selectbox(key="imp_default_centre_type").set_value("EPS").run()
    assert (
        "442 of 3,580 rows have no name — complete the file, or import only the valid rows "
        "(the box below)"
    ) in [i.value for i in at.info]
    skip = at.checkbox(key="imp_skip")
    assert skip.label.startswith("Import only the valid rows (3,093 of 3,580)")
    skip.check().run()
    at.text_input(key="imp_source").input(REAL.name).run()  # what the box used to show
    at.text_input(key="imp_licence").input("ODbL 1.0").run()
    query = sa.text("SELECT source, count(*) FROM centres GROUP BY 1")
    with engine.connect() as c:
        before = {str(s): int(n) for s, n in c.execute(query)}
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    with engine.connect() as c:
        after = {str(s): int(n) for s, n in c.execute(query)}
    added = {s: n - before.get(s, 0) for s, n in after.items() if n != before.get(s, 0)}
    assert added == {REAL.name: 3093}  # not 727 under "Kaart Ground Survey 2018", 13 more…


def test_the_advice_points_only_to_boxes_the_page_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no row valid: no box to import the valid rows, whatever the reason of the others
    text = (
        "external_id,name,centre_type,lon,lat\n"
        f"{PREFIX}a1,,COAPH,-6.915,33.925\n"
        f"{PREFIX}a2,Centre test avis Salé,XYZ,-6.80,34.04\n"
    )
    at = _check(_page("en", monkeypatch), "advice.csv", text)
    assert not [c for c in at.checkbox if c.key == "imp_skip"]
    tips = [i.value for i in at.info]
    assert "1 of 2 rows has no name — complete the file: a row without one cannot be imported" in (
        tips
    )
    assert not any("box below" in tip for tip in tips)
    # a stops.txt without a mode: choosing it is enough, and the page says so
    stops = "stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{i},Arrêt {i},{34.03 + i / 1000:.4f},-5.0{i}\n" for i in range(3)
    )
    at.selectbox(key="imp_layer").set_value("transport_stops").run()
    at = _check(at, "stops.txt", stops)
    tips = [i.value for i in at.info]
    assert "no row has a mode — choose below the value all of them take, or complete the file" in (
        tips
    )
    assert (
        "No row can be imported as the file stands: choose above the value for the rows "
        "without one (the file is checked again at once), or fix the file and check it again."
    ) in tips
    assert not any(tip.startswith("No row can be imported: every row") for tip in tips)


def _many(n: int, unnamed: int) -> str:
    """``n`` rows without a centre type, the first ``unnamed`` without a name either."""
    return "external_id,name,lon,lat\n" + "".join(
        f"{PREFIX}M{i},{'' if i < unnamed else f'Centre test nombreux {i}'},"
        f"{-6.0 + (i % 50) / 50:.3f},{33.0 + (i // 50) / 50:.3f}\n"
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "Validation report: 0 rows accepted, 1,200 rejected out of 1,200.",
                "100 of 1,200 rows have no name",
                "no row has a centre type — choose below",
                "Import only the valid rows (1,100 of 1,200)",
            ],
        ),
        (
            "fr",
            [
                "sur 1\u202f200.",
                "100 lignes sur 1\u202f200 n'ont pas de valeur pour nom",
                "aucune ligne n'a de valeur pour type de centre — choisissez",
                "N'importer que les lignes valides (1\u202f100 sur 1\u202f200)",
            ],
        ),
        (
            "ar",
            [
                "من أصل 1\u202f200.",
                "الأسطر التي بلا قيمة للحقل الاسم: 100 من أصل 1\u202f200",
                "لا يحتوي أي سطر على قيمة للحقل نوع المركز",
                "استيراد الأسطر الصحيحة فقط (1\u202f100 من أصل 1\u202f200)",
            ],
        ),
    ],
)
def test_the_report_writes_figures_and_fields_as_the_page_does(
    monkeypatch: pytest.MonkeyPatch, lang: str, said: list[str]
) -> None:
    report, missing, named, skip = said
    at = _check(_page(lang, monkeypatch), "many.csv", _many(1200, 100))
    assert report in at.error[0].value
    tips = " ".join(i.value for i in at.info)
    assert missing in tips
    assert named in tips
    assert "centre_type" not in tips
    assert "للحقل name" not in tips
    at.selectbox(key="imp_default_centre_type").set_value("CAS").run()
    assert not at.exception, at.exception
    assert at.checkbox(key="imp_skip").label.startswith(skip)


@pytest.mark.parametrize(("lang", "figure"), [("en", "3,585"), ("fr", "3\u202f585")])
def test_the_layers_counts_are_written_as_the_page_writes_figures(
    monkeypatch: pytest.MonkeyPatch, lang: str, figure: str
) -> None:
    from streamlit import dataframe_util

    from app import dataio
    from geo.maps import LayerCount

    frame, shown = dataio.layers_table([LayerCount("centres", True, 3585, 1503)], lang)
    assert frame[translate("data.col.rows", lang)].tolist() == [3585]  # still sorts as numbers
    cells = shown.to_string()
    assert figure in cells
    at = _page(lang, monkeypatch)
    (element,) = [d for d in at.dataframe if translate("data.col.demo_rows", lang) in d.value]
    data = element.proto.arrow_data.styler.display_values
    assert data, "the layers' counts are not written by the page"
    table = dataframe_util.convert_arrow_bytes_to_pandas_df(data)
    assert table.shape[0] == len(dataio.IMPORT_LAYERS) or table.shape[0] > 0


@pytest.mark.parametrize(
    ("lang", "box"),
    [
        ("en", "as given in the “Coordinate system of the file” box"),
        ("fr", "comme indiqué dans la case « Système de coordonnées du fichier »"),
        ("ar", "كما هو مُدخل في خانة «نظام إحداثيات الملف»"),
    ],
)
def test_a_crs_given_over_the_files_is_said_with_the_pages_box_not_the_cli_option(
    monkeypatch: pytest.MonkeyPatch, lang: str, box: str
) -> None:
    crs84 = '{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}'
    geojson = (
        f'{{"type":"FeatureCollection","crs":{crs84},"features":[{{"type":"Feature",'
        '"properties":{"name":"Plage test"},"geometry":{"type":"Point",'
        '"coordinates":[370000,380000]}}]}'
    )
    at = _page(lang, monkeypatch)
    at.selectbox(key="imp_layer").set_value("beaches").run()
    at.text_input(key="imp_crs").input("EPSG:26191").run()
    at = _check(at, "projected.geojson", geojson)
    notes = " ".join(m.value for m in at.markdown)
    assert box in notes
    assert "--crs" not in notes


def test_every_note_and_hint_naming_a_cli_option_has_the_pages_wording() -> None:
    from app.i18n import catalogues
    from geo.messages import FILE_ERRORS, NOTES

    texts = catalogues().texts
    for lang in ("fr", "ar", "en"):
        for code, text in NOTES.items():
            if "--" in text:
                assert "--" not in texts[lang][f"warnings.{code}.app"], (lang, code)
        for code, (_, hint) in FILE_ERRORS.items():
            if hint and "--" in hint and not code.startswith(("candidates_", "osm_")):
                assert "--" not in texts[lang][f"errors.{code}.hint.app"], (lang, code)


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            "en",
            [
                "GeoPackage (.gpkg)",
                "GeoJSON (.geojson)",
                "CSV (.csv)",
                "Excel (.xlsx)",
                "KML for Google Earth (.kml)",
            ],
        ),
        (
            "fr",
            [
                "GeoPackage (.gpkg)",
                "GeoJSON (.geojson)",
                "CSV (.csv)",
                "Excel (.xlsx)",
                "KML pour Google Earth (.kml)",
            ],
        ),
    ],
)
def test_the_export_formats_are_named_as_people_know_them(
    monkeypatch: pytest.MonkeyPatch, lang: str, labels: list[str]
) -> None:
    at = _page(lang, monkeypatch)
    choice = at.selectbox(key="exp_fmt")
    assert choice.options == labels
    assert choice.value == "gpkg"  # the value the export takes is unchanged


@pytest.mark.parametrize(
    ("name", "content", "hint"),
    [
        ("empty.csv", b"", "save or download it again, check that it opens, then import it"),
        ("other.zip", "readme", "zip the data itself: a Shapefile's .shp, .shx, .dbf and .prj"),
    ],
)
def test_a_file_with_nothing_to_read_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, content: bytes | str, hint: str
) -> None:
    import zipfile

    if isinstance(content, str):  # a zip holding only a readme
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            zf.writestr("readme.txt", content)
        content = (tmp_path / name).read_bytes()
    at = _page("en", monkeypatch)
    at.file_uploader(key="upload").set_value((name, content, "application/octet-stream")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert name in as_read(at.error[0].value)
    assert hint in " ".join(i.value for i in at.info)


def _workbook(path: Path, suffix: str) -> bytes:
    """Two good centres and a bad one, row 4 left empty, written by GDAL's XLSX or ODS
    driver: a code typed as text, coordinates in number cells, a decimal comma as text."""
    import pyogrio

    rows = [
        (f"{PREFIX}04.421", "مركز اختبار تمارة", "COAPH", 40, -6.915, "33,925"),
        (f"{PREFIX}2", "Centre test Salé", "COAPH", None, -6.80, 34.04),
        (None, None, None, None, None, None),
        (f"{PREFIX}3", "Centre test faux", "XYZ", None, -6.85, 34.00),
    ]
    frame = pd.DataFrame(rows, columns=["id", "nom", "type", "capacité", "lon", "lat"])
    target = path / f"centres{suffix}"
    pyogrio.write_dataframe(frame, target, driver={".xlsx": "XLSX", ".ods": "ODS"}[suffix])
    return target.read_bytes()


@pytest.mark.parametrize(
    ("lang", "suffix", "refused"),
    [
        ("fr", ".xlsx", "2 lignes acceptées, 1 refusée sur 3"),
        ("ar", ".xlsx", None),
        ("fr", ".ods", "2 lignes acceptées, 1 refusée sur 3"),
    ],
)
def test_a_workbook_is_checked_and_written_as_a_csv_is(
    monkeypatch: pytest.MonkeyPatch,
    engine: Engine,
    written: str,
    tmp_path: Path,
    lang: str,
    suffix: str,
    refused: str | None,
) -> None:
    at = _page(lang, monkeypatch)
    assert at.file_uploader(key="upload").label == translate("data.file", lang)
    assert ".xlsx" in translate("data.file", lang)
    content = _workbook(tmp_path, suffix)
    name = f"{written}centres{suffix}"
    at.file_uploader(key="upload").set_value((name, content, "application/octet-stream")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    if refused is not None:
        assert refused in at.error[0].value
    (table,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    (row,) = table.value.to_dict("records")
    assert row[translate("data.col.row", lang)] == 5  # the row the spreadsheet shows
    expected = translate("reason.unknown_value", lang).split("{", 1)[0]
    assert row[translate("data.col.reason", lang)].startswith(expected)
    assert "XYZ" in row[translate("data.col.reason", lang)]
    assert _rows(engine) == []  # a check writes nothing
    at.checkbox(key="imp_skip").check().run()
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert _rows(engine) == [
        (f"{written}04.421", "COAPH", name),
        (f"{written}2", "COAPH", name),
    ]
    with engine.connect() as c:
        capacity, name_ar = c.execute(
            sa.text("SELECT capacity, name FROM centres WHERE external_id = :i"),
            {"i": f"{written}04.421"},
        ).one()
    assert (capacity, name_ar) == (40, "مركز اختبار تمارة")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "géométrie non valide : le contour se recoupe en (-6.75, 34.05)"),
        ("ar", "شكل هندسي غير صالح: يتقاطع المحيط مع نفسه عند \u2066(-6.75, 34.05)\u2069"),
        ("en", "invalid geometry: the outline crosses itself at (-6.75, 34.05)"),
    ],
)
def test_an_invalid_polygon_is_explained_in_the_pages_language(
    tmp_path: Path, lang: str, words: str
) -> None:
    # the reason was GEOS's English, "géométrie non valide : Self-intersection[-6.75 34.05]"
    from app import dataio

    bowtie = [[-6.8, 34.0], [-6.7, 34.1], [-6.7, 34.0], [-6.8, 34.1], [-6.8, 34.0]]
    path = tmp_path / "plages.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Plage nœud"},
                        "geometry": {"type": "Polygon", "coordinates": [bowtie]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    report = dataio.check_file("beaches", path)
    table = dataio.problem_table(report.problems, lang)
    assert table.iloc[:, 2].tolist() == [words]
    assert table.iloc[:, 0].tolist() == [1]  # the first feature


def test_a_file_refused_at_writing_is_checked_again_and_its_rows_listed(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str, tmp_path: Path
) -> None:
    # between the check and the click, another import gave the file's id to another place:
    # the page said "fix the rows listed" above a report of 2 accepted rows and 0 refused,
    # and no box offered to import the valid row
    from geo.importer import ImportOptions, import_file
    from walouja.settings import get_settings

    at = _check(
        _page("fr", monkeypatch),
        f"{written}ids.csv",
        "id,nom,type,lon,lat\n"
        f"{written}1,Centre Tiznit,COAPH,-9.7316,29.6974\n"
        f"{written}2,Centre Taza,CAS,-4.0103,34.2133\n",
    )
    assert "2 lignes acceptées, 0 refusée sur 2" in at.success[0].value
    other = write(tmp_path / "other.csv", f"id,nom,type,lon,lat\n{written}1,Plage,CAS,-6.8,34\n")
    import_file(
        get_settings(),
        "centres",
        other,
        options=ImportOptions(source=f"{written}other org", source_given=True, licence="CC0"),
    )
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert any("vérifié à nouveau" in w.value for w in at.warning)
    assert "1 ligne acceptée, 1 refusée sur 2" in at.error[0].value
    (reason,) = at.table[-1].value.iloc[:, 2].tolist()  # the rejected rows (after the columns)
    assert f"{written}other org" in reason
    assert _rows(engine) == [(f"{written}1", "CAS", f"{written}other org")]  # nothing written
    assert at.checkbox(key="imp_skip").label.startswith(
        "N'importer que les lignes valides (1 sur 2)"
    )


@pytest.mark.parametrize(("distance", "arabic"), [("79 km", "79 كلم"), ("420 m", "420 م")])
def test_an_arabic_reason_writes_its_distance_in_arabic(distance: str, arabic: str) -> None:
    # "على بعد ⁦79 km⁩": the one distance of the import's reasons written with a Latin unit
    from app import dataio
    from geo.validate import problem

    found = problem(
        2,
        "external_id",
        "id_of_another_place",
        external_id="x-1",
        name="A",
        type="CAS",
        other_name="B",
        other_type="CAS",
        other_source="S",
        other_id="7",
        distance=distance,
    )
    worded = dataio.reason_text(found, "ar")
    assert f"على بعد {arabic} من" in worded
    assert "km" not in worded
    assert f"à {distance} de" in dataio.reason_text(found, "fr")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_export_imports_back_without_a_licence_typed(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str
) -> None:
    # a layer's own export names each row's source and licence: the page still asked for a
    # licence, then said "licence … not recorded: no row comes from walouja_beaches.csv"
    from app import dataio

    content, name, rows = dataio.export_bytes("beaches", "csv")
    at = _page(lang, monkeypatch)
    at.selectbox(key="imp_layer").set_value("beaches").run()
    at.file_uploader(key="upload").set_value((name, content, "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="imp_licence").value == ""
    assert translate("data.licence_own_note", lang) in [c.value for c in at.caption]
    assert translate("data.licence_needed", lang) not in [c.value for c in at.caption]
    with engine.connect() as c:
        before = c.execute(sa.text("SELECT row_source, licence FROM layer_sources")).all()
    write = at.button(key="write")
    assert not write.disabled
    write.click().run()
    assert not at.exception, at.exception
    assert at.session_state["import_done"].unchanged == rows
    assert not at.session_state["import_done"].provenance  # nothing "not recorded"
    with engine.connect() as c:
        after = c.execute(sa.text("SELECT row_source, licence FROM layer_sources")).all()
    assert sorted(after) == sorted(before)


def test_a_workbook_uploaded_under_a_csv_name_says_so_and_what_to_do(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path
) -> None:
    # it said the file was not UTF-8 text, "most likely Windows-1252": the planner saved it
    # as UTF-8 again and again; the page names the workbook and the name it needs
    import pyogrio

    book = tmp_path / "centres.xlsx"
    frame = pd.DataFrame({"nom": ["Centre A"], "type": ["CAS"], "lon": [-5.0], "lat": [34.03]})
    pyogrio.write_dataframe(frame, book, driver="XLSX", layer="Feuil1")
    at = _page("fr", monkeypatch)
    at.file_uploader(key="upload").set_value(
        (f"{PREFIX}centres.csv", book.read_bytes(), "text/csv")
    ).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert [as_read(e.value) for e in at.error] == [
        f"Impossible de continuer : {PREFIX}centres.csv n'est pas au format CSV : il est au "
        "format Excel (.xlsx)"
    ]
    assert any(
        "renommez-le pour qu'il se termine par .xlsx, puis choisissez-le à nouveau"
        in as_read(i.value)
        for i in at.info
    )
    assert "import_check" not in at.session_state


def test_a_source_typed_for_an_export_says_the_unchanged_rows_keep_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the note said every row would be recorded under the source typed, while the rows an
    # import leaves unchanged keep the source they have
    from app import dataio

    content, name, rows = dataio.export_bytes("beaches", "csv")
    at = _page("fr", monkeypatch)
    at.selectbox(key="imp_layer").set_value("beaches").run()
    at.file_uploader(key="upload").set_value((name, content, "text/csv")).run()
    at.button(key="check").click().run()
    at.text_input(key="imp_source").input("Commune de Martil, relevé 2026").run()  # checked again
    assert not at.exception, at.exception
    notes = " ".join(m.value for m in at.markdown)
    assert "chaque ligne ajoutée ou modifiée est enregistrée sous « Commune de Martil" in notes
    assert (
        f"{rows} lignes inchangées gardent la source sous laquelle elles ont été enregistrées"
    ) in notes
    assert "toutes les lignes sont enregistrées" not in notes


def test_a_centres_file_checked_for_the_beaches_asks_whether_centres_were_meant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the centres became beaches, their type column "left out" without a word on the layer
    at = _page("fr", monkeypatch)
    at.selectbox(key="imp_layer").set_value("beaches").run()
    _check(at, f"{PREFIX}centres.csv", "nom;type;lon;lat\nCentre A;COAPH;-5,0003;34,0331\n")
    notes = " ".join(as_read(m.value) for m in at.markdown)
    assert (
        "la colonne « type » est le champ centre_type de la couche Centres : est-ce bien dans "
        "Centres que vous vouliez importer ?"
    ) in notes


def test_a_google_my_maps_kml_is_checked_and_written(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str
) -> None:
    # the page refused a .kml or .kmz ("save it as GeoJSON or GeoPackage, in QGIS…")
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Folder><name>Calque sans titre</name>"
        "<Placemark><name>Centre KML</name><ExtendedData>"
        f'<Data name="id"><value>{written}k1</value></Data>'
        '<Data name="type"><value>CAS</value></Data></ExtendedData>'
        "<Point><coordinates>-5.0003,34.0331,410</coordinates></Point></Placemark>"
        "</Folder></Document></kml>"
    )
    at = _page("fr", monkeypatch)
    assert "KML" in at.file_uploader(key="upload").label
    name = f"{written}centres.kml"
    at.file_uploader(key="upload").set_value((name, kml.encode(), "application/xml")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert _rows(engine) == []  # a check writes nothing
    at.text_input(key="imp_licence").input("CC BY 4.0").run()
    at.button(key="write").click().run()
    assert not at.exception, at.exception
    assert _rows(engine) == [(f"{written}k1", "CAS", name)]


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("fr", "trop grand (au plus 10\u202f000) : 1000000000"),
        ("ar", "قيمة كبيرة جدًا (الحد الأقصى 10\u202f000): 1000000000"),
        ("en", "too large (at most 10,000): 1000000000"),
    ],
)
def test_a_capacity_no_centre_could_have_is_a_rejected_row_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str, lang: str, reason: str
) -> None:
    # a centre of 1,000,000,000 places was accepted: the 340 EPS hold 31,590 places in all
    text = (
        "external_id,name,centre_type,capacity,lon,lat\n"
        f"{written}big,Centre test géant,EPS,1000000000,-6.915,33.925\n"
        f"{written}ok,Centre test Salé,EPS,10000,-6.80,34.04\n"
    )
    at = _check(_page(lang, monkeypatch), f"{written}geant.csv", text)
    (table,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    (row,) = table.value.to_dict("records")
    assert row[translate("data.col.row", lang)] == 2
    assert translate("field.capacity", lang) in row[translate("data.col.field", lang)]
    assert row[translate("data.col.reason", lang)] == reason
    assert _rows(engine) == []  # a check writes nothing


@pytest.mark.parametrize(
    ("lang", "said", "hint"),
    [
        (
            "fr",
            "centres.csv est un document Word 97-2003 (.doc), pas un tableau de données au "
            "format CSV",
            "Walouja lit des tableaux, pas des documents : copiez le tableau dans Excel",
        ),
        (
            "ar",
            "الملف centres.csv مستند \u2068Word 97-2003 (.doc)\u2069، وليس جدول بيانات بصيغة "
            "\u2068CSV\u2069",
            "يقرأ Walouja الجداول لا المستندات",
        ),
        (
            "en",
            "centres.csv is a Word 97-2003 (.doc) document, not a table of data in the CSV format",
            "Walouja reads tables, not documents: copy the table into Excel",
        ),
    ],
)
def test_a_word_document_uploaded_under_a_csv_name_is_said_to_be_one(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path, lang: str, said: str, hint: str
) -> None:
    # Word and Excel 97-2003 files begin with the same bytes: a .doc renamed .csv was
    # refused as "an Excel 97-2003 workbook (.xls)", and the planner looked for a workbook
    from tests.geo.fixtures.support import WORD_97, ole2_file

    doc = ole2_file(tmp_path / "liste.doc", WORD_97)
    at = _page(lang, monkeypatch)
    at.file_uploader(key="upload").set_value(
        (f"{PREFIX}centres.csv", doc.read_bytes(), "text/csv")
    ).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    # as read: the page's Markdown may escape the file's name and the format's ("97\\-2003")
    (error,) = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert error.endswith(said.replace("centres.csv", f"{PREFIX}centres.csv")), error
    assert "Excel 97" not in error
    tips = [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]
    assert any(hint in tip for tip in tips), tips
    assert "import_check" not in at.session_state
    assert _rows(engine) == []


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("fr", "trop grand (au plus 100\u202f000\u202f000) : 1500000000"),
        ("ar", "قيمة كبيرة جدًا (الحد الأقصى 100\u202f000\u202f000): 1500000000"),
        ("en", "too large (at most 100,000,000): 1500000000"),
    ],
)
def test_a_budget_no_city_could_have_is_a_rejected_row_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, written: str, lang: str, reason: str
) -> None:
    # a city's budget of 1,500,000,000 MAD was taken: the bound was the column's
    # 99,999,999,999,999.99, where the action plan's whole 2022 programme is 500 M MAD
    text = (
        "external_id,name,stage,budget_mad,lon,lat\n"
        f"{written}big,Ville test riche,completed,1500000000,-5.8340,35.7595\n"
        f"{written}ok,Ville test Rabat,completed,100000000,-6.8416,34.0209\n"
    )
    at = _page(lang, monkeypatch)
    at.selectbox(key="imp_layer").set_value("accessible_cities").run()
    at = _check(at, f"{written}villes.csv", text)
    (table,) = [x for x in at.table if translate("data.col.reason", lang) in x.value.columns]
    (row,) = table.value.to_dict("records")
    assert row[translate("data.col.row", lang)] == 2
    assert row[translate("data.col.field", lang)] == translate("field.budget_mad", lang)
    assert row[translate("data.col.reason", lang)] == reason
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT count(*) FROM accessible_cities WHERE external_id LIKE :p"),
            {"p": written + "%"},
        )
        assert found.scalar_one() == 0  # a check writes nothing
