"""The ledger directory: ``ledger.jsonl`` (one record per line), ``ledger.head.json`` (the last
record's seq and hash, so deleting records from the end is detected) and ``ledger.lock``.

Appending takes an exclusive file lock (``filelock``), so parallel CI jobs never interleave
or lose records; each record is written with one ``O_APPEND`` write and fsync'd before the
head is atomically replaced.  A damaged tail (a torn line left by a crash, a record that
does not match its hash, a head that disagrees) is never built upon: appending stops with
a message pointing at ``soc2gate evidence verify``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence.chain import GENESIS, parse_line, record_hash, seal, to_line
from soc2gate.evidence.signing import Signer

LEDGER_NAME, HEAD_NAME, LOCK_NAME = "ledger.jsonl", "ledger.head.json", "ledger.lock"
TAIL_BLOCK = 64 * 1024


@dataclass(frozen=True)
class LedgerPaths:
    directory: Path

    @property
    def ledger(self) -> Path:
        return self.directory / LEDGER_NAME

    @property
    def head(self) -> Path:
        return self.directory / HEAD_NAME

    @property
    def lock(self) -> Path:
        return self.directory / LOCK_NAME


@dataclass(frozen=True)
class Tail:
    seq: int
    hash: str
    prev_hash: str


@dataclass(frozen=True)
class Receipt:
    """What was appended."""

    path: str
    seq: int
    run_id: str
    hash: str
    key_id: str = ""


def append(directory: str, body: Mapping[str, Any], signer: Signer | None = None,
           lock_timeout: float = 60.0) -> Receipt:
    """Append one record (``body`` plus chain fields and signature) under the ledger lock."""
    try:
        from filelock import FileLock, Timeout
    except ImportError:
        raise UsageError("the evidence ledger needs `filelock`: pip install 'soc2gate[evidence]'") from None

    paths = LedgerPaths(Path(directory))
    try:
        paths.directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot create the evidence directory: {exc.strerror or exc}") from None
    try:
        with FileLock(str(paths.lock), timeout=lock_timeout):
            return _append_locked(paths, body, signer)
    except Timeout:
        raise InputError(f"{paths.lock}: could not lock the evidence ledger within {lock_timeout:g} s "
                         "(another soc2gate run holds it)") from None


def _append_locked(paths: LedgerPaths, body: Mapping[str, Any], signer: Signer | None) -> Receipt:
    tail = read_tail(paths.ledger)
    check_head(paths, tail)
    record = seal(body, tail.seq + 1, tail.hash) if tail else seal(body, 1, GENESIS)
    if signer is not None:
        record["signature"] = signer.sign(record["hash"])
    _write_all(paths.ledger, to_line(record))
    _write_head(paths.head, record)
    return Receipt(str(paths.ledger), record["seq"], str(record.get("run_id", "")), record["hash"],
                   signer.key_id if signer else "")


def read_tail(path: Path) -> Tail | None:
    """The last record's chain fields; InputError when the tail is torn or corrupt."""
    data = _last_lines(path)
    if not data:
        return None
    advice = f"run `soc2gate evidence verify {path.parent}` to see the damage"
    if not data.endswith(b"\n"):
        raise InputError(f"{path}: the last line is incomplete (a run crashed while writing it); {advice}, "
                         "then move the incomplete line out of the ledger to continue")
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        record = parse_line(last)
        tail = Tail(int(record["seq"]), str(record["hash"]), str(record["prev_hash"]))
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{path}: the last record is not a valid ledger record; {advice}") from None
    if record_hash(record) != tail.hash:
        raise InputError(f"{path}: the last record (#{tail.seq}) does not match its hash; {advice}")
    return tail


def _last_lines(path: Path) -> bytes:
    """The file's final bytes, enough to hold its last complete line."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return b""
    with handle:
        position = handle.seek(0, os.SEEK_END)
        data = b""
        while position > 0 and data.count(b"\n") < 2:
            step = min(TAIL_BLOCK, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
    return data


def read_head(path: Path) -> dict[str, Any] | None:
    try:
        head = parse_line(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: the ledger head is not readable: {exc}") from None
    if not isinstance(head, dict) or not isinstance(head.get("seq"), int) or not isinstance(head.get("hash"), str):
        raise InputError(f"{path}: the ledger head is malformed (expected seq and hash)")
    return head


def check_head(paths: LedgerPaths, tail: Tail | None) -> None:
    """The head must name the last record (or the one before it, after a crash between the two writes)."""
    head = read_head(paths.head)
    advice = f"records were deleted or replaced; run `soc2gate evidence verify {paths.directory}`"
    if tail is None:
        if head is not None and head["seq"] > 0:
            raise InputError(f"{paths.ledger}: the ledger is empty but {HEAD_NAME} records #{head['seq']}: {advice}")
        return
    if head is None:
        if tail.seq != 1:
            raise InputError(f"{paths.head}: missing although the ledger holds record #{tail.seq}: {advice}")
        return
    if (head["seq"], head["hash"]) == (tail.seq, tail.hash):
        return
    if head["seq"] == tail.seq - 1 and head["hash"] == tail.prev_hash:
        return
    raise InputError(f"{paths.ledger}: the ledger ends at record #{tail.seq} but {HEAD_NAME} records "
                     f"#{head['seq']}: {advice}")


def _write_all(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_head(path: Path, record: Mapping[str, Any]) -> None:
    head = {"seq": record["seq"], "hash": record["hash"], "run_id": record.get("run_id", ""),
            "time": record.get("time", "")}
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(head, handle, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
