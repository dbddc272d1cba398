"""The `monitor:` section of .soc2gate.yaml: `soc2gate monitor` run against the loopback Kubernetes API
server (tests/kube_watch_server.py) takes its interval, exclusions, report writing, leader election and
evidence chain from the file; options on the command line win; bad values are exit 2 naming the key path."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from kube_watch_server import FakeApi, WatchServer
from pg_server import WRITER_PASSWORD, PostgresServer, postgres  # noqa: F401 (fixture)
from soc2gate.api import init_evidence, verify_evidence
from soc2gate.commands import monitor
from soc2gate.config import config_schema
from soc2gate.monitor.settings import KEYS
from test_monitor import reports, results, seeded_api

LEASES = ("coordination.k8s.io/v1", "leases")
WRITER_ENV = "SOC2GATE_TEST_MONITOR_PG"
FILE_SETTINGS: dict[str, Any] = {
    "interval_s": 5, "debounce_s": 0, "metrics_port": 0, "exclude_namespaces": ["web"],
    "reports": {"server_side_apply": False},
    "leader_election": {"enabled": True, "lease_name": "monitor-from-file", "lease_namespace": "soc2gate-system",
                        "identity": "from-file", "lease_duration_s": 6, "renew_deadline_s": 4, "retry_period_s": 1},
}


def run_monitor(tmp_path: Path, api: FakeApi, config: dict[str, Any], *flags: str,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``soc2gate monitor --config FILE --cycles 2 FLAGS`` against a loopback server holding ``api``."""
    path = tmp_path / "soc2gate.yaml"
    path.write_text(yaml.safe_dump(config))
    server = WatchServer(api, tmp_path)
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
               str(server.kubeconfig), "--config", str(path), "--cycles", "2", *flags]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=240, check=False,
                              env={**os.environ, **(env or {})})
    finally:
        server.close()


def report_writes(api: FakeApi) -> set[str]:
    return {method for _, method, path in api.calls if "/policyreports" in path and method != "GET"}


def lease_holders(api: FakeApi, name: str) -> set[tuple[str, int]]:
    """(holderIdentity, leaseDurationSeconds) of every write of the Lease ``name``."""
    return {(o["spec"]["holderIdentity"], o["spec"]["leaseDurationSeconds"])
            for _, gv, plural, _, o in api.events if (gv, plural) == LEASES and o["metadata"]["name"] == name}


def test_the_file_sets_interval_exclusions_report_writing_leader_election_and_evidence_chain(
        tmp_path: Path, postgres: PostgresServer) -> None:  # noqa: F811 (fixture)
    database = postgres.create_database()
    init_evidence(postgres.migrator_url(database))
    postgres.grant_writer(database)
    config = {"evidence": {"url": postgres.writer_url(database), "password_env": WRITER_ENV},
              "monitor": {**FILE_SETTINGS, "evidence": {"chain": "monitor/loopback"}}}
    api = seeded_api()
    done = run_monitor(tmp_path, api, config, env={WRITER_ENV: WRITER_PASSWORD})
    assert done.returncode == 0, done.stderr
    # interval_s: 5 — two full cycles within the timeout (the default, 600 s, would not finish)
    assert done.stderr.count("evidence record #") == 2, done.stderr
    chains = verify_evidence(postgres.migrator_url(database)).chains
    assert set(chains) == {"monitor/loopback"} and chains["monitor/loopback"].records == 2
    names = {r["metadata"]["name"] for r in reports(api)}
    assert {"soc2gate-shop", "soc2gate-cluster"} <= names and "soc2gate-web" not in names, names
    assert report_writes(api) == {"POST"}, "server_side_apply: false creates and replaces, never applies"
    assert ("from-file", 6) in lease_holders(api, "monitor-from-file")
    assert api.get(*LEASES, "soc2gate-system", "soc2gate-monitor") is None


