"""``Gate`` and ``scan``: one run from paths to a Result.

``Gate`` is a loaded, validated policy bundle plus the settings that decide the verdict; it is
immutable and reusable across runs.  ``scan`` reads inputs, evaluates, adds checkov's findings
(when asked), scopes every finding, applies waivers and returns a Result whose verdict is the
gate's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from soc2gate import __version__, baseline  # baseline: new findings only (docs/adopting.md)
from soc2gate.adapters import checkov
from soc2gate.catalog.controls import CATEGORIES, in_scope, load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import PolicyBundle, load_bundle
from soc2gate.change.enrich import completer
from soc2gate.change.params import resolve as change_params
from soc2gate.change.run_extras import run_extras
from soc2gate.config import Config, load_config
from soc2gate.engine import Engine, get_engine
from soc2gate.engine.coverage import run_context
from soc2gate.engine.input_doc import build_input
from soc2gate.engine.outcomes import readable, to_findings
from soc2gate.errors import UsageError
from soc2gate.model import INPUT_TYPES, SEVERITIES, Control, Finding, Policy, Resource, Result, Verdict, control_order
from soc2gate.parsers.collect import Collected, CollectOptions, collect, collect_stdin
from soc2gate.parsers.collected import require_inputs
from soc2gate.parsers.render_collect import RenderSettings
from soc2gate.parsers.textio import MAX_FILE_BYTES
from soc2gate.waivers import WaiverSet

if TYPE_CHECKING:
    from soc2gate.adapters.checkov.runner import CheckovRun

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
MAX_STDIN_BYTES = MAX_FILE_BYTES  # standard input is read up to this size, like any input file


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
    diff_base: str | None = None  # git revision: report only findings the change introduces
    gate: str | None = None  # which findings decide the verdict: all | new
    baseline_file: str | None = None  # accepted findings (soc2gate baseline)


@dataclass(frozen=True, eq=False)
class Gate:
    """A loaded policy bundle plus the settings that decide the verdict; immutable (``replace`` makes
    a variant).  ``engine`` is None only in an admission template (see ``admission_gate``)."""

    config: Config
    options: ScanOptions
    categories: tuple[str, ...]
    controls: Mapping[str, Control]
    bundle: PolicyBundle
    policies: tuple[Policy, ...]
    engine: Engine | None
    waivers: WaiverSet
    verdict: Verdict

    @classmethod
    def load(cls, options: ScanOptions) -> Gate:
        """The gate of ``options``, with the configuration file it names (or ./.soc2gate.yaml)."""
        return cls.build(load_config(options.config_path, options.paths), options)

    @classmethod
    def build(cls, config: Config, options: ScanOptions) -> Gate:
        """The gate of an already loaded configuration."""
        categories = _categories(config)
        controls = in_scope(load_controls(), categories)
        bundle = _load_bundle(config, options)
        engine = get_engine(*_engine_choice(options, config))
        engine.prepare(bundle)
        moment = options.now or datetime.now(timezone.utc)
        waivers = WaiverSet.from_config(config, {p.id for p in bundle.policies}, moment)
        return cls(config, options, categories, controls, bundle, _select(bundle, config, options, controls),
                   engine, waivers, _verdict(config, options))

    def evaluate(self, resources: Sequence[Resource], collected: Collected | None = None,
                 now: datetime | None = None) -> Result:
        """Evaluate resources; ``collected`` carries inputs, skipped paths and SYS findings."""
        if self.engine is None:
            raise RuntimeError("an admission template has no engine: evaluate with api.admission_gate(template)")
        collected = collected or Collected()
        started = time.perf_counter()
        resources, deep = readable(resources)
        raw = self.engine.evaluate(build_input(resources, self.params(now)))
        findings = collected.findings + deep + to_findings(list(self.policies), resources, raw, self.engine.name)
        waived = self.waivers.apply([self.scoped(f) for f in findings], resources, self.clock(now))
        result = self._result(waived.findings, collected, {"engine_s": round(time.perf_counter() - started, 4)})
        extras = {**result.extras, **waived.extras, **run_extras(self.config, resources),  # controls_map, changes
                  **run_context(self.config.path, self.bundle, resources)}  # config file used, uncovered types
        return replace(result, notes=result.notes + waived.notes, extras=extras)

    def scoped(self, finding: Finding) -> Finding:
        """The finding as this gate reports it: criteria in scope only, severity as configured."""
        controls = tuple(c for c in finding.controls if c in self.controls)
        severity = self.config.section("policies").get("severity", {}).get(finding.policy_id, finding.severity)
        return replace(finding, controls=controls, severity=severity)

    def with_checkov(self, result: Result, run: CheckovRun) -> Result:
        """``result`` with a finished checkov run's findings merged in, scoped like every other finding."""
        wanted = self.options.controls or tuple(self.config.get("controls", []))
        part = checkov.merge_run(result, run, tuple(self.controls), wanted)
        return replace(result, findings=part.native + tuple(self.scoped(f) for f in part.added),
                       policies=result.policies + part.policies, notes=result.notes + (part.note,),
                       extras={**result.extras, "checkov": part.extras},
                       timings={**result.timings, "checkov_s": part.seconds})

    def clock(self, now: datetime | None = None) -> datetime:
        """The run's moment: ``now``, else ``ScanOptions.now``, else the real clock."""
        return now or self.options.now or datetime.now(timezone.utc)

    def params(self, now: datetime | None = None) -> dict[str, Any]:
        moment = self.clock(now)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        change = change_params(self.config.section("change_management"),
                               self.options.extras.get("change_management"), self.config.path or ".soc2gate.yaml")
        return {"now": moment.astimezone(timezone.utc).isoformat(), "change_management": change}

    def _result(self, findings: list[Finding], collected: Collected, timings: dict[str, float]) -> Result:
        return Result(
            tool_version=__version__, bundle_digest=self.bundle.digest, config_digest=self.config.digest,
            findings=tuple(findings), policies=self.policies,
            controls=tuple(sorted(self.controls.values(), key=lambda c: control_order(c.id))),
            inputs=tuple(collected.inputs), skipped=tuple(collected.skipped), categories=self.categories,
            verdict=self.verdict, timings=timings, notes=self.bundle.notes,
        )


