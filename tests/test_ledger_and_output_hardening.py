"""Hostile files around the run's own outputs: a ledger line nested 100,000 deep, a symlink at --output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2gate.errors import InputError
from soc2gate.evidence import period_report
from soc2gate.evidence.chain import MAX_RECORD_DEPTH, parse_line
from soc2gate.commands.output import write_file
from soc2gate.errors import UsageError
from test_evidence import append, kinds

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_a_line_nested_100000_deep_is_corruption_for_verify_and_report(tmp_path: Path) -> None:
    directory = tmp_path / "ev"
    append(directory, run_id="r1")
    with (directory / "ledger.jsonl").open("ab") as handle:
        handle.write(DEEP + b"\n")
    assert ("corrupt", None, "") in kinds(directory)
    report = period_report(str(directory), None, None)
    assert report["integrity"]["ok"] is False and report["runs"] == 1


def test_the_next_append_after_a_deep_line_refuses_clearly(tmp_path: Path) -> None:
    directory = tmp_path / "ev"
    append(directory, run_id="r1")
    with (directory / "ledger.jsonl").open("ab") as handle:
        handle.write(b'{"seq": 2, "hash": "x", "prev_hash": "y", "deep": ' + DEEP + b"}\n")
    with pytest.raises(InputError, match="the last record is not a valid ledger record"):
        append(directory, run_id="r2")


def test_a_deep_head_file_is_a_clear_error(tmp_path: Path) -> None:
    directory = tmp_path / "ev"
    append(directory, run_id="r1")
    (directory / "ledger.head.json").write_bytes(DEEP)
    with pytest.raises(InputError, match="ledger head is not readable"):
        append(directory, run_id="r2")


def test_parse_line_accepts_records_and_refuses_depth_beyond_the_bound() -> None:
    shallow = {"a": [{"b": 1}]}
    assert parse_line(json.dumps(shallow)) == shallow
    nested = "[" * (MAX_RECORD_DEPTH + 1) + "]" * (MAX_RECORD_DEPTH + 1)
    with pytest.raises(ValueError, match="nested more than"):
        parse_line(nested)
    with pytest.raises(ValueError):
        parse_line(DEEP)


def _scan(*args: str) -> tuple[int, str]:
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    run = CliRunner().invoke(cli, list(args))
    return run.exit_code, run.output


def test_output_replaces_a_pre_existing_symlink_instead_of_writing_through_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "main.tf").write_text('resource "null_resource" "n" {}\n')
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    code, output = _scan("scan", str(tmp_path / "main.tf"), "--format", "json", "--output", str(link))
    assert code == 0, output
    assert victim.read_text() == "precious\n"
    assert not link.is_symlink() and json.loads(link.read_text())["verdict"] == "passed"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert oct(link.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def test_output_onto_a_directory_is_a_usage_error_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match="out: cannot write report"):
        write_file(str(tmp_path / "out"), "{}")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
