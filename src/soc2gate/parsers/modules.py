"""Expand module calls into the resources they create.

1. Local sources (``./x``, ``../x``): the child directory's files, with the call's inputs
   as variable values, addresses prefixed ``module.<name>.``.
2. Sources downloaded by ``terraform init`` (``.terraform/modules/modules.json``).
3. Widely used registry modules without a local copy: ``mappings/terraform-modules.yaml``
   says which inputs configure which resource attributes; findings land on the call.

A directory instantiated as a module by another scanned directory is not also evaluated
as a root module (Terraform applies only roots).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from soc2gate.catalog.locate import mappings_dir
from soc2gate.model import Resource, SourceSpan
from soc2gate.parsers.expressions import Unknown
from soc2gate.parsers.expressions_types import partial_or
from soc2gate.parsers.module_outputs import ModuleOutputs, local_child
from soc2gate.parsers.terraform import MODULE_META as META_ARGUMENTS
from soc2gate.parsers.terraform import ModuleSource, module_resources
from soc2gate.parsers.textio import UnreadableInput, read_text

MAX_DEPTH = 8

Files = list[tuple[str, dict[str, Any]]]
LoadDir = Callable[[str], Files]


@dataclass(frozen=True)
class CallSite:
    """Where a module call stands: the root directory it descends from and its key path."""

    root: str
    key: str


def called_directories(by_dir: dict[str, Files]) -> set[str]:
    """Directories some scanned directory calls as a local module."""
    called = set()
    for directory, files in by_dir.items():
        for _, parsed in files:
            for block in parsed["blocks"]:
                is_call = block["kind"] == "module" and isinstance(block["body"], dict)
                source = block["body"].get("source") if is_call else None
                child = local_child(directory, source) if isinstance(source, str) else None
                if child and child != os.path.realpath(directory):
                    called.add(child)
    return called


def instance_resources(source: ModuleSource, load_dir: LoadDir, site: CallSite, depth: int = 0) -> list[Resource]:
    """Resources of one module instance, with its module calls expanded recursively."""
    resources = module_resources(source, ModuleOutputs(source.directory, source.files, load_dir, depth))
    expanded: list[Resource] = []
    for resource in resources:
        expanded.append(resource)
        if resource.meta.get("kind") == "module" and depth < MAX_DEPTH:
            key = f"{site.key}.{resource.name}" if site.key else resource.name
            expanded.extend(_expand_call(resource, source, load_dir, CallSite(site.root, key), depth))
    return expanded


def _inputs(call: Resource) -> dict[str, Any]:
    """The call's arguments as the child's variables; partly unknown values stay Partial."""
    if isinstance(call.meta.get("inputs"), dict):
        return dict(call.meta["inputs"])
    values = {}
    for key, value in call.attributes.items():
        if key not in META_ARGUMENTS:
            values[key] = _marked(value, _below(call.unknown, key)) if key not in call.unknown \
                else Unknown(call.unknown[key])
    return values


def _below(unknown: Mapping[str, str], key: str) -> dict[str, str]:
    return {path[len(key) + 1:]: expression for path, expression in unknown.items() if path.startswith(key + ".")}


def _marked(value: Any, unknown: dict[str, str]) -> Any:
    """``value`` with its unknown paths as Unknown (a list with an unknown path is unknown as a whole)."""
    if not unknown:
        return value
    if not isinstance(value, dict):
        return Unknown(next(iter(unknown.values())))
    return partial_or("object", {k: Unknown(unknown[k]) if k in unknown else _marked(v, _below(unknown, k))
                                 for k, v in value.items()})


def _expand_call(call: Resource, parent: ModuleSource, load_dir: LoadDir, site: CallSite, depth: int) -> list[Resource]:
    source = call.attributes.get("source")
    if not isinstance(source, str) or "source" in call.unknown:
        return []
    directory = local_child(parent.directory, source) or _downloaded(site)
    if directory:
        files = load_dir(directory)
        if files:
            child = ModuleSource(directory, files, _inputs(call), prefix=call.address + ".", root=site.root,
                                 call_sites=(*parent.call_sites, call_site(call)),
                                 undecided=str(call.meta.get("instances_unknown") or ""))
            return instance_resources(child, load_dir, site, depth + 1)
    return described_resources(call, source)


def call_site(call: Resource) -> dict[str, Any]:
    """Where a module instance is called: ``module.vpc`` at ``main.tf:12`` (outermost first in meta)."""
    return {"address": call.address, "file": call.span.file, "line": call.span.start_line}


def _downloaded(site: CallSite) -> str | None:
    manifest = Path(site.root) / ".terraform" / "modules" / "modules.json"
    for entry in _manifest(str(manifest)):
        if entry.get("Key") == site.key and entry.get("Dir"):
            return os.path.realpath(Path(site.root) / str(entry["Dir"]))
    return None


@lru_cache(maxsize=64)
def _manifest(path: str) -> tuple[dict[str, Any], ...]:
    try:
        data = json.loads(read_text(Path(path), path).text)  # a regular file, bounded: the PR controls .terraform/
    except (UnreadableInput, ValueError, RecursionError):
        return ()
    modules = data.get("Modules") if isinstance(data, dict) else None
    return tuple(m for m in modules or [] if isinstance(m, dict))


@lru_cache(maxsize=1)
def module_descriptions() -> dict[str, list[dict[str, Any]]]:
    import yaml

    text = (mappings_dir() / "terraform-modules.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's parser when built
    return data["modules"]


def described_resources(call: Resource, source: str) -> list[Resource]:
    """Resources of a known registry module, built from the call's inputs."""
    description = module_descriptions().get(source.split("//")[0].split("?")[0])
    if description is None:
        return []
    return [_described(call, spec) for spec in description]


