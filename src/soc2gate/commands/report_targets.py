"""Which report goes where: ``--output FORMAT=FILE`` pairs explicitly; the older positional form
(``--format json --output r.json``) is kept only where it cannot be misread.

Click does not keep the order in which ``--format`` and ``--output`` were interleaved, so
``--format text --format json --output r.json`` would write text into ``r.json``.  A positional
pairing is therefore refused when a file's extension names a different format than the one it
would be paired with, and when there are fewer files than formats unless every file's extension
names the format at its position.  Explicit and positional forms cannot be mixed.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Sequence

from soc2gate.errors import UsageError

EXTENSIONS: dict[str, str] = {".json": "json", ".xml": "junit", ".sarif": "sarif", ".md": "markdown",
                              ".markdown": "markdown", ".txt": "text", ".log": "text"}
Target = tuple[str, "str | None"]


def output_targets(formats: Sequence[str], outputs: Sequence[str], known: Sequence[str]) -> list[Target]:
    """(format, file or None for standard output) pairs; a UsageError for anything ambiguous."""
    explicit = [o for o in outputs if _explicit(o, known)]
    if explicit and len(explicit) != len(outputs):
        raise UsageError("do not mix `--output FORMAT=FILE` with bare `--output FILE`: write every output "
                         "as FORMAT=FILE")
    targets = _explicit_targets(formats, outputs, known) if explicit else _positional(formats, outputs)
    if sum(1 for _, out in targets if out is None) > 1:
        raise UsageError("only one format can go to standard output: give `--output FORMAT=FILE` for the others")
    return targets


def _explicit(value: str, known: Sequence[str]) -> bool:
    head, sep, _ = value.partition("=")
    return bool(sep) and head in known


def _explicit_targets(formats: Sequence[str], outputs: Sequence[str], known: Sequence[str]) -> list[Target]:
    targets: list[Target] = []
    for value in outputs:
        fmt, _, path = value.partition("=")
        if not path:
            raise UsageError(f"--output {value}: no file after `=` (write --output {fmt}=FILE)")
        targets.append((fmt, path))
    named = {fmt for fmt, _ in targets}
    to_stdout = list(formats) or ["text"]  # without --format, the text report still goes to the terminal
    targets.extend((fmt, None) for fmt in dict.fromkeys(to_stdout) if fmt not in named)
    return targets


def _positional(formats: Sequence[str], outputs: Sequence[str]) -> list[Target]:
    formats = list(formats) or ["text"]
    if len(outputs) > len(formats):
        raise UsageError("more --output than --format options: write each as `--output FORMAT=FILE`")
    for position, path in enumerate(outputs):
        implied = EXTENSIONS.get(PurePath(path).suffix.lower())
        if implied is not None and implied != formats[position]:
            raise UsageError(f"ambiguous outputs: --output {path} would receive {formats[position]} by position "
                             f"but its name says {implied}; write `--output {formats[position]}={path}` or "
                             f"`--output {implied}={path}`")
        if implied is None and len(outputs) < len(formats) and len(formats) > 1:
            raise UsageError(f"ambiguous outputs: cannot tell which of {', '.join(formats)} goes to {path}; "
                             f"write `--output FORMAT={path}`")
    return [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
