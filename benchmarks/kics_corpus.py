"""Read the KICS labeled query corpus (../shared/corpora/kics/assets/queries).

Each query folder holds ``metadata.json`` (id, queryName), ``test/positive*`` and
``test/negative*`` fixtures, and ``test/positive_expected_result.json``: the findings the
positive fixtures must raise, each a 1-based ``line`` and a file name spelled ``filename``,
``fileName`` or ``fineName`` -- or missing, in which case the finding may be in the only
positive file, or in any positive file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PLATFORMS: tuple[str, ...] = ("terraform/aws", "terraform/gcp", "terraform/azure", "k8s")
FILE_KEYS: tuple[str, ...] = ("filename", "fileName", "fineName")
EXPECTED_NAME = "positive_expected_result.json"
FIXTURE_SUFFIXES: tuple[str, ...] = (".tf", ".json", ".yaml", ".yml")


class CorpusError(Exception):
    """A corpus file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Expected:
    """One finding KICS expects: its line, and the positive files it may be in."""

    line: int
    files: tuple[Path, ...]
    named: str = ""


@dataclass(frozen=True)
class Query:
    id: str
    name: str
    platform: str
    path: Path
    positives: tuple[Path, ...]
    negatives: tuple[Path, ...]
    expected: tuple[Expected, ...]
    var_files: tuple[Path, ...] = ()


def load_queries(root: Path, platforms: tuple[str, ...] = PLATFORMS) -> dict[str, Query]:
    """Every query of ``platforms`` under ``root``, by (lower-case) query id."""
    if not root.is_dir():
        raise CorpusError(f"{root}: KICS query corpus not found (expected ../shared/corpora/kics/assets/queries)")
    queries: dict[str, Query] = {}
    for platform in platforms:
        folder = root / platform
        if not folder.is_dir():
            raise CorpusError(f"{folder}: platform folder missing from the KICS corpus")
        for path in sorted(p for p in folder.iterdir() if (p / "metadata.json").is_file()):
            query = load_query(path, platform)
            queries[query.id] = query
    return queries


def load_query(path: Path, platform: str) -> Query:
    metadata = _json(path / "metadata.json")
    if not isinstance(metadata, dict) or not metadata.get("id"):
        raise CorpusError(f"{path / 'metadata.json'}: no query `id`")
    test = path / "test"
    files = sorted(p for p in test.iterdir() if p.is_file()) if test.is_dir() else []
    positives = tuple(p for p in files if _fixture(p, "positive"))
    negatives = tuple(p for p in files if _fixture(p, "negative"))
    var_files = tuple(p for p in files if p.name.endswith(".tfvars"))
    expected_path = test / EXPECTED_NAME
    entries = _json(expected_path) if expected_path.is_file() else []
    if not isinstance(entries, list):
        raise CorpusError(f"{expected_path}: expected a JSON list of findings")
    expected = tuple(expected_entry(e, positives, expected_path) for e in entries)
    return Query(str(metadata["id"]).lower(), str(metadata.get("queryName", "")), platform, path,
                 positives, negatives, expected, var_files)


def expected_entry(entry: object, positives: tuple[Path, ...], where: Path) -> Expected:
    """Resolve one expected finding to the positive files it may be in."""
    if not isinstance(entry, dict) or not isinstance(entry.get("line"), int):
        raise CorpusError(f"{where}: every expected finding needs an integer `line`: {entry!r}")
    named = next((str(entry[k]) for k in FILE_KEYS if entry.get(k)), "")
    if named:
        files = tuple(p for p in positives if p.name == Path(named).name)
        return Expected(entry["line"], files or (where.parent / Path(named).name,), named)
    return Expected(entry["line"], positives)


def _fixture(path: Path, prefix: str) -> bool:
    return path.name.startswith(prefix) and path.suffix in FIXTURE_SUFFIXES and path.name != EXPECTED_NAME


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read JSON: {exc}") from None
