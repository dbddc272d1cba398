"""mappings/kics.yaml is generated from the policies' METADATA and names only real KICS queries."""

from __future__ import annotations

import sys

import yaml

from conftest import CORPORA, REPO, require_shared

sys.path.insert(0, str(REPO / "benchmarks"))

from kics_corpus import load_queries  # noqa: E402
from kics_report import mapping_document, policy_mapping, render_mapping, unknown_ids  # noqa: E402
from policy_fixtures import all_policies  # noqa: E402

CORPUS = CORPORA / "kics" / "assets" / "queries"
MAPPING = REPO / "mappings" / "kics.yaml"
REGENERATE = "regenerate it with `python benchmarks/accuracy_kics.py --write-mapping`"


def test_every_kics_id_in_metadata_exists_in_the_corpus() -> None:
    require_shared()
    unknown = unknown_ids(policy_mapping(all_policies()), load_queries(CORPUS))
    assert not unknown, f"KICS ids in METADATA `custom.kics` that the KICS corpus does not hold: {unknown}"


def test_committed_mapping_equals_the_metadata() -> None:
    require_shared()
    queries = load_queries(CORPUS)
    mapping = policy_mapping(all_policies())
    committed = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    expected = mapping_document(mapping, queries)
    stale = sorted(p for p in set(committed["policies"]) | set(expected["policies"])
                   if committed["policies"].get(p) != expected["policies"].get(p))
    assert not stale, f"mappings/kics.yaml is stale for {stale}: {REGENERATE}"
    assert MAPPING.read_text(encoding="utf-8") == render_mapping(mapping, queries), f"formatting differs: {REGENERATE}"


def test_mapping_names_queries_and_platforms() -> None:
    require_shared()
    queries = load_queries(CORPUS)
    committed = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))["policies"]
    for policy_id, entries in committed.items():
        for entry in entries:
            query = queries[entry["id"]]
            assert (entry["query"], entry["platform"]) == (query.name, query.platform), (policy_id, entry)


def test_every_related_kics_id_exists_in_the_corpus() -> None:
    require_shared()
    queries = load_queries(CORPUS)
    unknown = {p.id: [q for q in p.related_kics if q.lower() not in queries] for p in all_policies()}
    unknown = {p: ids for p, ids in unknown.items() if ids}
    assert not unknown, f"KICS ids in METADATA `custom.related_kics` that the KICS corpus does not hold: {unknown}"
