"""The populations an auditor samples from the store: every change, run or exception in a period,
a reproducible random sample of them, and one record's full evidence.

Sampling method (printed with every sample so it can be re-performed): the population is sorted by
its ``key`` (chain, record number, item), then ``random.Random(seed).sample(range(len), n)`` of
CPython's Mersenne Twister picks the positions, which are listed in ascending order.
"""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any, Iterable

from soc2gate.errors import UsageError
from soc2gate.evidence.comparable import record_fingerprint

KINDS = ("changes", "runs", "exceptions")
METHOD = ("population sorted by (chain, record number, item); positions = sorted(random.Random(SEED)"
          ".sample(range(POPULATION), N)) with Python's random module (Mersenne Twister)")


def _ref(record: dict[str, Any]) -> dict[str, Any]:
    ci = record.get("ci", {})
    return {"chain": record.get("_chain", ""), "record": record.get("seq"), "record_hash": record.get("hash"),
            "run_id": record.get("run_id"), "time": record.get("time"), "ci_repo": ci.get("repo", ""),
            "ci_branch": ci.get("branch", "")}


def _changes(record: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for change in record.get("changes", []):
        rows.append({"id": change.get("id"), "repository": change.get("repository"), "number": change.get("number"),
                     "author": change.get("author"), "merged_at": change.get("merged_at"),
                     "approvers_before_merge": list(change.get("approvers_before_merge", [])),
                     "checks": list(change.get("checks", [])), "tickets": list(change.get("tickets", [])),
                     "emergency": change.get("emergency"), "cc81_verdict": change.get("cc81"), **_ref(record)})
    return rows


def _runs(record: dict[str, Any]) -> list[dict[str, Any]]:
    summary = record.get("summary", {})
    return [{**_ref(record), "verdict": record.get("verdict"), "exit_code": record.get("exit_code"),
             "commit": record.get("ci", {}).get("commit", ""), "inputs": len(record.get("inputs", [])),
             "failures": len(record.get("failures", [])), "waived": summary.get("waived", 0),
             "policy_bundle_digest": record.get("policy_bundle_digest"),
             "scope_fingerprint": record_fingerprint(record)}]


def _exceptions(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"policy": w.get("policy"), "controls": list(w.get("controls", [])), "resource": w.get("resource"),
             "file": w.get("file"),
             "reason": w.get("reason", ""), "approved_by": w.get("approved_by", ""), "ticket": w.get("ticket", ""),
             "expires": w.get("expires", ""), "origin": w.get("origin", ""), **_ref(record)}
            for w in record.get("waivers", {}).get("applied", [])]


ROWS = {"changes": _changes, "runs": _runs, "exceptions": _exceptions}


def population(records: Iterable[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Every item of ``kind`` in ``records`` (already limited to the period), in sampling order."""
    if kind not in ROWS:
        raise UsageError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    from soc2gate.evidence.report_admission import is_batch  # webhook batches are not runs or changes

    rows = [row for record in records if not is_batch(record) for row in ROWS[kind](record)]
    rows.sort(key=lambda r: (str(r["chain"]), int(r["record"] or 0)))  # stable: item order within a record
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return rows


def sample(rows: list[dict[str, Any]], size: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if size < 1:
        raise UsageError("--sample must be at least 1")
    picked = sorted(random.Random(seed).sample(range(len(rows)), min(size, len(rows))))
    how = {"population": len(rows), "sample": len(picked), "seed": seed, "method": METHOD,
           "positions": [p + 1 for p in picked]}
    return [rows[p] for p in picked], how


def columns(kind: str) -> list[str]:
    """The CSV header of ``kind`` (also written for an empty population)."""
    probe = {"seq": 0, "time": "", "changes": [{}], "waivers": {"applied": [{}]}}
    return list(ROWS[kind](probe)[0]) + ["position"]


def render(rows: list[dict[str, Any]], fmt: str, how: dict[str, Any] | None = None, kind: str = "changes") -> str:
    if fmt == "json":
        return json.dumps({"sampling": how, "items": rows} if how else {"items": rows}, indent=2) + "\n"
    out = io.StringIO()
    if how:
        out.write(f"# sample of {how['sample']} from a population of {how['population']}, seed {how['seed']}\n"
                  f"# method: {how['method']}\n")
    writer = csv.DictWriter(out, fieldnames=columns(kind), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _flat(value: Any) -> Any:
    """CSV cells: lists joined with ``;``, checks as ``name=conclusion``."""
    if isinstance(value, list):
        return ";".join(f"{v['name']}={v['conclusion']}" if isinstance(v, dict) else str(v) for v in value)
    return value


def find_record(records: Iterable[dict[str, Any]], wanted: str, chain: str | None) -> dict[str, Any]:
    """A record by number (``12``, ``#12``), run id or hash; ``chain`` picks among chains with the number."""
    text = wanted.lstrip("#")
    hits = [r for r in records if (chain is None or r.get("_chain") == chain)
            and (str(r.get("seq")) == text or r.get("run_id") == text or r.get("hash") == text)]
    if not hits:
        raise UsageError(f"record {wanted!r}: not found in the store")
    if len(hits) > 1:
        chains = ", ".join(sorted(str(r.get("_chain")) for r in hits))
        raise UsageError(f"record {wanted!r} exists in several chains ({chains}): add --chain")
    return hits[0]
