"""What the pages say when the database cannot be used (a wrong database name, an unknown
user), in Streamlit's AppTest: the reason in the page's language and what to do, never a
traceback nor the server's English sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.support import as_read, page_at
from walouja.settings import Settings

PAGES = ("1_Overview", "2_Map_explorer", "9_Sources_and_licences")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "La base de données « {db} » n'existe pas sur le serveur"),
        ("ar", "قاعدة البيانات «\u2068{db}\u2069» غير موجودة على الخادم"),
        ("en", "The database “{db}” does not exist on the server"),
    ],
)
def test_a_database_that_does_not_exist_is_named_in_the_pages_language(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    said: str,
) -> None:
    # "La base de données est injoignable : the database named in postgresql://postgres@/
    # walouja_x?host=%2Fwork%2F… does not exist — create it with `walouja db up`…": an
    # English sentence and an encoded address on a French or Arabic page
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's database name is what this test changes")
    # a name with signs Markdown reads (the name went into it as it was: "walouja_h1_absent"
    # with "absent" in italics); the page names it exactly as set
    missing = f"{settings.db_name}_*absent*"
    monkeypatch.setenv("WALOUJA_DB_NAME", missing)
    for page in PAGES:
        at = page_at(lang, page)
        errors = [e.value for e in at.error]
        assert any(said.format(db=missing) in as_read(e) for e in errors), (page, errors)
        assert not any(missing in e for e in errors), (page, errors)  # escaped
        shown = " ".join([*errors, *(i.value for i in at.info)])
        assert "%2F" not in shown, (page, shown)
        if lang != "en":
            assert "does not exist" not in shown, (page, shown)
        # and how to create and fill it, as commands to copy
        assert any("walouja db up && walouja load" in c.value for c in at.code), page


def test_an_unknown_user_is_named_with_what_to_change(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's user is what this test changes")
    monkeypatch.setenv("WALOUJA_DB_USER", "nobody_here")
    at = page_at("fr", "1_Overview")
    errors = [as_read(e.value) for e in at.error]
    said = "Le serveur de base de données ne connaît pas l'utilisateur « nobody_here »."
    assert said in errors, errors
    assert any("WALOUJA_DB_USER" in i.value for i in at.info), [i.value for i in at.info]
    assert not at.code  # the project's commands would not mend it


def test_a_stopped_server_and_an_external_database_are_worded_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # what `walouja db status` reports when the project's server is stopped, and when a
    # DATABASE_URL names a database its server lacks (the project's commands mend neither
    # the second nor a refused password)
    from app.shell import database_problem

    monkeypatch.setenv("WALOUJA_LANGUAGE", "fr")
    stopped = {
        "url": "postgresql://postgres@/walouja?host=%2Fsrv%2Frun&port=5432",
        "local": True,
        "running": False,
        "reachable": False,
        "error": "the local cluster is not running (walouja db up)",
    }
    said, hint, mended = database_problem(stopped)
    assert said == "Le serveur de base de données du projet n'est pas démarré."
    assert (hint, mended) == (None, True)
    external = {
        "url": "postgresql://planner@db.example:5432/plans",
        "local": False,
        "running": None,
        "reachable": False,
        "error": "the database named in postgresql://planner@db.example:5432/plans ...",
        "error_code": "database_missing",
    }
    said, hint, mended = database_problem(external)
    assert said.startswith("La base de données « plans » n'existe pas")
    assert hint is not None
    assert "createdb plans" in hint
    assert not mended
    refused = {**external, "error_code": "password_refused"}
    said, hint, mended = database_problem(refused)
    assert "« planner »" in said
    assert hint == "vérifiez l'utilisateur et le mot de passe dans DATABASE_URL"
    assert not mended
    # a reason without a code is shown as the server gave it
    odd = {**external, "error_code": None, "error": "server closed the connection"}
    said, hint, mended = database_problem(odd)
    assert said == "La base de données est injoignable : server closed the connection"


@pytest.mark.parametrize(
    ("lang", "said", "check"),
    [
        (
            "fr",
            "Le dossier de la base de données du projet, {home} (WALOUJA_HOME), n'existe pas",
            "Vérifiez WALOUJA_HOME",
        ),
        (
            "ar",
            "مجلد قاعدة بيانات المشروع، \u2068{home}\u2069 (WALOUJA_HOME)، غير موجود",
            "تحقق من WALOUJA_HOME",
        ),
        (
            "en",
            "The project's database folder, {home} (WALOUJA_HOME), does not exist",
            "Check WALOUJA_HOME",
        ),
    ],
)
def test_a_mistyped_walouja_home_is_named_and_not_created(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    lang: str,
    said: str,
    check: str,
) -> None:
    # the pages said the project's server was not started and to run `walouja db up &&
    # walouja load`, which would have made a new, empty cluster in the mistyped folder
    if not settings.uses_local_cluster:
        pytest.skip("WALOUJA_HOME is the local cluster's folder")
    home = tmp_path / "typo" / "x"
    monkeypatch.setenv("WALOUJA_HOME", str(home))
    at = page_at(lang, "1_Overview")
    # (the folder's "_a_" read in italics before it was escaped)
    errors = [as_read(e.value) for e in at.error]
    assert any(said.format(home=home) in e for e in errors), errors
    assert any(check in i.value for i in at.info), [i.value for i in at.info]
    assert not at.code  # not the commands that would set a new one up there
    assert not (tmp_path / "typo").exists()
