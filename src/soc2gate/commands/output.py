"""Write a report or generated file without following what is already at the path.

The text goes to a new temporary file in the target's directory, which is then renamed over the
target: a pre-existing symbolic link at the path is replaced (its target is never written), a
reader never sees a half-written report, and a failure leaves the old file intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from soc2gate.errors import UsageError


def write_file(output: str, text: str, what: str = "report") -> None:
    """Atomically replace ``output`` with ``text`` (UTF-8); an OSError is a UsageError naming the path."""
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
