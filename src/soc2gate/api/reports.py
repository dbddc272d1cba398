"""Reports: a Result in an output format, and the text report's settings (colour, layout, snippets)."""

from __future__ import annotations

from typing import Any, Mapping

from soc2gate.model import Finding, Result
from soc2gate.reporters import get_renderer
from soc2gate.reporters.policyreport import documents, part_documents, partition, placements, result_entry
from soc2gate.reporters.snippets import read_snippets
from soc2gate.reporters.text_style import use_color as _use_color


def render(result: Result, fmt: str, color: bool = False, layout: str = "full", snippets: bool = False) -> str:
    """``result`` in output format ``fmt`` (one of ``FORMATS``); ``color``, ``layout`` (full, compact,
    quiet) and ``snippets`` (the code around each finding's line) apply to the text format only."""
    renderer = get_renderer(fmt)
    if fmt != "text":
        return renderer(result)
    return renderer(result, color=color, layout=layout,  # type: ignore[call-arg]
                    snippets=read_snippets(result) if snippets else None)


def use_color(mode: str, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether the text report is coloured: ``--color auto|always|never``, NO_COLOR, FORCE_COLOR, the terminal."""
    return _use_color(mode, is_tty, environ)


def policy_reports(result: Result, memo: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
    """The Kubernetes PolicyReport and ClusterPolicyReport objects of ``result`` (the monitor writes them).

    ``memo``: a dict the caller keeps from one call to the next (the monitor, whose unchanged objects keep
    their Finding objects): it keeps each report's number of parts (with hysteresis), and a part whose
    findings are the very objects of the previous call, under the same verdict, is not built again (the
    same document objects are returned); a part built again reuses the result entries of its findings
    that it held before (one changed object rebuilds its own entries only)."""
    if memo is None:
        return documents(result)
    found: list[dict[str, Any]] = []
    groups = placements(result)
    for placement, findings in sorted(groups.items()):
        kept, previous = memo.get(placement, (None, {}))
        count, parts = partition(findings, kept)
        if count != kept:  # every resource may have moved: build every part
            previous = {}
        built = {}
        for part, members in sorted(parts.items()):
            known = previous.get(part)
            if not (known and known[1] == result.verdict and len(known[0]) == len(members)
                    and all(a is b for a, b in zip(known[0], members, strict=True))):  # the old ones are held
                known = _part(placement, (part, count), members, result, known)
            built[part] = known
            found.extend(known[2])
        memo[placement] = (count, built)
    for placement in set(memo) - set(groups):
        del memo[placement]
    return found


def _part(placement: tuple[str, str], part: tuple[int, int], members: list[Finding], result: Result,
          known: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """(members, verdict, documents, entries by finding id) of one part built again."""
    old = known[3] if known and known[1] == result.verdict else {}
    entries: dict[int, tuple[Finding, dict[str, Any]]] = {}

    def entry(finding: Finding) -> dict[str, Any]:
        held = old.get(id(finding))
        if held is None or held[0] is not finding:
            held = (finding, result_entry(finding, result))
        entries[id(finding)] = held
        return held[1]

    return members, result.verdict, part_documents(*placement, part, members, result, entry), entries
