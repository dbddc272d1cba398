"""Selectors: which findings a waiver covers.

A selector is a mapping of keys to glob patterns (``fnmatch``, case-sensitive); every key
given must match.  Keys:

* ``address``   – the resource address (``module.logs.aws_s3_bucket.this``,
  ``Deployment/shop/web``, ``change/<id>``), any surface;
* ``file``      – the file of the finding, as reported (relative to the working directory);
* ``kind``      – Kubernetes kind;  ``namespace`` – Kubernetes namespace (``""`` when the
  manifest sets none);  ``name`` – the resource name (Kubernetes ``metadata.name``,
  Terraform block name, change id);
* ``change``    – change-record id.
A key that does not apply to the finding's surface (``kind`` on a Terraform finding) does
not match.

In ``address`` patterns brackets are Terraform instance keys, not character classes:
``aws_instance.web["a"]`` is literal, ``aws_instance.web[*]`` selects every instance of the
block, ``module.db[*].aws_db_instance.this`` every instance of a module call, and ``*``
inside a key globs within it (``aws_instance.web["prod-*"]``).  ``aws_instance.web*``
selects the block's instances (and any block whose name starts with ``web``).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Mapping

from soc2gate.model import Finding, Resource

SELECTOR_KEYS: tuple[str, ...] = ("address", "file", "kind", "namespace", "name", "change")


def finding_facts(finding: Finding, resource: Resource | None) -> dict[str, str | None]:
    """The values a selector can test, for one finding (None: not applicable)."""
    surface = finding.surface or (resource.surface if resource else "")
    file = finding.span.file if finding.span else (resource.span.file if resource else "")
    name = resource.name if resource is not None else _name(finding.resource, surface)
    kubernetes = surface == "kubernetes"
    return {
        "address": finding.resource,
        "file": _plain(file),
        "kind": finding.resource_type if kubernetes else None,
        "namespace": _namespace(finding, resource) if kubernetes else None,
        "name": name,
        "change": name if surface == "change" else None,
    }


def _name(address: str, surface: str) -> str:
    """The resource name, read back from an address when the resource itself is not at hand."""
    if surface == "change":
        return address.removeprefix("change/")
    if surface == "kubernetes":
        return address.rsplit("/", 1)[-1]
    return re.sub(r"\[[^\]]*\]$", "", address).rsplit(".", 1)[-1]


def _namespace(finding: Finding, resource: Resource | None) -> str:
    if resource is not None:
        return str(resource.meta.get("namespace") or "")
    parts = finding.resource.split("/")
    return parts[1] if len(parts) == 3 else ""


def _plain(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def selector_matches(selector: Mapping[str, str], facts: Mapping[str, Any], exact: bool = False) -> bool:
    """Every key matches (globs; ``exact`` compares literally, for inline waivers)."""
    if not selector:
        return False
    for key, pattern in selector.items():
        value = facts.get(key)
        wanted = _plain(pattern) if key == "file" else pattern
        if value is None or not (str(value) == wanted if exact else _glob(key, str(value), wanted)):
            return False
    return True


def _glob(key: str, value: str, pattern: str) -> bool:
    if key == "address":
        return address_pattern(pattern).match(value) is not None
    return fnmatchcase(value, pattern)


@lru_cache(maxsize=512)
def address_pattern(pattern: str) -> re.Pattern[str]:
    """An address glob as a regex: ``*``/``?`` glob, ``[...]`` is an instance key (``[*]``: any)."""
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        end = pattern.find("]", index) if char == "[" else -1
        if end > index:
            out.append(r"\[" + _wildcards(pattern[index + 1:end], r"[^\]]") + r"\]")
            index = end + 1
            continue
        out.append(_wildcards(char, "."))
        index += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def _wildcards(text: str, any_char: str) -> str:
    return "".join(any_char + "*" if c == "*" else any_char if c == "?" else re.escape(c) for c in text)


def describe(selector: Mapping[str, str]) -> str:
    """``address=aws_s3_bucket.* namespace=shop`` for messages."""
    return " ".join(f"{key}={value!s}" if value else f'{key}=""' for key, value in selector.items())
