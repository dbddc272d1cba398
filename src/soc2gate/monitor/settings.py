"""The ``monitor:`` section of ``.soc2gate.yaml`` (schemas/config/monitor.json, validated with the rest of
the file): every option of a continuous run has a key. An option given on the command line (or by its
environment variable) wins over the file, the file over the option's default (docs/monitoring.md)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

# option (its parameter name) -> key path in the `monitor:` section
KEYS: dict[str, tuple[str, ...]] = {
    "interval": ("interval_s",), "resync": ("resync_s",), "debounce": ("debounce_s",), "qps": ("qps",),
    "watch_timeout": ("watch_timeout_s",), "metrics_port": ("metrics_port",),
    "exclude_namespaces": ("exclude_namespaces",),
    "server_side_apply": ("reports", "server_side_apply"),
    "leader_elect": ("leader_election", "enabled"),
    "lease_name": ("leader_election", "lease_name"),
    "lease_namespace": ("leader_election", "lease_namespace"),
    "lease_identity": ("leader_election", "identity"),
    "lease_duration": ("leader_election", "lease_duration_s"),
    "renew_deadline": ("leader_election", "renew_deadline_s"),
    "retry_period": ("leader_election", "retry_period_s"),
}
LEASE_TIMINGS = ("lease_duration", "renew_deadline", "retry_period")


@dataclass(frozen=True)
class Chosen:
    """The options of the run, and where the file set them: ``from_file`` maps an option to its key path."""

    options: dict[str, Any]
    from_file: dict[str, str]
    config_path: str
    evidence_enabled: bool = True
    evidence_chain: str | None = None

    def where(self, names: Collection[str], flag: str) -> str:
        """How a problem with ``names`` is located: the file's key path when the file set one of them."""
        keys = sorted({self.from_file[n].rsplit(".", 1)[0] for n in names if n in self.from_file})
        if keys:
            return f"{self.config_path}: invalid configuration at `{keys[0]}`"
        return flag


def choose(section: Mapping[str, Any], options: Mapping[str, Any], given: Collection[str],
           config_path: str) -> Chosen:
    """``options`` with the file's value for every option not in ``given``."""
    chosen, from_file = dict(options), {}
    for name, path in KEYS.items():
        value = _lookup(section, path)
        if value is not None and name not in given:
            chosen[name] = tuple(value) if isinstance(value, list) else value
            from_file[name] = ".".join(("monitor", *path))
    evidence = section.get("evidence") or {}
    return Chosen(chosen, from_file, config_path or ".soc2gate.yaml",
                  evidence_enabled=bool(evidence.get("enabled", True)), evidence_chain=evidence.get("chain"))


def _lookup(section: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = section
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value
