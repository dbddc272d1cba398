"""Read every input the user named and turn it into Resources (or SYS findings).

This is the one place that knows which parser handles which file; the parsers
themselves stay independent of each other.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from soc2gate.discovery import Candidate, discover
from soc2gate.model import Resource, Skipped
from soc2gate.parsers.collected import Collected, read_all, record
from soc2gate.parsers.hcl_batch import module_loader, parse_hcl_files
from soc2gate.parsers.hcl_file import HclSyntaxError
from soc2gate.parsers.kubernetes import ManifestError, manifest_resources
from soc2gate.parsers.links import link_resources
from soc2gate.parsers.modules import CallSite, called_directories, instance_resources
from soc2gate.parsers.plan import PlanError, is_plan, plan_resources
from soc2gate.parsers.terraform import ModuleSource
from soc2gate.parsers.textio import (DEFAULT_LIMIT, HCL_LIMIT, MAX_SCALAR_CHARS, YAML_LIMIT, TextFile, UnreadableInput,
                                     oversized_string, read_text, text_from_bytes)
from soc2gate.parsers.tfvars import directory_values, var_file_values
from soc2gate.parsers.yaml_guard import load_yaml

INPUT_TYPES = ("terraform", "plan", "kubernetes", "change")


@dataclass(frozen=True)
class CollectOptions:
    var_files: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    use_cache: bool = True
    change_records: tuple[str, ...] = ()
    change_api: dict[str, Any] = field(default_factory=dict)


def json_routes() -> dict[str, tuple[Callable[[Any], bool], Callable[[Any, TextFile], list[Resource]]]]:
    """JSON document kinds: detector and converter.  Order matters: first match wins."""
    from soc2gate.change import records

    return {
        "plan": (is_plan, lambda doc, tf: plan_resources(doc, tf.path, tf.text)),
        "change": (records.detect, lambda doc, tf: [records.to_resource(doc, tf.path, 1)]),
        "kubernetes": (_is_manifest_json, lambda doc, tf: manifest_resources(tf.text, tf.path)[0]),
    }


def _is_manifest_json(document: Any) -> bool:
    return isinstance(document, dict) and bool(document.get("apiVersion")) and bool(document.get("kind"))


def collect(paths: list[str], options: CollectOptions) -> Collected:
    out = Collected()
    found = discover(paths, options.excludes)
    out.skipped.extend(found.skipped)
    for item in found.missing:
        out.error("SYS-005", item.path, 0, f"{item.path}: {item.reason}")
    for item in found.unreadable:
        out.error("SYS-002", item.path, 0, f"{item.path}: {item.reason}")
    texts = read_all(found.candidates, out)
    _collect_terraform(texts, options, out)
    for candidate, text in texts:
        if candidate.kind == "json":
            _collect_json(candidate, text, out)
        elif candidate.kind == "yaml":
            _collect_yaml(candidate, text, out)
    for name in options.change_records:
        _collect_change_record(name, out, options.change_api)
    return out


def collect_stdin(data: bytes, input_type: str, options: CollectOptions) -> Collected:
    """Read one input from standard input, typed explicitly."""
    out = Collected()
    kind = {"terraform": "terraform", "plan": "json", "kubernetes": "yaml", "change": "json"}[input_type]
    try:
        text = text_from_bytes(data, "<stdin>", {"terraform": HCL_LIMIT, "yaml": YAML_LIMIT}.get(kind, DEFAULT_LIMIT))
    except UnreadableInput as exc:
        out.error("SYS-002", "<stdin>", 0, str(exc))
        return out
    candidate = Candidate(Path("<stdin>"), "<stdin>", kind, True)
    if kind == "terraform":
        _collect_terraform([(candidate, text)], options, out)
    elif input_type == "kubernetes":
        _collect_yaml(candidate, text, out)
    else:
        _collect_json(candidate, text, out, required=input_type)
    return out


def _collect_terraform(texts, options: CollectOptions, out: Collected) -> None:
    tf_files = [(c, t) for c, t in texts if c.kind == "terraform"]
    parsed = parse_hcl_files(tf_files, options.use_cache, out)
    by_dir: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    counts: dict[str, TextFile] = {}
    for candidate, text in tf_files:
        if text.path in parsed:
            by_dir[str(candidate.path.parent)].append((text.path, parsed[text.path]))
            counts[text.path] = text
    shared_vars = var_file_values(options.var_files, out)
    resources: list[Resource] = []
    called = called_directories(by_dir)
    auto_vars = directory_values(texts, {str(c.path.parent) for c, _ in tf_files}, called, out)
    load_dir = module_loader(by_dir, options.use_cache, out)
    for directory, files in sorted(by_dir.items()):
        if os.path.realpath(directory) in called:
            continue
        variables = {**auto_vars.get(directory, {}), **shared_vars}
        source = ModuleSource(directory, files, variables)
        resources.extend(instance_resources(source, load_dir, CallSite(directory, "")))
    per_file: dict[str, int] = defaultdict(int)
    for resource in resources:
        per_file[resource.span.file] += 1
    for path, text in counts.items():
        record(out, text, "terraform", per_file[path])
    out.resources.extend(link_resources(resources))


def _collect_json(candidate: Candidate, text: TextFile, out: Collected, required: str | None = None) -> None:
    try:
        document = json.loads(text.text)
    except json.JSONDecodeError as exc:
        out.error("SYS-001", text.path, exc.lineno, f"{text.path}:{exc.lineno}: invalid JSON: {exc.msg}")
        return
    except RecursionError:
        out.error("SYS-001", text.path, 1, f"{text.path}: JSON is nested too deeply to read")
        return
    except ValueError as exc:  # a number past Python's 4300-digit conversion limit
        out.error("SYS-001", text.path, 1, f"{text.path}: invalid JSON: {str(exc).split(';')[0]}")
        return
    too_long = oversized_string(document)
    if too_long is not None:
        out.error("SYS-001", text.path, 1, f"{text.path}: the value at {too_long} is longer than "
                                           f"{MAX_SCALAR_CHARS} characters, the limit for one value (docs/security.md)")
        record(out, text, "json", 0)
        return
    for kind, (detect, convert) in json_routes().items():
        if (required is None and detect(document)) or required == kind:
            _convert(kind, convert, document, text, out)
            return
    reason = "JSON file is not a Terraform plan, Kubernetes manifest or change record"
    if candidate.explicit:
        out.error("SYS-005", text.path, 1, f"{text.path}: {reason}")
    else:
        out.skipped.append(Skipped(text.path, reason))


def _convert(kind: str, convert, document: Any, text: TextFile, out: Collected) -> None:
    from soc2gate.errors import InputError

    try:
        resources = convert(document, text)
    except (PlanError, InputError, ManifestError) as exc:
        out.error("SYS-001", text.path, getattr(exc, "line", 1) or 1, f"{text.path}: {exc}")
        record(out, text, kind, 0)
        return
    except RecursionError:
        out.error("SYS-001", text.path, 1, f"{text.path}: nested too deeply to read")
        record(out, text, kind, 0)
        return
    if kind == "plan":
        resources = link_resources(resources)
    out.resources.extend(resources)
    record(out, text, kind, len(resources))


def _collect_yaml(candidate: Candidate, text: TextFile, out: Collected) -> None:
    from soc2gate.change import records

    if records.looks_like_yaml_record(text.text):
        _collect_change_yaml(candidate, text, out)
        return
    try:
        resources, skipped = manifest_resources(text.text, text.path)
    except ManifestError as exc:
        out.error("SYS-001", text.path, exc.line, f"{text.path}:{exc.line}: {exc}")
        record(out, text, "kubernetes", 0)
        return
    if not resources and skipped and candidate.explicit:
        out.error("SYS-005", text.path, 1, f"{text.path}: no Kubernetes object in this YAML file")
    out.skipped.extend(skipped)
    out.resources.extend(resources)
    record(out, text, "kubernetes", len(resources))


def _collect_change_record(name: str, out: Collected, change_api: dict[str, Any] | None = None) -> None:
    path = Path(name)
    try:
        text = read_text(path, name)
    except UnreadableInput as exc:
        out.error("SYS-002", name, 0, str(exc))
        return
    candidate = Candidate(path, name, "json", True)
    if name.endswith((".yaml", ".yml")):
        _collect_change_yaml(candidate, text, out)
        return
    from soc2gate.change import enrich

    if enrich.wants(change_api):
        enriched = enrich.enriched_json(text.text, change_api or {}, name)
        text = TextFile(text.path, enriched, text.sha256) if enriched is not None else text
    _collect_json(candidate, text, out, required="change")


def _collect_change_yaml(candidate: Candidate, text: TextFile, out: Collected) -> None:
    import yaml

    try:
        document = load_yaml(text.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        out.error("SYS-001", text.path, mark.line + 1 if mark else 0, f"{text.path}: invalid YAML: {exc}")
        return
    _collect_json(candidate, TextFile(text.path, json.dumps(document, default=str), text.sha256), out, required="change")
