"""The one report writer of every command: formats paired with output files, standard output for one."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable

import click

from soc2gate import api
from soc2gate.errors import UsageError
from soc2gate.model import Result

FORMAT_CHOICE = click.Choice(api.FORMATS)


def output_targets(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """``--format``/``--output`` pairs; a format without a file goes to standard output (one at most)."""
    if len(outputs) > max(len(formats), 1):
        raise UsageError("more --output than --format options: pair each --output with a --format")
    formats = formats or ("text",)
    targets = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    if sum(1 for _, out in targets if out is None) > 1:
        raise UsageError("only one format can go to standard output: give --output for the others")
    return targets


def write_reports(result: Result, targets: Iterable[tuple[str, str | None]]) -> None:
    """Render ``result`` in each format, to its file or (``None``) to standard output."""
    for fmt, output in targets:
        if output is None:
            click.echo(api.render(result, fmt, color=fmt == "text" and sys.stdout.isatty()), nl=False)
        else:
            write_file(output, api.render(result, fmt), f"the {fmt} report")


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
