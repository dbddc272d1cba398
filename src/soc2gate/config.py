"""``.soc2gate.yaml``: one validated file every capability reads its settings from.

The core owns the keys in ``schemas/config/core.json``; every other top-level section
(``change_management``, ``waivers``, ``evidence``, ``webhook``, ...) is validated by its
own ``schemas/config/<section>.json``.  An unknown key or a bad value is a ConfigError
naming the file and the key path.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from soc2gate.errors import ConfigError
from soc2gate.parsers.textio import Limit, UnreadableInput, read_text
from soc2gate.parsers.yaml_guard import load_yaml

DEFAULT_NAME = ".soc2gate.yaml"
SCHEMA_DIR = Path(__file__).parent / "schemas" / "config"


@dataclass(frozen=True)
class Config:
    """The validated configuration; ``sections`` holds each non-core section as given."""

    path: str = ""
    base_dir: Path = field(default_factory=Path.cwd)
    data: Mapping[str, Any] = field(default_factory=dict)
    digest: str = "sha256:" + hashlib.sha256(b"{}").hexdigest()

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def relative(self, value: str) -> str:
        path = Path(value)
        return str(path if path.is_absolute() else self.base_dir / path)


@lru_cache(maxsize=1)
def config_schema() -> dict[str, Any]:
    core = json.loads((SCHEMA_DIR / "core.json").read_text(encoding="utf-8"))
    properties = dict(core["properties"])
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.stem != "core":
            properties[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return {"type": "object", "properties": properties, "additionalProperties": False}


def load_config(path: str | None, scanned: Sequence[str] = ()) -> Config:
    """Load ``path``; without one, the ``.soc2gate.yaml`` found by :func:`discover_config`, else defaults."""
    if path is None:
        found = discover_config(scanned)
        if found is None:
            return Config()
        path = str(found)
    return parse_config(_read(path), path)


def discover_config(scanned: Sequence[str] = (), cwd: Path | None = None) -> Path | None:
    """The configuration of a run, looked up as pre-commit, ruff and checkov do: from the scanned
    path's directory (the common directory of several paths) upwards to the repository root (the
    first directory holding ``.git``), then the current directory.  Outside a repository only the
    scanned directory itself is looked at, so a stray file in a shared parent never applies."""
    cwd = cwd or Path.cwd()
    for directory in _upwards(scanned, cwd):
        candidate = directory / DEFAULT_NAME
        if _present(candidate):
            return _shown(candidate, cwd)
    default = cwd / DEFAULT_NAME
    return _shown(default, cwd) if _present(default) else None


def _present(path: Path) -> bool:
    return path.is_file() or path.is_symlink()  # a link to a device is read, and refused


def _upwards(scanned: Sequence[str], cwd: Path) -> list[Path]:
    real = [os.path.abspath(p) for p in scanned if p and p != "-" and os.path.exists(p)]
    if not real:
        return []
    start = Path(os.path.commonpath(real))
    start = start if start.is_dir() else start.parent
    chain = [start, *start.parents]
    for index, directory in enumerate(chain):
        if (directory / ".git").exists():
            return chain[: index + 1]
    return [start]


def _shown(path: Path, cwd: Path) -> Path:
    """``path`` relative to the current directory when it lies below it (as reports show it)."""
    try:
        return path.relative_to(cwd)
    except ValueError:
        return path


def _read(path: str) -> str:
    """The configuration text: a regular file of at most 1 MiB (never blocks on a FIFO, never reads a device)."""
    if not Path(path).exists() and not Path(path).is_symlink():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        return read_text(Path(path), path, Limit(1024 * 1024, None)).text
    except UnreadableInput as exc:
        raise ConfigError(f"cannot read configuration: {exc}") from None


def parse_config(text: str, path: str) -> Config:
    import yaml

    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: configuration is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: configuration holds an invalid value: {exc}") from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a YAML mapping at the top level")
    validate(data, path)
    digest = "sha256:" + hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return Config(path=path, base_dir=Path(path).resolve().parent, data=data, digest=digest)


def _load_yaml(text: str):
    return load_yaml(text)


def validate(data: Mapping[str, Any], path: str) -> None:
    check_schema(config_schema(), data, path, "configuration")


def check_schema(schema: Mapping[str, Any], data: Any, path: str, what: str) -> None:
    """ConfigError ``<path>: invalid <what> at `<key path>`: <why>`` for the first violation of
    ``schema`` (JSON Schema 2020-12) in key-path order; the one check of every settings file."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        key_path = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"{path}: invalid {what} at `{key_path}`: {_explain(error)}")


def _explain(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"unknown key ({error.message.split('(')[-1].rstrip(')')})"
    return error.message
