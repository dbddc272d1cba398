"""Fuzz the JSON/YAML readers — plan JSON, Kubernetes YAML, change records, AdmissionReview bodies —
with mutated real files from ../shared/corpora, through the APIs the CLI and the webhook use.

Asserts for every input: no exception escapes (only the reader's own refusal), an input the reference
parser rejects is never read without an error (no pass on an unparsable input), the per-example
deadline of the hypothesis profile, and bounded process growth.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings

import admission_reviews as ar
from conftest import CORPORA
from fuzz_support import MAX_GROWTH_MB, SCALE, mutated, rss_mb, seeds
from fuzz_support import check_collected as _check
from soc2gate.parsers.collect import CollectOptions, collect_stdin
from soc2gate.parsers.textio import UnreadableInput, decode
from soc2gate.webhook.admission import request_resource
from soc2gate.webhook.review import ReviewError, parse_review

OPTIONS = CollectOptions(use_cache=False)
JSON_FRAGMENTS = (b'"planned_values":', b'"resource_changes": [', b'"configuration": [1]', b'"after_unknown": true',
                  b'"child_modules": [{}]', b'"module_calls": {"m": 1}', b'{"a":', b'1.5e308', b"-0", b'"\\ud83d"')
YAML_FRAGMENTS = (b"securityContext:\n  privileged: y\n", b"hostNetwork: Y\n", b"apiVersion: v1\nkind: Pod\n",
                  b"- &a [*a]\n", b"!!str ", b"!!int 0x", b"<<: *a\n", b"{{ .Values.x }}", b"\t- x\n", b"%YAML 1.1\n")
PLAN_SEEDS = seeds(("tfplan/**/*.json",), max_bytes=30_000, limit=60)
YAML_SEEDS = seeds(("real/kubernetes-examples/**/*.yaml", "real/kubernetes-goat/**/*.yaml"), max_bytes=4000, limit=120)
CHANGE_SEEDS = seeds(("github-events/payload-examples/api.github.com/pull_request*/*.json",
                      "gitlab-events/go-gitlab/testdata/webhooks/*merge_request*.json"), max_bytes=40_000, limit=40)


def _review_seeds() -> list[bytes]:
    bodies = []
    for path in sorted((CORPORA / "real" / "kubernetes-examples").rglob("*.yaml"))[:60]:
        try:
            objects = ar.manifest_objects(path)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for index, obj in enumerate(objects[:2]):
            operation = ("CREATE", "UPDATE", "DELETE")[index % 3]
            bodies.append(json.dumps(ar.review(obj, operation=operation, old=obj if operation != "CREATE" else None)).encode())
    assert len(bodies) >= 20, f"too few AdmissionReview seeds from {CORPORA}"
    return bodies


REVIEW_SEEDS = _review_seeds()


def _json_parses(data: bytes) -> bool:
    try:
        json.loads(decode(data, "x.json"))
    except (UnreadableInput, ValueError, RecursionError):
        return False
    return True


def _yaml_parses(data: bytes) -> bool:
    try:
        # libyaml, as soc2gate reads manifests (the pure-Python loader refuses some valid plain scalars with tabs)
        list(yaml.load_all(decode(data, "x.yaml"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (UnreadableInput, yaml.YAMLError, ValueError, RecursionError):
        return False
    return True


@settings(max_examples=1500 * SCALE)
@given(mutated(PLAN_SEEDS, JSON_FRAGMENTS))
def test_fuzz_plan_json(data: bytes) -> None:
    _check(collect_stdin(data, "plan", OPTIONS), data, _json_parses)


@settings(max_examples=2000 * SCALE)
@given(mutated(YAML_SEEDS, YAML_FRAGMENTS))
def test_fuzz_kubernetes_yaml(data: bytes) -> None:
    _check(collect_stdin(data, "kubernetes", OPTIONS), data, _yaml_parses)


@settings(max_examples=1500 * SCALE)
@given(mutated(CHANGE_SEEDS, JSON_FRAGMENTS))
def test_fuzz_change_records(data: bytes) -> None:
    _check(collect_stdin(data, "change", OPTIONS), data, _json_parses)


@settings(max_examples=500 * SCALE)  # tests/test_webhook_review_fuzz.py fuzzes this reader in depth; these seeds vary
@given(mutated(REVIEW_SEEDS, JSON_FRAGMENTS + YAML_FRAGMENTS))
def test_fuzz_admission_reviews(data: bytes) -> None:
    try:
        request = parse_review(data)
    except ReviewError as exc:
        assert str(exc)
        return
    assert _json_parses(data), "an unparsable AdmissionReview was accepted"
    if request.operation != "DELETE":
        resource = request_resource(request)
        assert resource.surface == "kubernetes"


def test_fuzz_growth_is_bounded() -> None:
    """Runs after the surfaces above in this module: the whole process stayed within a bounded size."""
    assert rss_mb() < 1024 + MAX_GROWTH_MB
