"""Bounded fuzzing of the AdmissionReview reader (issue #12): a few thousand mutated bodies.

Each body is either byte-mutated from a real review (tokens Python's JSON reader accepts or
chokes on but Kubernetes never sends: NaN, huge integers, deep nesting, stray bytes) or a
real review with a random JSON value placed at a random key path.  Whatever the body, the
reader returns a request or raises ReviewError (the app's 400), never anything else; and a
request it returns can be turned into the engine's Resource, checked against exclusions and
logged without an exception.  Fixed seed (derandomize), no deadline per example, bounded count.
"""

from __future__ import annotations

import json
import math

from admission_reviews import first_object, review
from conftest import CORPORA, require_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soc2gate.webhook.admission import request_resource
from soc2gate.webhook.review import AdmissionRequest, ReviewError, parse_review
from soc2gate.webhook.settings import WebhookSettings

GUESTBOOK = CORPORA / "real/kubernetes-examples/web/guestbook/frontend-deployment.yaml"
TOKENS = [b"NaN", b"-Infinity", b"1e999", b"-0", b"7" * 4301, b"[" * 120, b"]" * 3, b"{", b"}", b'"', b",",
          b"\\ud800", b"\\u0000", b"\xff\xfe", b"null", b"[]", b"{}", b"true", b'{"a":' * 110, b"1" * 30]
PATHS = [("request",), ("request", "uid"), ("request", "kind"), ("request", "kind", "kind"), ("request", "operation"),
         ("request", "object"), ("request", "oldObject"), ("request", "userInfo"), ("request", "userInfo", "groups"),
         ("request", "namespace"), ("request", "dryRun"), ("request", "object", "metadata"),
         ("request", "object", "metadata", "labels"), ("request", "object", "metadata", "name"),
         ("request", "object", "spec"), ("request", "object", "spec", "template", "spec", "containers"),
         ("request", "object", "kind"), ("request", "object", "apiVersion"), ("kind",), ("apiVersion",)]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30, max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
FUZZ = settings(max_examples=1200, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


_BASE: list[bytes] = []


def base_bytes() -> bytes:
    """A real UPDATE review (object and oldObject), built once."""
    if not _BASE:
        require_shared()
        old = first_object(GUESTBOOK, "Deployment")
        _BASE.append(json.dumps(review(first_object(GUESTBOOK, "Deployment"), operation="UPDATE", old=old)).encode())
    return _BASE[0]


def read_fully(body: bytes) -> None:
    """The reader's contract, and what the app does with a request before the worker."""
    try:
        request = parse_review(body)
    except ReviewError as exc:
        assert str(exc)
        return
    assert isinstance(request, AdmissionRequest) and request.uid
    WebhookSettings().exclude.reason(request.namespace, request.labels(), request.user, request.groups)
    request.display_name()
    if request.object is not None or request.old_object is not None:
        request_resource(request)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["insert", "replace", "delete", "repeat"]), st.floats(0, 1),
                          st.floats(0, 1), st.sampled_from(TOKENS)), min_size=1, max_size=4))
def test_byte_mutated_reviews_are_read_or_refused(operations: list) -> None:
    body = bytearray(base_bytes())
    for op, where, length, token in operations:
        start = int(where * len(body))
        end = min(len(body), start + int(length * 40))
        if op == "insert":
            body[start:start] = token
        elif op == "replace":
            body[start:end] = token
        elif op == "delete":
            del body[start:end]
        else:
            body[start:start] = body[start:end] * 50
    read_fully(bytes(body))


@FUZZ
@given(st.sampled_from(PATHS), JSON_VALUES)
def test_reviews_with_a_random_value_at_a_key_path_are_read_or_refused(path: tuple, value: object) -> None:
    document = json.loads(base_bytes())
    node = document
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    body = json.dumps(document).encode()  # NaN/Infinity floats are written as the bare tokens
    read_fully(body)
    if isinstance(value, float) and not math.isfinite(value):
        try:
            parse_review(body)
        except ReviewError as exc:
            assert "not a JSON number" in str(exc)
        else:
            raise AssertionError("a non-finite number was accepted")
