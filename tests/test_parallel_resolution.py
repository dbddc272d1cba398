"""Parsing and resolving in worker processes gives what one process gives (parsers/hcl_batch.py,
parsers/root_modules.py, parsers/hcl_lark.py).

Both paths run for real (forked workers vs this process); the thresholds that choose between them
are set per test.  Compared: every resource (address, attributes, unknowns, lines, meta), every SYS
finding, input record and skipped path, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPORA, require_shared
from soc2gate.parsers import hcl_batch, hcl_lark, root_modules
from soc2gate.parsers.collect import CollectOptions, collect
from soc2gate.parsers.hcl_file import parse_file


def _collected(paths: list[str], monkeypatch: pytest.MonkeyPatch, parallel: bool) -> tuple:
    monkeypatch.setattr(root_modules, "PARALLEL_BLOCKS", 0 if parallel else 10**9)
    monkeypatch.setattr(hcl_batch, "PARALLEL_THRESHOLD", 2 if parallel else 10**9)
    merged = []  # the workers' results reached the parent (no fallback to this process)
    merge = root_modules._merged
    monkeypatch.setattr(root_modules, "_merged", lambda results, out: merged.append(len(results)) or merge(results, out))
    out = collect(paths, CollectOptions(use_cache=False))
    assert bool(merged) == parallel
    resources = [(r.address, r.type, r.span, repr(r.attributes), r.unknown, r.line_of, repr(r.meta)) for r in out.resources]
    return resources, out.findings, out.inputs, out.skipped


def test_workers_resolve_the_real_corpus_as_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    paths = [str(CORPORA / "real" / "terraform-aws-vpc"), str(CORPORA / "real" / "terraform-aws-s3-bucket")]
    alone = _collected(paths, monkeypatch, parallel=False)
    workers = _collected(paths, monkeypatch, parallel=True)
    assert len(alone[0]) > 100
    assert workers == alone


def test_a_broken_module_directory_called_from_several_roots_is_reported_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mods" / "broken").mkdir(parents=True)
    (tmp_path / "mods" / "broken" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n', "utf-8")
    for index in range(6):
        root = tmp_path / "roots" / f"r{index}"
        root.mkdir(parents=True)
        (root / "main.tf").write_text(
            f'resource "aws_s3_bucket" "own" {{\n  bucket = "b{index}"\n}}\n'
            f'module "broken" {{\n  source = "../../mods/broken"\n}}\n'
            f'module "missing" {{\n  source = "../../mods/none{index % 2}"\n}}\n', "utf-8")
    alone = _collected([str(tmp_path / "roots")], monkeypatch, parallel=False)
    workers = _collected([str(tmp_path / "roots")], monkeypatch, parallel=True)
    assert workers == alone
    codes = [(f.policy_id, f.message) for f in workers[1]]
    assert len(codes) == len(set(codes)) == 3  # the syntax error once, each missing directory once
    assert [a for a, *_ in workers[0]].count("aws_s3_bucket.own") == 6


def test_lines_come_from_the_tokens_of_each_node() -> None:
    text = ('resource "aws_instance" "x" {\n  tags = {\n    a = 1\n\n    b = [\n      2,\n      {\n        c = 3\n'
            '      }\n    ]\n  }\n  ebs_block_device {\n    encrypted = true\n  }\n  description = <<-EOT\n'
            '    say "hi" \\ there\n  EOT\n}\n')
    block = parse_file(text, "x.tf")["blocks"][0]
    assert (block["start"], block["end"]) == (1, 18)
    assert block["lines"]["tags.a"] == 3 and block["lines"]["tags.b"] == 5
    assert block["lines"]["tags.b[1].c"] == 8 and block["lines"]["ebs_block_device[0].encrypted"] == 13
    assert block["body"]["description"] == 'say "hi" \\ there'  # an indented heredoc interprets no escapes


def test_the_parser_without_positions_and_the_walk_check_out_against_python_hcl2s_own() -> None:
    """Both checks pass with the installed lark/python-hcl2 (else scans parse the slow way)."""
    assert hcl_lark._positionless() is not None
    assert hcl_lark._positionless().options.propagate_positions is False
    assert hcl_lark._walk_checks_out()
