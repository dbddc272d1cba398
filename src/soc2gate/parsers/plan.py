"""``terraform show -json`` plans: planned values joined with resource changes.

Values unknown until apply are kept as the text ``(known after apply)`` and marked
unknown; resources being deleted stay visible (``meta.actions``).  References from the
plan's ``configuration`` section become ``meta.raw`` so linked resources resolve as in HCL.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from soc2gate.model import Resource, SourceSpan
from soc2gate.parsers.plan_drift import drift_resources

AFTER_APPLY = "(known after apply)"
_INDEX = re.compile(r"\[[^\]]*\]")


class PlanError(Exception):
    """The JSON is not a usable plan; the message names the key path."""


def is_plan(document: Any) -> bool:
    return isinstance(document, dict) and "format_version" in document and (
        "planned_values" in document or "resource_changes" in document or "terraform_version" in document
    )


def plan_resources(document: dict[str, Any], path: str, text: str) -> list[Resource]:
    """Every managed resource and data source of the plan, with change actions."""
    _check_shape(document)
    changes = {c["address"]: c for c in document.get("resource_changes") or [] if isinstance(c, dict) and "address" in c}
    expressions = _configuration_expressions(document.get("configuration") or {})
    lines = _address_lines(text)
    resources = []
    seen = set()
    root = (document.get("planned_values") or {}).get("root_module") or {}
    for entry in _walk_module(root):
        seen.add(entry["address"])
        resources.append(_resource(entry, changes.get(entry["address"]), expressions, path, lines))
    for address, change in changes.items():
        if address not in seen and _actions(change) and "delete" in _actions(change):
            entry = {k: change.get(k) for k in ("address", "type", "name", "mode")}
            entry["values"] = (change.get("change") or {}).get("before") or {}
            resources.append(_resource(entry, change, expressions, path, lines))
    try:
        resources += drift_resources(document, path, text,
                                     lambda entry: _resource(entry, None, expressions, path, lines))
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    return resources


def _module_values() -> dict[str, Any]:
    return {"resources": [{"address": str, "type": str, "name": str, "mode": str, "values": dict}],
            "child_modules": [_module_values]}


def _module_config() -> dict[str, Any]:
    return {"resources": [{"address": str, "expressions": dict}], "module_calls": {"*": {"module": _module_config}}}


PLAN_SHAPE: dict[str, Any] = {
    "planned_values": {"root_module": _module_values},
    "resource_changes": [{"address": str, "type": str, "name": str, "mode": str,
                          "change": {"actions": [str], "before": object, "after_unknown": object}}],
    "configuration": {"root_module": _module_config},
}


def _check_shape(document: dict[str, Any]) -> None:
    """Every part of the plan soc2gate reads has the documented JSON type (null counts as absent)."""
    _conform(document, PLAN_SHAPE, "")


def _conform(value: Any, spec: Any, where: str) -> None:
    spec = spec() if callable(spec) and not isinstance(spec, type) else spec
    if value is None or spec is object:
        return
    expected = dict if isinstance(spec, dict) else list if isinstance(spec, list) else spec
    if not isinstance(value, expected):
        names = {dict: "an object", list: "an array", str: "a string"}
        raise PlanError(f"key `{where.lstrip('.') or '$'}` must be {names.get(expected, expected.__name__)}, "
                        f"found {type(value).__name__}")
    if isinstance(spec, list):
        for index, item in enumerate(value):
            _conform(item, spec[0], f"{where}[{index}]")
    elif isinstance(spec, dict):
        for key, sub in spec.items():
            children = value.items() if key == "*" else [(key, value.get(key))]
            for name, item in children:
                _conform(item, sub, f"{where}.{name}")


def _walk_module(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for entry in module.get("resources") or []:
        if isinstance(entry, dict) and entry.get("address") and entry.get("type"):
            yield entry
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _walk_module(child)


def _actions(change: dict[str, Any] | None) -> list[str]:
    return list(((change or {}).get("change") or {}).get("actions") or [])


def _resource(entry, change, expressions, path, lines) -> Resource:
    address = str(entry["address"])
    values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
    after_unknown = ((change or {}).get("change") or {}).get("after_unknown") or {}
    unknown: dict[str, str] = {}
    attributes = _mark_unknown(values, after_unknown, "", unknown)
    config_address = _INDEX.sub("", address)
    raw = expressions.get(config_address, {})
    if config_address in expressions:
        attributes = _drop_computed(attributes, unknown, raw)
    kind = "data" if entry.get("mode") == "data" else "resource"
    line = lines.get(address, 1)
    return Resource(
        surface="terraform",
        type=str(entry["type"]),
        name=str(entry.get("name") or ""),
        address=address,
        span=SourceSpan(path, line, line),
        attributes=attributes,
        unknown=unknown,
        meta={"kind": kind, "module": _module_of(address), "actions": _actions(change), "raw": raw,
              "source": "plan", "before": ((change or {}).get("change") or {}).get("before")},
    )


def _module_of(address: str) -> str:
    parts = _split_address(address)
    modules = []
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        modules.append(f"module.{parts[index + 1]}")
        index += 2
    return ".".join(modules)


def _split_address(address: str) -> list[str]:
    return re.findall(r"[^.\[]+(?:\[[^\]]*\])?", address)


def _mark_unknown(value: Any, unknown_flags: Any, path: str, unknown: dict[str, str]) -> Any:
    if unknown_flags is True:
        unknown.setdefault(path, AFTER_APPLY)
        return AFTER_APPLY if value is None else value
    if isinstance(value, dict):
        flags = unknown_flags if isinstance(unknown_flags, dict) else {}
        merged = dict(value)
        for key in flags:
            merged.setdefault(key, None)
        # null means "not set" in a plan, exactly like an absent attribute in HCL
        return {k: _mark_unknown(v, flags.get(k), f"{path}.{k}" if path else k, unknown)
                for k, v in merged.items() if v is not None or flags.get(k) is True}
    if isinstance(value, list):
        flags = unknown_flags if isinstance(unknown_flags, list) else []
        return [_mark_unknown(v, flags[i] if i < len(flags) else None, path, unknown) for i, v in enumerate(value)]
    return value


def _drop_computed(attributes: dict[str, Any], unknown: dict[str, str], raw: dict[str, Any]) -> dict[str, Any]:
    """A top-level value the provider computes at apply (not set in the configuration) is absent,
    as in HCL: it stays listed as unknown, but "is it set?" checks do not see it set."""
    return {k: v for k, v in attributes.items() if not (v == AFTER_APPLY and k in unknown and k not in raw)}


def _configuration_expressions(configuration: dict[str, Any]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    _collect_expressions(configuration.get("root_module") or {}, "", found)
    return found


def _collect_expressions(module: dict[str, Any], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for resource in module.get("resources") or []:
        if not isinstance(resource, dict) or "address" not in resource:
            continue
        raw = {}
        for key, expression in (resource.get("expressions") or {}).items():
            refs = expression.get("references") if isinstance(expression, dict) else None
            if refs:
                raw[key] = "${" + str(refs[0]) + "}"
            elif isinstance(expression, dict) and "constant_value" in expression:
                raw[key] = expression["constant_value"]
        found[prefix + resource["address"]] = raw
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, dict):
            _collect_expressions(call.get("module") or {}, f"{prefix}module.{name}.", found)


def _address_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in re.finditer(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1).replace('\\"', '"'), line)
    return lines
