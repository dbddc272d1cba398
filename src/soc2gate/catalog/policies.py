"""Load policy folders: ``<surface>/<slug>/policy.rego`` with METADATA, plus Rego libraries.

Every problem is a PolicyLoadError naming the policy file (and line where known):
unknown control ids, malformed ids, duplicate ids, forbidden builtins.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.metadata import MetadataError, package_name, read_metadata
from soc2gate.catalog.sandbox import check_sandbox
from soc2gate.errors import PolicyLoadError
from soc2gate.model import SEVERITIES, Control, Policy

QUERY = "data.soc2gate.policies"  # every policy package lies under it; one query evaluates them all
ID_PATTERN = re.compile(r"^(TF|K8S|CHG)-\d{3}$")
USER_RANGE_START = 900  # TF-9nn, K8S-9nn, CHG-9nn: users' own policies (docs/writing-policies.md)
SURFACE_OF_PREFIX = {"TF": "terraform", "K8S": "kubernetes", "CHG": "change"}
REQUIRED = ("title", "description")
REQUIRED_CUSTOM = ("id", "severity", "controls", "remediation", "resource_types")


@dataclass(frozen=True)
class PolicyBundle:
    """The policies and Rego libraries one run evaluates, with their digest."""

    policies: tuple[Policy, ...]
    modules: tuple[tuple[str, str], ...]
    digest: str
    notes: tuple[str, ...] = ()  # warnings for the run's Result (a user policy in the built-in id range)

    def of_surface(self, surface: str) -> PolicyBundle:
        """Only the policies of ``surface``, with every Rego module except the other policies'."""
        others = {p.path for p in self.policies if p.surface != surface}
        return replace(self, policies=tuple(p for p in self.policies if p.surface == surface),
                       modules=tuple((path, source) for path, source in self.modules if path not in others))

    def by_id(self) -> dict[str, Policy]:
        return {p.id: p for p in self.policies}


def load_bundle(dirs: list[Path], controls: dict[str, Control]) -> PolicyBundle:
    """Load every policy and library under ``dirs`` (the built-in pack first)."""
    policies: list[Policy] = []
    modules: list[tuple[str, str]] = []
    notes: list[str] = []
    for root in dirs:
        if not root.is_dir():
            raise PolicyLoadError(f"{root}: policy directory does not exist")
        built_in = root.resolve() == policies_dir().resolve()
        for path in sorted(root.rglob("*.rego")):
            if path.name.endswith("_test.rego") or "fixtures" in path.parts:
                continue
            source = _read(path)
            if not built_in:  # the built-in pack ships with the code; tests hold it to the sandbox
                check_sandbox(source, str(path))
            modules.append((str(path), source))
            if path.name == "policy.rego":
                policies.append(parse_policy(path, source, controls))
                notes.extend(filter(None, [check_range(policies[-1], built_in)]))
    _check_unique(policies)
    return PolicyBundle(tuple(policies), tuple(modules), _digest(modules), tuple(notes))


def check_range(policy: Policy, built_in: bool) -> str | None:
    """Ids TF-9nn, K8S-9nn and CHG-9nn are your own policies': a built-in policy there is a load error;
    a user policy outside it gets a warning (a later built-in policy may take its id)."""
    prefix, number = policy.id.split("-")
    if built_in and int(number) >= USER_RANGE_START:
        raise PolicyLoadError(f"{policy.path}: built-in policy id {policy.id} is in the range reserved for "
                              f"users' policies ({prefix}-900..{prefix}-999)")
    if not built_in and int(number) < USER_RANGE_START:
        return (f"{policy.path}: policy id {policy.id} is in the built-in range; give your own policies "
                f"{prefix}-900..{prefix}-999 so that no built-in policy can take their id")
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyLoadError(f"{path}: cannot read policy: {exc}") from None


