"""Terraform override files (``override.tf``, ``*_override.tf`` and their ``.tf.json`` forms).

As Terraform documents (language/files/override): override files are set aside, then
applied one by one in lexicographical order of file name, each block in file order, to
the block with the same header (kind and labels) in the ordinary files:

* an attribute replaces the attribute of the same name (``count``/``for_each`` included:
  ``count = 0`` in an override removes the resource);
* nested blocks of a type replace *all* blocks of that type, static or ``dynamic``;
* ``lifecycle`` of a resource/data block merges argument by argument;
* ``locals`` override value by value.

An override block with no block to merge into is kept as a block of its own (Terraform
refuses such a configuration; soc2gate still judges what it says).  Lines of replaced
attributes are dropped from the base block's line map (a finding on them points at the
block); ``meta["overridden_by"]`` of the resource names the override files and lines.
"""

from __future__ import annotations

import copy
import re
from pathlib import PurePath
from typing import Any

Files = list[tuple[str, dict[str, Any]]]
_OVERRIDE = re.compile(r"^(?:override|.+_override)\.tf(?:\.json)?$")


def is_override(path: str) -> bool:
    return bool(_OVERRIDE.match(PurePath(path).name))


def apply_overrides(files: Files) -> Files:
    """The ordinary files with every override file merged in (inputs are not modified)."""
    overrides = sorted((f for f in files if is_override(f[0])), key=lambda f: PurePath(f[0]).name)
    if not overrides:
        return files
    merged = [(path, {**parsed, "blocks": list(parsed["blocks"])}) for path, parsed in files if not is_override(path)]
    index = {_header(b): (i, j) for i, (_, parsed) in enumerate(merged) for j, b in enumerate(parsed["blocks"])
             if b["kind"] != "locals"}
    extra: dict[str, list[dict[str, Any]]] = {}
    for path, parsed in overrides:
        for block in parsed["blocks"]:
            where = index.get(_header(block)) if block["kind"] != "locals" else None
            if where is None:
                extra.setdefault(path, []).append(block)
                continue
            blocks = merged[where[0]][1]["blocks"]
            blocks[where[1]] = merge_block(blocks[where[1]], block, path)
    return merged + [(path, {"blocks": blocks, "comments": []}) for path, blocks in extra.items()]


def _header(block: dict[str, Any]) -> tuple[str, ...]:
    return (block["kind"], *block["labels"])


def merge_block(base: dict[str, Any], override: dict[str, Any], path: str) -> dict[str, Any]:
    """``base`` with ``override``'s attributes and nested block types replacing its own."""
    body = copy.copy(base["body"]) if isinstance(base["body"], dict) else {}
    over = override["body"] if isinstance(override["body"], dict) else {}
    replaced = {k for k in over if k != "dynamic"} | set(_dynamic_types(over))
    for key in replaced:
        body.pop(key, None)
    kept = [e for e in _dynamic_entries(body) if not (set(e) & replaced)]
    body.pop("dynamic", None)
    for key, value in over.items():
        if key == "lifecycle" and base["kind"] in ("resource", "data"):
            value = [{**_first(base["body"].get("lifecycle")), **_first(value)}]
        if key != "dynamic":
            body[key] = value
    dynamics = kept + _dynamic_entries(over)
    if dynamics:
        body["dynamic"] = dynamics
    lines = {k: v for k, v in base["lines"].items() if _root(k) not in replaced}
    overridden = list(base.get("overridden_by", [])) + [{"file": path, "line": override["start"]}]
    return {**base, "body": body, "lines": lines, "overridden_by": overridden}


def _dynamic_entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    entries = body.get("dynamic", [])
    return [e for e in (entries if isinstance(entries, list) else [entries]) if isinstance(e, dict)]


def _dynamic_types(body: dict[str, Any]) -> list[str]:
    return [name for entry in _dynamic_entries(body) for name in entry]


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _root(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]
