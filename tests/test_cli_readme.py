"""The README's command line section against the commands themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import typer
from sqlalchemy.engine import Connection

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


def _synopsis_chunks() -> Iterator[tuple[Any, str]]:
    """Each command of the README's synopsis block with its text (its lines up to the next
    command's), the command found by the longest ``walouja …`` path that names one."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Command line") : text.index("## Layout")]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    commands = dict(_commands(typer.main.get_command(app)))
    chunk: list[str] = []
    for line in [*block.splitlines(), "walouja"]:
        if line.startswith("walouja") and chunk:
            words = chunk[0].split()[1:3]
            name = next(" ".join(words[:n]) for n in (2, 1) if " ".join(words[:n]) in commands)
            yield commands[name], "\n".join(chunk)
            chunk = []
        chunk.append(line)


def test_a_value_the_synopses_show_after_an_option_is_its_default() -> None:
    # the README says so; `--detour-factor 1.3` (default 1) and `prioritise
    # --min-per-province 1` (default 0) read as defaults that were not
    checked, wrong = 0, []
    for command, chunk in _synopsis_chunks():
        params = {o: p for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for option, value in re.findall(r"(--[a-z][a-z-]*) ([\w.]+)", chunk):
            param = params.get(option)
            if param is None or param.default is None or isinstance(param.default, bool):
                continue  # a default the command resolves later, a flag, or words about it
            shown: object = value
            if isinstance(param.default, int | float):
                try:
                    shown = float(value)
                except ValueError:
                    continue  # words about the option ("--time-limit covers…")
            elif value.isupper() and value != param.default:
                continue  # a placeholder: TYPE, N
            checked += 1
            if shown != param.default:
                wrong.append(f"walouja {command.name} {option} {value} (default {param.default})")
    assert wrong == []
    assert checked >= 15  # the synopses were read


def test_the_readme_states_the_bounds_an_import_takes() -> None:
    # capacity <= 10,000 places (065eb75) and an Accessible City's budget <= 100,000,000 MAD
    # (068fd98): the README's list of what an import checks gives both, as the refusal does
    from geo.validate import MAX_BUDGET_MAD, MAX_CAPACITY

    text = " ".join(README.read_text(encoding="utf-8").split())
    assert f"at most {MAX_CAPACITY:,} places" in text
    assert f"at most {MAX_BUDGET_MAD:,} MAD" in text


def test_the_readme_counts_the_demonstration_layers_as_loaded(conn: Connection) -> None:
    # the Data sources table said "~352 EPS" and "stations, tram and BRT stops" of a layer
    # whose 121 rows are 96 invented bus stops; its figures are the ones `walouja load` makes
    import csv

    from geo.demo import DEMO_DIR, _communes, plan_centres

    section = README.read_text(encoding="utf-8").split("## Data sources and licences", 1)[1]
    row = {
        line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| ")
    }
    plan = plan_centres(_communes(conn))
    eps = plan[plan["centre_type"] == "EPS"]
    coaph = plan[plan["centre_type"] == "COAPH"]
    provinces = conn.execute(
        sa.text("SELECT count(*) FROM provinces WHERE NOT is_nested")
    ).scalar_one()
    found = conn.execute(sa.text("SELECT code, province_code FROM communes"))
    codes: dict[str, str] = {str(code): str(province) for code, province in found}
    in_provinces = {codes[c] for c in coaph["commune_code"]}
    operating = {codes[c] for c in coaph[coaph["status"] == "operating"]["commune_code"]}
    said = row["centres"]
    assert f"{len(plan)} rows" in said
    assert f"{len(eps)} social-care institutions (EPS, " in said
    assert f"{(eps['status'] == 'operating').sum()} of them operating" in said
    assert (
        f"operating in {len(operating)} of the {provinces} provinces "
        f"({len(in_provinces)} counting planned" in said
    )

    def rows(name: str) -> list[dict[str, str]]:
        with (DEMO_DIR / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    stops = rows("transport_stops")
    buses = sum(r["mode"] == "bus" for r in stops)
    assert f"{len(stops)} rows" in row["transport stops"]
    assert f"invented bus stops ({buses} of the {len(stops)})" in row["transport stops"]
    assert f"{len(rows('beaches'))} real beaches" in row["beaches"]
    assert f"{len(rows('accessible_cities'))} cities" in row["accessible cities"]
