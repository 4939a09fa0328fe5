"""What the pages say when Walouja cannot start or its database cannot be used (a bad
setting, a server that does not answer, another program on the port, the project's server
on another port, a database never set up), in Streamlit's AppTest: one line in the page's
language and what to do, never a traceback nor the driver's English sentence."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from geo import db, migrate
from tests.app.support import as_read, page_at
from walouja.settings import Settings


def _shown(at: AppTest) -> str:
    return " ".join(
        [*(e.value for e in at.error), *(i.value for i in at.info), *(w.value for w in at.warning)]
    )


@pytest.mark.parametrize(
    ("variable", "value", "lang", "said", "todo"),
    [
        # the language itself is refused: the address's ?lang=, else French
        (
            "WALOUJA_LANGUAGE",
            "de",
            None,
            "Walouja ne peut pas démarrer : le réglage WALOUJA_LANGUAGE=de est invalide "
            "(valeurs possibles : fr, ar ou en).",
            "corrigez-le dans l'environnement ou dans le fichier .env",
        ),
        (
            "WALOUJA_LANGUAGE",
            "de",
            "ar",
            "لا يمكن تشغيل Walouja: الإعداد \u2068WALOUJA_LANGUAGE=de\u2069 غير صالح "
            "(القيم الممكنة: fr أو ar أو en).",
            "صحّحه في متغيرات البيئة",
        ),
        (
            "WALOUJA_TILES",
            "google",
            "en",
            "Walouja cannot start: the setting WALOUJA_TILES=google is invalid (it must be "
            "none, osm or auto).",
            "fix it in the environment or in the .env file",
        ),
        (
            "WALOUJA_DB_PORT",
            "abc",
            "fr",
            "Walouja ne peut pas démarrer : le réglage WALOUJA_DB_PORT=abc est invalide (il "
            "faut un numéro de port de 1 à 65535).",
            "redémarrez l'application",
        ),
        (
            "DATABASE_URL",
            "mysql://x",
            "ar",
            "لا يمكن تشغيل Walouja: الإعداد \u2068DATABASE_URL\u2069 غير صالح (يجب أن يبدأ بـ "
            "postgresql://، "
            "مثلاً postgresql://user:password@host:5432/dbname).",
            "‎.env.example",
        ),
    ],
)
def test_a_bad_setting_is_one_line_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    lang: str | None,
    said: str,
    todo: str,
) -> None:
    # "walouja.errors.ConfigError: invalid setting WALOUJA_LANGUAGE=de …" and a traceback on
    # every page
    monkeypatch.setenv(variable, value)
    at = page_at(lang)
    assert [as_read(e.value) for e in at.main.error] == [said]
    assert len(at.info) == 1
    assert todo in at.info[0].value
    assert "invalid setting" not in _shown(at) or lang == "en"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "le réglage WALOUJA_TILES=my_*tiles* est invalide (valeurs possibles"),
        ("ar", "الإعداد \u2068WALOUJA_TILES=my_*tiles*\u2069 غير صالح (القيم الممكنة"),
        ("en", "the setting WALOUJA_TILES=my_*tiles* is invalid (it must be"),
    ],
)
def test_a_bad_settings_value_reads_as_set(
    monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    # the value went into the page's Markdown as it was: "WALOUJA_TILES=mytiles" with
    # "tiles" in italics (and on an Arabic page its last "*" on the other side)
    monkeypatch.setenv("WALOUJA_TILES", "my_*tiles*")
    at = page_at(lang)
    written = [e.value for e in at.main.error]
    assert len(written) == 1, written
    assert said in as_read(written[0]), written
    assert "my_*tiles*" not in written[0]  # its signs escaped, read as typed


def test_a_bad_setting_keeps_a_good_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # another setting is bad: the pages speak WALOUJA_LANGUAGE still
    monkeypatch.setenv("WALOUJA_LANGUAGE", "ar")
    monkeypatch.setenv("WALOUJA_TILES", "google")
    at = page_at(None)
    assert as_read(at.main.error[0].value).startswith(
        "لا يمكن تشغيل Walouja: الإعداد \u2068WALOUJA_TILES=google\u2069"
    )


@pytest.mark.parametrize(
    ("lang", "said", "todo"),
    [
        (
            "fr",
            "Le serveur de base de données 127.0.0.1:1 ne répond pas.",
            "vérifiez que le serveur nommé dans DATABASE_URL est démarré et joignable",
        ),
        (
            "ar",
            "خادم قاعدة البيانات 127.0.0.1:1 لا يستجيب.",
            "تحقق من أن الخادم المذكور في DATABASE_URL مشغَّل",
        ),
        (
            "en",
            "The database server 127.0.0.1:1 does not answer.",
            "check that the server named in DATABASE_URL is running",
        ),
    ],
)
def test_a_server_that_does_not_answer_is_worded_in_the_pages_language(
    monkeypatch: pytest.MonkeyPatch, lang: str, said: str, todo: str
) -> None:
    # "La base de données est injoignable : cannot reach the database at … — check that the
    # server in DATABASE_URL is running and reachable", English on the Arabic page too
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:secret@127.0.0.1:1/x")
    at = page_at(lang)
    assert [as_read(e.value) for e in at.main.error] == [said]
    assert any(todo in i.value for i in at.info), [i.value for i in at.info]
    assert "cannot reach" not in _shown(at)
    assert "secret" not in _shown(at)
    assert not at.code  # the project's commands do not start another server


@pytest.mark.parametrize(
    ("lang", "said", "todo"),
    [
        (
            "fr",
            "Ce n'est pas un serveur PostgreSQL qui répond sur le port {port}",
            "vérifiez le port dans DATABASE_URL",
        ),
        (
            "ar",
            "الذي يستجيب على المنفذ {port} ليس خادم PostgreSQL",
            "تحقق من المنفذ في DATABASE_URL",
        ),
        ("en", "Something other than PostgreSQL answers on port {port}", "check the port in"),
    ],
)
def test_another_program_on_the_port_is_named(
    monkeypatch: pytest.MonkeyPatch, web_server: int, lang: str, said: str, todo: str
) -> None:
    # "cannot use the database at …: connection to server … failed: received invalid
    # response to SSL negotiation: H", with no advice
    monkeypatch.setenv("DATABASE_URL", f"postgresql://x:y@127.0.0.1:{web_server}/db")
    at = page_at(lang)
    errors = [e.value for e in at.main.error]
    assert len(errors) == 1, errors
    assert errors[0].startswith(said.format(port=web_server)), errors
    assert any(todo in i.value for i in at.info), [i.value for i in at.info]
    assert "SSL negotiation" not in _shown(at)


def test_the_projects_server_on_another_port_says_how_to_move_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the local cluster runs on its port; WALOUJA_DB_PORT asks for another
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's port is what this test changes")
    other = settings.db_port + 1
    monkeypatch.setenv("WALOUJA_DB_PORT", str(other))
    at = page_at("fr")
    assert [as_read(e.value) for e in at.main.error] == [
        f"Le serveur de base de données du projet tourne sur le port {settings.db_port}, et "
        f"non sur le port {other} que demande WALOUJA_DB_PORT."
    ]
    assert any("walouja db down puis walouja db up" in i.value for i in at.info)
    assert not at.code  # `walouja db up` alone would not mend it


@pytest.fixture
def scratch_named(
    settings: Settings, scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The pages on the scratch database, named by its name on the local cluster (the tests
    that change the name are skipped on another server): its settings."""
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's database name is what this test changes")
    monkeypatch.setenv("WALOUJA_DB_NAME", scratch_settings.db_name)
    return scratch_settings


