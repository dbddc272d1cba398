"""Central waivers: ``waivers.entries`` in ``.soc2gate.yaml`` and the file ``waivers.file`` names.

Every problem is a ConfigError naming the file and the key path
(``.soc2gate.yaml: invalid configuration at `waivers.entries.2.expires`: ...``).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Mapping

from soc2gate.config import SCHEMA_DIR, Config, check_schema
from soc2gate.errors import ConfigError
from soc2gate.model import SourceSpan
from soc2gate.parsers.textio import Limit, UnreadableInput, read_text
from soc2gate.parsers.yaml_guard import load_yaml
from soc2gate.waivers.declared import Declared, FieldProblem, Settings, build
from soc2gate.waivers.expiry import load_zone


def load_settings(config: Config) -> Settings:
    section = config.section("waivers")
    name = str(section.get("timezone", "UTC"))
    try:
        zone = load_zone(name)
    except ValueError as exc:
        raise ConfigError(f"{config.path}: invalid configuration at `waivers.timezone`: {exc}") from None
    return Settings(inline=section.get("inline", "allow"), max_days=int(section.get("max_days", 90)),
                    warn_days=int(section.get("warn_days", 14)), zone=zone, zone_name=name)


def load_central(config: Config, policy_ids: Collection[str], now: datetime, settings: Settings) -> list[Declared]:
    """All central waivers, validated; the first bad one raises ConfigError."""
    section = config.section("waivers")
    declared: list[Declared] = []
    entries = section.get("entries") or []
    if entries:
        lines = _entry_lines(config.path, ("waivers", "entries"))
        declared += _entries(entries, config.path, "waivers.entries", lines, policy_ids, now, settings)
    if section.get("file"):
        path = config.relative(str(section["file"]))
        entries = _read_file(path, config.path)
        lines = _entry_lines(path, ("entries",))
        declared += _entries(entries, path, "entries", lines, policy_ids, now, settings)
    return declared


def _entries(entries: list[Mapping[str, Any]], path: str, prefix: str, lines: list[int],
             policy_ids: Collection[str], now: datetime, settings: Settings) -> list[Declared]:
    out = []
    for index, entry in enumerate(entries):
        key = f"{prefix}.{index}"
        line = lines[index] if index < len(lines) else 0
        try:
            if entry["policy"] not in policy_ids:
                raise FieldProblem("policy", f"unknown policy `{entry['policy']}`: no loaded policy has this id")
            span = SourceSpan(_display(path), line, line)
            out.append(build(entry, entry["policy"], entry["selector"], "central", span, settings, now, key))
        except FieldProblem as exc:
            where = f"{path}:{line}" if line else path
            raise ConfigError(f"{where}: invalid configuration at `{key}.{exc.field}`: {exc}") from None
    return out


def _display(path: str) -> str:
    """``path`` relative to the working directory when it lies below it (as findings report files)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def _read_file(path: str, config_path: str) -> list[Mapping[str, Any]]:
    import yaml

    if not Path(path).exists() and not Path(path).is_symlink():
        raise ConfigError(f"{config_path}: invalid configuration at `waivers.file`: {path} not found")
    try:  # a regular file of at most 4 MiB: never blocks on a FIFO, never reads a device
        data = load_yaml(read_text(Path(path), path, Limit(4 * 1024 * 1024, None)).text)
    except UnreadableInput as exc:
        raise ConfigError(f"cannot read waiver file: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: waiver file is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except ValueError as exc:  # PyYAML raises it for impossible dates such as 2025-02-30
        raise ConfigError(f"{path}: waiver file holds an invalid date: {exc}") from None
    _validate_file(data if data is not None else {}, path)
    return list(data.get("entries") or []) if isinstance(data, dict) else []


def _validate_file(data: Any, path: str) -> None:
    check_schema(file_schema(), data, path, "waiver file")


@lru_cache(maxsize=1)
def file_schema() -> dict[str, Any]:
    """A separate waiver file holds only ``entries``, with the same entry schema as the config."""
    section = json.loads((SCHEMA_DIR / "waivers.json").read_text(encoding="utf-8"))
    return {"type": "object", "additionalProperties": False, "required": ["entries"],
            "properties": {"entries": section["properties"]["entries"]}}


def _entry_lines(path: str, keys: tuple[str, ...]) -> list[int]:
    """1-based line of each entry of the sequence at ``keys`` (best effort; [] when unknown)."""
    import yaml

    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return []
        node = next((value for name, value in node.value if getattr(name, "value", None) == key), None)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]
