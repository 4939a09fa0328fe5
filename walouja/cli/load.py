"""`walouja load`: the reference geography from the 2024 census, then the thematic layers."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

import typer

from walouja.cli._common import counted, emit_json, friendly, settings


def _demo_loader_present() -> bool:
    try:
        return importlib.util.find_spec("geo.demo") is not None
    except ModuleNotFoundError:
        return False


_REPORT = typer.Option(
    None,
    "--report",
    metavar="FILE.csv",
    help="Also write how each commune was matched to this CSV file (its folder must exist).",
)


@friendly
def load(
    force: bool = typer.Option(
        False, "--force", help="Rebuild the geography even when nothing has changed."
    ),
    report: Path | None = _REPORT,
    layers: bool = typer.Option(
        True, "--layers/--no-layers", help="Also load the thematic layers (when available)."
    ),
    # named as_json as in every command: `friendly` then gives a refusal as JSON too
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Load regions, provinces and communes (HCP RGPH 2024) and the thematic layers.

    A second run with the same packages changes nothing and says "unchanged".
    """
    from geo import census

    cfg = settings()
    if report is not None:  # a mistyped folder is said before minutes of loading
        census.check_report_path(report)
    result = census.load_geography(cfg, force=force)
    demo: Any = None
    if layers and _demo_loader_present():
        demo = importlib.import_module("geo.demo").load_demo(cfg)
    written = census.write_match_report(cfg, report) if report is not None else None
    if as_json:
        emit_json(
            {
                "geography": {
                    "skipped": result.skipped,
                    "changed": result.changed,
                    "duration_s": round(result.duration_s, 2),
                    "tables": [t.__dict__ | {"changed": t.changed} for t in result.tables],
                },
                "layers": None if demo is None else demo.as_dict(),
                "report": None if report is None else {"path": str(report), "rows": written},
            }
        )
        return
    state = "unchanged" if not result.changed else "loaded"
    typer.echo(f"geography: {state} in {result.duration_s:.1f} s")
    width = max((len(f"{t.rows:,}") for t in result.tables), default=0)
    for table in result.tables:
        what = (
            f"{table.inserted:,} inserted, {table.updated:,} updated, {table.deleted:,} deleted"
            if table.changed
            else "unchanged"
        )
        typer.echo(f"  {table.table:<10} {table.rows:>{width},} rows  {what}")
    if demo is not None:
        typer.echo(f"layers: {demo.summary()}")
    if report is not None:
        typer.echo(f"match report: {counted(written or 0, 'commune')} written to {report}")


def register(app: typer.Typer) -> None:
    """Add ``walouja load`` to the command line."""
    app.command("load")(load)
