"""Canonical JSON and the hash chain of ledger records.

A record is hashed as canonical JSON (sorted keys, no whitespace, ASCII) of every field
except ``hash`` and ``signature``; ``prev_hash`` links it to the record before it (the
first record links to ``GENESIS``).  Each record is written as one canonical JSON line.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from typing import Any, Mapping

SCHEMA = "soc2gate-evidence/1"
GENESIS = "sha256:" + "0" * 64
UNHASHED = ("hash", "signature")


MAX_RECORD_DEPTH = 64  # a record soc2gate writes is a few levels deep


def parse_line(raw: bytes | str) -> Any:
    """One ledger line (or the head) as JSON; ValueError when it is not JSON or is nested deeper than
    ``MAX_RECORD_DEPTH`` (so that hashing, verifying and reporting never recurse without bound)."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply to be a ledger record") from None
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_RECORD_DEPTH:
            raise ValueError(f"nested more than {MAX_RECORD_DEPTH} levels deep: not a ledger record")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return value


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def hash_and_line(record: Mapping[str, Any]) -> tuple[str, bytes]:
    """``record_hash(record)`` and ``canonical(record)`` from one encoding pass (verification's hot path).

    Canonical JSON is compositional: the top-level members, each encoded on its own and joined in key
    order, are byte for byte what encoding the whole object gives.
    """
    members = [(key, _member(key, record[key])) for key in sorted(record)]
    body = b"{" + b",".join(m for key, m in members if key not in UNHASHED) + b"}"
    return "sha256:" + hashlib.sha256(body).hexdigest(), b"{" + b",".join(m for _, m in members) + b"}"


def verified_line(line: bytes, record: Mapping[str, Any]) -> bool:
    """True when ``line`` is exactly ``canonical(record)`` and ``record["hash"]`` is its body's hash,
    decided without re-encoding the body (verification's fast path; False means: ask the slow path).

    The unhashed members are cut out of the line where canonical order puts them (each directly
    before the next key in sorted order); what remains is the body as the writer encoded it, so
    its SHA-256 equals the recorded hash exactly when nothing else changed.
    """
    keys = sorted(record)
    body = line
    for key in UNHASHED:  # in sorted order, so the member after each is the next key not yet cut out
        if key not in record:
            continue
        member = _KEYS[key] + _encoded(record[key])
        after = bisect_right(keys, key)
        follower = b',"' + keys[after].encode("ascii") + b'":' if after < len(keys) else b"}"
        position = body.find(member + follower)
        if position <= 0:
            return False
        body = body[:position] + body[position + len(member):]
    return isinstance(record.get("hash"), str) and "sha256:" + hashlib.sha256(body).hexdigest() == record["hash"]


_KEYS = {key: b"," + json.dumps(key).encode("ascii") + b":" for key in UNHASHED}
_PLAIN = re.compile(r"[A-Za-z0-9:]*")


def _encoded(value: Any) -> bytes:
    """``canonical(value)``; a plain string (such as a hash) without the encoder."""
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return b'"' + value.encode("ascii") + b'"'
    return canonical(value)


def _member(key: str, value: Any) -> bytes:
    return canonical(key) + b":" + canonical(value)


def record_hash(record: Mapping[str, Any]) -> str:
    body = {key: value for key, value in record.items() if key not in UNHASHED}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def seal(body: Mapping[str, Any], seq: int, prev_hash: str) -> dict[str, Any]:
    """``body`` with its place in the chain and its own hash."""
    record = {**body, "seq": seq, "prev_hash": prev_hash}
    record["hash"] = record_hash(record)
    return record


def to_line(record: Mapping[str, Any]) -> bytes:
    return canonical(record) + b"\n"
