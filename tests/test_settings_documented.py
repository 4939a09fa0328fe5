"""Every environment variable the settings read is in the README's configuration table, with
its default (``WALOUJA_DATABASE_URL`` was taken and named nowhere)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices

from walouja.settings import PROJECT_ROOT, Settings


def test_every_variable_the_settings_read_is_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: list[str] = []
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.extend(str(choice) for choice in alias.choices)
        elif isinstance(alias, str):
            names.append(alias)
        else:
            names.append(f"WALOUJA_{field.upper()}")
    assert "WALOUJA_DATABASE_URL" in names
    missing = [name for name in names if f"`{name}`" not in table]
    assert not missing, f"not in the README's configuration table: {missing}"


def test_the_readme_gives_each_setting_its_default() -> None:
    # the table was checked for the names only: a default changed in settings.py (or a
    # README's row edited) would leave the table saying another
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    said: dict[str, str] = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            said[cells[0].split("`")[1]] = cells[1]
    wrong = []
    for field, info in Settings.model_fields.items():
        name = "DATABASE_URL" if field == "database_url" else f"WALOUJA_{field.upper()}"
        default = info.default
        if default is None:
            expected = "unset"
        elif isinstance(default, bool):
            expected = f"`{str(default).lower()}`"
        elif isinstance(default, Path):
            expected = f"`{default.relative_to(PROJECT_ROOT)}/`"
        else:
            expected = f"`{default}`"
        if not said.get(name, "").startswith(expected):
            wrong.append(f"{name}: README {said.get(name)!r}, settings {expected}")
    assert wrong == []
