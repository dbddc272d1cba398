"""The baseline file: today's failures by fingerprint, who recorded them, who owns them, and
when they must be reviewed (``soc2gate baseline create``; ``scan --baseline FILE``).

The file is JSON, validated against ``schemas/baseline.schema.json``; every problem is a
ConfigError naming the file and the key path (exit 2), never a silent pass.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from soc2gate.baseline.classify import RANK, Mark
from soc2gate.baseline.fingerprint import SCHEME, fingerprint
from soc2gate.config import check_schema
from soc2gate.errors import ConfigError, UsageError
from soc2gate.model import Finding, Outcome, Result

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "baseline.schema.json"
RECORDED = (Outcome.FAIL, Outcome.INCONCLUSIVE)
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A validated baseline file."""

    path: str
    data: Mapping[str, Any]
    created: date
    review_by: date

    @property
    def entries(self) -> list[Mapping[str, Any]]:
        return list(self.data["entries"])

    def marks(self) -> list[Mark]:
        return [Mark(e["fingerprint"], str(e.get("file", "")), RANK[Outcome(e["outcome"])]) for e in self.entries]

    def describe(self) -> dict[str, Any]:
        keys = ("created", "created_by", "owner", "review_by", "ticket", "reason")
        return {"file": self.path, **{k: self.data[k] for k in keys if k in self.data},
                "entries": len(self.data["entries"])}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def entry(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {"fingerprint": fingerprint(finding), "policy": finding.policy_id, "outcome": finding.outcome.value,
            "severity": finding.severity, "resource": finding.resource, "attribute_path": finding.attribute_path,
            "file": span.file if span else "", "line": span.start_line if span else 0, "message": finding.message}


def build(result: Result, paths: Sequence[str], settings: Any, owner: str, review_by: str, created_by: str,
          ticket: str = "", reason: str = "") -> dict[str, Any]:
    """The baseline of ``result``: every failing and inconclusive finding (errors are never baselined)."""
    data: dict[str, Any] = {
        "version": 1, "fingerprint_scheme": SCHEME, "created": settings.today.isoformat(), "created_by": created_by,
        "owner": owner, "review_by": parse_day(review_by, "--review-by").isoformat(),
        "tool_version": result.tool_version,
        "policy_bundle_digest": result.bundle_digest, "paths": list(paths),
        "entries": [entry(f) for f in result.findings if f.outcome in RECORDED],
    }
    if ticket:
        data["ticket"] = ticket
    if reason:
        data["reason"] = reason
    validate(data, "(new baseline)", settings.max_days)
    return data


def load(path: str, max_days: int) -> Document:
    """Read and validate a baseline file."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path}: baseline file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found (create one with `soc2gate baseline create`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline file: {exc}") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ConfigError(f"{path}{where}: baseline file is not valid JSON: {exc}") from None
    return validate(data, path, max_days)


def validate(data: Any, path: str, max_days: int) -> Document:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a baseline file is a JSON object at the top level")
    check_schema(schema(), data, path, "baseline")
    created, review_by = _day(data, "created", path), _day(data, "review_by", path)
    if review_by < created:
        raise ConfigError(f"{path}: invalid baseline at `review_by`: {review_by} is before `created` ({created})")
    if (review_by - created).days > max_days:
        raise ConfigError(f"{path}: invalid baseline at `review_by`: {(review_by - created).days} days after "
                          f"`created` exceeds the maximum of {max_days} days (baseline.max_days)")
    return Document(path, data, created, review_by)


def _day(data: Mapping[str, Any], key: str, path: str) -> date:
    try:
        return date.fromisoformat(data[key])
    except ValueError:
        raise ConfigError(f"{path}: invalid baseline at `{key}`: `{data[key]}` is not a date YYYY-MM-DD") from None


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD option value, or a UsageError naming the option."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"{what}: `{text}` is not a date YYYY-MM-DD") from None
