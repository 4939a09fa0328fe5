"""The README's command line section against the commands themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from walouja.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every command under ``command`` (groups walked), with its words after ``walouja``."""
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_option_of_every_command_is_in_the_readme() -> None:
    # the synopses lacked --fresh and --name of the analyses, four of equity's options,
    # access's --status and --detour-factor: a user with the README alone never met them
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Command line") : text.index("## Layout")]
    missing = []
    for name, command in _commands(typer.main.get_command(app)):
        assert f"walouja {name}" in section, name
        for param in command.params:
            if param.param_type_name != "option":
                continue
            forms = [o for o in (*param.opts, *param.secondary_opts) if o != "--help"]
            # a flag pair (--demo/--no-demo) is documented by either of its forms
            if forms and not any(re.search(re.escape(o) + r"(?![\w-])", section) for o in forms):
                missing.append(f"walouja {name} {forms[0]}")
    assert missing == []


def test_the_readme_states_the_ranges_the_commands_take() -> None:
    # the ranges are refused in the commands' own words; the README says them as they are
    from walouja import limits

    text = " ".join(README.read_text(encoding="utf-8").split())
    for said in (
        f"at most {limits.MAX_DISTANCE_KM:,} km",
        f"at most {limits.MAX_SPEED_KMH} km/h",
        f"`--detour-factor` 1 to {limits.MAX_DETOUR}",
        f"at most {limits.MAX_PLACES:,}",
        f"`--new` 1 to {limits.MAX_NEW:,}",
        f"`--min-per-province` 0 to {limits.MAX_PER_PROVINCE}",
        f"`--budget-mad` at most {limits.MAX_BUDGET_MAD:,} MAD",
        f"`--cost-mad` {limits.MIN_COST_MAD} to {limits.MAX_COST_MAD:,} MAD",
    ):
        assert said in text, said
