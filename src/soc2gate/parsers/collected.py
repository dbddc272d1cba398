"""What reading the inputs produced: resources, SYS findings, digests of inputs, skipped paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from soc2gate.diagnostics import sys_finding
from soc2gate.discovery import Candidate
from soc2gate.model import Finding, InputFile, Resource, Skipped, Verdict
from soc2gate.parsers.textio import TextFile, UnreadableInput, read_text


@dataclass
class Collected:
    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def error(self, code: str, file: str, line: int, message: str) -> None:
        self.findings.append(sys_finding(code, file, line, message))


def read_all(candidates: list[Candidate], out: Collected) -> list[tuple[Candidate, TextFile]]:
    texts = []
    for candidate in candidates:
        try:
            text = read_text(candidate.path, candidate.display)
        except UnreadableInput as exc:
            out.error("SYS-002", candidate.display, 0, str(exc))
            continue
        texts.append((candidate, text))
    return texts


def record(out: Collected, text: TextFile, kind: str, count: int) -> None:
    out.inputs.append(InputFile(text.path, text.sha256, kind, count))


def require_inputs(collected: Collected, verdict: Verdict, allow_empty: bool) -> None:
    """A run that evaluated nothing is not a pass: SYS-005 unless ``allow_empty`` (or it already fails)."""
    if collected.resources or allow_empty or any(verdict.blocks(f) for f in collected.findings):
        return
    message = (f"nothing was evaluated: no Terraform resource, Kubernetes object or change record in the inputs "
               f"({len(collected.inputs)} read, {len(collected.skipped)} skipped: see the report); "
               "pass --allow-empty (or allow_empty: true) to let an empty run pass")
    collected.findings.append(sys_finding("SYS-005", "", 0, message, resource="<inputs>"))