@pytest.mark.parametrize(
    ("lang", "said", "ok"),
    [
        ("fr", "La base de données « {db} » n'est pas préparée", "connectée"),
        ("ar", "قاعدة البيانات «\u2068{db}\u2069» غير مهيّأة", "متصلة"),
        ("en", "The database “{db}” has not been set up", "connected"),
    ],
)
def test_a_database_never_set_up_says_to_set_it_up(
    scratch_named: Settings, lang: str, said: str, ok: str
) -> None:
    # an empty database (no PostGIS, no migrations): the sidebar said "Base de données
    # connectée (révision —)", the pages "make run / walouja load", and `walouja load`
    # refused it ("apply the migrations with `walouja db up`")
    for page in ("1_Overview", "4_Data", "9_Sources_and_licences"):
        at = page_at(lang, page)
        errors = [as_read(e.value) for e in at.main.error]
        assert any(said.format(db=scratch_named.db_name) in e for e in errors), (page, errors)
        # (the box's "or" in the page's language: it read "# or" on every page)
        word = translate("shell.commands_or", lang)
        assert [c.value for c in at.code] == [f"make run\n# {word}\nwalouja db up && walouja load"]
        captions = " ".join(c.value for c in at.sidebar.caption)
        assert ok not in captions
        assert "—" not in captions.replace("Walouja — ولوجة", "")
        assert any("walouja db up" in w.value for w in at.sidebar.warning), page


@pytest.mark.parametrize(
    ("lang", "said", "ok"),
    [
        ("fr", "La base de données « {db} » est à une version antérieure", "connectée"),
        ("ar", "قاعدة البيانات «\u2068{db}\u2069» في إصدار أقدم", "متصلة"),
        ("en", "The database “{db}” is at an older version", "connected"),
    ],
)
def test_a_database_behind_the_codes_migrations_says_to_update_it(
    scratch_named: Settings, lang: str, said: str, ok: str
) -> None:
    # a database at an older migration read "connectée (révision 0004)" and its pages ran
    # the code's queries on the older tables; only `walouja db status` said to update it
    db.ensure_postgis(scratch_named)
    migrate.upgrade(scratch_named, "0004")
    for page in ("1_Overview", "4_Data"):
        at = page_at(lang, page)
        errors = [as_read(e.value) for e in at.main.error]
        assert any(said.format(db=scratch_named.db_name) in e for e in errors), (page, errors)
        assert "0004" in errors[0]
        assert migrate.head() in errors[0]
        assert [c.value for c in at.code] == ["walouja db up"]
        captions = " ".join(c.value for c in at.sidebar.caption)
        assert ok not in captions
        assert any("walouja db up" in w.value for w in at.sidebar.warning), page
    migrate.upgrade(scratch_named)  # brought up to date, it is said no more
    st.cache_data.clear()  # (the database's status is kept a few seconds)
    at = page_at(lang)
    assert not any(said.format(db=scratch_named.db_name) in as_read(e.value) for e in at.main.error)
    assert not any("walouja db up" in w.value for w in at.sidebar.warning)
