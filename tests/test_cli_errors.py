"""A user's mistake ends a command with one line on stderr and exit code 1, never a traceback:
a database without its tables, an export path that cannot be written, a bad port or setting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import walouja
from walouja.cli import app
from walouja.settings import Settings


def _one_line(result: object) -> str:
    """The single stderr line of a refused command."""
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert result.exception is None or isinstance(result.exception, SystemExit)  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    return str(lines[0])


@pytest.fixture
def unmigrated(scratch_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The commands' settings point at a reachable database where `walouja db up` never ran."""
    if scratch_settings.database_url is not None:
        monkeypatch.setenv("DATABASE_URL", scratch_settings.database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        monkeypatch.setenv("WALOUJA_DB_NAME", scratch_settings.db_name)
    return scratch_settings


@pytest.mark.parametrize(
    ("args", "table"),
    [
        (["layers"], "centres"),
        (["layers", "--json"], "centres"),
        (["export", "centres", "{tmp}/out.csv"], "centres"),
        (["export", "beaches", "{tmp}/out.gpkg", "--json"], "beaches"),
        (["import", "centres", "{tmp}/in.csv", "--dry-run"], "centres"),
        (["scenarios", "list"], "analysis_runs"),
        (["scenarios", "list", "--json"], "analysis_runs"),
        (["coverage"], "centres"),
    ],
)
def test_a_database_without_tables_says_run_db_up(
    unmigrated: Settings, tmp_path: Path, args: list[str], table: str
) -> None:
    (tmp_path / "in.csv").write_text("name,centre_type,lon,lat\nA,COAPH,-6.85,34.02\n")
    result = CliRunner().invoke(app, [a.format(tmp=tmp_path) for a in args])
    if "--json" in args:
        # a script asking for JSON got nothing on stdout, only the line on stderr
        assert json.loads(result.stdout) == {
            "error": {
                "code": "database_not_set_up",
                "params": {"table": table},
                "message": f"table {table} does not exist (the database is not set up)",
                "hint": "run `walouja db up` and `walouja load`",
            }
        }
        result = CliRunner().invoke(app, [a.format(tmp=tmp_path) for a in args if a != "--json"])
    line = _one_line(result)
    assert f"table {table} does not exist" in line
    assert "run `walouja db up` and `walouja load`" in line
    assert not (tmp_path / "out.csv").exists()


def test_export_to_a_folder_or_an_impossible_path(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    runner = CliRunner()
    line = _one_line(runner.invoke(app, ["export", "centres", str(tmp_path / "d.csv")]))
    assert line == (
        f"walouja: cannot write {tmp_path}/d.csv: it is a folder — give a file name inside it, "
        f"for example {tmp_path}/d.csv/export.csv"
    )
    line = _one_line(runner.invoke(app, ["export", "centres", "/proc/x.csv"]))
    assert line == (
        "walouja: cannot write /proc/x.csv: no such file or directory — "
        "choose a folder you can write to"
    )
    as_json = runner.invoke(app, ["export", "centres", "/proc/x.csv", "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["message"] == (
        "cannot write /proc/x.csv: no such file or directory"
    )


def test_export_refuses_a_folder_that_does_not_exist_and_creates_none(tmp_path: Path) -> None:
    out = tmp_path / "absent" / "deeper" / "x.csv"
    line = _one_line(CliRunner().invoke(app, ["export", "centres", str(out)]))
    assert line == (
        f"walouja: cannot write {out}: no such folder: {out.parent} — create it first "
        f"(mkdir -p {out.parent}), or choose a folder that exists"
    )
    assert not (tmp_path / "absent").exists()  # no folder the user did not ask for


def test_export_over_an_existing_file_replaces_it_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "beaches.csv"
    runner = CliRunner()
    first = runner.invoke(app, ["export", "beaches", str(out), "--where", "name=Nowhere beach"])
    assert first.exit_code == 0, first.output
    assert first.stdout == f"beaches: 0 rows written to {out} (csv)\n"
    out.write_text("a file the user had\n")
    again = runner.invoke(app, ["export", "beaches", str(out), "--where", "name=Nowhere beach"])
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        f"beaches: 0 rows written to {out} (csv), replacing the file that was there\n"
    )
    assert out.read_text(encoding="utf-8-sig").startswith("external_id,")
    as_json = runner.invoke(
        app, ["export", "beaches", str(out), "--where", "name=Nowhere beach", "--json"]
    )
    assert json.loads(as_json.stdout)["replaced"] is True


def test_load_says_why_its_match_report_cannot_be_written_before_loading(
    tmp_path: Path,
) -> None:
    out = tmp_path / "absent" / "x.csv"
    runner = CliRunner()
    line = _one_line(runner.invoke(app, ["load", "--no-layers", "--report", str(out)]))
    assert line == (
        f"walouja: cannot write the match report to {out}: no such folder: {out.parent} — "
        f"create it first (mkdir -p {out.parent}), or choose a folder that exists"
    )
    assert not out.parent.exists()
    line = _one_line(runner.invoke(app, ["load", "--no-layers", "--report", str(tmp_path)]))
    assert line.startswith(f"walouja: cannot write the match report to {tmp_path}: it is a folder")


def test_load_json_gives_its_refusal_as_json(tmp_path: Path) -> None:
    # `load --json` printed nothing on stdout when it refused (its option had another name
    # than the one the refusal's JSON looks for)
    out = tmp_path / "absent" / "x.csv"
    result = CliRunner().invoke(app, ["load", "--no-layers", "--report", str(out), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["message"] == (
        f"cannot write the match report to {out}: no such folder: {out.parent}"
    )
    assert (
        error["hint"] == f"create it first (mkdir -p {out.parent}), or choose a folder that exists"
    )
    assert result.stderr.startswith("walouja: cannot write the match report")


def test_export_refuses_a_swapped_box(tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    line = _one_line(
        CliRunner().invoke(app, ["export", "centres", str(out), "--bbox", "33.9,-7,34.1,-6.7"])
    )
    assert "the box 33.9,-7,34.1,-6.7 lies outside Morocco (latitude and longitude" in line
    assert "give west,south,east,north" in line
    assert not out.exists()


@pytest.mark.parametrize("port", ["70000", "-5", "0"])
def test_serve_refuses_a_port_out_of_range(port: str) -> None:
    line = _one_line(CliRunner().invoke(app, ["serve", "--port", port]))
    assert line == f"walouja: --port {port} is not a port number — choose one from 1 to 65535"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WALOUJA_APP_PORT", "70000", "invalid setting WALOUJA_APP_PORT=70000: must be a port"),
        ("WALOUJA_DB_PORT", "abc", "invalid setting WALOUJA_DB_PORT=abc: must be a port number"),
    ],
)
def test_a_bad_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    line = _one_line(CliRunner().invoke(app, ["serve"]))
    assert message in line
    assert "fix it in the environment or in .env" in line


@pytest.fixture
def migrated(unmigrated: Settings) -> Settings:
    """The scratch database after `walouja db up` (tables, no data)."""
    from geo import db, migrate

    db.ensure_postgis(unmigrated)
    migrate.upgrade(unmigrated)
    return unmigrated


def test_scenarios_list_tells_the_rows_apart(migrated: Settings) -> None:
    import json

    import sqlalchemy as sa

    from geo import db

    runner = CliRunner()
    empty = runner.invoke(app, ["scenarios", "list"])
    assert empty.exit_code == 0, empty.output
    assert empty.stdout == "no saved scenarios (walouja prioritise saves one)\n"
    assert json.loads(runner.invoke(app, ["scenarios", "list", "--json"]).stdout) == []
    base = {"model": "mclp", "centre_type": "COAPH", "radius_km": 30.0, "forced": []}
    requests = [
        {**base, "new": 3},
        {**base, "new": None, "budget_mad": 20_000_000.0},
        {**base, "new": 3, "candidates": "sites.csv#0123abcd", "forced": ["A", "B"]},
    ]
    with db.connect(migrated) as conn:
        for params in requests:
            conn.execute(
                sa.text(
                    "INSERT INTO analysis_runs (kind, params, fingerprint, results) "
                    "VALUES ('prioritise', CAST(:p AS jsonb), 'f', '{}')"
                ),
                {"p": json.dumps(params)},
            )
    listed = runner.invoke(app, ["scenarios", "list"])
    assert listed.exit_code == 0, listed.output
    lines = [line.strip().split("  ", 2)[-1] for line in listed.stdout.splitlines()]
    assert lines == [  # newest first
        "mclp COAPH, 3 new within 30 km, candidates sites.csv, forced A, B",
        "mclp COAPH, budget 20,000,000 MAD at 5,000,000 MAD a centre within 30 km, candidates "
        "communes",
        "mclp COAPH, 3 new within 30 km, candidates communes",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["osm", "centres", "Fès", "--nominatim-url", "notaurl"],
            "walouja: --nominatim-url 'notaurl' is not a web address — give it with http://",
        ),
        (
            ["osm", "centres", "Fès", "--dry-run", "--nominatim-url", "http://127.0.0.1:9"],
            "walouja: could not reach OpenStreetMap at 127.0.0.1: no network? — check the",
        ),
        (
            # an empty place is refused before anything asks the network
            ["osm", "centres", " ", "--nominatim-url", "http://127.0.0.1:9"],
            "walouja: no place given: which place's features should be imported? — name it",
        ),
        (
            ["coverage", "--osm", "roads.osm", "--max-snap-km", "-1"],
            "walouja: --max-snap-km -1 is not a positive number of km",
        ),
        (
            ["prioritise", "--budget-mad", "-10"],
            "walouja: --budget-mad -10 is not a positive amount — give the budget in MAD",
        ),
        # they said "threshold -5.0 is not a positive number", naming no option, no way out
        (
            ["coverage", "--threshold-km", "-5"],
            "walouja: --threshold-km -5 is not a positive number of km — give a number above "
            "0 and at most 2,500 km, for example --threshold-km 30",
        ),
        (
            ["coverage", "--osm", "roads.osm", "--threshold-min", "0"],
            "walouja: --threshold-min 0 is not a positive number of minutes",
        ),
        (["access", "--catchment-km", "0"], "walouja: --catchment-km 0 is not a positive number"),
        (
            ["equity", "--indicator", "nearest_km", "--threshold-km", "nan"],
            "walouja: --threshold-km nan is not a positive number of km",
        ),
        (
            ["equity", "--indicator", "access", "--catchment-km", "-1"],
            "walouja: --catchment-km -1 is not a positive number of km",
        ),
    ],
)
def test_bad_options_are_named(args: list[str], message: str) -> None:
    assert _one_line(CliRunner().invoke(app, args)).startswith(message)


_TOO_FAR = "is farther than Morocco is long (about 2,100 km from end to end) — give a number"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # each was taken: a budget of 1e30 MAD, a free centre (any budget bought every site),
        # a radius or threshold of a billion km, a road a billion times the straight line
        (
            ["prioritise", "--budget-mad", "1e30"],
            "--budget-mad 1e+30 is more than 100,000,000,000 MAD — give the budget in MAD, "
            "above 0 and at most 100,000,000,000",
        ),
        (
            ["prioritise", "--budget-mad", "20000000", "--cost-mad", "0"],
            "--cost-mad 0 makes a new centre free: a budget would buy every candidate site — "
            "give the cost of one new centre in MAD, from 1 to 10,000,000,000",
        ),
        (
            ["prioritise", "--new", "3", "--cost-mad", "0.5"],
            "--cost-mad 0.5 is less than 1 MAD: a budget would buy every candidate site",
        ),
        (
            ["prioritise", "--new", "3", "--cost-mad", "1e11"],
            "--cost-mad 1e+11 is more than 10,000,000,000 MAD — give the cost of one new centre "
            "in MAD, from 1 to 10,000,000,000",
        ),
        (["prioritise", "--new", "3", "--radius-km", "5000"], f"--radius-km 5000 {_TOO_FAR}"),
        (
            ["prioritise", "--new", "3", "--radius-km", "1e9"],
            "--radius-km 1e+09 is farther than Morocco is long",
        ),
        (
            ["prioritise", "--new", "100000"],
            "--new 100000 is more than 10,000 new centres — ask for 1 to 10,000",
        ),
        (
            ["prioritise", "--new", "3", "--min-per-province", "101"],
            "--min-per-province 101 is more than 100 per province — give 0 (no minimum) to 100",
        ),
        (["coverage", "--threshold-km", "1e9"], f"--threshold-km 1e+09 {_TOO_FAR} above 0 and"),
        (
            ["coverage", "--osm", "roads.osm", "--threshold-min", "5000"],
            "--threshold-min 5000 is more than a day — give a number above 0 and at most 1,440 "
            "minutes",
        ),
        (
            ["coverage", "--osm", "roads.osm", "--connector-speed", "500"],
            "--connector-speed 500 is faster than Morocco's highest speed limit (120 km/h) — "
            "give a number above 0 and at most 120 km/h",
        ),
        (["coverage", "--osm", "roads.osm", "--max-snap-km", "1e5"], "--max-snap-km 100000 is"),
        (
            ["coverage", "--detour-factor", "1e9"],
            "--detour-factor 1e+09 is more than 5: a road five times as long as the straight "
            "line — use 1 for straight-line kilometres, or a circuity factor up to 5",
        ),
        (["access", "--catchment-km", "3000"], f"--catchment-km 3000 {_TOO_FAR}"),
        (
            ["access", "--missing-capacity", "1e12"],
            "--missing-capacity 1e12 is more places than a centre has — give median, error or a "
            "number of places from 0 to 100,000",
        ),
        (
            ["equity", "--indicator", "nearest_km", "--threshold-km", "1e9"],
            f"--threshold-km 1e+09 {_TOO_FAR}",
        ),
        (
            ["equity", "--indicator", "access", "--catchment-km", "1e9"],
            f"--catchment-km 1e+09 {_TOO_FAR}",
        ),
        (["equity", "--indicator", "access", "--detour-factor", "50"], "--detour-factor 50 is"),
        (
            ["gaps", "--missing-capacity", "1e7"],
            "--missing-capacity 1e7 is more places than a centre has — give median or a number "
            "of places from 0 to 100,000",
        ),
    ],
)
def test_figures_beyond_their_range_are_refused(args: list[str], message: str) -> None:
    # refused before the database is asked, naming the option, the value and the range
    assert _one_line(CliRunner().invoke(app, args)).startswith(f"walouja: {message}")


