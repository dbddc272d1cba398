"""The ``change_management`` parameters policies see: documented defaults filled in.

Defaults live once, as ``default`` keywords of ``schemas/config/change_management.json``;
``resolve`` merges the user's section (already schema-validated by ``config.validate``) over
them, checks what a JSON Schema cannot (regular expressions, time windows) and adds the
derived values Rego needs (globs as anchored regular expressions, times in a form every
Rego engine parses).  A bad value is a ConfigError naming the key path.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from soc2gate.errors import ConfigError
from soc2gate.parsers.change.logins import canonical_logins
from soc2gate.parsers.change.timestamps import TimestampError, normalize_timestamp

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "config" / "change_management.json"
SECTION = "change_management"


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _defaults(schema: Mapping[str, Any]) -> Any:
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    if schema.get("type") == "object":
        return {k: _defaults(v) for k, v in schema.get("properties", {}).items()
                if "default" in v or v.get("type") == "object"}
    return None


def defaults() -> dict[str, Any]:
    """Every documented default of the section, as one nested mapping."""
    return _defaults(_schema())  # type: ignore[no-any-return]


def _merge(base: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in given.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve(section: Mapping[str, Any], overrides: Mapping[str, Any] | None = None,
            origin: str = ".soc2gate.yaml") -> dict[str, Any]:
    """Defaults, then the config section, then ``overrides``; plus derived values."""
    params = _merge(_merge(defaults(), section), overrides or {})
    _check_regex(params["ticket"]["pattern"], f"{SECTION}.ticket.pattern", origin)
    params["protected_branch_regexes"] = [glob_regex(g) for g in params["protected_branches"]]
    params["sensitive_paths"]["regexes"] = [glob_regex(g) for g in params["sensitive_paths"]["globs"]]
    params["freeze_windows"] = [_window(w, i, origin) for i, w in enumerate(params["freeze_windows"])]
    params["emergency"]["labels"] = [label.lower() for label in params["emergency"]["labels"]]
    params["bot_accounts"] = canonical_logins(params["bot_accounts"])
    params["sensitive_paths"]["owners"] = canonical_logins(params["sensitive_paths"]["owners"])
    params["checks"]["ignore_regexes"] = [glob_regex(g) for g in params["checks"]["ignore"]]
    params["checks"]["pending_conclusions"] = [c.lower() for c in params["checks"]["pending_conclusions"]]
    return params


def _check_regex(pattern: str, key: str, origin: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{origin}: invalid configuration at `{key}`: not a regular expression: {exc}") from None


def _window(window: Mapping[str, Any], index: int, origin: str) -> dict[str, Any]:
    key = f"{SECTION}.freeze_windows.{index}"
    bounds = {}
    for name in ("start", "end"):
        try:
            bounds[name] = normalize_timestamp(window[name])
        except TimestampError as exc:
            raise ConfigError(f"{origin}: invalid configuration at `{key}.{name}`: {exc}") from None
    if datetime.fromisoformat(bounds["start"]) >= datetime.fromisoformat(bounds["end"]):
        raise ConfigError(f"{origin}: invalid configuration at `{key}`: `end` must be after `start`")
    return {"start": bounds["start"], "end": bounds["end"], "reason": str(window.get("reason") or "change freeze")}


_SPECIAL = set(".^$+()[]{}|\\")


def glob_regex(glob: str) -> str:
    """An anchored regular expression (RE2/Rust/Python compatible) for a path glob.

    ``**/`` matches any number of directories (also none), a trailing ``/**`` anything
    below, ``**`` elsewhere any characters, ``*`` any characters but ``/``, ``?`` one.
    """
    out, i = ["^"], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("(?:/.*)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append("\\" + glob[i] if glob[i] in _SPECIAL else glob[i])
            i += 1
    out.append("$")
    return "".join(out)
