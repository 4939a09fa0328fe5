"""Settings resolve the database URL from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo import db
from walouja.errors import ConfigError
from walouja.settings import PROJECT_ROOT, Settings, get_settings


def test_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@example.org:6543/gis")
    cfg = get_settings()
    assert cfg.uses_local_cluster is False
    assert db.database_url(cfg) == "postgresql+psycopg2://u:p@example.org:6543/gis"
    assert db.database_url(cfg, driver=False) == "postgresql://u:p@example.org:6543/gis"


def test_local_cluster_url_uses_project_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WALOUJA_DB_NAME", "somedb")
    cfg = get_settings()
    url = db.database_url(cfg, driver=False)
    assert url.startswith("postgresql://postgres@/somedb?host=")
    assert "port=5432" in url
    assert cfg.uses_local_cluster


def test_bad_url_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    with pytest.raises(ConfigError, match="invalid setting DATABASE_URL: must start with post"):
        get_settings()


def test_bad_language_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALOUJA_LANGUAGE", "de")
    with pytest.raises(ConfigError, match="invalid setting WALOUJA_LANGUAGE=de: must be fr, ar"):
        get_settings()


def test_a_bad_port_names_the_variable_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic's words: "input should be a valid integer, unable to parse string as an
    # integer", "input should be greater than or equal to 1"
    port = "must be a port number from 1 to 65535"
    monkeypatch.setenv("WALOUJA_DB_PORT", "abc")
    with pytest.raises(ConfigError, match=f"invalid setting WALOUJA_DB_PORT=abc: {port} — "):
        get_settings()
    monkeypatch.setenv("WALOUJA_DB_PORT", "5432")
    monkeypatch.setenv("WALOUJA_APP_PORT", "-5")
    with pytest.raises(ConfigError, match=f"WALOUJA_APP_PORT=-5: {port}"):
        get_settings()
    monkeypatch.setenv("WALOUJA_APP_PORT", "70000")
    with pytest.raises(ConfigError, match=f"WALOUJA_APP_PORT=70000: {port}"):
        get_settings()


def test_a_yes_or_no_setting_says_what_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    # it said "input should be a valid boolean, unable to interpret input"
    monkeypatch.setenv("WALOUJA_DB_LISTEN_TCP", "maybe")
    with pytest.raises(
        ConfigError,
        match=re.escape(
            "invalid setting WALOUJA_DB_LISTEN_TCP=maybe: must be true or false (or 1/0, yes/no, "
            "on/off)"
        ),
    ):
        get_settings()


def test_settings_are_frozen() -> None:
    cfg = Settings()
    with pytest.raises(Exception, match="frozen"):
        cfg.db_name = "x"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # the driver's "invalid literal for int()" traceback stopped every command
        (
            "DATABASE_URL",
            "postgresql://u:p@db.example.org:notaport/gis",
            "invalid setting DATABASE_URL: its port is not a number from 1 to 65535",
        ),
        (
            "DATABASE_URL",
            "postgresql://u:p@db.example.org:99999/gis",
            "invalid setting DATABASE_URL: its port is not a number from 1 to 65535",
        ),
        # a FileExistsError traceback from the cluster's folder
        (
            "WALOUJA_HOME",
            "/dev/null",
            "invalid setting WALOUJA_HOME=/dev/null: is a file, not a folder for the local",
        ),
        (
            "WALOUJA_HOME",
            "/dev/null/walouja",
            "WALOUJA_HOME=/dev/null/walouja: is a file (/dev/null in its path), not a folder",
        ),
        # an empty name reached the server's postgres database instead of Walouja's
        ("WALOUJA_DB_NAME", "", "invalid setting WALOUJA_DB_NAME=: the name is empty"),
        ("WALOUJA_DB_USER", " ", "invalid setting WALOUJA_DB_USER= : the name is empty"),
    ],
)
def test_a_setting_no_command_can_use_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=re.escape(message)):
        get_settings()


def test_a_url_without_a_port_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example.org/gis")
    assert get_settings().database_url == "postgresql://u:p@db.example.org/gis"


def test_a_relative_home_is_inside_the_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # .env.example's WALOUJA_HOME=.walouja named another, empty cluster in every folder a
    # command ran in (a service's, cron's): "the local cluster is not running"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WALOUJA_HOME", ".walouja")
    assert get_settings().home == PROJECT_ROOT / ".walouja"
    monkeypatch.setenv("WALOUJA_HOME", str(tmp_path / "cluster"))
    assert get_settings().home == tmp_path / "cluster"


def test_a_dotenv_in_the_working_directory_is_read_over_the_projects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WALOUJA_TILES", raising=False)
    (tmp_path / ".env").write_text("WALOUJA_TILES=none\n")
    assert get_settings().tiles == "none"
    # the project's own .env is read too, whatever folder the command runs in
    assert Settings.model_config.get("env_file") == (PROJECT_ROOT / ".env", ".env")