def test_options_on_the_command_line_win_over_the_file(tmp_path: Path) -> None:
    config = {"monitor": {**FILE_SETTINGS, "evidence": {"enabled": False}}}
    api = seeded_api()
    done = run_monitor(tmp_path, api, config, "--server-side-apply", "--exclude-namespace", "shop",
                       "--lease-identity", "from-flag", "--lease-duration", "9", "--evidence", str(tmp_path / "ledger"))
    assert done.returncode == 0, done.stderr
    names = {r["metadata"]["name"] for r in reports(api)}
    assert {"soc2gate-web", "soc2gate-cluster"} <= names and "soc2gate-shop" not in names, names
    assert "PATCH" in report_writes(api), "--server-side-apply over reports.server_side_apply: false"
    holders = lease_holders(api, "monitor-from-file")
    assert ("from-flag", 9) in holders and not any(h == "from-file" for h, _ in holders), holders
    assert verify_evidence(str(tmp_path / "ledger")).chains["ledger"].records == 2, "--evidence over enabled: false"


def test_evidence_disabled_in_the_file_appends_nothing(tmp_path: Path) -> None:
    config = {"evidence": {"url": "ledger"},
              "monitor": {"interval_s": 5, "debounce_s": 0, "metrics_port": 0, "evidence": {"enabled": False}}}
    done = run_monitor(tmp_path, seeded_api(), config)
    assert done.returncode == 0, done.stderr
    assert "evidence record" not in done.stderr and not (tmp_path / "ledger").exists()


def limited_calls(api: FakeApi) -> list[float]:
    """When the list and watch calls (what ``qps`` limits) reached the server."""
    return [at for (_, method, path), at in zip(api.calls, api.call_times, strict=True)
            if method == "GET" and "/policyreports" not in path and "/leases" not in path]


def test_qps_from_the_file_spaces_the_list_and_watch_calls(tmp_path: Path) -> None:
    config = {"monitor": {"interval_s": 5, "debounce_s": 0, "metrics_port": 0, "qps": 8}}
    api = seeded_api()
    done = run_monitor(tmp_path, api, config)
    assert done.returncode == 0, done.stderr
    calls = limited_calls(api)
    assert len(calls) >= 20, "every kind is listed, then watched"
    # at most 8 a second: n calls span at least (n - 1) / 8 s (unlimited, they come within a fraction of one)
    assert calls[-1] - calls[0] >= (len(calls) - 1) / 8 - 0.25, (len(calls), calls[-1] - calls[0])


def test_debounce_from_the_file_holds_a_change_that_long(tmp_path: Path) -> None:
    """A change is evaluated no sooner than ``debounce_s`` after it (later changes join its wait)."""
    path = tmp_path / "soc2gate.yaml"
    path.write_text(yaml.safe_dump({"monitor": {"interval_s": 600, "debounce_s": 2.5, "metrics_port": 0}}))
    api = seeded_api()
    server = WatchServer(api, tmp_path)
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
               str(server.kubeconfig), "--config", str(path), "--cycles", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not results(api, "Deployment", "shop", "health-check-deployment") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-001"] == "fail"
        deployment = api.get("apps/v1", "deployments", "shop", "health-check-deployment")
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            container["securityContext"] = {"privileged": False}
        changed = int(api.put("apps/v1", "deployments", deployment)["metadata"]["resourceVersion"])
        _, stderr = process.communicate(timeout=180)
    finally:
        process.kill()
        server.close()
    assert process.returncode == 0, stderr
    assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-001"] == "pass"
    written = min(api.written_at[rv] for rv, gv, plural, _, _ in api.events
                  if plural == "policyreports" and rv > changed)
    assert written - api.written_at[changed] >= 2.5, written - api.written_at[changed]


