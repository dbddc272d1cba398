"""KICS accuracy benchmark: run soc2gate over the labeled fixtures of every KICS query a
policy maps (METADATA ``custom.kics``) and report precision and recall.

    python benchmarks/accuracy_kics.py                  # score, print, write results/
    python benchmarks/accuracy_kics.py --write-mapping  # regenerate mappings/kics.yaml
    python benchmarks/accuracy_kics.py --policies TF-1 --no-write

Writes benchmarks/results/kics_accuracy.json (totals) and kics_misses.md (every miss with its
reason, every false positive).  Reviewed disagreements with KICS are annotated from
benchmarks/kics_disagreements.yaml; they still count as misses.  Every policy in the bundle is
evaluated (all Trust Services Criteria categories in scope), one fixture file at a time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from kics_corpus import CorpusError, Query, load_queries  # noqa: E402
from kics_report import (misses_markdown, policy_mapping, render_mapping, results_json,  # noqa: E402
                         unknown_ids, console)
from kics_scoring import Scanner, Score, score  # noqa: E402

SHARED = Path(os.environ.get("SOC2GATE_SHARED", REPO.parent / "shared"))
DEFAULT_CORPUS = SHARED / "corpora" / "kics" / "assets" / "queries"
DEFAULT_RESULTS = HERE / "results"
DEFAULT_NOTES = HERE / "kics_disagreements.yaml"
MAPPING_FILE = REPO / "mappings" / "kics.yaml"


def load_gate():
    """A Gate over the built-in pack with every criteria category in scope."""
    from soc2gate.api import Gate, ScanOptions
    from soc2gate.catalog.controls import CATEGORIES
    from soc2gate.config import parse_config

    config = parse_config("scope:\n  categories: [" + ", ".join(CATEGORIES) + "]\n", "<kics benchmark settings>")
    return Gate.build(config, ScanOptions(use_cache=False))


def corpus_label(corpus: Path) -> str:
    source = corpus.parent.parent / "SOURCE.txt"
    try:
        first = source.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return str(corpus)
    return first.removeprefix("source: ").strip()


def load_notes(path: Path) -> dict[tuple[str, str, int], str]:
    """(query id, fixture name, line) -> reviewed explanation of a disagreement with KICS."""
    import yaml

    if not path.is_file():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    notes = {}
    for entry in entries:
        if not isinstance(entry, dict) or not {"query", "file", "line", "note"} <= set(entry):
            raise CorpusError(f"{path}: every entry needs query, file, line and note: {entry!r}")
        notes[(str(entry["query"]).lower(), str(entry["file"]), int(entry["line"]))] = str(entry["note"])
    return notes


def select(mapping: dict[str, tuple[str, ...]], patterns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Only the policies whose id starts with one of ``patterns`` (all when empty)."""
    if not patterns:
        return mapping
    return {p: q for p, q in mapping.items() if any(p.startswith(x) for x in patterns)}


def run(corpus: Path = DEFAULT_CORPUS, policies: Sequence[str] = (), gate=None,
        notes: Path = DEFAULT_NOTES) -> tuple[Score, dict[str, list[str]], dict[str, Query]]:
    """Score the selected policies; returns the score, unknown KICS ids and the corpus queries."""
    gate = gate or load_gate()
    queries = load_queries(corpus)
    mapping = select(policy_mapping(gate.policies), policies)
    unknown = unknown_ids(mapping, queries)
    known = {p: tuple(q for q in ids if q in queries) for p, ids in mapping.items()}
    return score(queries, known, Scanner(gate), load_notes(notes)), unknown, queries


def write_mapping(corpus: Path, target: Path = MAPPING_FILE) -> str:
    gate = load_gate()
    text = render_mapping(policy_mapping(gate.policies), load_queries(corpus))
    target.write_text(text, encoding="utf-8")
    return text


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="KICS assets/queries folder")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="folder for the result files")
    parser.add_argument("--policies", default="", help="comma-separated policy id prefixes to score (default: all)")
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES, help="reviewed disagreements (YAML)")
    parser.add_argument("--write-mapping", action="store_true", help=f"regenerate {MAPPING_FILE.relative_to(REPO)}")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write result files")
    parser.add_argument("--min-recall", type=float, default=0.0, help="exit 1 below this recall (0..1)")
    parser.add_argument("--min-precision", type=float, default=0.0, help="exit 1 below this precision (0..1)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        if args.write_mapping:
            text = write_mapping(args.corpus)
            print(f"wrote {MAPPING_FILE.relative_to(REPO)}: {text.count('- id:')} query mappings")
            return 0
        patterns = [p.strip() for p in args.policies.split(",") if p.strip()]
        result, unknown, _ = run(args.corpus, patterns, notes=args.notes)
    except CorpusError as exc:
        print(f"accuracy_kics: error: {exc}", file=sys.stderr)
        return 2
    print(console(result), end="")
    for policy_id, ids in sorted(unknown.items()):
        print(f"warning: {policy_id} names KICS ids not in the corpus: {', '.join(ids)}", file=sys.stderr)
    if not args.no_write:
        label = corpus_label(args.corpus)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "kics_accuracy.json").write_text(results_json(result, unknown, label), encoding="utf-8")
        (args.results / "kics_misses.md").write_text(misses_markdown(result, unknown, label), encoding="utf-8")
    below = result.total.recall < args.min_recall or result.total.precision < args.min_precision
    return 1 if below else 0


if __name__ == "__main__":
    from soc2gate.errors import Soc2gateError

    try:
        sys.exit(main())
    except Soc2gateError as exc:
        print(f"accuracy_kics: error: {exc}", file=sys.stderr)
        sys.exit(2)