def test_a_road_network_that_is_a_folder_or_missing_says_which(tmp_path: Path) -> None:
    # a folder was said not to exist
    runner = CliRunner()
    line = _one_line(runner.invoke(app, ["coverage", "--osm", str(tmp_path)]))
    assert line == (
        f"walouja: road network file {tmp_path} is a folder, not a file — give the .osm file "
        "itself (the roads of the area exported from OpenStreetMap)"
    )
    line = _one_line(runner.invoke(app, ["coverage", "--osm", str(tmp_path / "roads.osm")]))
    assert line == (
        f"walouja: road network file {tmp_path}/roads.osm does not exist — check its name and "
        "folder (an .osm file of the area's roads, exported from OpenStreetMap)"
    )


def test_a_candidate_file_error_names_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "cand.csv"
    path.write_text("id,name,lon,lat\nA,Site A,-6.85,34.02\nB,Far,2.35,48.85\n")
    line = _one_line(CliRunner().invoke(app, ["prioritise", "--candidates", str(path)]))
    assert line == (
        "walouja: cand.csv: 1 site lies outside Morocco's communes "
        "(row 3, geometry: lon=2.35000, lat=48.85000 is in no commune) — "
        "check the coordinates (longitude first, decimal degrees); a site in Ceuta, Melilla, "
        "at sea or abroad cannot be placed: remove its row"
    )
    # asked for JSON, a script gets the refusal as JSON on stdout too (same line on stderr)
    done = CliRunner().invoke(app, ["prioritise", "--candidates", str(path), "--json"])
    assert done.exit_code == 1
    assert done.stderr.strip() == line
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "candidates_outside_communes"
    assert error["message"] == "cand.csv: 1 site lies outside Morocco's communes"
    assert error["hint"].startswith("check the coordinates (longitude first, decimal degrees);")
    assert error["hint"].endswith("cannot be placed: remove its row")
    assert error["problems"] == [
        {"row": 3, "field": "geometry", "reason": "lon=2.35000, lat=48.85000 is in no commune"}
    ]
    path.write_text("id,name,lon,lat\nA,Site A,-6.85,34.02\nA,Site A2,-7.6,33.58\n")
    line = _one_line(CliRunner().invoke(app, ["prioritise", "--candidates", str(path)]))
    assert line.startswith(
        "walouja: cand.csv: the id 'A' is given to more than one site "
        "(row 3, id: external id 'A' repeats row 2)"
    )


