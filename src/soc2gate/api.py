"""The single entry point: CLI, GitHub Action, pre-commit and webhook all call this.

``Gate`` holds a loaded, validated policy bundle (reusable across requests);
``scan`` reads inputs, evaluates, applies waivers and computes the verdict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from soc2gate import __version__, baseline  # baseline: new findings only; faces call api.baseline.run
from soc2gate.catalog.controls import CATEGORIES, in_scope, load_controls, sort_key
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import PolicyBundle, load_bundle
from soc2gate.catalog.run_extras import run_extras
from soc2gate.catalog.verify import FixtureRunner
from soc2gate.config import Config, load_config
from soc2gate.engine import get_engine
from soc2gate.engine.coverage import run_context
from soc2gate.engine.input_doc import build_input
from soc2gate.engine.outcomes import readable, to_findings
from soc2gate.errors import UsageError
from soc2gate.evidence.access import evidence_records  # noqa: F401 (population exports, `evidence show`)
from soc2gate.model import SEVERITIES, Finding, Policy, Resource, Result, Verdict
from soc2gate.parsers.collect import Collected, CollectOptions, collect, collect_stdin
from soc2gate.parsers.collected import require_inputs
from soc2gate.parsers.render_collect import RenderSettings
from soc2gate.parsers.textio import MAX_FILE_BYTES as MAX_STDIN_BYTES
from soc2gate.waivers import WaiverSet

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


@dataclass(frozen=True)
class ScanOptions:
    """Everything a caller can ask of one run; ``None`` means "use the config file's value"."""

    paths: tuple[str, ...] = ()
    config_path: str | None = None
    stdin: bytes | None = None
    input_type: str | None = None
    policy_dirs: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    fail_on: str | None = None
    strict: bool | None = None
    allow_parse_errors: bool | None = None
    allow_empty: bool | None = None
    var_files: tuple[str, ...] = ()
    change_records: tuple[str, ...] = ()
    use_cache: bool = True
    engine: str = "regorus"
    now: datetime | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    github_token: str | None = None
    github_api_url: str | None = None
    gitlab_token: str | None = None
    gitlab_api_url: str | None = None
    with_checkov: bool | None = None
    checkov_bin: str | None = None
    opa_url: str | None = None
    opa_token: str | None = None
    opa_ca_bundle: str | None = None
    docs_url: str | None = None  # where reports link policy documentation (--docs-url / SOC2GATE_DOCS_URL)
    ci_run: dict[str, str] = field(default_factory=dict)  # the CI job running the gate (change.ci_run)
    diff_base: str | None = None
    gate: str | None = None
    baseline_file: str | None = None


class Gate:
    """A loaded policy bundle plus the settings that decide the verdict."""

    def __init__(self, config: Config, options: ScanOptions) -> None:
        self.config = config
        self.options = options
        self.categories = _categories(config)
        self.controls = in_scope(load_controls(), self.categories)
        self.bundle = _load_bundle(config, options)
        self.policies = _select(self.bundle, config, options, self.controls)
        self.engine = get_engine(*_engine_choice(options, config))
        self.engine.prepare(self.bundle)
        self.waivers = WaiverSet.from_config(config, {p.id for p in self.bundle.policies}, self.clock())
        self.fail_on = options.fail_on or config.get("fail_on", "low")
        self.strict = bool(options.strict if options.strict is not None else config.get("strict", False))
        self.allow_parse_errors = bool(
            options.allow_parse_errors if options.allow_parse_errors is not None
            else config.get("allow_parse_errors", False))
        if self.fail_on not in SEVERITIES:
            raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)}")
        self.verdict = Verdict(self.fail_on, self.strict, self.allow_parse_errors, options.gate or config.get("gate", "all"))

    @classmethod
    def load(cls, options: ScanOptions) -> "Gate":
        return cls(load_config(options.config_path, options.paths), options)

    def evaluate(self, resources: Sequence[Resource], collected: Collected | None = None,
                 now: datetime | None = None) -> Result:
        """Evaluate resources; ``collected`` carries inputs, skipped paths and SYS findings."""
        collected = collected or Collected()
        started = time.perf_counter()
        resources, deep = readable(resources)
        document = build_input(resources, self.params(now))
        raw = self.engine.evaluate(document)
        findings = collected.findings + deep + to_findings(self.policies, resources, raw, self.engine.name)
        findings = [self._scoped(f) for f in findings]
        waived = self.waivers.apply(findings, resources, self.clock(now))
        engine_seconds = time.perf_counter() - started
        result = self._result(waived.findings, collected, {"engine_s": round(engine_seconds, 4)})
        extras = {**result.extras, **waived.extras, **run_extras(self.config, resources),  # controls_map, changes
                  **run_context(self.config.path, self.bundle, resources)}  # config file used, uncovered types
        return replace(result, notes=result.notes + waived.notes, extras=extras)

    def clock(self, now: datetime | None = None) -> datetime:
        """The run's moment: ``now``, else ``ScanOptions.now``, else the real clock."""
        return now or self.options.now or datetime.now(timezone.utc)

    def params(self, now: datetime | None = None) -> dict[str, Any]:
        from soc2gate.change.params import resolve

        moment = now or self.options.now or datetime.now(timezone.utc)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        change = resolve(self.config.section("change_management"), self.options.extras.get("change_management"),
                         self.config.path or ".soc2gate.yaml")
        return {"now": moment.astimezone(timezone.utc).isoformat(), "change_management": change}

    def _scoped(self, finding: Finding) -> Finding:
        controls = tuple(c for c in finding.controls if c in self.controls)
        severity = self.config.section("policies").get("severity", {}).get(finding.policy_id, finding.severity)
        return replace(finding, controls=controls, severity=severity)

    def _result(self, findings: list[Finding], collected: Collected, timings: dict[str, float]) -> Result:
        return Result(
            tool_version=__version__,
            bundle_digest=self.bundle.digest,
            config_digest=self.config.digest,
            findings=tuple(findings),
            policies=tuple(self.policies),
            controls=tuple(sorted(self.controls.values(), key=lambda c: sort_key(c.id))),
            inputs=tuple(collected.inputs),
            skipped=tuple(collected.skipped),
            categories=self.categories,
            verdict=self.verdict,
            timings=timings,
            notes=self.bundle.notes,
        )


