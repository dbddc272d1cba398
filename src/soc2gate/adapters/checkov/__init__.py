"""checkov as a source of findings: started beside the native scan, merged into its Result.

``start`` runs checkov when asked (``--with-checkov`` or ``checkov.enabled``); once it has
finished, ``merge_run`` returns a ``Contribution``: the native findings annotated with their
checkov twins, and checkov's own findings and problems, unscoped.  ``api`` scopes those like
every other finding and the Result's verdict judges them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Collection, Mapping

from soc2gate.errors import UsageError
from soc2gate.model import Result

if TYPE_CHECKING:
    from soc2gate.adapters.checkov.merge import Contribution
    from soc2gate.adapters.checkov.runner import CheckovRun, PendingCheckov

__all__ = ["merge_run", "start"]


def start(asked: bool | None, binary: str | None, section: Mapping[str, Any], paths: Collection[str],
          reads_stdin: bool) -> PendingCheckov | None:
    """Start checkov when ``asked`` (``None``: the ``checkov.enabled`` setting) says so, else None."""
    wanted = asked if asked is not None else section.get("enabled", False)
    if not wanted:
        return None
    if reads_stdin:
        raise UsageError("--with-checkov scans files: it cannot read standard input; give PATHs")
    from soc2gate.adapters.checkov.runner import CheckovSettings, start_run  # subprocess & co: only when asked

    return start_run(CheckovSettings.resolve(binary, section), list(paths))


def merge_run(native: Result, run: CheckovRun, in_scope: Collection[str], wanted: Collection[str]) -> Contribution:
    """What a finished checkov ``run`` adds to the ``native`` Result."""
    from soc2gate.adapters.checkov.mapping import load_mapping  # only once checkov has run
    from soc2gate.adapters.checkov.merge import contribution

    mapping = {cid: entry for cid, entry in load_mapping().items()
               if set(entry.controls) & set(in_scope) and (not wanted or set(wanted) & set(entry.controls))}
    return contribution(native, run, mapping)