def _interrupt(args: list[str], delay_s: float) -> tuple[int, str, str]:
    """Run ``walouja ARGS``, press Ctrl+C after ``delay_s`` and return (exit code, out, err)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "walouja.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's Ctrl+C reaches a program whose SIGINT is not ignored (a test's child's is)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(delay_s)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _ran_project_code(err: str) -> bool:
    """Whether a traceback passes through a module of the project's own packages."""
    root = Path(walouja.__file__).resolve().parent.parent
    return any(f'File "{root / package}/' in err for package in ("walouja", "geo", "analysis"))


def test_ctrl_c_while_the_command_starts_is_one_line() -> None:
    # the commands' modules take about a second to import: Ctrl+C then printed a traceback of
    # pandas or SciPy and died of the signal, instead of the line a Ctrl+C later prints; and
    # between the guarded imports (building the command line: a CI run's 0.2 s landed there)
    # it still did. Moments through the start, once Python itself has started (a Ctrl+C in
    # its own start-up, before any line of Walouja, ends any Python program so)
    interrupted = 0
    for delay_s in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7):
        code, out, err = _interrupt(["equity", "--indicator", "access", "--fresh"], delay_s)
        if "Traceback" in err and not _ran_project_code(err):
            # a loaded machine can make even 0.1 s land in Python's own start-up (site, runpy):
            # no line of Walouja had run, and any Python program ends so
            continue
        assert "Traceback" not in err, err
        if code == 0:  # rarely, a library's import swallows the signal
            continue
        interrupted += 1
        # Python itself sometimes ends a caught Ctrl+C by the signal: a shell says 130 too
        assert code in (130, -signal.SIGINT), (delay_s, code, err)
        assert (err, out) == ("walouja: interrupted\n", "")
    assert interrupted