def scan(options: ScanOptions, gate: Gate | None = None) -> Result:
    """Read the inputs, evaluate every selected policy, return the Result."""
    from soc2gate.engine.checkov_merge import finish_checkov, start_checkov

    gate = gate or Gate.load(options)
    checkov = start_checkov(options, gate.config)  # runs beside the native scan; None unless asked
    try:
        started = time.perf_counter()
        collected = _collect(options, gate.config)
        require_inputs(collected, gate.verdict, options.allow_empty if options.allow_empty is not None
                        else bool(gate.config.get("allow_empty", False)))
        parse_seconds = time.perf_counter() - started
        result = gate.evaluate(collected.resources, collected)
    except BaseException:
        if checkov is not None:
            checkov.cancel()
        raise
    result = replace(result, timings={"parse_s": round(parse_seconds, 4), **result.timings}, docs_url=options.docs_url or "")
    result = finish_checkov(result, checkov, gate) if checkov is not None else result
    if options.diff_base:  # the same gate on the base revision's files; the verdict decides (docs/adopting.md)
        with baseline.checkout(options.diff_base, options.paths, gate.config) as base:
            collected = _collect(replace(options, paths=base.paths, change_records=()), base.config)
            result = baseline.against_base(result, gate.evaluate(collected.resources, collected).findings, base)
    return baseline.against_file(result, gate.config, options.baseline_file, gate.clock(), bool(options.diff_base))


def _engine_choice(options: ScanOptions, config: Config) -> tuple[str, dict[str, Any]]:
    """The engine and its settings: ``--opa-url`` (or ``opa.url`` in the configuration) selects OPA."""
    if options.engine != "opa" and not (options.opa_url or config.section("opa").get("url")):
        return options.engine, dict(config.section("limits"))
    given = {"url": options.opa_url, "token": options.opa_token, "ca_bundle": options.opa_ca_bundle}
    return "opa", {**config.section("opa"), **{k: v for k, v in given.items() if v}, "base_dir": str(config.base_dir)}


def _collect(options: ScanOptions, config: Config) -> Collected:
    from soc2gate.change.enrich import completer

    collect_options = CollectOptions(
        var_files=tuple(options.var_files) + tuple(config.relative(v) for v in config.get("var_files", [])),
        excludes=tuple(config.get("exclude", [])),
        use_cache=options.use_cache and config.get("cache", True),
        change_records=options.change_records,
        complete_record=completer({"github_token": options.github_token, "github_api_url": options.github_api_url,
                                   "gitlab_token": options.gitlab_token, "gitlab_api_url": options.gitlab_api_url,
                                   "ci_run": dict(options.ci_run)}),
        change_location=options.ci_run.get("workflow_file", ""),
        render=RenderSettings.from_config(config.section("kubernetes"), config.relative),
    )
    if options.stdin is not None:
        if options.input_type is None:
            raise UsageError("reading `-` (standard input) needs --input-type terraform|plan|kubernetes|change")
        return collect_stdin(options.stdin, options.input_type, collect_options)
    if not options.paths and not options.change_records:
        raise UsageError("nothing to scan: give at least one PATH")
    return collect(list(options.paths), collect_options)


