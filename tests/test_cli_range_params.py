"""Out-of-range figures refused under ``--json`` give their params: the option, the value and
the range, so another program can word the message (they were ``"params": {}``)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from walouja.cli import app


@pytest.mark.parametrize(
    ("args", "params"),
    [
        (
            ["coverage", "--threshold-km", "5000"],
            {
                "option": "--threshold-km",
                "value": 5000.0,
                "unit": "km",
                "above": 0,
                "at_most": 2500,
            },
        ),
        (
            ["access", "--catchment-km", "-5"],
            {"option": "--catchment-km", "value": -5.0, "unit": "km", "above": 0, "at_most": 2500},
        ),
        (
            ["coverage", "--detour-factor", "0.5"],
            {"option": "--detour-factor", "value": 0.5, "at_least": 1, "at_most": 5},
        ),
        (
            ["equity", "--indicator", "access", "--detour-factor", "inf"],
            {"option": "--detour-factor", "value": "inf", "at_least": 1, "at_most": 5},
        ),
        (
            ["prioritise", "--new", "1", "--radius-km", "0"],
            {"option": "--radius-km", "value": 0.0, "unit": "km", "above": 0, "at_most": 2500},
        ),
    ],
)
def test_a_figure_out_of_range_gives_its_params(args: list[str], params: dict[str, object]) -> None:
    done = CliRunner().invoke(app, [*args, "--json"])
    assert done.exit_code == 1, done.output
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "bad_request"
    assert error["params"] == params
    assert params["option"] in error["message"]