@pytest.mark.parametrize("delay_s", [0.2, 4.0])
def test_ctrl_c_under_json_prints_the_refusal_as_json(delay_s: float) -> None:
    # a script reading --json got nothing on stdout when Ctrl+C stopped the command: it now
    # gets the same {"error": {...}} as any refusal, code "interrupted", whether the command
    # had begun (4 s: a p-median with few centres is solving) or was still importing (0.2 s)
    args = ["prioritise", "--centre-type", "CJPA", "--model", "pmedian", "--new", "10"]
    for _ in range(3):
        code, out, err = _interrupt([*args, "--fresh", "--json"], delay_s)
        if code != 0:  # rarely, a library's import swallows the signal: again
            break
    assert code in (130, -signal.SIGINT), (code, err)
    assert err == "walouja: interrupted\n"
    assert json.loads(out) == {
        "error": {
            "code": "interrupted",
            "params": {},
            "message": "interrupted",
            "hint": "run the command again to finish it",
        }
    }


@pytest.mark.parametrize(
    ("args", "message", "command"),
    [
        (
            ["coverage", "--thresold-km", "30", "--json"],
            "No such option: --thresold-km (Possible options: --threshold-km, --threshold-min)",
            "walouja coverage",
        ),
        (
            # it read "Input should be a valid integer, unable to parse string as an integer",
            # naming neither the value nor what was wanted
            ["scenarios", "show", "abc", "--json"],
            "Invalid value for 'RUN_ID': 'abc' is not a whole number",
            "walouja scenarios show",
        ),
        (
            ["prioritise", "--new", "1.5", "--json"],
            "Invalid value for '--new': '1.5' is not a whole number",
            "walouja prioritise",
        ),
        (
            ["coverage", "--threshold-km", "30km", "--json"],
            "Invalid value for '--threshold-km': '30km' is not a number",
            "walouja coverage",
        ),
        (["coverag", "--json"], "No such command 'coverag'. Did you mean 'coverage'?", "walouja"),
    ],
)
def test_a_mistyped_command_line_with_json_is_refused_in_json(
    args: list[str], message: str, command: str
) -> None:
    # a script asking for --json got nothing on stdout when an option was misspelt
    result = CliRunner().invoke(app, args, prog_name="walouja")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": {
            "code": "usage",
            "params": {},
            "message": message,
            "hint": f"see `{command} --help`",
        }
    }
    assert f"Try '{command} --help' for help." in result.stderr


