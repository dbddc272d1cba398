"""The one report writer of every command: formats paired with output files, standard output for one."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

import click

from soc2gate import api
from soc2gate.commands.report_targets import output_targets as pair
from soc2gate.errors import UsageError
from soc2gate.model import Result

FORMAT_CHOICE = click.Choice(api.FORMATS)


def output_targets(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``--format``/``--output`` pairs (``--output FORMAT=FILE``, or a bare FILE by position where that is
    unambiguous); a format without a file goes to standard output (one at most)."""
    return pair(formats, outputs, api.FORMATS)


def write_reports(result: Result, targets: Iterable[tuple[str, str | None]],
                  text_options: dict[str, Any] | None = None) -> None:
    """Render ``result`` in each format, to its file or (``None``) to standard output; ``text_options``
    (color, layout, snippets) shape the text report, colour only on standard output."""
    settings = dict(text_options or {"color": sys.stdout.isatty()})
    color = bool(settings.pop("color", False))
    for fmt, output in targets:
        text = api.render(result, fmt, color=color and output is None, **settings)
        if output is None:
            click.echo(text, nl=False, color=color or None)
        else:
            write_file(output, text, f"the {fmt} report")


def write_file(output: str, text: str, what: str = "report") -> None:
    """Atomically replace ``output`` with ``text`` (UTF-8) through a temporary file in its directory and a
    rename: a pre-existing symbolic link at the path is replaced (its target is never written), a reader
    never sees a half-written file, and a failure leaves the old file intact.  An OSError is a UsageError
    naming the path."""
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write {what}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UsageError(f"{output}: cannot write {what}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
