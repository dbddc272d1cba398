"""The KICS accuracy scoring: corpus reading, scoring rules, and no false positives on the
GCP/Azure policies' own KICS queries.  The full numbers live in benchmarks/accuracy_kics.py."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPORA, REPO, require_shared

sys.path.insert(0, str(REPO / "benchmarks"))

from accuracy_kics import load_gate, run  # noqa: E402
from kics_corpus import PLATFORMS, CorpusError, load_queries  # noqa: E402
from kics_scoring import Scanner, score  # noqa: E402

CORPUS = CORPORA / "kics" / "assets" / "queries"
UNIFORM_ACCESS = "bb0db090-5509-4853-a827-75ced0b3caa0"  # KICS: Google Storage Bucket Level Access Disabled
OPEN_BUCKET = 'resource "google_storage_bucket" "b" {\n  name = "b"\n  location = "EU"\n}\n'
CLOSED_BUCKET = ('resource "google_storage_bucket" "b" {\n  name = "b"\n  location = "EU"\n'
                 '  uniform_bucket_level_access = true\n}\n')


@lru_cache(maxsize=1)
def _gate():
    return load_gate()


def _query(root: Path, expected: list[dict], files: dict[str, str], query_id: str = UNIFORM_ACCESS) -> Path:
    for platform in PLATFORMS:
        (root / platform).mkdir(parents=True, exist_ok=True)
    folder = root / "terraform" / "gcp" / "query"
    (folder / "test").mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({"id": query_id, "queryName": "Q"}))
    (folder / "test" / "positive_expected_result.json").write_text(json.dumps(expected))
    for name, text in files.items():
        (folder / "test" / name).write_text(text)
    return folder


def test_every_file_key_spelling_and_a_missing_key_resolve(tmp_path: Path) -> None:
    _query(tmp_path, [{"line": 1, "filename": "positive1.tf"}, {"line": 2, "fileName": "positive2.tf"},
                      {"line": 3, "fineName": "positive1.tf"}, {"line": 4}],
           {"positive1.tf": "", "positive2.tf": "", "negative.tf": ""})
    query = load_queries(tmp_path)[UNIFORM_ACCESS]
    files = [[p.name for p in e.files] for e in query.expected]
    assert files == [["positive1.tf"], ["positive2.tf"], ["positive1.tf"], ["positive1.tf", "positive2.tf"]]
    assert [p.name for p in query.negatives] == ["negative.tf"]


def test_malformed_expected_results_name_the_file(tmp_path: Path) -> None:
    _query(tmp_path, [{"queryName": "Q"}], {"positive.tf": ""})
    with pytest.raises(CorpusError, match="positive_expected_result.json"):
        load_queries(tmp_path)


def test_hits_misses_with_reasons_and_false_positives(tmp_path: Path) -> None:
    _query(tmp_path, [{"line": 2, "fineName": "positive.tf"}, {"line": 7, "filename": "positive.tf"},
                      {"line": 1, "fileName": "gone.tf"}],
           {"positive.tf": OPEN_BUCKET + "\n\n# nothing here\n", "negative1.tf": CLOSED_BUCKET,
            "negative2.tf": OPEN_BUCKET})
    result = score(load_queries(tmp_path), {"TF-100": (UNIFORM_ACCESS,)}, Scanner(_gate()))
    assert (result.total.expected, result.total.tp, result.total.fp) == (3, 1, 1)
    reasons = sorted(m.reason for m in result.misses)
    assert reasons[0].startswith("missing: expected file gone.tf") and reasons[1] == "no resource at this line"
    assert [(fp.file, fp.policy) for fp in result.false_positives] == [("negative2.tf", "TF-100")]
    assert result.by_policy["TF-100"].precision == 0.5


def test_inconclusive_is_a_miss_counted_separately(tmp_path: Path) -> None:
    unknown = 'resource "google_storage_bucket" "b" {\n  name = "b"\n  uniform_bucket_level_access = var.u\n}\n'
    _query(tmp_path, [{"line": 3}], {"positive.tf": unknown, "negative.tf": CLOSED_BUCKET})
    result = score(load_queries(tmp_path), {"TF-100": (UNIFORM_ACCESS,)}, Scanner(_gate()))
    assert (result.total.tp, result.total.inconclusive, result.total.fp) == (0, 1, 0)
    assert result.misses[0].reason.startswith("inconclusive: ") and "var.u" in result.misses[0].reason


def _own_policies() -> list[str]:
    return [p.id for p in _gate().policies if p.id.startswith("TF-1") and 100 <= int(p.id[3:]) <= 149 and p.kics]


def test_gcp_and_azure_policies_raise_no_false_positive_on_their_kics_queries() -> None:
    require_shared()
    own = _own_policies()
    assert len(own) >= 16
    result, unknown, _ = run(CORPUS, own, gate=_gate())
    assert not unknown
    assert {q.platform for q in result.queries.values()} == {"terraform/gcp", "terraform/azure"}
    assert result.total.expected > 0 and result.total.tp > 0
    assert not result.false_positives, [(f.query.name, f.file, f.line, f.policy, f.message)
                                        for f in result.false_positives]
