"""``soc2gate baseline create|status`` on the result of a plain scan (no comparison)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from soc2gate.baseline.document import build
from soc2gate.baseline.governance import Settings, listing
from soc2gate.config import load_config
from soc2gate.errors import UsageError
from soc2gate.model import Result

ACTIONS = ("create", "status")


def run(action: str, result: Result, config_path: str | None, now: datetime | None, paths: Sequence[str],
        fields: Mapping[str, str]) -> dict[str, Any]:
    """On the result of a plain scan (``gate: all``, no baseline): ``create`` gives the new baseline
    document (owner, review_by, created_by, ticket, reason); ``status`` the listing of the baseline
    ``file`` (default ``baseline.file``)."""
    settings = Settings.from_config(load_config(config_path), now)
    if action == "create":
        return build(result, paths, settings, **fields)
    if action == "status":
        return listing(result, settings, fields.get("file") or None)
    raise UsageError(f"unknown baseline action `{action}`; known: {', '.join(ACTIONS)}")