def scan(options: ScanOptions, gate: Gate | None = None) -> Result:
    """Read the inputs, evaluate every selected policy, return the Result."""
    gate = gate or Gate.load(options)
    pending = checkov.start(options.with_checkov, options.checkov_bin, gate.config.section("checkov"),
                            options.paths, options.stdin is not None)  # runs beside the native scan
    try:
        started = time.perf_counter()
        collected = _collect(options, gate.config)
        require_inputs(collected, gate.verdict, options.allow_empty if options.allow_empty is not None
                       else bool(gate.config.get("allow_empty", False)))
        parse_seconds = time.perf_counter() - started
        result = gate.evaluate(collected.resources, collected)
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    result = replace(result, timings={"parse_s": round(parse_seconds, 4), **result.timings},
                     docs_url=options.docs_url or "")
    result = gate.with_checkov(result, pending.finish()) if pending is not None else result
    if options.diff_base:  # the same gate on the base revision's files; the verdict decides (docs/adopting.md)
        with baseline.checkout(options.diff_base, options.paths, gate.config) as base:
            collected = _collect(replace(options, paths=base.paths, change_records=()), base.config)
            result = baseline.against_base(result, gate.evaluate(collected.resources, collected).findings, base)
    return baseline.against_file(result, gate.config, options.baseline_file, gate.clock(), bool(options.diff_base))


def _verdict(config: Config, options: ScanOptions) -> Verdict:
    fail_on = options.fail_on or config.get("fail_on", "low")
    if fail_on not in SEVERITIES:
        raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)}")
    strict = options.strict if options.strict is not None else config.get("strict", False)
    allow = options.allow_parse_errors if options.allow_parse_errors is not None else config.get("allow_parse_errors")
    return Verdict(fail_on, bool(strict), bool(allow), options.gate or config.get("gate", "all"))


def _engine_choice(options: ScanOptions, config: Config) -> tuple[str, dict[str, Any]]:
    """The engine and its settings: ``--opa-url`` (or ``opa.url`` in the configuration) selects OPA."""
    if options.engine != "opa" and not (options.opa_url or config.section("opa").get("url")):
        return options.engine, dict(config.section("limits"))
    given = {"url": options.opa_url, "token": options.opa_token, "ca_bundle": options.opa_ca_bundle}
    return "opa", {**config.section("opa"), **{k: v for k, v in given.items() if v}, "base_dir": str(config.base_dir)}


def _collect(options: ScanOptions, config: Config) -> Collected:
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
            raise UsageError(f"reading `-` (standard input) needs --input-type {'|'.join(INPUT_TYPES)}")
        return collect_stdin(options.stdin, options.input_type, collect_options)
    if not options.paths and not options.change_records:
        raise UsageError("nothing to scan: give at least one PATH")
    return collect(list(options.paths), collect_options)


def _categories(config: Config) -> tuple[str, ...]:
    chosen = set(config.section("scope").get("categories", [])) | {"security"}
    return tuple(c for c in CATEGORIES if c in chosen)


def _load_bundle(config: Config, options: ScanOptions) -> PolicyBundle:
    dirs = [policies_dir()] + [Path(d) for d in options.policy_dirs]
    dirs += [Path(config.relative(d)) for d in config.get("policy_dirs", [])]
    return load_bundle(dirs, load_controls())


def _select(bundle: PolicyBundle, config: Config, options: ScanOptions,
            controls: Mapping[str, Control]) -> tuple[Policy, ...]:
    wanted = set(options.controls or config.get("controls", []))
    unknown = wanted - set(load_controls())
    if unknown:
        raise UsageError(f"unknown SOC 2 control id(s): {', '.join(sorted(unknown))}")
    disabled = set(config.section("policies").get("disable", []))
    return tuple(p for p in bundle.policies if p.id not in disabled and any(c in controls for c in p.controls)
                 and (not wanted or wanted & set(p.controls)))