def _described(call: Resource, spec: dict[str, Any]) -> Resource:
    unknown: dict[str, str] = {}
    attributes = _mapped(call, spec.get("attributes", {}), unknown, "")
    links = {child: [{"address": f"{call.address}.{child}.this", "line": call.span.start_line,
                      "attributes": _mapped(call, mapping, unknown, f"links.{child}")}]
             for child, mapping in spec.get("links", {}).items()}
    line_of = {attr: call.line_of[m["input"]] for attr, m in spec.get("attributes", {}).items()
               if m["input"] in call.line_of}
    return Resource(
        surface="terraform",
        type=spec["type"],
        name=spec["name"],
        address=f"{call.address}.{spec['type']}.{spec['name']}",
        span=SourceSpan(call.span.file, call.span.start_line, call.span.end_line),
        attributes=attributes,
        unknown=unknown,
        links={k: v for k, v in links.items() if v[0]["attributes"]},
        line_of=line_of,
        meta={**call.meta, "kind": "resource", "module": call.address, "module_source": call.attributes.get("source"),
              "raw": {}, "call_sites": [*call.meta.get("call_sites", []), call_site(call)]},
    )


def _major(call: Resource) -> int | None:
    match = re.search(r"\d+", str(call.attributes.get("version", "")))
    return int(match.group()) if match and "version" not in call.unknown else None


def _default(call: Resource, rule: dict[str, Any]) -> Any:
    """The module's documented default; ``legacy`` gives the default of older majors."""
    legacy = rule.get("legacy")
    major = _major(call)
    if legacy and major is not None and major < legacy["below_major"]:
        return legacy["default"]
    return rule.get("default")


def _mapped(call: Resource, mapping: dict[str, Any], unknown: dict[str, str], prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute, rule in mapping.items():
        if rule.get("when") and call.attributes.get(rule["when"]) is not True:
            continue
        name = rule["input"]
        if name in call.attributes:
            value = call.attributes[name]
            target = f"{prefix}.{attribute}" if prefix else attribute
            for path, expression in call.unknown.items():
                if path == name or path.startswith(name + "."):
                    unknown[target + path[len(name):]] = expression
        elif _default(call, rule) is not None:
            value = _default(call, rule)
        else:
            continue
        values[attribute] = [value] if rule.get("block") and isinstance(value, dict) else value
    return values