@pytest.mark.parametrize(("monitor_section", "flags", "message"), [
    ({"intervall_s": 60}, [], "invalid configuration at `monitor`: unknown key ('intervall_s' was unexpected)"),
    ({"qps": -1}, [], "invalid configuration at `monitor.qps`: -1 is less than the minimum of 0"),
    ({"metrics_port": 70000}, [], "at `monitor.metrics_port`: 70000 is greater than the maximum of 65535"),
    ({"exclude_namespaces": "web"}, [], "at `monitor.exclude_namespaces`: 'web' is not of type 'array'"),
    ({"reports": {"server_side_apply": "yes please"}}, [],
     "at `monitor.reports.server_side_apply`: 'yes please' is not of type 'boolean'"),
    ({"leader_election": {"enabled": True, "lease_namespace": "Soc2gate_System"}}, [],
     "at `monitor.leader_election.lease_namespace`: 'Soc2gate_System' does not match"),
    ({"leader_election": {"enabled": True, "lease_duration_s": 5, "renew_deadline_s": 8}}, [],
     "invalid configuration at `monitor.leader_election`: leader election needs retry period < renew deadline "
     "< lease duration (got 2 s, 8 s, 5 s)"),
    ({"leader_election": {"enabled": True, "renew_deadline_s": 20}}, ["--renew-deadline", "5"], ""),
    ({"evidence": {"chain": ""}}, [], "at `monitor.evidence.chain`: '' should be non-empty"),
])
def test_bad_values_are_exit_2_naming_the_key_path(tmp_path: Path, monitor_section: dict[str, Any],
                                                   flags: list[str], message: str) -> None:
    """The file is checked before the cluster is reached (the kubeconfig does not exist)."""
    path = tmp_path / "soc2gate.yaml"
    path.write_text(yaml.safe_dump({"monitor": monitor_section}))
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
               str(tmp_path / "missing"), "--config", str(path), "--metrics-port", "0", *flags]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    if message:
        assert f"{path}: " in done.stderr and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    else:  # a flag that makes the file's timings consistent: what fails is the missing kubeconfig
        assert "leader election" not in done.stderr and "missing" in done.stderr, done.stderr


def test_audit_watch_reads_the_section_and_a_one_shot_audit_ignores_it(tmp_path: Path) -> None:
    path = tmp_path / "soc2gate.yaml"
    path.write_text(yaml.safe_dump({"monitor": {"leader_election": {"enabled": True, "lease_duration_s": 2}}}))
    base = [sys.executable, "-c", "from soc2gate.cli import main; main()", "audit", "--kubeconfig",
            str(tmp_path / "missing"), "--config", str(path)]
    watch = subprocess.run([*base, "--watch", "--metrics-port", "0"], capture_output=True, text=True, timeout=60)
    assert watch.returncode == 2 and "at `monitor.leader_election`: leader election needs" in watch.stderr
    once = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert once.returncode == 2 and "leader election" not in once.stderr, once.stderr


def _ranges(param: click.Parameter) -> dict[str, Any]:
    kind = param.type
    if isinstance(kind, (click.FloatRange, click.IntRange)):
        return {"type": "integer" if isinstance(kind, click.IntRange) else "number",
                "minimum": kind.min, **({"maximum": kind.max} if kind.max is not None else {})}
    if getattr(param, "is_flag", False):
        return {"type": "boolean"}
    return {"type": "array"} if param.multiple else {"type": "string"}


def test_every_key_has_its_option_with_the_same_type_and_range() -> None:
    schema = config_schema()["properties"]["monitor"]
    params = {p.name: p for p in monitor.command.params}
    for name, path in KEYS.items():
        node = schema
        for key in path:
            node = node["properties"][key]
        expected = {k: node[k] for k in ("type", "minimum", "maximum") if k in node}
        assert _ranges(params[name]) == expected, (name, path)
    keys = {".".join(path) for path in KEYS.values()}
    listed = {k for k, v in schema["properties"].items() if "properties" not in v}
    listed |= {f"{k}.{s}" for k, v in schema["properties"].items() if k != "evidence" for s in v.get("properties", {})}
    assert listed == keys, "every file key but monitor.evidence.* has its option"
