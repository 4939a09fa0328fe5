"""Shared CLI plumbing: settings, one-line errors, JSON output."""

from __future__ import annotations

import inspect
import json
import math
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from typer import rich_utils
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from walouja.errors import (
    AnalysisError,
    ClusterError,
    ConfigError,
    DatabaseError,
    DataError,
    InfeasibleError,
    NotFoundError,
    PostGISMissingError,
    ValidationError,
    WaloujaError,
)
from walouja.limits import MAX_PLACES
from walouja.limits import check_detour as check_detour  # the commands take them from here
from walouja.limits import check_positive as check_positive
from walouja.settings import Settings, get_settings

P = ParamSpec("P")
R = TypeVar("R")

MAX_PROBLEMS = 3
"""How many rejected rows a one-line error names (``--json`` reports list them all)."""


def settings() -> Settings:
    """The settings for this command (read once per call)."""
    return get_settings()


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` as English writes them: thousands marked, the singular for one.

    Examples
    --------
    >>> counted(1, "row"), counted(3580, "row"), counted(0, "centre")
    ('1 row', '3,580 rows', '0 centres')
    >>> counted(2, "province", "provinces and prefectures")
    '2 provinces and prefectures'
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


_DEMO_WORDS = {
    "centres": "centres",
    "transport_stops": "transport stops",
    "beaches": "beaches",
    "accessible_cities": "Accessible Cities",
    "candidate_sites": "candidate sites",
}


def demo_note(counts: dict[str, int]) -> str | None:
    """The last line of a command's text output when rows it used are demonstration data
    (``counts`` from :func:`geo.maps.demo_rows`); ``None`` when none is.

    Examples
    --------
    >>> demo_note({"centres": 488})
    'note: 488 of the centres used are demonstration data, not real places'
    >>> demo_note({"centres": 1, "beaches": 2})
    'note: 1 of the centres and 2 of the beaches used are demonstration data, not real places'
    >>> demo_note({}) is None
    True
    """
    parts = [f"{n:,} of the {_DEMO_WORDS.get(t, t)}" for t, n in counts.items() if n]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "is" if sum(counts.values()) == 1 else "are"
    return f"note: {listed} used {verb} demonstration data, not real places"


def echo_demo_note(counts: dict[str, int]) -> None:
    """Print :func:`demo_note` when rows used are demonstration data."""
    note = demo_note(counts)
    if note:
        typer.echo(note)


def missing_capacity_option(value: str, *, error_allowed: bool = True) -> str | float:
    r"""``--missing-capacity`` as the analyses take it: ``median``, ``error`` (unless
    ``error_allowed`` is False: gaps count places and cannot stop at a centre without them)
    or a number of places from 0 to ``MAX_PLACES``; else an ``AnalysisError`` naming the
    option.

    Examples
    --------
    >>> missing_capacity_option("median"), missing_capacity_option("90")
    ('median', 90.0)
    >>> try:
    ...     missing_capacity_option("-5")
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --missing-capacity -5 is not a number of places (0 or more)
    give median, error or a number of places such as 90 (median: the known capacities' median)
    >>> try:
    ...     missing_capacity_option("1e12")
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --missing-capacity 1e12 is more places than a centre has
    give median, error or a number of places from 0 to 100,000, such as 90
    """
    choices = "median, error or a number" if error_allowed else "median or a number"
    hint = (
        f"give {choices.replace(' or a number', ' or a number of places such as 90')} "
        "(median: the known capacities' median)"
    )
    text = value.strip().lower()
    if text == "error" and not error_allowed:
        raise AnalysisError(
            "--missing-capacity error does not apply to gaps",
            hint="give median, or a number of places such as 0",
        )
    if text in ("median", "error"):
        return text
    try:
        places = float(text)
    except ValueError:
        raise AnalysisError(f"--missing-capacity {value!r} is not {choices}", hint=hint) from None
    if not (math.isfinite(places) and places >= 0):
        # the analyses' own refusal: "missing-capacity value -5.0 is not a non-negative number"
        raise AnalysisError(
            f"--missing-capacity {text} is not a number of places (0 or more)", hint=hint
        )
    if places > MAX_PLACES:  # 1e12 was taken: "136,000,000,030,262 places" in reach
        raise AnalysisError(
            f"--missing-capacity {text} is more places than a centre has",
            hint=f"give {choices.replace(' or a number', ' or a number of places')} "
            f"from 0 to {MAX_PLACES:,}, such as 90",
        )
    return places


def output_file(path: Path) -> Path:
    """The file an export writes for ``path``: the target of a symbolic link (the link
    stays), and never a device, pipe or socket (a ``DataError``).

    An export is written under a temporary name and renamed over ``path``: renamed over
    ``/dev/stdout`` it replaced that link with a file for every program of the machine,
    and over a link to a file it replaced the link, not the file.
    """
    if path.exists() and not (path.is_file() or path.is_dir()):  # stat follows links
        raise DataError(
            f"cannot write {path}: it is not a file (a device, a pipe or a socket)",
            hint="give the name of a file to write, for example centres.gpkg; "
            "an export is not written to the screen",
        )
    return path.resolve() if path.is_symlink() else path


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise."""
    typer.echo(f"walouja: {message}", err=True)
    return typer.Exit(code)


def one_line(error: WaloujaError) -> str:
    """``error`` as one line: message, the first rejected rows of a ``ValidationError``, hint.

    Examples
    --------
    >>> one_line(ValidationError("a.csv: 2 row(s) have no valid point",
    ...     problems=[(2, "lon", "missing"), (3, "lat", "missing")], hint="fix them"))
    'a.csv: 2 row(s) have no valid point (row 2, lon: missing; row 3, lat: missing) — fix them'
    """
    text = error.message
    if isinstance(error, ValidationError) and error.problems:
        shown = [
            f"{'file' if row is None else f'row {row}'}, {field}: {reason}"
            for row, field, reason in error.problems[:MAX_PROBLEMS]
        ]
        more = len(error.problems) - len(shown)
        text += f" ({'; '.join(shown)}{f'; and {more} more' if more else ''})"
    text = " ".join(text.split())  # a reason quoting a file may hold a line break
    return f"{text} — {error.hint}" if error.hint else text


_UNDEFINED_TABLE = re.compile(r'relation "(?:[^".]+\.)?([^"]+)" does not exist')


def undefined_table(exc: BaseException) -> DatabaseError | None:
    """The ``DatabaseError`` for a query on a table the database does not have, else None.

    A reachable database where ``walouja db up`` never ran has no tables: every command
    says so the way the analyses do, instead of printing the driver's traceback.
    """
    from sqlalchemy.exc import ProgrammingError

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ProgrammingError):
        cause = cause.__cause__ or cause.__context__  # pandas wraps the driver's error
    if cause is None:
        return None
    found = _UNDEFINED_TABLE.search(str(cause.orig))
    if found is None:
        return None
    return DatabaseError(
        f"table {found.group(1)} does not exist (the database is not set up)",
        hint="run `walouja db up` and `walouja load`",
        code="database_not_set_up",
        params={"table": found.group(1)},
    )


def _ctrl_c_to_python() -> None:
    """Give Ctrl+C back to Python (a ``KeyboardInterrupt``) as a command begins: the command
    line's start handled it itself (see ``walouja.cli``), and a command may need to stop
    what it started (a solver's thread) before it ends."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, signal.SIG_DFL, None):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a user's mistake raised by a command into one line on stderr and exit code 1.

    That is a ``WaloujaError`` (with the first rows of a ``ValidationError``) or a query on
    a table that does not exist (a database without its migrations).
    """

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = kwargs.get("as_json") is True
        try:
            _ctrl_c_to_python()
            return func(*args, **kwargs)
        except WaloujaError as exc:
            raise refuse(exc, as_json=as_json) from None
        except KeyboardInterrupt:
            if as_json:
                from walouja.cli import INTERRUPTED

                emit_json(INTERRUPTED)
            raise fail("interrupted", 130) from None
        except Exception as exc:
            missing = undefined_table(exc)
            if missing is None:
                raise
            raise refuse(missing, as_json=as_json) from None

    return wrapper


def refuse(error: WaloujaError, *, as_json: bool) -> typer.Exit:
    """Print ``error`` (its line on stderr; as JSON on stdout too when a script asked for
    JSON) and return the exit to raise: exit code 1."""
    if as_json:
        emit_json({"error": error_payload(error)})
    return fail(one_line(error))


KIND_CODES: tuple[tuple[type[WaloujaError], str], ...] = (
    (PostGISMissingError, "postgis_missing"),
    (DatabaseError, "database_error"),
    (ClusterError, "cluster_error"),
    (ConfigError, "bad_setting"),
    (ValidationError, "rows_rejected"),
    (DataError, "bad_input"),
    (NotFoundError, "not_found"),
    (InfeasibleError, "infeasible"),
    (AnalysisError, "bad_request"),
)
"""The ``code`` of a refusal that has no code of its own, by kind (the most specific
first); ``error`` for any other."""


def error_code(error: WaloujaError) -> str:
    """``error``'s code, or the code of its kind when it has none (``KIND_CODES``).

    Examples
    --------
    >>> error_code(NotFoundError("unknown layer 'x'")), error_code(DataError("x", code="empty"))
    ('not_found', 'empty')
    """
    if error.code:
        return error.code
    return next((code for kind, code in KIND_CODES if isinstance(error, kind)), "error")


def error_payload(error: WaloujaError) -> dict[str, Any]:
    """A refusal as plain values: ``code`` (``error_code``: of its kind when the error has
    none of its own), ``params`` (the figures and names its message shows, under the names
    translated texts use), ``message``, ``hint`` and, for rejected rows, ``problems`` as
    ``{row, field, reason}``.

    Examples
    --------
    >>> error_payload(ValidationError("a.csv: 1 row has no valid point",
    ...     problems=[(2, "lon", "missing")], hint="fix it"))["problems"]
    [{'row': 2, 'field': 'lon', 'reason': 'missing'}]
    >>> out = error_payload(WaloujaError("new centres: 3 forced candidates exceed the 2 new "
    ...     "centres requested", code="forced_exceed_new", params={"forced": 3, "new": 2}))
    >>> list(out), out["code"], out["params"]
    (['code', 'params', 'message', 'hint'], 'forced_exceed_new', {'forced': 3, 'new': 2})
    """
    out: dict[str, Any] = {
        "code": error_code(error),
        "params": dict(error.params),
        "message": error.message,
        "hint": error.hint,
    }
    if isinstance(error, ValidationError) and error.problems:
        out["problems"] = [
            {"row": row, "field": field, "reason": reason} for row, field, reason in error.problems
        ]
    return out


PERSON_FIGURES = frozenset(
    {
        "pwd",
        "gain",
        "objective",
        "objective_before",
        "bound",
        "shortfall",
        "covered_before",
        "covered_after",
        "person_km_saved",
        "unmet_need_pkm",
    }
)
"""Keys of ``--json`` figures that count persons with disabilities (or person-km), with every
key that begins ``pwd_``: written as whole numbers, as the text and the app write them (a
site's gain read ``29778.643999999993``). ``scenarios compare``'s ``covered_after_a`` is one
too, and a ``difference`` beside it."""

SIGNIFICANT_DIGITS = 13
"""Digits of the other figures of ``--json``: more are the noise of binary arithmetic
(``0.1 + 0.2`` is ``0.30000000000000004``), fewer would cut a figure's precision."""


def _person_figure(key: object) -> bool:
    name = str(key).removesuffix("_a").removesuffix("_b")
    return name in PERSON_FIGURES or name.startswith("pwd_")


def json_figures(value: Any, *, whole: bool = False) -> Any:
    """``value`` with its figures as ``--json`` writes them: persons (:data:`PERSON_FIGURES`,
    and whatever a key of them holds: ``{"objective": {"a": …, "b": …}}``) as whole numbers,
    other floats without float noise (:data:`SIGNIFICANT_DIGITS`); the rest as it is.

    Examples
    --------
    >>> json_figures({"gain": 29778.643999999993, "share": 0.30000000000000004, "n": 3})
    {'gain': 29779, 'share': 0.3, 'n': 3}
    >>> json_figures({"objective": {"a": 1180792.6559999997, "b": 5142.0}, "gap": 0.0})
    {'objective': {'a': 1180793, 'b': 5142}, 'gap': 0.0}
    >>> json_figures([{"covered_after_a": 2679.044, "difference": 796.725, "lat": 34.5}])
    [{'covered_after_a': 2679, 'difference': 797, 'lat': 34.5}]
    >>> json_figures({"mean_km_after_a": 20.530628682061067, "difference": -0.25})
    {'mean_km_after_a': 20.53062868206, 'difference': -0.25}
    >>> json_figures({"pwd_beyond": None, "budget_mad": 123456789012345.0, "ok": True})
    {'pwd_beyond': None, 'budget_mad': 123456789012345.0, 'ok': True}
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        if whole:
            return round(value)
        # a whole figure has no noise (and a budget of 15 digits keeps them)
        return value if value.is_integer() else float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        # a difference is a figure of what it is the difference of (compare's provinces)
        paired = any(_person_figure(k) for k in value if str(k).endswith(("_a", "_b")))
        return {
            k: json_figures(v, whole=whole or _person_figure(k) or (k == "difference" and paired))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [json_figures(v, whole=whole) for v in value]
    return value


def emit_json(payload: Any) -> None:
    """Write ``payload`` as JSON on stdout (UTF-8, Arabic kept as is), its figures as
    :func:`json_figures` writes them."""
    text = json.dumps(json_figures(payload), ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(text + "\n")


def _plain(text: str | None) -> str | None:
    """Help text without the reStructuredText marks of docstrings (````--json```` -> --json)."""
    return None if text is None else text.replace("``", "")


def _flowing(text: str | None) -> str | None:
    r"""A docstring's paragraphs, each on one line, for the help to wrap to the terminal
    (it kept the docstring's line breaks: a line of the help stopped at "nothing is").

    Examples
    --------
    >>> _flowing("Check a file.\n\nWhen rows are rejected nothing is\nwritten.")
    'Check a file.\n\nWhen rows are rejected nothing is written.'
    """
    if text is None:
        return None
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _tidy_params(params: list[Any], ctx: Any) -> list[Any]:
    """``params`` shown as a command line shows them (changed in place, once).

    An argument is named in capitals (``LAYER``); a flag shows no type (it takes no value:
    Typer wrote ``<bool>``); a repeatable option shows the type of one value (``<str>``,
    not ``<list[str]>``); help texts lose their reStructuredText marks.
    """
    for param in params:
        if isinstance(param, TyperArgument) and param.metavar is None:
            param.metavar = (param.name or "value").upper()
        elif isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag:
                param.metavar = ""
            elif param.multiple:
                shown = param.display_type(ctx)
                param.metavar = shown.replace("<list[", "<").replace("]>", ">")
        if isinstance(param, (TyperArgument, TyperOption)):
            param.help = _plain(param.help)
    return params


_NOT_A_NUMBER = {
    "int_parsing": "is not a whole number",
    "float_parsing": "is not a number",
}
"""What a value that the command line could not read as a number is, by pydantic's type."""


def worded(exc: typer.BadParameter) -> str:
    """The message of a value refused by the command line, naming the value given: Typer's
    own, "Input should be a valid integer, unable to parse string as an integer", named
    neither the value nor what a number is here.

    Examples
    --------
    >>> from pydantic import TypeAdapter, ValidationError as Invalid
    >>> try:
    ...     TypeAdapter(int).validate_python("1.5")
    ... except Invalid as cause:
    ...     exc = typer.BadParameter("Input should be a valid integer")
    ...     exc.__cause__ = cause
    >>> worded(exc)
    "'1.5' is not a whole number"
    """
    from pydantic import ValidationError as Invalid

    cause = exc.__cause__
    if not isinstance(cause, Invalid) or not cause.errors():
        return exc.message
    first = cause.errors()[0]
    what = _NOT_A_NUMBER.get(str(first.get("type")))
    if what is None:
        return exc.message
    return f"{str(first.get('input'))!r} {what}"


class HelpCommand(TyperCommand):
    """A command whose ``--help`` reads as a command line's.

    The usage line names the arguments in capitals, ``walouja import [OPTIONS] LAYER FILE``
    (Typer wrote ``{layer} {file}``), with ``[NAME]`` for an optional one; see
    ``_tidy_params`` for the tables.
    """

    def __init__(self, name: str | None, **attrs: Any) -> None:
        super().__init__(name, **attrs)
        self.help = _flowing(_plain(self.help))
        self.short_help = _plain(self.short_help)

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, tidied for the help (``_tidy_params``)."""
        return _tidy_params(super().get_params(ctx), ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse ``args``; a value that is not a number is refused naming it (``worded``)."""
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as exc:
            exc.message = worded(exc)
            raise

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS]`` then each argument: ``NAME``, ``[NAME]`` when optional."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if not isinstance(param, TyperArgument):
                continue
            name = param.metavar or (param.name or "value").upper()
            name = name if param.required else f"[{name}]"
            pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces


class HelpGroup(TyperGroup):
    """A command group whose ``--help`` reads as ``HelpCommand``'s do."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.help = _flowing(_plain(self.help))
        self.short_help = _plain(self.short_help)

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, tidied for the help (``_tidy_params``)."""
        return _tidy_params(super().get_params(ctx), ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Bare ``walouja`` (or ``walouja db``) shows the help on stdout and succeeds.

        Click counts a missing command as a usage error (exit code 2, the help on stderr);
        a user who types the bare name asked what it offers and got it. A real mistake (an
        unknown option or command) is still exit code 2.
        """
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            help_text = ctx.get_help()  # Rich prints it itself and returns ""
            if help_text:
                typer.echo(help_text, color=ctx.color)
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; with ``--json``, a mistyped command line (an unknown option,
        a value that is not a number) is a refusal in JSON on stdout too, beside the usual
        message on stderr and its exit code 2."""
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or "--json" not in argv:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            done = super().main(argv, prog_name, complete_var, False, **extra)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        except typer.TyperException as exc:  # Click's errors (Typer carries its own Click)
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "walouja"
            emit_json(
                {
                    "error": {
                        "code": "usage",
                        "params": {},
                        "message": exc.format_message(),
                        "hint": f"see `{command} --help`",
                    }
                }
            )
            rich_utils.rich_format_error(exc)  # type: ignore[arg-type]  # as without --json
            sys.exit(exc.exit_code)
        sys.exit(done if isinstance(done, int) else 0)  # a command's exit code, or success


def readable_help(app: typer.Typer) -> None:
    """Give every command and group of ``app`` (and of its sub-applications) the help of
    ``HelpCommand`` and ``HelpGroup``, unless it chose its own class.

    Called once every module has registered its commands, so that the commands of every
    feature read alike.
    """
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = HelpCommand
    for group in app.registered_groups:
        if group.typer_instance is None:
            continue
        readable_help(group.typer_instance)
        if not isinstance(group.cls, type) or group.cls is TyperGroup:
            group.cls = HelpGroup