def ci_run(environ: Any) -> dict[str, str]:
    """The CI job running the gate (GitHub Actions / GitLab CI variables in ``environ``), for
    ``ScanOptions.ci_run``: its own check is never counted, its workflow file locates CC8.1 findings."""
    from soc2gate.change.ci_run import from_environ

    return from_environ(environ)


def _categories(config: Config) -> tuple[str, ...]:
    chosen = set(config.section("scope").get("categories", [])) | {"security"}
    return tuple(c for c in CATEGORIES if c in chosen)


def _load_bundle(config: Config, options: ScanOptions) -> PolicyBundle:
    dirs = [policies_dir()] + [Path(d) for d in options.policy_dirs]
    dirs += [Path(config.relative(d)) for d in config.get("policy_dirs", [])]
    return load_bundle(dirs, load_controls())


def _select(bundle: PolicyBundle, config: Config, options: ScanOptions, controls: dict) -> list[Policy]:
    wanted = set(options.controls or config.get("controls", []))
    unknown = wanted - set(load_controls())
    if unknown:
        raise UsageError(f"unknown SOC 2 control id(s): {', '.join(sorted(unknown))}")
    disabled = set(config.section("policies").get("disable", []))
    selected = []
    for policy in bundle.policies:
        if policy.id in disabled or not any(c in controls for c in policy.controls):
            continue
        if wanted and not wanted & set(policy.controls):
            continue
        selected.append(policy)
    return selected


def fixture_runner() -> FixtureRunner:
    """``soc2gate policies test``: ``.run(dirs)`` / ``.check(fixture)`` scan policy fixtures, expected versus got."""
    return FixtureRunner(lambda config, dirs: Gate.load(ScanOptions(config_path=config, policy_dirs=dirs)),
                         lambda gate, path: scan(replace(gate.options, paths=(path,), use_cache=False), gate))


def list_waivers(options: ScanOptions, now: datetime | None = None) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Every waiver (central, and inline ones in ``options.paths``) with its state; and waiver problems."""
    gate = Gate.load(options)
    resources = _collect(options, gate.config).resources if options.paths else []
    return gate.waivers.listing(resources, gate.clock(now))


def record_evidence(result: Result, options: ScanOptions, url: str | None = None, key: str | None = None,
                    now: datetime | None = None, password_env: str | None = None) -> Any:
    """Append ``result`` to the evidence store (``--evidence``/``evidence.url``); None when none is set.

    A store that cannot be reached or written is an error (exit 2): no success without its evidence.
    """
    import os

    from soc2gate import evidence

    chosen = evidence.settings(load_config(options.config_path, options.paths), url, key, password_env=password_env)
    if chosen is None:
        return None
    return evidence.record_run(result, chosen, now or options.now or datetime.now(timezone.utc), os.environ)


def _store(url: str, config_path: str | None, public_key: str | None, password_env: str | None) -> Any:
    from soc2gate import evidence

    chosen = evidence.settings(load_config(config_path), url, public_key=public_key, password_env=password_env)
    assert chosen is not None
    return chosen


def verify_evidence(url: str, public_key: str | None = None, config_path: str | None = None,
                    password_env: str | None = None) -> Any:
    """Check every chain of the store at ``url``: order, links, deletions, signatures (with a public key)."""
    from soc2gate import evidence

    chosen = _store(url, config_path, public_key, password_env)
    store = evidence.open_store(chosen.url, chosen.store)
    try:
        return evidence.verify_store(store, chosen.public_key)
    finally:
        store.close()


def evidence_report(url: str, start: str | None, end: str | None, public_key: str | None = None,
                    config_path: str | None = None, branch: str | None = None, repo: str | None = None,
                    password_env: str | None = None) -> dict:
    """Per-control runs, pass rate, failures and time to fix, and exceptions over a period."""
    from soc2gate import evidence

    chosen = _store(url, config_path, public_key, password_env)
    return evidence.period_report(chosen.url, start, end, chosen.public_key, branch, repo, chosen.store, chosen.org)


def init_evidence(url: str, password_env: str | None = None) -> tuple[list[int], int]:
    """Create or migrate a PostgreSQL evidence store's schema: (versions applied, current version)."""
    from soc2gate.evidence.admin import init_store

    return init_store(url, password_env)


def copy_evidence(source: str, target: str, chain: str | None = None, public_key: str | None = None,
                  password_env: str | None = None) -> dict[str, int]:
    """Copy every chain of ``source`` into ``target`` after verifying it; hashes are preserved."""
    from soc2gate.evidence.admin import copy_store

    return copy_store(source, target, chain, public_key, password_env)