def parse_policy(path: Path, source: str, controls: dict[str, Control]) -> Policy:
    try:
        meta, line = read_metadata(source)
        package = package_name(source)
    except MetadataError as exc:
        raise PolicyLoadError(f"{path}:{exc.line}: {exc}") from None
    custom = found if isinstance(found := meta.get("custom"), dict) else {}
    for key in REQUIRED:
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise PolicyLoadError(f"{path}:{line}: METADATA needs a non-empty `{key}`")
    for key in REQUIRED_CUSTOM:
        if not custom.get(key):
            raise PolicyLoadError(f"{path}:{line}: METADATA needs `custom.{key}`")
    policy_id = str(custom["id"])
    _check_id(path, line, policy_id, package)
    return Policy(
        id=policy_id,
        title=meta["title"].strip(),
        description=meta["description"].strip(),
        severity=_severity(path, line, custom["severity"]),
        surface=SURFACE_OF_PREFIX[policy_id.split("-")[0]],
        controls=_controls(path, line, custom["controls"], controls),
        remediation=str(custom["remediation"]).strip(),
        package=package,
        path=str(path),
        resource_types=_strings(path, line, custom, "resource_types"),
        inconclusive_if_unknown=_strings(path, line, custom, "inconclusive_if_unknown"),
        checkov=_strings(path, line, custom, "checkov"),
        kics=_strings(path, line, custom, "kics"),
        requirement=str(custom.get("requirement", "")),
        source=source,
        related_checkov=_related(path, line, custom, "checkov"),
        related_kics=_related(path, line, custom, "kics"),
        scoped=bool(APPLICABLE.search(source)),
    )


APPLICABLE = re.compile(r"^applicable\s+contains\b", re.MULTILINE)


def _check_id(path: Path, line: int, policy_id: str, package: str) -> None:
    if not ID_PATTERN.match(policy_id):
        raise PolicyLoadError(f"{path}:{line}: policy id `{policy_id}` is not TF-nnn, K8S-nnn or CHG-nnn")
    if not package.startswith("soc2gate.policies."):
        raise PolicyLoadError(f"{path}: package `{package}` must start with `soc2gate.policies.`")


def _severity(path: Path, line: int, value: Any) -> str:
    if value not in SEVERITIES:
        raise PolicyLoadError(f"{path}:{line}: severity `{value}` is not one of {', '.join(SEVERITIES)}")
    return str(value)


def _controls(path: Path, line: int, value: Any, catalog: dict[str, Control]) -> dict[str, str]:
    if isinstance(value, list):
        value = {str(v): "" for v in value}
    if not isinstance(value, dict) or not value:
        raise PolicyLoadError(f"{path}:{line}: `custom.controls` must map SOC 2 criteria ids to a rationale")
    for control_id in value:
        if str(control_id) not in catalog:
            raise PolicyLoadError(f"{path}:{line}: unknown SOC 2 control id `{control_id}` in custom.controls")
    return {str(k): str(v or "").strip() for k, v in value.items()}


def _strings(path: Path, line: int, custom: dict[str, Any], key: str) -> tuple[str, ...]:
    value = custom.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise PolicyLoadError(f"{path}:{line}: `custom.{key}` must be a list of strings")
    return tuple(str(v) for v in value)


def _related(path: Path, line: int, custom: dict[str, Any], tool: str) -> dict[str, str]:
    """``related_<tool>``: id -> one-line reason why the check is related but not equivalent."""
    key = f"related_{tool}"
    value = custom.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise PolicyLoadError(f"{path}:{line}: `custom.{key}` must map each {tool} id to a one-line reason")
    both = sorted(set(map(str, value)) & set(map(str, custom.get(tool) or [])))
    if both:
        raise PolicyLoadError(f"{path}:{line}: {', '.join(both)} is in both `custom.{tool}` and `custom.{key}`")
    return {str(k): " ".join(v.split()) for k, v in value.items()}


def _check_unique(policies: list[Policy]) -> None:
    seen: dict[str, str] = {}
    packages: dict[str, str] = {}
    for policy in policies:
        if policy.id in seen:
            raise PolicyLoadError(f"{policy.path}: policy id {policy.id} is already used by {seen[policy.id]}")
        if policy.package in packages:
            raise PolicyLoadError(
                f"{policy.path}: package {policy.package} is already used by {packages[policy.package]}")
        seen[policy.id] = policy.path
        packages[policy.package] = policy.path


def _digest(modules: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for path, source in sorted(modules, key=lambda m: Path(m[0]).as_posix().split("/policies/")[-1]):
        digest.update(Path(path).name.encode())
        digest.update(hashlib.sha256(source.encode()).digest())
    return "sha256:" + digest.hexdigest()