@pytest.mark.parametrize(
    ("args", "first_command"), [([], "serve"), (["db"], "up"), (["scenarios"], "list")]
)
def test_a_bare_command_shows_its_help_and_succeeds(args: list[str], first_command: str) -> None:
    # `walouja` alone printed the help but exited 2, as for a mistake
    result = CliRunner().invoke(app, args, prog_name="walouja")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert f"Usage: walouja {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND" in result.stdout
    assert first_command in result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["bogus"], ["db", "--bogus"]])
def test_a_mistyped_command_line_still_exits_2(args: list[str]) -> None:
    result = CliRunner().invoke(app, args, prog_name="walouja")
    assert result.exit_code == 2
    assert "Try 'walouja" in result.stderr
    assert result.stdout == ""


def test_json_keeps_the_exit_codes_of_success_and_refusal(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "status", "--json"]).exit_code == 0
    missing = runner.invoke(app, ["import", "centres", str(tmp_path / "no.csv"), "--json"])
    assert missing.exit_code == 1
    error = json.loads(missing.stdout)["error"]
    # the code and the figures its message shows, for a program to word it in its language
    assert (error["code"], error["params"]) == ("no_such_file", {"path": str(tmp_path / "no.csv")})


def test_a_file_that_does_not_exist_says_what_to_check(tmp_path: Path) -> None:
    # "no such file: …" said no more: every refusal says what to do
    path = tmp_path / "centers.csv"
    for args in (
        ["import", "centres", str(path), "--dry-run"],
        ["prioritise", "--new", "1", "--candidates", str(path)],
    ):
        assert _one_line(CliRunner().invoke(app, args)) == (
            f"walouja: no such file: {path} — check the file's name and the folder it is in "
            "(a path is relative to the folder the command runs in)"
        )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATABASE_URL",
            "postgresql://u:p@db.example.org:notaport/gis",
            "invalid setting DATABASE_URL: its port is not a number from 1 to 65535",
        ),
        ("WALOUJA_HOME", "/dev/null", "invalid setting WALOUJA_HOME=/dev/null: is a file"),
    ],
)
def test_a_setting_no_command_can_use_is_one_line_not_a_traceback(
    variable: str, value: str, message: str
) -> None:
    # both ended every command with a traceback (int() of the port; mkdir of the folder)
    env = {**os.environ, variable: value}
    env.pop("DATABASE_URL" if variable != "DATABASE_URL" else "WALOUJA_HOME", None)
    for args in (["layers"], ["layers", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "walouja.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"walouja: {message}"), done.stderr
        assert len(done.stderr.splitlines()) == 1, done.stderr
        if "--json" in args:
            error = json.loads(done.stdout)["error"]
            assert error["code"] == "bad_setting"
            assert error["message"].startswith(message)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["export", "roads", "{tmp}/out.csv", "--json"], "not_found"),
        (["coverage", "--threshold-km", "-5", "--json"], "bad_request"),
        (["export", "centres", "{tmp}/out.csv", "--bbox", "1,2", "--json"], "bad_input"),
    ],
)
def test_every_refusal_in_json_has_a_code(tmp_path: Path, args: list[str], code: str) -> None:
    # a refusal without a code of its own gave "code": null: a script could not branch on it
    result = CliRunner().invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == code
    assert result.stderr == f"walouja: {error['message']} — {error['hint']}\n"


