"""Shared CLI plumbing: settings, one-line errors, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer

from walouja.errors import WaloujaError
from walouja.settings import Settings, get_settings

P = ParamSpec("P")
R = TypeVar("R")


def settings() -> Settings:
    """The settings for this command (read once per call)."""
    return get_settings()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise."""
    typer.echo(f"walouja: {message}", err=True)
    return typer.Exit(code)


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ``WaloujaError`` raised by a command into one line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except WaloujaError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def emit_json(payload: Any) -> None:
    """Write ``payload`` as JSON on stdout (UTF-8, Arabic kept as is)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
