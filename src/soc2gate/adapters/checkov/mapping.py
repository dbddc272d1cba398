"""``mappings/checkov.yaml``: checkov check ids -> SOC 2 criteria, severity and rationale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import mappings_dir
from soc2gate.errors import ConfigError
from soc2gate.model import SEVERITIES

CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
FIELDS = ("title", "severity", "controls", "rationale", "source")


@dataclass(frozen=True)
class CheckovMapping:
    """How soc2gate reports one checkov check."""

    id: str
    title: str
    severity: str
    controls: tuple[str, ...]
    rationale: str
    source: str


def mapping_path() -> Path:
    return mappings_dir() / "checkov.yaml"


@lru_cache(maxsize=4)
def load_mapping(path: Path | None = None) -> dict[str, CheckovMapping]:
    """Every mapped check; a malformed entry is a ConfigError naming the file and the key."""
    path = path or mapping_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the checkov mapping: {exc}") from None
    checks = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(checks, dict):
        raise ConfigError(f"{path}: expected a `checks` mapping of checkov ids")
    known = load_controls()
    return {str(cid): _entry(path, str(cid), entry, known) for cid, entry in checks.items()}


def _entry(path: Path, cid: str, entry: Any, known: dict[str, Any]) -> CheckovMapping:
    where = f"{path}: checks.{cid}"
    if not CHECK_ID.match(cid):
        raise ConfigError(f"{where}: `{cid}` is not a checkov check id")
    if not isinstance(entry, dict) or any(not entry.get(k) for k in FIELDS):
        raise ConfigError(f"{where}: needs non-empty {', '.join(FIELDS)}")
    if entry["severity"] not in SEVERITIES:
        raise ConfigError(f"{where}.severity: `{entry['severity']}` is not one of {', '.join(SEVERITIES)}")
    controls = entry["controls"]
    if not isinstance(controls, list) or not all(str(c) in known for c in controls):
        raise ConfigError(f"{where}.controls: must list known SOC 2 criteria, got {controls}")
    rationale = str(entry["rationale"]).strip()
    if "\n" in rationale:
        raise ConfigError(f"{where}.rationale: must be one line")
    return CheckovMapping(cid, str(entry["title"]), str(entry["severity"]), tuple(str(c) for c in controls),
                          rationale, str(entry["source"]))