def test_an_unreachable_database_is_refused_in_json_with_a_code() -> None:
    # nothing listens on port 1: the server of DATABASE_URL is down or unreachable
    env = {**os.environ, "DATABASE_URL": "postgresql://x:y@127.0.0.1:1/nodb"}
    done = subprocess.run(
        [sys.executable, "-m", "walouja.cli", "scenarios", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "database_unreachable"
    assert error["message"] == "cannot reach the database at postgresql://x:***@127.0.0.1:1/nodb"
    assert done.stderr == (
        f"walouja: {error['message']} — check that the server in DATABASE_URL is running and "
        "reachable\n"
    )


def test_an_export_never_replaces_a_pipe_or_a_link(tmp_path: Path) -> None:
    # the export was renamed over its path: over /dev/stdout it replaced that link with a
    # file for every program of the machine; here a named pipe stands for it
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for args in (
        ["export", "centres", str(pipe), "--format", "csv"],
        ["scenarios", "export", "999999", str(pipe), "--format", "csv"],
    ):
        line = _one_line(CliRunner().invoke(app, args))
        assert line == (
            f"walouja: cannot write {pipe}: it is not a file (a device, a pipe or a socket) — "
            "give the name of a file to write, for example centres.gpkg; an export is not "
            "written to the screen"
        )
        assert pipe.is_fifo()
    # a link to a file: the file is replaced, the link stays
    target = tmp_path / "centres-2026.csv"
    target.write_text("old\n")
    link = tmp_path / "centres.csv"
    link.symlink_to(target)
    done = CliRunner().invoke(app, ["export", "centres", str(link)])
    assert done.exit_code == 0, done.output
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8-sig").startswith("external_id,name,")
