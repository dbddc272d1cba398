"""Verify a ledger: every record intact, in order, chained, signed; nothing inserted or deleted.

Each problem names the line, the record (``#seq``, run id) and the kind of tampering:
``torn`` (incomplete last line), ``corrupt`` (not a record), ``modified`` (content does not
match its hash, or the line was rewritten), ``signature`` / ``unsigned``, ``reordered``,
``inserted`` (a sequence number appears twice, or records were appended behind the head),
``deleted`` (a gap, or records missing from the end per ``ledger.head.json``), ``chain``
(a record does not link to its predecessor: replaced or forged) and ``head``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence.chain import GENESIS, hash_and_line, verified_line
from soc2gate.evidence.decoding import LineDecoder
from soc2gate.evidence.ledger import HEAD_NAME, LEDGER_NAME, LedgerPaths, read_head
from soc2gate.evidence.signing import Checker


@dataclass(frozen=True)
class Problem:
    kind: str
    line: int
    seq: int | None
    run_id: str
    message: str


@dataclass(frozen=True)
class Entry:
    line: int
    seq: int
    run_id: str
    hash: str
    prev_hash: str

    def label(self) -> str:
        return f"record #{self.seq} (run {self.run_id or '?'}) at line {self.line}"


@dataclass
class Verification:
    ledger: str
    records: int = 0
    last_seq: int = 0
    signed: int = 0
    key_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, line: int, entry: Entry | None, message: str) -> None:
        self.problems.append(Problem(kind, line, entry.seq if entry else None, entry.run_id if entry else "", message))

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self).items() if k != "problems"}, "ok": self.ok,
                "problems": [asdict(p) for p in self.problems]}


Keep = Callable[[dict[str, Any]], None]


def verify(directory: str, checker: Checker | None = None, keep: Keep | None = None) -> Verification:
    """Verify the folder ledger in ``directory``."""
    paths = LedgerPaths(Path(directory))
    if not paths.ledger.is_file():
        raise UsageError(f"{directory}: no evidence ledger here ({LEDGER_NAME} not found)")
    try:
        head, head_problem = read_head(paths.head), ""
    except InputError as exc:
        head, head_problem = None, str(exc)
    with paths.ledger.open("rb") as handle:
        return verify_lines(str(paths.ledger), enumerate(handle, start=1), Head(head, head_problem), checker, keep)


@dataclass(frozen=True)
class Head:
    """The separately kept chain head (seq, hash) that detects deletions from the end."""

    record: dict[str, Any] | None
    problem: str = ""
    name: str = HEAD_NAME
    atomic: bool = False  # written in the record's own transaction: it can never lag behind


def verify_lines(name: str, lines: Iterable[tuple[int, bytes]], head: Head, checker: Checker | None = None,
                 keep: Keep | None = None, columns: Mapping[int, tuple[int, str]] | None = None) -> Verification:
    """Verify one chain given as (position, canonical line with newline) in storage order, and its head.

    ``keep`` receives every record that parsed (the period report reads them in the same pass);
    ``columns`` (a database store's rows: position -> the seq and hash columns that index the line) must
    agree with the records they index.
    """
    report = Verification(name, key_id=checker.key_id if checker else "")
    with _without_cycle_collection():
        entries = read_entries(lines, checker, report, keep)
    for entry in entries if columns is not None else ():
        seq, hashed = columns.get(entry.line, (entry.seq, entry.hash))  # type: ignore[union-attr]
        if (seq, hashed) != (entry.seq, entry.hash):
            report.add("modified", entry.line, None, f"row {entry.line}: the columns seq={seq} hash={hashed[:19]}… "
                       "do not match the record they index: the row was edited")
    unique = _check_order(entries, report)
    _check_chain(unique, report)
    _check_head(head, unique, report)
    report.records, report.last_seq = len(entries), max(unique, default=0)
    _signature_warnings(report, checker)
    return report


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading a chain allocates millions of containers and frees none of them in cycles: the cyclic
    collector's repeated passes over the growing heap would only cost time (about 10 % here)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_entries(lines: Iterable[tuple[int, bytes]], checker: Checker | None, report: Verification,
                 keep: Keep | None = None) -> list[Entry]:
    entries: list[Entry] = []
    decoder = LineDecoder()
    for number, raw in lines:
        if not raw.endswith(b"\n"):
            report.add("torn", number, None, f"line {number}: the last line is incomplete ({len(raw)} bytes, "
                       "no newline): a run crashed while writing it, or the file was truncated")
            break
        entry = _entry(number, raw[:-1], checker, report, keep, decoder)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(number: int, text: bytes, checker: Checker | None, report: Verification,
           keep: Keep | None, decoder: LineDecoder) -> Entry | None:
    try:
        record = decoder.record(text)
        entry = Entry(number, record["seq"], str(record.get("run_id", "")), record["hash"], record["prev_hash"])
        if not (isinstance(entry.seq, int) and isinstance(entry.hash, str) and isinstance(entry.prev_hash, str)):
            raise TypeError
        intact = verified_line(text, record)
        hashed, line = (record["hash"], text) if intact else hash_and_line(record)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, UnicodeEncodeError):
        what = "an empty line" if not text.strip() else "not a ledger record (invalid JSON or missing seq/hash)"
        report.add("corrupt", number, None, f"line {number}: {what}: the ledger was edited or corrupted")
        return None
    if keep is not None and isinstance(record.get("time"), str):
        keep(record)
    if hashed != entry.hash:
        report.add("modified", number, entry,
                   f"{entry.label()}: its content does not match its hash: the record was modified")
    elif line != text:
        report.add("modified", number, entry, f"{entry.label()}: the line was rewritten (it is not in the form "
                   "soc2gate writes), although its fields match its hash")
    if "signature" in record:
        report.signed += 1
    if checker is not None:
        problem = checker.problem(record)
        if problem:
            report.add("unsigned" if "signature" not in record else "signature", number, entry,
                       f"{entry.label()}: {problem}")
    return entry


def _check_order(entries: list[Entry], report: Verification) -> dict[int, Entry]:
    unique: dict[int, Entry] = {}
    highest: Entry | None = None
    for entry in entries:
        if entry.seq in unique:
            report.add("inserted", entry.line, entry, f"{entry.label()}: record #{entry.seq} already appears at "
                       f"line {unique[entry.seq].line}: a record was inserted or copied")
            continue
        if highest is not None and entry.seq < highest.seq:
            report.add("reordered", entry.line, entry, f"{entry.label()} comes after record #{highest.seq} at "
                       f"line {highest.line}: records were reordered")
        unique[entry.seq] = entry
        highest = entry if highest is None or entry.seq > highest.seq else highest
    expected = 1
    for seq in sorted(unique):
        if seq > expected:
            missing = f"#{expected}" if seq - 1 == expected else f"#{expected}–#{seq - 1}"
            report.add("deleted", unique[seq].line, unique[seq], f"record(s) {missing} missing before "
                       f"{unique[seq].label()}: records were deleted")
        expected = max(expected, seq + 1)
    return unique


def _check_chain(unique: dict[int, Entry], report: Verification) -> None:
    for seq in sorted(unique):
        entry = unique[seq]
        if seq == 1 and entry.prev_hash != GENESIS:
            report.add("chain", entry.line, entry, f"{entry.label()}: the first record does not start the chain")
        previous = unique.get(seq - 1)
        if previous is not None and entry.prev_hash != previous.hash:
            report.add("chain", entry.line, entry, f"{entry.label()} does not link to record #{seq - 1} "
                       f"(line {previous.line}): one of them was replaced or forged")


def _check_head(kept: Head, unique: dict[int, Entry], report: Verification) -> None:
    if kept.problem:
        report.add("head", 0, None, kept.problem)
        return
    head, head_name = kept.record, kept.name
    last = max(unique, default=0)
    if head is None:
        if last >= 2:
            report.add("head", 0, None, f"{head_name} is missing: records deleted from the end cannot be detected")
        elif last == 1:
            report.warnings.append(f"{head_name} is missing (a first run stopped before writing it?)")
        return
    seq, recorded = head["seq"], head["hash"]
    if seq > last:
        missing = f"#{seq}" if seq == last + 1 else f"#{last + 1}–#{seq}"
        report.add("deleted", 0, None, f"the ledger ends at record #{last} but {head_name} records #{seq}: "
                   f"record(s) {missing} were deleted from the end")
    elif seq in unique and unique[seq].hash != recorded:
        report.add("head", unique[seq].line, unique[seq], f"{unique[seq].label()} does not match the hash "
                   f"{head_name} recorded for it: it was replaced")
    elif seq == last - 1 and not kept.atomic:
        report.warnings.append(f"{head_name} is one record behind (a run stopped between writing its record "
                               "and the head); the next run updates it")
    elif seq < last:
        first = seq + 1 if kept.atomic else seq + 2
        report.add("inserted", unique[last].line, unique[last], f"records #{first}–#{last} were appended "
                   f"without updating {head_name}: they were not written by soc2gate")


def _signature_warnings(report: Verification, checker: Checker | None) -> None:
    if checker is not None or not report.records:
        return
    if report.signed:
        report.warnings.append(f"{report.signed} signed record(s): signatures not checked (give --public-key)")
    else:
        report.warnings.append("records are not signed: the hash chain detects edits, but whoever can write "
                               "the files can rebuild the whole chain (sign with evidence.key)")


def render_text(report: Verification) -> str:
    lines = [f"ledger: {report.ledger}"]
    lines += [f"  {p.kind.upper():<10} {p.message}" for p in report.problems]
    lines += [f"  warning: {w}" for w in report.warnings]
    if report.ok and not report.records:
        lines.append("OK: the ledger is empty")
    elif report.ok:
        signed = f", {report.signed} signature(s) valid (key {report.key_id})" if report.key_id else ""
        lines.append(f"OK: {report.records} record(s), #1–#{report.last_seq}, hash chain intact{signed}")
    else:
        lines.append(f"FAILED: {len(report.problems)} problem(s) in {report.records} readable record(s)")
    return "\n".join(lines) + "\n"
