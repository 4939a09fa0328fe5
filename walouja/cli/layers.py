"""`walouja layers|import|export|osm`: the thematic layers, their imports and exports."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from walouja.cli._common import counted, emit_json, friendly, output_file, settings

MAX_LINES = 20
"""How many rejected rows an import report lists one per line (``--json`` lists them all)."""
ROWS_SHOWN = 5
"""How many row numbers a line about the rows that lack one field names."""
LAYER_HELP = "centres, accessible_cities, transport_stops or beaches."
OSM_LAYERS = ("centres", "transport_stops", "beaches")
"""The layers ``walouja osm`` imports into."""


def _pairs(values: list[str] | None, what: str, *, merge: bool = False) -> dict[str, str]:
    """``FIELD=VALUE`` options as a dict. A field given twice either gathers its values
    (``merge``: ``--where`` keeps rows with any of them, as ``FIELD=V1,V2`` does) or, with two
    different values, is refused (``--set``): the second replaced the first without a word.
    """
    from walouja.errors import DataError

    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DataError(
                f"{what} expects FIELD=VALUE, got {item!r}",
                hint=f"for example {what} centre_type=COAPH",
            )
        key, value = key.strip(), value.strip()
        if key in out and out[key] != value:
            if merge:
                value = f"{out[key]},{value}"
            else:
                raise DataError(
                    f"{what} {key} is given twice, {out[key]} and {value}",
                    hint="give it once, with the value the rows without their own take",
                )
        out[key] = value
    return out


def _check_url(url: str | None, option: str, example: str) -> None:
    """A ``DataError`` unless ``url`` (when given) is an http(s) address with a host."""
    from urllib.parse import urlsplit

    from walouja.errors import DataError

    if url is None:
        return
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DataError(
            f"{option} {url!r} is not a web address",
            hint=f"give it with http:// or https://, for example {example}",
        )


def _unreachable(detail: str) -> Exception:
    """One short line for a network failure (the driver's text runs to several hundred
    characters of connection-pool detail): which server, and what to try."""
    from walouja.errors import DataError

    found = re.search(r"host='([^']+)'", detail)
    host = found.group(1) if found else None
    service = (
        "Nominatim"
        if host and "nominatim" in host
        else "Overpass"
        if host and "overpass" in host
        else "OpenStreetMap"
    )
    where = f" at {host}" if host else ""
    timeout = "timed out" in detail.lower() or "timeout" in detail.lower()
    return DataError(
        f"could not reach {service}{where}: "
        + ("it did not answer in time" if timeout else "no network?"),
        hint="check the connection (or --overpass-url / --nominatim-url), "
        "or import a saved .osm file with `walouja import`",
        # the import's own code, which --json gave as the kind's (bad_input)
        code="osm_unreachable",
        params={"detail": detail, "service": service, "host": host, "timeout": timeout},
    )


def _print_report(report: object, *, as_json: bool) -> None:
    """The import report for people: the summary, what to do about rows that lack a
    required field (one line per field, its rows counted), the notes, then the rejected
    rows: those lacking such a field in one line per field, the others one per line up to
    ``MAX_LINES`` (``--json`` lists every one)."""
    from geo.importer import ImportReport
    from geo.messages import advice_for_import
    from geo.validate import REASONS

    assert isinstance(report, ImportReport)
    # no hint to use --skip-invalid when it was given, or when no row is valid; the JSON
    # says what the printed report says
    advice = [
        advice_for_import(
            a, skip_invalid=report.skip_invalid, valid=report.rows_read - report.rejected
        )
        for a in report.advice
    ]
    if as_json:
        emit_json({**report.as_dict(), "advice": [a.as_dict() for a in advice]})
        _refusal_line(report, advice)
        return
    typer.echo(report.summary())
    for tip in advice:
        typer.echo(f"  {tip}")
    for note in report.warnings:
        typer.echo(f"  note: {note}")
    if report.problems:
        typer.echo(f"  rejected rows ({report.rejected:,}):")
        advised = [a.field for a in report.advice]
        for name in advised:
            rows = sorted(
                {
                    p.row
                    for p in report.problems
                    if p.field == name and p.code == "required_missing" and p.row is not None
                }
            )
            if not rows:  # its rows say "N/A": listed below, each with what it says
                continue
            shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
            more = f" and {len(rows) - ROWS_SHOWN:,} more" if len(rows) > ROWS_SHOWN else ""
            typer.echo(
                f"    {name}: {REASONS['required_missing']} in "
                f"row{'' if len(rows) == 1 else 's'} {shown}{more}"
            )
        others = [
            p for p in report.problems if not (p.code == "required_missing" and p.field in advised)
        ]
        for problem in others[:MAX_LINES]:
            typer.echo(f"    {problem}")
        if len(others) > MAX_LINES:
            typer.echo(f"    … and {len(others) - MAX_LINES:,} more (--json lists them all)")
    _refusal_line(report, advice)


def _refusal_line(report: object, advice: Sequence[object] = ()) -> None:
    """The one line on stderr that every refusal gives, beside the report on stdout: which
    import was refused and what to do (it said "nothing was written: fix the rows above",
    without the command's name, the file or the layer, in a log that keeps stderr only).

    A required field the rows lack is what to do first (``advice``, as the report on stdout
    says it): the line said only "fix the rows listed", and a log that keeps stderr had
    neither the rows nor the ``--set`` that mends them.
    """
    from geo.importer import ImportReport

    assert isinstance(report, ImportReport)
    if not report.refused:
        return
    skip = report.rejected < report.rows_read and not report.skip_invalid
    if advice:
        advised = {a.field for a in report.advice}
        others = any(
            not (p.code == "required_missing" and p.field in advised) for p in report.problems
        )
        tip = str(advice[0])
        more = "; then fix the other rows listed" if others else ""
        if skip and "--skip-invalid" not in tip:
            more += "; or add --skip-invalid to import the valid rows only"
        typer.echo(f"walouja: {report.summary()}: {tip}{more}", err=True)
        return
    todo = (
        "fix the rows listed, or add --skip-invalid to import the valid rows only"
        if skip
        else "fix the rows listed"
    )
    typer.echo(f"walouja: {report.summary()} — {todo}", err=True)


def register(app: typer.Typer) -> None:
    """Add the layer commands to the ``walouja`` application."""

    @app.command("layers")
    @friendly
    def layers(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """List the thematic layers with their row counts and sources."""
        from geo.db import connect
        from geo.layers import list_layers

        with connect(settings()) as conn:
            rows = list_layers(conn)
        if as_json:
            emit_json([r.as_dict() for r in rows])
            return
        for r in rows:
            demo = f", {r.demo_rows:,} demo" if r.demo_rows else ""
            text = r.source if r.source is None or len(r.source) <= 60 else r.source[:59] + "…"
            src = f" — {text} ({r.licence})" if r.source else ""
            typer.echo(f"{r.layer:<18} {counted(r.rows, 'row'):>12}{demo}{src}")

    @app.command("import")
    @friendly
    def import_(
        layer: Annotated[str, typer.Argument(help=LAYER_HELP)],
        file: Annotated[
            Path,
            typer.Argument(
                # a file it may not read is refused with what to do (permission_denied), not
                # as a mistyped command line
                readable=False,
                help="CSV, Excel (.xlsx, .xlsm) or OpenDocument (.ods) workbook (the sheet "
                "named as the layer, else the first with coordinates), GeoJSON, GeoPackage, "
                "KML or KMZ, Shapefile (plain or zipped), GTFS (a feed zip or stops.txt) or "
                "OpenStreetMap .osm file.",
            ),
        ],
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Check every row and report; write nothing."
        ),
        skip_invalid: bool = typer.Option(
            False, "--skip-invalid", help="Write the valid rows and skip the rejected ones."
        ),
        fmt: str = typer.Option(
            None,
            "--format",
            metavar="FORMAT",
            help=(
                "csv, xlsx, ods, geojson, gpkg, kml, shp, gtfs or osm "
                "(default: from the file's name)."
            ),
        ),
        crs: str = typer.Option(
            None,
            "--crs",
            metavar="EPSG:N",
            help="CRS of the coordinates, e.g. EPSG:26191; overrides the one the file states.",
        ),
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set",
                metavar="FIELD=VALUE",
                help="A value for the rows that leave FIELD empty, e.g. --set mode=train "
                "(repeatable).",
            ),
        ] = None,
        source: str = typer.Option(
            None,
            "--source",
            metavar="TEXT",
            help="Provenance stored on every row (default: the file's name, or the file's own "
            "source column row by row).",
        ),
        licence: str = typer.Option(
            None,
            "--licence",
            metavar="TEXT",
            help="Licence of the source, e.g. ODbL 1.0 or CC BY 4.0 (walouja layers lists them).",
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Print the report as JSON (every rejected row, with codes)."
        ),
    ) -> None:
        """Check a file and import it into a layer, all or nothing.

        Every row is checked before anything is written. When rows are rejected nothing is
        written and the exit code is 1, unless --skip-invalid writes the valid ones (exit
        code 1 still when every row is rejected: nothing was imported).
        """
        from geo.importer import ImportOptions, import_file

        report = import_file(
            settings(),
            layer,
            file,
            fmt=fmt,
            options=ImportOptions(
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                crs=crs,
                defaults=_pairs(set_, "--set"),
                source=source,
                licence=licence,
                raise_on_reject=False,
                source_given=bool(source),  # it wins over a source column of the file
            ),
        )
        _print_report(report, as_json=as_json)
        if report.refused:
            raise typer.Exit(1)

    @app.command("osm")
    @friendly
    def osm(
        layer: str = typer.Argument(..., help="centres, transport_stops or beaches."),
        place: str = typer.Argument(..., help='A place name, e.g. "Fès, Maroc".'),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Check every feature and report; write nothing."
        ),
        skip_invalid: bool = typer.Option(
            False, "--skip-invalid", help="Write the valid rows and skip the rejected ones."
        ),
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set",
                metavar="FIELD=VALUE",
                help="A value for the features that leave FIELD empty (repeatable).",
            ),
        ] = None,
        overpass_url: str = typer.Option(
            None, "--overpass-url", metavar="URL", help="Overpass API base URL."
        ),
        nominatim_url: str = typer.Option(
            None, "--nominatim-url", metavar="URL", help="Nominatim base URL."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Import OpenStreetMap features inside a place, from Overpass (needs the network)."""
        from geo.importer import ImportOptions, import_osm_place
        from walouja.errors import DataError, NotFoundError

        if layer not in OSM_LAYERS and layer != "accessible_cities":  # that one says why
            # the layers' list offered accessible_cities, which is then refused
            raise NotFoundError(
                f"unknown layer {layer!r}",
                hint=f"OpenStreetMap features go into {', '.join(OSM_LAYERS[:-1])} or "
                f"{OSM_LAYERS[-1]}",
            )
        _check_url(overpass_url, "--overpass-url", "https://overpass-api.de/api")
        _check_url(nominatim_url, "--nominatim-url", "https://nominatim.openstreetmap.org")
        if not place.strip():
            # an empty name would ask the network about nothing
            raise DataError(
                "no place given: which place's features should be imported?",
                hint='name it, for example walouja osm beaches "Agadir, Maroc"',
            )
        try:
            report = import_osm_place(
                settings(),
                layer,
                place,
                options=ImportOptions(
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    defaults=_pairs(set_, "--set"),
                    raise_on_reject=False,
                ),
                overpass_url=overpass_url,
                nominatim_url=nominatim_url,
            )
        except DataError as exc:
            if exc.code != "osm_unreachable":
                raise
            raise _unreachable(str(exc.params.get("detail", ""))) from None
        _print_report(report, as_json=as_json)
        if report.refused:
            raise typer.Exit(1)

    @app.command("export")
    @friendly
    def export(
        layer: Annotated[str, typer.Argument(help=LAYER_HELP)],
        file: Annotated[
            Path,
            typer.Argument(
                help="The file to write: .gpkg, .geojson, .csv, .xlsx or .kml. Its folder must "
                "exist; a file already there is replaced."
            ),
        ],
        fmt: str = typer.Option(
            None,
            "--format",
            metavar="FORMAT",
            help="gpkg, geojson, csv, xlsx or kml (default: from the file's extension).",
        ),
        where: Annotated[
            list[str] | None,
            typer.Option(
                "--where",
                metavar="FIELD=V1,V2",
                help="Keep the rows whose FIELD is one of the values (services: holds one of "
                "them); repeatable.",
            ),
        ] = None,
        commune: Annotated[
            list[str] | None,
            typer.Option(
                "--commune", metavar="CODE", help="Keep the rows in this commune (repeatable)."
            ),
        ] = None,
        province: str = typer.Option(
            None, "--province", metavar="CODE", help="Keep the rows in this province."
        ),
        region: str = typer.Option(
            None, "--region", metavar="CODE", help="Keep the rows in this region."
        ),
        demo: bool = typer.Option(
            None, "--demo/--no-demo", help="Only demonstration rows / only real rows."
        ),
        bbox: str = typer.Option(
            None,
            "--bbox",
            metavar="W,S,E,N",
            help="Keep the rows in this box: west,south,east,north in degrees, e.g. "
            "-7.0,33.9,-6.7,34.1.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Export a layer (or a filtered subset) to GeoPackage, GeoJSON, CSV, Excel (.xlsx) or KML.

        Each row carries its source and that source's licence; the file keeps Arabic text
        and imports back unchanged; a CSV has lon/lat columns.
        """
        from geo.export import check_writable, export_layer
        from geo.layers import LayerFilter
        from walouja.errors import DataError

        check_writable(file)  # a folder is said to be one, not a file of no known format
        box: tuple[float, float, float, float] | None = None
        if bbox:
            try:
                a, b, c, d = (float(v) for v in bbox.split(","))
            except ValueError:
                raise DataError(
                    f"--bbox expects four numbers west,south,east,north, got {bbox!r}",
                    hint="for example -7.0,33.9,-6.7,34.1 around Rabat (lon0,lat0,lon1,lat1)",
                ) from None
            box = (a, b, c, d)
        flt = LayerFilter(
            equals={
                k: [x.strip() for x in v.split(",")]
                for k, v in _pairs(where, "--where", merge=True).items()
            },
            commune_codes=tuple(commune or ()),
            province_code=province,
            region_code=region,
            is_demo=demo,
            bbox=box,
        )
        result = export_layer(settings(), layer, output_file(file), fmt=fmt, where=flt)
        if as_json:
            emit_json(result.as_dict())
        else:
            typer.echo(result.summary())
