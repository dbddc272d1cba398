"""Evidence ledger under concurrency and crashes.

* many processes append to one ledger at once: nothing interleaves, nothing is lost;
* a crash in the middle of a write leaves a torn last line: verify reports it (exit 1),
  appending refuses to build on it, and once the torn bytes are removed the chain resumes;
* a crash between writing the record and updating the head is tolerated (warning only).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from soc2gate.errors import InputError
from soc2gate.evidence import EvidenceSettings, record_run, verify_ledger
from soc2gate.evidence.store import StoreOptions
from soc2gate.evidence.chain import seal, to_line
from soc2gate.model import Result

WORKERS, PER_WORKER = 8, 10
WORKER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from soc2gate.evidence import EvidenceSettings, record_run
from soc2gate.model import Result

directory, worker, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.01)
result = Result("0.1.0", "sha256:b", "sha256:c", (), (), ())
for index in range(count):
    record_run(result, EvidenceSettings(directory), datetime.now(timezone.utc), {}, run_id=f"w{worker}-{index}")
"""
MOMENT = datetime(2025, 3, 1, tzinfo=timezone.utc)


def _empty_result() -> Result:
    return Result("0.1.0", "sha256:b", "sha256:c", (), (), ())


def _append(directory: Path, run_id: str) -> object:
    return record_run(_empty_result(), EvidenceSettings(str(directory)), MOMENT, {}, run_id=run_id)


def test_parallel_processes_append_without_interleaving_or_loss(tmp_path: Path) -> None:
    directory, go = tmp_path / "ev", tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(directory), str(n), str(PER_WORKER), str(go)],
                                stderr=subprocess.PIPE) for n in range(WORKERS)]
    time.sleep(0.3)  # let them all start and wait at the barrier (ordering only, nothing is timed)
    go.touch()
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors.decode()
    lines = (directory / "ledger.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == WORKERS * PER_WORKER
    records = [json.loads(line) for line in lines[:-1]]
    assert [r["seq"] for r in records] == list(range(1, WORKERS * PER_WORKER + 1))
    assert {r["run_id"] for r in records} == {f"w{w}-{i}" for w in range(WORKERS) for i in range(PER_WORKER)}
    report = verify_ledger(str(directory))
    assert report.ok, report.problems
    assert report.records == WORKERS * PER_WORKER and not [w for w in report.warnings if "head" in w]


def _torn(directory: Path) -> bytes:
    """Simulate a crash half-way through writing record #4."""
    last = json.loads((directory / "ledger.jsonl").read_bytes().splitlines()[-1])
    line = to_line(seal({"schema": "soc2gate-evidence/1", "run_id": "crashed", "time": "2025-03-01T00:00:00Z"},
                        last["seq"] + 1, last["hash"]))
    with (directory / "ledger.jsonl").open("ab") as handle:
        handle.write(line[: len(line) // 2])
    return line[: len(line) // 2]


def test_torn_last_line_is_reported_and_never_built_upon(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    directory = tmp_path / "ev"
    for index in range(3):
        _append(directory, f"r{index + 1}")
    torn = _torn(directory)
    register_all(cli)
    outcome = CliRunner().invoke(cli, ["evidence", "verify", str(directory)])
    assert outcome.exit_code == 1
    assert f"TORN       line 4: the last line is incomplete ({len(torn)} bytes, no newline)" in outcome.output
    with pytest.raises(InputError, match="the last line is incomplete"):
        _append(directory, "r5")
    data = (directory / "ledger.jsonl").read_bytes()
    (directory / "ledger.jsonl").write_bytes(data[: -len(torn)])  # the operator moves the torn line out
    assert verify_ledger(str(directory)).ok
    assert _append(directory, "r4").seq == 4  # type: ignore[attr-defined]
    assert verify_ledger(str(directory)).ok


def test_crash_between_record_and_head_is_tolerated(tmp_path: Path) -> None:
    directory = tmp_path / "ev"
    _append(directory, "r1")
    _append(directory, "r2")
    last = json.loads((directory / "ledger.jsonl").read_bytes().splitlines()[-1])
    with (directory / "ledger.jsonl").open("ab") as handle:  # record #3 written, head not updated
        handle.write(to_line(seal({"schema": "soc2gate-evidence/1", "run_id": "r3", "time": "2025-03-01T00:00:00Z"},
                                  3, last["hash"])))
    report = verify_ledger(str(directory))
    assert report.ok and any("one record behind" in w for w in report.warnings)
    assert _append(directory, "r4").seq == 4  # type: ignore[attr-defined]
    report = verify_ledger(str(directory))
    assert report.ok and not [w for w in report.warnings if "behind" in w]


def test_lock_held_by_another_run_times_out_with_a_clear_error(tmp_path: Path) -> None:
    from filelock import FileLock

    directory = tmp_path / "ev"
    _append(directory, "r1")
    with FileLock(str(directory / "ledger.lock")):
        chosen = EvidenceSettings(str(directory), store=StoreOptions(lock_timeout=0.2))
        with pytest.raises(InputError, match="could not lock the evidence ledger within 0.2 s"):
            record_run(_empty_result(), chosen, MOMENT, {}, run_id="r2")
    assert verify_ledger(str(directory)).records == 1
