"""Reading ledger lines fast (evidence/decoding.py) gives exactly what ``parse_line`` gives, and the period
report is the same whether its records share decoded members or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_history import generate
from soc2gate.evidence.chain import MAX_RECORD_DEPTH, canonical, parse_line
from soc2gate.evidence.decoding import LineDecoder, members
from soc2gate.evidence.period import full_report
from soc2gate.evidence.report import parse_period
from soc2gate.evidence.store import open_store

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)


@settings(max_examples=300, derandomize=True)
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=8))
def test_a_canonical_line_decodes_as_parse_line_reads_it(record: dict) -> None:
    line = canonical(record)
    decoded = LineDecoder().record(line)
    assert decoded == parse_line(line)
    assert canonical(decoded) == line


@pytest.mark.parametrize("text", [
    b'{"path":"\\udcff","seq":1}',              # a lone surrogate (a file name that was not UTF-8): stdlib reads it
    b'{"seq":123456789012345678901234567890}',  # beyond 64 bits
    b'{"x":1e400}',                              # out of a double's range: stdlib reads inf
    b'[1,2]',                                    # not an object
    b'"text"',
    b'{"a":1,"a":2}',                            # a duplicate key: the last one wins in both
    b'{"x":NaN}',                                # not JSON; stdlib reads it
])
def test_what_msgspec_reads_differently_is_read_by_parse_line(text: bytes) -> None:
    assert LineDecoder().record(text) == parse_line(text) or text == b'{"x":NaN}'
    assert json.dumps(LineDecoder().record(text)) == json.dumps(parse_line(text))


@pytest.mark.parametrize("depth", [MAX_RECORD_DEPTH, MAX_RECORD_DEPTH + 1, 5000])
def test_the_nesting_bound_is_parse_lines(depth: int) -> None:
    inner = "[" * (depth - 1) + "]" * (depth - 1)
    text = ('{"seq":1,"x":' + inner + "}").encode()
    if depth <= MAX_RECORD_DEPTH:
        assert LineDecoder().record(text) == parse_line(text)
        return
    with pytest.raises(ValueError, match="nested (more than|too deeply)"):
        LineDecoder().record(text)


def test_identical_members_are_decoded_once_and_shared() -> None:
    decoder = LineDecoder()
    first = decoder.record(b'{"controls":{"CC6.1":{"status":"passed"}},"seq":1}')
    second = decoder.record(b'{"controls":{"CC6.1":{"status":"passed"}},"seq":2}')
    third = decoder.record(b'{"controls":{"CC6.1":{"status":"failed"}},"seq":3}')
    assert first["controls"] is second["controls"]
    assert third["controls"] is not first["controls"]
    assert (first["seq"], second["seq"], third["seq"]) == (1, 2, 3)


@pytest.mark.parametrize("text, expected", [
    ('{"hash":"sha256:ab","seq":7,"x":[1]}', (7, "sha256:ab")),
    ('{"path":"\\udcff","seq":3,"hash":"h"}', (3, "h")),
    ('{"x":1}', (None, None)),
    ("[1]", None),
    ("not json", None),
])
def test_members_of_a_row(text: str, expected: tuple | None) -> None:
    found = members(text, ("seq", "hash"))
    assert (None if found is None else (found.get("seq"), found.get("hash"))) == expected


def test_the_report_is_the_same_with_shared_and_with_fresh_records(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    generate(str(ledger), runs=160)
    shared: list[dict] = []
    store = open_store(str(ledger))
    integrity = store.verify(None, shared.append)
    assert integrity.ok and len(shared) == 160
    fresh = [{**json.loads(line), "_chain": "ledger"} for line in (ledger / "ledger.jsonl").read_bytes().splitlines()]
    assert any(a["controls"] is b["controls"] for a, b in zip(shared, shared[1:], strict=False))  # sharing happened
    period = parse_period("2025-01-01", "2025-12-31")
    for records in (shared, fresh):
        records.sort(key=lambda r: r["time"])
    with_shared = full_report(shared, integrity, "ledger", period)
    with_fresh = full_report(fresh, integrity, "ledger", period)
    assert with_shared == with_fresh
    assert with_shared["runs"] == 160 and with_shared["failures"] and with_shared["populations"]
