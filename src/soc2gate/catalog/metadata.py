"""Read OPA ``# METADATA`` annotation blocks from Rego source."""

from __future__ import annotations

import re
from typing import Any

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)


class MetadataError(Exception):
    """The annotation block is missing or not valid YAML; ``line`` is where."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def package_name(source: str) -> str:
    match = _PACKAGE.search(source)
    if not match:
        raise MetadataError("no `package` declaration", 1)
    return match.group(1)


def read_metadata(source: str) -> tuple[dict[str, Any], int]:
    """The first METADATA block before the package line, as a dict, and its line."""
    import yaml

    lines = source.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "# METADATA":
            block = []
            for body in lines[index + 1:]:
                if not body.startswith("#"):
                    break
                block.append(body[2:] if body.startswith("# ") else body[1:])
            try:
                data = yaml.load("\n".join(block), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                at = index + 2 + (mark.line if mark else 0)
                raise MetadataError(f"METADATA is not valid YAML: {exc}", at) from None
            if not isinstance(data, dict):
                raise MetadataError("METADATA must be a YAML mapping", index + 1)
            return data, index + 1
        if line.startswith("package "):
            break
    raise MetadataError("no `# METADATA` annotation block before the package line", 1)
