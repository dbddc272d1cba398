"""Waivers: central and inline, validated, matched, applied, reported everywhere.

Every run injects its clock (``ScanOptions.now``); the policies are the real TF-001
(S3 encryption) and K8S-001 (privileged containers), all others disabled so that the
verdict depends on the waivers alone.
"""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.errors import ConfigError
from soc2gate.model import Outcome, Result
from soc2gate.reporters import get_renderer

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'
ENCRYPTED = textwrap.dedent("""\
    resource "aws_s3_bucket" "{name}" {{
      bucket = "acme-{name}"
      server_side_encryption_configuration {{
        rule {{
          apply_server_side_encryption_by_default {{
            sse_algorithm = "aws:kms"
          }}
        }}
      }}
    }}
""")
PRIVILEGED = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: {name}
      namespace: {namespace}
    spec:
      containers:
        - name: agent
          image: busybox:1.36
          securityContext:
            privileged: true
""")
CENTRAL = """\
waivers:
  entries:
    - policy: TF-001
      selector: {selector}
      reason: Legacy bucket, migration planned
      approved_by: alice@example.com
      ticket: SEC-42
      expires: {expires}
"""


@lru_cache(maxsize=1)
def _all_policy_ids() -> tuple[str, ...]:
    return tuple(p.id for p in Gate.load(ScanOptions()).bundle.policies)


def _config(body: str, keep: tuple[str, ...] = ("TF-001", "K8S-001")) -> str:
    disabled = ", ".join(p for p in _all_policy_ids() if p not in keep)
    return textwrap.dedent(body) + f"policies:\n  disable: [{disabled}]\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(files: dict[str, str], config: str = "", now: datetime = NOW) -> Result:
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, encoding="utf-8")
    Path(".soc2gate.yaml").write_text(_config(config), encoding="utf-8")
    return scan(ScanOptions(paths=tuple(files), config_path=".soc2gate.yaml", now=now, use_cache=False))


def _of(result: Result, policy: str, resource: str | None = None) -> list:
    return [f for f in result.findings if f.policy_id == policy and (resource is None or f.resource == resource)]


def _problems(result: Result) -> list[str]:
    return [f.message for f in result.findings if f.policy_id == "SYS-004"]


# --- central waivers --------------------------------------------------------------------------


def test_central_waiver_turns_failure_into_waived_and_gate_passes(workdir: Path) -> None:
    config = CENTRAL.format(selector='{address: "aws_s3_bucket.da*"}', expires="2025-03-31")
    result = _run({"main.tf": BUCKET.format(name="data") + BUCKET.format(name="logs")}, config)
    data, logs = _of(result, "TF-001", "aws_s3_bucket.data")[0], _of(result, "TF-001", "aws_s3_bucket.logs")[0]
    assert data.outcome is Outcome.WAIVED
    assert data.waiver is not None and data.waiver.reason == "Legacy bucket, migration planned"
    assert (data.waiver.approved_by, data.waiver.ticket, data.waiver.expires) == ("alice@example.com", "SEC-42", "2025-03-31")
    assert data.waiver.origin == "central" and data.waiver.span.file == ".soc2gate.yaml"
    assert logs.outcome is Outcome.FAIL and not result.passed
    only_data = _run({"main.tf": BUCKET.format(name="data")}, config)
    assert only_data.passed and only_data.exit_code == 0
    state = only_data.extras["waivers"][0]
    assert state["state"] == "active" and state["applied_to"] == ["aws_s3_bucket.data"] and state["used"] is True


INSTANCES = ('resource "aws_s3_bucket" "web" {\n  for_each = toset(["a", "b"])\n  bucket = "acme-${each.key}"\n}\n'
             'resource "aws_s3_bucket" "logs" {\n  count = 2\n  bucket = "logs-${count.index}"\n}\n')


@pytest.mark.parametrize("pattern, waived", [
    ('aws_s3_bucket.web[*]', {'aws_s3_bucket.web["a"]', 'aws_s3_bucket.web["b"]'}),
    ('aws_s3_bucket.web*', {'aws_s3_bucket.web["a"]', 'aws_s3_bucket.web["b"]'}),
    ('aws_s3_bucket.web["b"]', {'aws_s3_bucket.web["b"]'}),
    ('aws_s3_bucket.logs[1]', {"aws_s3_bucket.logs[1]"}),
    ('aws_s3_bucket.*[0]', {"aws_s3_bucket.logs[0]"}),
])
def test_waiver_selects_instances_by_address_glob(workdir: Path, pattern: str, waived: set[str]) -> None:
    config = CENTRAL.format(selector=json.dumps({"address": pattern}), expires="2025-03-31")
    result = _run({"main.tf": INSTANCES}, config)
    outcomes = {f.resource: f.outcome for f in _of(result, "TF-001")}
    assert set(outcomes) == {'aws_s3_bucket.web["a"]', 'aws_s3_bucket.web["b"]', "aws_s3_bucket.logs[0]",
                             "aws_s3_bucket.logs[1]"}, "one finding per instance, under its Terraform address"
    assert {r for r, o in outcomes.items() if o is Outcome.WAIVED} == waived
    assert all(o is Outcome.FAIL for r, o in outcomes.items() if r not in waived)


def test_expired_central_waiver_no_longer_applies_and_is_reported(workdir: Path) -> None:
    config = CENTRAL.format(selector='{address: "aws_s3_bucket.data"}', expires="2025-02-28")
    result = _run({"main.tf": BUCKET.format(name="data")}, config)
    assert _of(result, "TF-001")[0].outcome is Outcome.FAIL
    [problem] = [f for f in result.findings if f.policy_id == "SYS-004"]
    assert problem.outcome is Outcome.ERROR
    assert (problem.span.file, problem.span.start_line) == (".soc2gate.yaml", 3)
    assert "waivers.entries.0" in problem.message and "expired on 2025-02-28" in problem.message
    assert "fail again (aws_s3_bucket.data)" in problem.message
    assert not result.passed and result.extras["waivers"][0]["state"] == "expired"


def test_expired_waiver_covering_nothing_failing_is_a_warning(workdir: Path) -> None:
    """A stale waiver whose resources now pass (or are not in this run, e.g. one admission request) warns."""
    config = CENTRAL.format(selector='{address: "aws_s3_bucket.*"}', expires="2025-02-28")
    result = _run({"main.tf": ENCRYPTED.format(name="data")}, config)
    assert result.passed and not _problems(result)
    [note] = [n for n in result.notes if n.startswith("expired waiver")]
    assert "expired on 2025-02-28 and covers no failing finding in this run: remove it" in note
    assert ".soc2gate.yaml:3 (waivers.entries.0)" in note


def test_expiring_soon_and_unused_waivers_are_warnings(workdir: Path) -> None:
    config = CENTRAL.format(selector='{address: "aws_s3_bucket.data"}', expires="2025-03-10") + textwrap.indent(
        textwrap.dedent("""\
            - policy: TF-001
              selector: {address: "aws_s3_bucket.gone"}
              reason: Bucket being deleted
              approved_by: bob
              expires: 2025-05-01
            - policy: TF-001
              selector: {address: "aws_s3_bucket.safe"}
              reason: Was unencrypted
              approved_by: bob
              expires: 2025-05-01
        """), "    ")
    files = {"main.tf": BUCKET.format(name="data") + ENCRYPTED.format(name="safe")}
    result = _run(files, config)
    assert result.passed
    expiring = [n for n in result.notes if n.startswith("waiver expiring soon")]
    assert len(expiring) == 1 and "expires 2025-03-10 (in 9 days)" in expiring[0] and "SEC-42" in expiring[0]
    unused = [n for n in result.notes if n.startswith("unused waiver")]
    assert len(unused) == 2
    assert any("aws_s3_bucket.gone" in n and "matches no failing finding" in n for n in unused)
    assert any("aws_s3_bucket.safe" in n and "the resources it covers pass" in n for n in unused)
    states = {w["selector"]["address"]: w for w in result.extras["waivers"]}
    assert states["aws_s3_bucket.data"]["state"] == "expiring" and states["aws_s3_bucket.data"]["days_left"] == 9
    assert states["aws_s3_bucket.gone"]["used"] is False


def test_warn_days_is_configurable(workdir: Path) -> None:
    config = CENTRAL.format(selector='{address: "*"}', expires="2025-03-10").replace(
        "waivers:\n", "waivers:\n  warn_days: 8\n")
    result = _run({"main.tf": BUCKET.format(name="data")}, config)
    assert not [n for n in result.notes if n.startswith("waiver expiring soon")]
    assert result.extras["waivers"][0]["state"] == "active"


def test_separate_waiver_file(workdir: Path) -> None:
    Path("exceptions.yaml").write_text(textwrap.dedent("""\
        entries:
          - policy: TF-001
            selector: {file: "legacy/*.tf"}
            reason: Legacy stack, frozen
            approved_by: ciso
            expires: 2025-04-01
    """))
    result = _run({"legacy/main.tf": BUCKET.format(name="old"), "new/main.tf": BUCKET.format(name="new")},
                  "waivers:\n  file: exceptions.yaml\n")
    assert _of(result, "TF-001", "aws_s3_bucket.old")[0].outcome is Outcome.WAIVED
    assert _of(result, "TF-001", "aws_s3_bucket.new")[0].outcome is Outcome.FAIL
    assert _of(result, "TF-001", "aws_s3_bucket.old")[0].waiver.span.location() == "exceptions.yaml:2"


@pytest.mark.parametrize(("entry", "key", "text"), [
    ("selector: {address: x}\n      approved_by: a\n      expires: 2025-03-31", "waivers.entries.0", "'reason' is a required"),
    ("selector: {address: x}\n      reason: r\n      expires: 2025-03-31", "waivers.entries.0", "'approved_by' is a required"),
    ("selector: {address: x}\n      reason: r\n      approved_by: a", "waivers.entries.0", "'expires' is a required"),
    ("selector: {address: x}\n      reason: '  '\n      approved_by: a\n      expires: 2025-03-31", "waivers.entries.0.reason", ""),
    ("selector: {}\n      reason: r\n      approved_by: a\n      expires: 2025-03-31", "waivers.entries.0.selector", ""),
    ("selector: {resource: x}\n      reason: r\n      approved_by: a\n      expires: 2025-03-31", "waivers.entries.0.selector", "unknown key"),
    ("selector: {address: x}\n      reason: r\n      approved_by: a\n      expires: 31/03/2025", "waivers.entries.0.expires", "not a valid date"),
    ("selector: {address: x}\n      reason: r\n      approved_by: a\n      expires: '2025-02-30'", "waivers.entries.0.expires", "not a valid date"),
    ("selector: {address: x}\n      reason: r\n      approved_by: a\n      expires: 2025-09-01", "waivers.entries.0.expires", "exceeds the maximum of 90 days"),
    ("selector: {address: x}\n      reason: r\n      approved_by: a\n      created: 2025-03-05\n      expires: 2025-03-31",
     "waivers.entries.0.created", "in the future"),
])
def test_malformed_central_waiver_is_a_config_error_naming_the_key_path(workdir: Path, entry: str, key: str,
                                                                         text: str) -> None:
    config = f"waivers:\n  entries:\n    - policy: TF-001\n      {entry}\n"
    with pytest.raises(ConfigError) as error:
        _run({"main.tf": BUCKET.format(name="data")}, config)
    assert f"`{key}" in str(error.value) and ".soc2gate.yaml" in str(error.value)
    assert text in str(error.value)


def test_unknown_policy_and_bad_settings_are_config_errors(workdir: Path) -> None:
    config = CENTRAL.format(selector="{address: x}", expires="2025-03-31").replace("TF-001", "TF-999")
    with pytest.raises(ConfigError, match=r"`waivers.entries.0.policy`: unknown policy `TF-999`"):
        _run({"main.tf": BUCKET.format(name="data")}, config)
    with pytest.raises(ConfigError, match=r"`waivers.timezone`: unknown time zone"):
        _run({"main.tf": BUCKET.format(name="data")}, "waivers:\n  timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError, match=r"`waivers.inline`"):
        _run({"main.tf": BUCKET.format(name="data")}, "waivers:\n  inline: maybe\n")
    Path("w.yaml").write_text("entries:\n  - policy: TF-001\n    selector: {address: x}\n    reason: r\n    expires: 2025-03-31\n")
    with pytest.raises(ConfigError, match=r"w.yaml: invalid waiver file at `entries.0`: 'approved_by' is a required"):
        _run({"main.tf": BUCKET.format(name="data")}, "waivers:\n  file: w.yaml\n")
    Path("w.yaml").write_text("entries:\n  - {policy: TF-001, selector: {address: x}, reason: r, approved_by: a, "
                              "expires: 2025-02-30}\n")
    with pytest.raises(ConfigError, match=r"w.yaml:1: waiver file is not valid YAML: invalid value: day is out of range"):
        _run({"main.tf": BUCKET.format(name="data")}, "waivers:\n  file: w.yaml\n")
    with pytest.raises(ConfigError, match=r"`waivers.file`: .*missing.yaml not found"):
        _run({"main.tf": BUCKET.format(name="data")}, "waivers:\n  file: missing.yaml\n")


def test_max_days_is_configurable_and_counted_from_created(workdir: Path) -> None:
    entry = "selector: {address: '*'}\n      reason: r\n      approved_by: a\n      created: 2025-01-01\n      expires: 2025-03-31"
    with pytest.raises(ConfigError, match=r"lifetime of 89 days .* maximum of 30 days"):
        _run({"main.tf": BUCKET.format(name="data")}, f"waivers:\n  max_days: 30\n  entries:\n    - policy: TF-001\n      {entry}\n")
    result = _run({"main.tf": BUCKET.format(name="data")}, f"waivers:\n  entries:\n    - policy: TF-001\n      {entry}\n")
    assert _of(result, "TF-001")[0].outcome is Outcome.WAIVED and _of(result, "TF-001")[0].waiver.created == "2025-01-01"


# --- selectors ---------------------------------------------------------------------------------


def test_kubernetes_selector_kind_namespace_name(workdir: Path) -> None:
    files = {"pods.yaml": PRIVILEGED.format(name="node-agent", namespace="monitoring") + "---\n"
             + PRIVILEGED.format(name="node-agent", namespace="shop")}
    config = CENTRAL.replace("TF-001", "K8S-001").format(
        selector='{kind: Pod, namespace: monitoring, name: "node-*"}', expires="2025-03-31")
    result = _run(files, config)
    assert _of(result, "K8S-001", "Pod/monitoring/node-agent")[0].outcome is Outcome.WAIVED
    assert _of(result, "K8S-001", "Pod/shop/node-agent")[0].outcome is Outcome.FAIL
    wrong_kind = _run(files, config.replace("kind: Pod", "kind: Deployment"))
    assert all(f.outcome is Outcome.FAIL for f in _of(wrong_kind, "K8S-001"))


def test_selector_keys_that_do_not_apply_to_the_surface_never_match() -> None:
    from soc2gate.model import Finding, Resource, SourceSpan
    from soc2gate.waivers.match import finding_facts, selector_matches

    tf = Finding("TF-001", Outcome.FAIL, "high", ("CC6.1",), "module.x.aws_s3_bucket.b", "aws_s3_bucket", "m",
                 SourceSpan("./infra/main.tf", 3, 5), "terraform")
    facts = finding_facts(tf, None)
    assert selector_matches({"address": "module.*.aws_s3_bucket.*"}, facts)
    assert selector_matches({"file": "infra/*.tf", "name": "b"}, facts)
    assert not selector_matches({"kind": "*"}, facts) and not selector_matches({"change": "*"}, facts)
    assert not selector_matches({}, facts)
    change = Resource("change", "change_record", "github/acme/app#12", "change/github/acme/app#12", SourceSpan("pr.json", 1))
    chg = Finding("CHG-001", Outcome.FAIL, "high", ("CC8.1",), change.address, "change_record", "m", change.span, "change")
    assert selector_matches({"change": "github/acme/app#*"}, finding_facts(chg, change))
    assert not selector_matches({"change": "github/acme/other#*"}, finding_facts(chg, change))
    assert selector_matches({"change": "github/acme/app#12"}, finding_facts(chg, None))
    assert not selector_matches({"address": "module.*"}, facts, exact=True)


# --- inline waivers ----------------------------------------------------------------------------

INLINE = '# soc2gate:waive TF-001 reason="Legacy, see ticket" approved_by=alice expires=2025-03-31 ticket=SEC-7\n'


def test_inline_comment_above_or_inside_a_block_waives_only_that_block(workdir: Path) -> None:
    inside = BUCKET.format(name="inner").replace("{\n", "{\n  " + INLINE.replace("TF-001", "TF-001"), 1)
    text = INLINE + BUCKET.format(name="above") + "\n" + BUCKET.format(name="plain") + "\n" + inside
    result = _run({"main.tf": text})
    outcomes = {f.resource: f.outcome for f in _of(result, "TF-001")}
    assert outcomes == {"aws_s3_bucket.above": Outcome.WAIVED, "aws_s3_bucket.plain": Outcome.FAIL,
                        "aws_s3_bucket.inner": Outcome.WAIVED}
    waiver = _of(result, "TF-001", "aws_s3_bucket.above")[0].waiver
    assert (waiver.origin, waiver.span.location(), waiver.ticket, waiver.reason) == ("inline", "main.tf:1", "SEC-7",
                                                                                   "Legacy, see ticket")


@pytest.mark.parametrize(("comment", "text"), [
    ('# soc2gate:waive TF-001 reason="r" expires=2025-03-31', "`approved_by` is required"),
    ("# soc2gate:waive TF-001 approved_by=a expires=2025-03-31", "`reason` is required"),
    ('# soc2gate:waive TF-001 reason="r" approved_by=a', "`expires` is required"),
    ('# soc2gate:waive TF-001 reason="r" approved_by=a expires=2025-31-03', "`2025-31-03` is not a valid date"),
    ('# soc2gate:waive TF-001 reason="r" approved_by=a expires=2026-03-31', "exceeds the maximum of 90 days"),
    ('# soc2gate:waive TF-001 reason="r" approver=a expires=2025-03-31', "unknown field `approver`"),
    ('# soc2gate:waive TF-001 reason="unterminated approved_by=a expires=2025-03-31', "cannot read"),
    ('# soc2gate:waive TF-999 reason="r" approved_by=a expires=2025-03-31', "unknown policy `TF-999`"),
    ('# soc2gate:waive reason="r" approved_by=a expires=2025-03-31', "is not a policy id"),
    ("# soc2gate:skip TF-001", "`soc2gate:skip` is not a soc2gate directive"),
])
def test_invalid_inline_waiver_is_a_failing_sys004_naming_file_and_line(workdir: Path, comment: str, text: str) -> None:
    result = _run({"main.tf": "\n" + comment + "\n" + BUCKET.format(name="data")})
    assert _of(result, "TF-001")[0].outcome is Outcome.FAIL
    [problem] = [f for f in result.findings if f.policy_id == "SYS-004"]
    assert problem.outcome is Outcome.ERROR and problem.span.location() == "main.tf:2"
    assert problem.message.startswith("main.tf:2: ") and text in problem.message
    assert not result.passed


def test_prose_comments_mentioning_soc2gate_are_not_directives(workdir: Path) -> None:
    result = _run({"main.tf": "# checked by soc2gate in CI\n" + BUCKET.format(name="data")})
    assert not _problems(result) and _of(result, "TF-001")[0].outcome is Outcome.FAIL


def test_yaml_comment_waives_only_its_document(workdir: Path) -> None:
    text = ("# soc2gate:waive K8S-001 reason='node agent needs host access' approved_by=bob expires=2025-03-31\n"
            + PRIVILEGED.format(name="agent", namespace="monitoring") + "---\n" + PRIVILEGED.format(name="web", namespace="shop"))
    result = _run({"pods.yaml": text})
    assert _of(result, "K8S-001", "Pod/monitoring/agent")[0].outcome is Outcome.WAIVED
    assert _of(result, "K8S-001", "Pod/shop/web")[0].outcome is Outcome.FAIL


def test_kubernetes_annotation_waiver(workdir: Path) -> None:
    good = PRIVILEGED.format(name="agent", namespace="ops").replace(
        "  namespace: ops\n", "  namespace: ops\n  annotations:\n    soc2gate.io/waive.K8S-001: "
        "'reason=\"eBPF agent\" approved_by=sec-team expires=2025-03-20 ticket=SEC-9'\n")
    bad = PRIVILEGED.format(name="web", namespace="ops").replace(
        "  namespace: ops\n", "  namespace: ops\n  annotations:\n    soc2gate.io/waive.K8S-001: 'reason=\"x\"'\n")
    result = _run({"a.yaml": good, "b.yaml": bad})
    waived = _of(result, "K8S-001", "Pod/ops/agent")[0]
    assert waived.outcome is Outcome.WAIVED and waived.waiver.origin == "annotation"
    assert waived.waiver.span.location() == "a.yaml:7" and waived.waiver.ticket == "SEC-9"
    assert _of(result, "K8S-001", "Pod/ops/web")[0].outcome is Outcome.FAIL
    [problem] = _problems(result)
    assert problem.startswith("b.yaml:7: ") and "`approved_by` is required" in problem


def test_annotation_waiver_applies_to_objects_from_the_api(workdir: Path) -> None:
    """The admission webhook evaluates objects, not files: the annotation still applies."""
    import yaml

    from soc2gate.parsers.kubernetes import object_resource

    document = yaml.safe_load(PRIVILEGED.format(name="agent", namespace="ops"))
    document["metadata"]["annotations"] = {
        "soc2gate.io/waive.K8S-001": 'reason="eBPF agent" approved_by=sec expires=2025-03-20'}
    Path(".soc2gate.yaml").write_text(_config(""))
    gate = Gate.load(ScanOptions(config_path=".soc2gate.yaml", now=NOW))
    result = gate.evaluate([object_resource(document, "admission")])
    assert _of(result, "K8S-001")[0].outcome is Outcome.WAIVED and result.passed


def test_inline_deny_keeps_only_central_waivers(workdir: Path) -> None:
    config = "waivers:\n  inline: deny\n" + CENTRAL.format(selector="{address: aws_s3_bucket.central}",
                                                           expires="2025-03-31").replace("waivers:\n", "")
    result = _run({"main.tf": INLINE + BUCKET.format(name="inline") + BUCKET.format(name="central")}, config)
    assert _of(result, "TF-001", "aws_s3_bucket.inline")[0].outcome is Outcome.FAIL
    assert _of(result, "TF-001", "aws_s3_bucket.central")[0].outcome is Outcome.WAIVED
    [problem] = [f for f in result.findings if f.policy_id == "SYS-004"]
    assert problem.span.location() == "main.tf:1" and "waivers.inline: deny" in problem.message
    assert {w["state"] for w in result.extras["waivers"]} == {"active", "forbidden"}


def test_expired_inline_waiver_fails_again(workdir: Path) -> None:
    result = _run({"main.tf": INLINE + BUCKET.format(name="data")}, now=datetime(2025, 4, 1, tzinfo=timezone.utc))
    assert _of(result, "TF-001")[0].outcome is Outcome.FAIL
    [problem] = [f for f in result.findings if f.policy_id == "SYS-004"]
    assert problem.span.location() == "main.tf:1" and "expired on 2025-03-31" in problem.message


# --- visible everywhere ------------------------------------------------------------------------


def test_waived_findings_stay_visible_in_every_report(workdir: Path) -> None:
    result = _run({"main.tf": INLINE + BUCKET.format(name="data")})
    junit = get_renderer("junit")(result)
    assert 'message="waived: Legacy, see ticket (SEC-7, approved by alice, expires 2025-03-31)"' in junit
    report = json.loads(get_renderer("json")(result))
    schema = Path(__file__).resolve().parent.parent / "src" / "soc2gate" / "schemas" / "report.schema.json"
    jsonschema.validate(report, json.loads(schema.read_text()))
    [finding] = [f for f in report["findings"] if f["policy"] == "TF-001"]
    assert finding["outcome"] == "waived" and finding["waiver"]["approved_by"] == "alice"
    assert report["extras"]["waivers"][0]["applied_to"] == ["aws_s3_bucket.data"]
    sarif = json.loads(get_renderer("sarif")(result))
    [suppressed] = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed["suppressions"][0]["justification"] == "Legacy, see ticket"
    assert "Exceptions" in get_renderer("markdown")(result)


# --- soc2gate waivers list ---------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    outcome = CliRunner().invoke(cli, list(args))
    return outcome.exit_code, outcome.output


def test_waivers_list_shows_central_and_inline_with_state(workdir: Path) -> None:
    # the command reads the real clock: dates are relative to today
    from datetime import timedelta

    later = (datetime.now(timezone.utc).date() + timedelta(days=60)).isoformat()
    config = CENTRAL.format(selector="{address: aws_s3_bucket.data}", expires=later)
    Path("main.tf").write_text(INLINE.replace("2025-03-31", "2000-01-31") + BUCKET.format(name="old"))
    Path(".soc2gate.yaml").write_text(_config(config))
    code, output = _cli("waivers", "list", "main.tf", "--config", ".soc2gate.yaml")
    assert code == 1, output  # the inline waiver expired in 2000
    assert "expired    TF-001   2000-01-31" in output and "main.tf:1" in output and "alice" in output
    assert f"active     TF-001   {later}" in output and "reason: Legacy bucket, migration planned" in output
    assert "2 waiver(s): 1 expired, 1 active" in output
    code, output = _cli("waivers", "list", "--config", ".soc2gate.yaml", "--format", "json")
    assert code == 0 and [w["origin"] for w in json.loads(output)["waivers"]] == ["central"]
    code, output = _cli("waivers", "list", "main.tf", "--config", ".soc2gate.yaml", "--expiring", "30",
                        "--format", "json")
    assert [w["expires"] for w in json.loads(output)["waivers"]] == ["2000-01-31"] and code == 1
