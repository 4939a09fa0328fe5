"""Every environment variable the settings read is in the README's configuration table
(``WALOUJA_DATABASE_URL`` was taken and named nowhere)."""

from __future__ import annotations

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
