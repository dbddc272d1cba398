"""What commands ask of the core besides a scan: reports, waivers, evidence, change records, pre-commit."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from soc2gate import baseline, evidence, staged
from soc2gate.api.gate import Gate, ScanOptions, _collect, scan
from soc2gate.change.ci_run import from_environ
from soc2gate.change.enrich import enrich_record
from soc2gate.change.overdue import POLICY_ID as OVERDUE_POLICY
from soc2gate.change.overdue import OverdueReport, overdue_report
from soc2gate.config import load_config
from soc2gate.errors import InputError, UsageError
from soc2gate.model import Finding, Result
from soc2gate.parsers import json_strict
from soc2gate.parsers.change.records import normalize
from soc2gate.parsers.change.timestamps import TimestampError, parse_timestamp
from soc2gate.parsers.yaml_guard import load_yaml


def list_waivers(options: ScanOptions, now: datetime | None = None) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Every waiver (central, and inline ones in ``options.paths``) with its state; and waiver problems."""
    gate = Gate.load(options)
    resources = _collect(options, gate.config).resources if options.paths else []
    return gate.waivers.listing(resources, gate.clock(now))


def record_evidence(result: Result, options: ScanOptions, url: str | None = None, key: str | None = None,
                    now: datetime | None = None, password_env: str | None = None, chain: str | None = None) -> Any:
    """Append ``result`` to the evidence store (``--evidence``/``evidence.url``); None when none is set.
    ``chain``: the chain name, over ``evidence.chain`` (e.g. ``monitor.evidence.chain``).

    A store that cannot be reached or written is an error (exit 2): no success without its evidence.
    """
    chosen = evidence.settings(load_config(options.config_path, options.paths), url, key, password_env=password_env)
    if chosen is None:
        return None
    if chain:
        chosen = replace(chosen, chain=chain)
    return evidence.record_run(result, chosen, now or options.now or datetime.now(timezone.utc), os.environ)


def _store(url: str, config_path: str | None, public_key: str | None,
           password_env: str | None) -> evidence.EvidenceSettings:
    chosen = evidence.settings(load_config(config_path), url, public_key=public_key, password_env=password_env)
    assert chosen is not None
    return chosen


def verify_evidence(url: str, public_key: str | None = None, config_path: str | None = None,
                    password_env: str | None = None) -> Any:
    """Check every chain of the store at ``url``: order, links, deletions, signatures (with a public key)."""
    chosen = _store(url, config_path, public_key, password_env)
    store = evidence.open_store(chosen.url, chosen.store)
    try:
        return evidence.verify_store(store, chosen.public_key)
    finally:
        store.close()


def evidence_report(url: str, start: str | None, end: str | None, public_key: str | None = None,
                    config_path: str | None = None, branch: str | None = None, repo: str | None = None,
                    password_env: str | None = None) -> dict[str, Any]:
    """Per-control runs, pass rate, failures and time to fix, and exceptions over a period."""
    chosen = _store(url, config_path, public_key, password_env)
    return evidence.period_report(chosen.url, start, end, chosen.public_key, branch, repo, chosen.store, chosen.org)


def init_evidence(url: str, password_env: str | None = None) -> tuple[list[int], int]:
    """Create or migrate a PostgreSQL evidence store's schema: (versions applied, current version)."""
    return evidence.init_store(url, password_env)


def copy_evidence(source: str, target: str, chain: str | None = None, public_key: str | None = None,
                  password_env: str | None = None) -> dict[str, int]:
    """Copy every chain of ``source`` into ``target`` after verifying it; hashes are preserved."""
    return evidence.copy_store(source, target, chain, public_key, password_env)


def verification_text(report: Any) -> str:
    """A store verification (``verify_evidence``) as text."""
    return evidence.render_verification(report)


def evidence_markdown(report: dict[str, Any]) -> str:
    """A period report (``evidence_report``) as Markdown."""
    return evidence.period_markdown(report)


def redact_url(url: str) -> str:
    """A store URL without its password, for messages."""
    return evidence.redact(url)


def ci_run(environ: Any) -> dict[str, str]:
    """The CI job running the gate (GitHub Actions / GitLab CI variables in ``environ``), for
    ``ScanOptions.ci_run``: its own check is never counted, its workflow file locates CC8.1 findings."""
    return from_environ(environ)


def check_staged(options: ScanOptions, filenames: tuple[str, ...],
                 whole_module: bool) -> tuple[staged.HookPlan, Result | None]:
    """pre-commit: plan, scan and filter; the Result is None when every file is excluded by configuration."""
    gate = Gate.load(replace(options, paths=tuple(filenames)))  # config found from the staged files up
    plan = staged.plan_hook(filenames, tuple(gate.config.get("exclude", [])), whole_module)
    if not plan.scan:
        return plan, None
    # the staged files may hold nothing to evaluate (a non-manifest YAML): that is reported as skipped, not a failure
    result = scan(replace(options, paths=tuple(plan.scan), allow_empty=True), gate)
    return plan, staged.filter_result(result, plan)


def find_overdue(paths: tuple[str, ...], config_path: str | None, hours: float | None,
                 now: datetime) -> OverdueReport:
    """Evaluate CHG-008 over every change record under ``paths`` (files or directories)."""
    files = tuple(p for p in paths if Path(p).is_file())
    dirs = tuple(p for p in paths if p not in files)
    overrides = {"emergency": {"review_within_hours": hours}} if hours is not None else {}
    options = ScanOptions(paths=dirs, change_records=files, config_path=config_path, controls=("CC8.1",),
                          now=now, extras={"change_management": overrides})
    gate = Gate.load(options)
    if OVERDUE_POLICY not in {p.id for p in gate.policies}:
        raise UsageError(f"{OVERDUE_POLICY} (emergency review) is disabled in the configuration: nothing to evaluate")
    params = gate.params(now)
    return overdue_report(scan(options, gate=gate), params["now"],
                          params["change_management"]["emergency"]["review_within_hours"])


def moment(text: str | None, option: str) -> datetime:
    """The RFC 3339 time ``text`` (now when None); UsageError naming ``option`` when unreadable."""
    if text is None:
        return datetime.now(timezone.utc)
    try:
        return parse_timestamp(text)
    except TimestampError as exc:
        raise UsageError(f"{option}: {exc}") from None


def change_record(event: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The generic change record of the event file ``event``, completed from its platform's API."""
    try:
        record = normalize(_read_event(event))
    except InputError as exc:
        raise InputError(f"{event}: {exc}") from None
    return enrich_record(record, settings, event)


def _read_event(name: str) -> Any:
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read: {exc}") from None
    if name.endswith((".yaml", ".yml")):
        try:
            return load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"{name}:{mark.line + 1 if mark else 0}: invalid YAML: {exc}") from None
    try:
        return json_strict.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: invalid JSON: nested too deeply to read") from None


def baseline_action(action: str, result: Result, config_path: str | None, now: datetime | None,
                    paths: tuple[str, ...], fields: dict[str, str]) -> dict[str, Any]:
    """``soc2gate baseline create|status`` on the result of a plain scan: the new baseline document, or the
    listing of the baseline file (docs/adopting.md)."""
    return baseline.run(action, result, config_path, now, paths, fields)
