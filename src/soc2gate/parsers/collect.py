"""Read every input the user named and turn it into Resources (or SYS findings).

This is the one place that knows which parser handles which file; the parsers
themselves stay independent of each other.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from soc2gate.discovery import Candidate, discover
from soc2gate.errors import InputError
from soc2gate.model import Resource, Skipped
from soc2gate.parsers import json_strict
from soc2gate.parsers.change import records
from soc2gate.parsers.collected import Collected, read_all, record
from soc2gate.parsers.hcl_batch import module_loader, parse_hcl_files
from soc2gate.parsers.kubernetes import ManifestError, manifest_resources
from soc2gate.parsers.links import link_resources
from soc2gate.parsers.modules import called_directories
from soc2gate.parsers.plan import PlanError, is_plan, plan_resources
from soc2gate.parsers.render_collect import RENDERED_KINDS, RenderSettings, collect_rendered
from soc2gate.parsers.root_modules import root_resources
from soc2gate.parsers.terraform import ModuleSource
from soc2gate.parsers.textio import (
    DEFAULT_LIMIT,
    HCL_LIMIT,
    MAX_SCALAR_CHARS,
    YAML_LIMIT,
    TextFile,
    UnreadableInput,
    oversized_string,
    read_text,
    text_from_bytes,
)
from soc2gate.parsers.tfvars import directory_values, var_file_values
from soc2gate.parsers.yaml_guard import load_yaml

INPUT_TYPES = ("terraform", "plan", "kubernetes", "change")


@dataclass(frozen=True)
class CollectOptions:
    """``complete_record`` completes a named change record (the API layer passes the REST enrichment;
    its errors propagate); ``change_location`` is the repository file reports place those records'
    findings on (the workflow that ran the gate)."""

    var_files: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    use_cache: bool = True
    change_records: tuple[str, ...] = ()
    complete_record: records.Complete | None = None
    change_location: str = ""
    render: RenderSettings = RenderSettings()


def json_routes() -> dict[str, tuple[Callable[[Any], bool], Callable[[Any, TextFile], list[Resource]]]]:
    """JSON document kinds: detector and converter.  Order matters: first match wins."""
    return {
        "plan": (is_plan, lambda doc, tf: plan_resources(doc, tf.path, tf.text)),
        "change": (records.detect, lambda doc, tf: records.to_resources(doc, tf.path)),
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
    rendered = [c for c in found.candidates if c.kind in RENDERED_KINDS]
    texts = read_all([c for c in found.candidates if c.kind not in RENDERED_KINDS], out)
    _collect_terraform(texts, options, out)
    for candidate, text in texts:
        if candidate.kind == "json":
            _collect_json(candidate, text, out)
        elif candidate.kind == "yaml":
            _collect_yaml(candidate, text, out)
    collect_rendered(rendered, options.render, out)
    for name in options.change_records:
        _collect_change_record(name, out, options)
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
    called = called_directories(by_dir)
    auto_vars = directory_values(texts, {str(c.path.parent) for c, _ in tf_files}, called, out)
    load_dir = module_loader(by_dir, options.use_cache, out)
    roots = [ModuleSource(directory, files, {**auto_vars.get(directory, {}), **shared_vars})
             for directory, files in sorted(by_dir.items()) if os.path.realpath(directory) not in called]
    resources = root_resources(roots, load_dir, out)
    per_file: dict[str, int] = defaultdict(int)
    for resource in resources:
        per_file[resource.span.file] += 1
    for path, text in counts.items():
        record(out, text, "terraform", per_file[path])
    out.resources.extend(link_resources(resources))


def _collect_json(candidate: Candidate, text: TextFile, out: Collected, required: str | None = None) -> None:
    try:
        document = json_strict.loads(text.text)
    except json.JSONDecodeError as exc:
        out.error("SYS-001", text.path, exc.lineno, f"{text.path}:{exc.lineno}: invalid JSON: {exc.msg}")
        return
    except RecursionError:
        out.error("SYS-001", text.path, 1, f"{text.path}: JSON is nested too deeply to read")
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
    if records.looks_like_yaml_record(text.text):
        document = _change_yaml(text, out)
        if document is not None:
            _convert("change", json_routes()["change"][1], document, text, out)
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


def _collect_change_record(name: str, out: Collected, options: CollectOptions) -> None:
    """A change record named explicitly (JSON or YAML), completed by ``options.complete_record``."""
    try:
        text = read_text(Path(name), name)
    except UnreadableInput as exc:
        out.error("SYS-002", name, 0, str(exc))
        return
    document = _change_yaml(text, out) if name.endswith((".yaml", ".yml")) else _change_json(text, out)
    if document is None:
        return
    try:
        found = records.normalize_all(document)
    except InputError as exc:
        out.error("SYS-001", text.path, 1, f"{text.path}: {exc}")
        record(out, text, "change", 0)
        return
    if options.complete_record is not None:
        found = [options.complete_record(r, name) for r in found]
    resources = [records.resource_of(r, text.path, 1, options.change_location) for r in found]
    out.resources.extend(resources)
    record(out, text, "change", len(resources))


def _change_json(text: TextFile, out: Collected) -> Any:
    try:
        return json_strict.loads(text.text)
    except json.JSONDecodeError as exc:
        out.error("SYS-001", text.path, exc.lineno, f"{text.path}:{exc.lineno}: invalid JSON: {exc.msg}")
    except RecursionError:
        out.error("SYS-001", text.path, 1, f"{text.path}: JSON is nested too deeply to read")
    return None


def _change_yaml(text: TextFile, out: Collected) -> Any:
    """The YAML document as Python values (read once; records.plain turns dates into strings)."""
    import yaml

    try:
        return load_yaml(text.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(exc, "line", None) or (mark.line + 1 if mark else 0)
        out.error("SYS-001", text.path, line, f"{text.path}: invalid YAML: {exc}")
    except RecursionError:
        out.error("SYS-001", text.path, 1, f"{text.path}: YAML is nested too deeply to read")
    return None
