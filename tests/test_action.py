"""The composite GitHub Action, run step by step in a simulated runner.

``ActionRunner`` does what the Actions runner does for a composite action: it evaluates the
``${{ }}`` expressions action.yml uses (inputs, github, runner, steps outputs), skips steps
whose ``if`` is false, runs each ``run`` script with ``bash --noprofile --norc -eo pipefail``
and a fresh ``$GITHUB_OUTPUT`` file, and collects step outputs.  The install step really
creates a virtual environment and pip-installs this repository (once per module).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import change_payloads as cp
import pytest
import yaml
from conftest import CORPORA, require_shared
from rest_standin import Replay, serve

from soc2gate.model import SEVERITIES

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXAMPLE = REPO / "examples" / "github" / "soc2gate.yml"
EVENTS = CORPORA / "github-events" / "payload-examples" / "api.github.com"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^inputs\.([\w-]+) (==|!=) '(.*)'$")
NO_ENCRYPTION = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'
NOTHING_TO_FLAG = 'resource "random_id" "suffix" {\n  byte_length = 4\n}\n'  # no policy judges it


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class ActionRunner:
    workspace: Path
    temp: Path
    event_name: str
    event_path: Path
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    runner_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        declared = ACTION["inputs"]
        unknown = set(self.inputs) - set(declared)
        assert not unknown, f"test passes undeclared inputs {unknown}"
        defaults = {name: self.expand(str(spec.get("default", ""))) for name, spec in declared.items()}
        self.inputs = defaults | self.inputs
        self.summary = self.temp / "step_summary.md"
        self.summary.touch()

    def value(self, expression: str) -> str:
        head, _, rest = expression.partition(".")
        if head == "inputs":
            return self.inputs[rest]
        if head == "github" and rest.startswith("event."):
            value: Any = json.loads(self.event_path.read_text(encoding="utf-8"))
            for key in rest.split(".")[1:]:
                value = value.get(key, "") if isinstance(value, dict) else ""
            return str(value)
        if head == "github":
            return {"action_path": str(REPO), "workspace": str(self.workspace), "event_name": self.event_name,
                    "event_path": str(self.event_path), "token": ""}[rest]  # no token: no network in tests
        if head == "runner":
            return {"temp": str(self.temp)}[rest]
        if head == "steps":
            step_id, kind, name = rest.split(".", 2)
            assert kind == "outputs", expression
            return self.outputs.get(step_id, {}).get(name, "")
        raise AssertionError(f"the simulated runner does not know the expression `{expression}`")

    def expand(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, expression: str) -> bool:
        match = CONDITION.match(expression.strip())
        assert match, f"the simulated runner does not know the condition `{expression}`"
        name, operator, literal = match.groups()
        return (self.inputs[name] == literal) == (operator == "==")

    def environment(self, step: dict[str, Any]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GITHUB_", "SOC2GATE_", "INPUT_", "RUNNER_")) or k == "SOC2GATE_CACHE_DIR"}
        env.update(GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(self.workspace), GITHUB_EVENT_NAME=self.event_name,
                   GITHUB_EVENT_PATH=str(self.event_path), GITHUB_STEP_SUMMARY=str(self.summary),
                   GITHUB_ACTION_PATH=str(REPO), RUNNER_TEMP=str(self.temp), **self.runner_env)
        env.update({k: self.expand(v) for k, v in step.get("env", {}).items()})
        return env

    def run_step(self, step: dict[str, Any]) -> StepRun | None:
        if "if" in step and not self.condition(step["if"]):
            return None
        assert "uses" not in step, f"cannot simulate `uses: {step['uses']}`; its `if` must be false here"
        assert step["shell"] == "bash"
        output = self.temp / f"output_{step['id']}"
        output.write_text("")
        script = self.temp / f"step_{step['id']}.sh"
        script.write_text(self.expand(step["run"]))
        env = self.environment(step) | {"GITHUB_OUTPUT": str(output)}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600)
        self.outputs[step["id"]] = parse_outputs(output.read_text(encoding="utf-8"))
        return StepRun(proc.returncode, proc.stdout, proc.stderr, self.outputs[step["id"]])

    def run(self, only: str | None = None) -> dict[str, StepRun]:
        runs = {}
        for step in ACTION["runs"]["steps"]:
            if only is not None and step.get("id") != only:
                continue
            done = self.run_step(step)
            if done is not None:
                runs[step["id"]] = done
                if done.returncode != 0:
                    break
        return runs

    def action_outputs(self) -> dict[str, str]:
        return {name: self.expand(spec["value"]) for name, spec in ACTION["outputs"].items()}


def parse_outputs(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<")[0]:
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def _workspace(root: Path, files: dict[str, str]) -> Path:
    workspace = root / "workspace"
    for name, text in files.items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text)
    return workspace


def _event(root: Path, kind: str, name: str) -> Path:
    require_shared()
    target = root / "runner-temp" / "event.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EVENTS / kind / name, target)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The whole action once, for real: install from the repository, then gate a failing pull request."""
    root = tmp_path_factory.mktemp("action")
    workspace = _workspace(root, {"infra/main.tf": NO_ENCRYPTION.format(name="data"), "README.md": "docs\n"})
    event = _event(root, "pull_request", "opened.payload.json")
    runner = ActionRunner(workspace, event.parent, "pull_request", event,
                          {"paths": "infra", "python": sys.executable, "diff-base": ""})  # not a git checkout
    runs = runner.run()
    return {"runner": runner, "runs": runs, "workspace": workspace, "event": event}


def _gate(installed: dict[str, Any], root: Path, files: dict[str, str], event: tuple[str, str, str],
          inputs: dict[str, str], runner_env: dict[str, str] | None = None) -> tuple[ActionRunner, StepRun]:
    workspace = _workspace(root, files)
    event_path = _event(root, event[1], event[2])
    inputs = {"diff-base": "", **inputs}  # these workspaces are not git checkouts (test_action_diff.py covers it)
    runner = ActionRunner(workspace, event_path.parent, event[0], event_path, inputs, runner_env=runner_env or {})
    runner.outputs["install"] = dict(installed["runner"].outputs["install"])
    return runner, runner.run(only="gate")["gate"]


def test_full_action_on_a_failing_pull_request(installed: dict[str, Any]) -> None:
    runs, runner, workspace = installed["runs"], installed["runner"], installed["workspace"]
    assert runs["install"].returncode == 0, runs["install"].stderr[-2000:]
    assert Path(runs["install"].outputs["soc2gate"]).is_file()
    gate = runs["gate"]
    assert gate.returncode == 1, gate.stderr
    reports = workspace / "soc2gate-reports"
    sarif = json.loads((reports / "soc2gate.sarif").read_text())
    assert sarif["version"] == "2.1.0" and any(r["ruleId"] == "TF-001" for r in sarif["runs"][0]["results"])
    suites = ET.parse(reports / "soc2gate-junit.xml").getroot()
    assert any("CC6.1" in (s.get("name") or "") for s in suites.iter("testsuite"))
    report = json.loads((reports / "soc2gate.json").read_text())
    assert report["verdict"] == "failed"
    evaluated = {i["path"] for i in report["inputs"]} | {f["file"] for f in report["findings"]}
    assert str(installed["event"]) in evaluated, "the pull request event was not evaluated as a change record"
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## ❌ soc2gate: gate failed") and "`infra/main.tf:1`" in summary
    assert summary == (reports / "soc2gate.md").read_text(encoding="utf-8")
    assert "::error file=infra/main.tf,line=1,endLine=3,title=TF-001 (high)%3A " in gate.stdout
    outputs = runner.action_outputs()
    assert set(outputs) == set(gate.outputs), "action outputs and the outputs the step writes differ"
    assert outputs["verdict"] == "failed" and int(outputs["failed"]) >= 1 and outputs["exit-code"] == "1"
    assert outputs["sarif-file"] == "soc2gate-reports/soc2gate.sarif"
    assert all((workspace / outputs[f"{fmt}-file"]).is_file() for fmt in ("sarif", "junit", "json", "markdown"))


@pytest.mark.parametrize("event,evaluated", [
    (("pull_request_review", "pull_request_review", "submitted.payload.json"), True),
    (("push", "push", "payload.json"), False),
])
def test_pull_request_events_only_are_change_records(installed: dict[str, Any], tmp_path: Path,
                                                     event: tuple[str, str, str], evaluated: bool) -> None:
    runner, gate = _gate(installed, tmp_path, {"main.tf": NOTHING_TO_FLAG}, event, {"formats": "json"})
    report = json.loads((runner.workspace / "soc2gate-reports" / "soc2gate.json").read_text())
    seen = {i["path"] for i in report["inputs"]} | {f["file"] for f in report["findings"]}
    assert (str(runner.event_path) in seen) is evaluated
    if not evaluated:
        assert gate.returncode == 0 and gate.outputs["verdict"] == "passed" and "::error" not in gate.stdout
        assert runner.summary.read_text(encoding="utf-8").startswith("## ✅ soc2gate: gate passed")
    assert gate.outputs["sarif-file"] == "" and gate.outputs["json-file"] == "soc2gate-reports/soc2gate.json"


def test_github_token_completes_the_change_record_from_the_api(installed: dict[str, Any], tmp_path: Path) -> None:
    """The token input reaches the REST client (here a closed local port: the gate fails closed, exit 2)."""
    api = "http://127.0.0.1:9"
    runner, gate = _gate(installed, tmp_path, {"main.tf": NOTHING_TO_FLAG},
                         ("pull_request", "pull_request", "opened.payload.json"),
                         {"github-token": "test-token", "soft-fail": "true"}, {"GITHUB_API_URL": api})
    assert gate.returncode == 2 and f"GitHub API: cannot reach {api}/repos/" in gate.stderr
    assert "test-token" not in gate.stderr + gate.stdout


def test_soft_fail_and_custom_report_paths(installed: dict[str, Any], tmp_path: Path) -> None:
    inputs = {"soft-fail": "true", "formats": "sarif markdown", "sarif-file": "out/gate.sarif",
              "step-summary": "false", "annotations": "false"}
    runner, gate = _gate(installed, tmp_path, {"main.tf": NO_ENCRYPTION.format(name="data")},
                         ("push", "push", "payload.json"), inputs)
    assert gate.returncode == 0 and gate.outputs["verdict"] == "failed" and gate.outputs["exit-code"] == "1"
    assert (runner.workspace / "out" / "gate.sarif").is_file()
    assert (runner.workspace / "soc2gate-reports" / "soc2gate.md").is_file()
    assert not (runner.workspace / "soc2gate-reports" / "soc2gate.json").exists()
    assert runner.summary.read_text() == "" and "::error" not in gate.stdout


def test_annotations_respect_github_per_step_limit(installed: dict[str, Any], tmp_path: Path) -> None:
    buckets = "".join(NO_ENCRYPTION.format(name=f"b{i}") for i in range(14))
    runner, gate = _gate(installed, tmp_path, {"main.tf": buckets}, ("push", "push", "payload.json"),
                         {"formats": "json"})
    report = json.loads((runner.workspace / "soc2gate-reports" / "soc2gate.json").read_text())
    blocking = [f for f in report["findings"] if f["outcome"] in ("fail", "error")]  # fail-on low
    assert sum(1 for f in blocking if f["policy"] == "TF-001") == 14
    errors = [line for line in gate.stdout.splitlines() if line.startswith("::error ")]
    notices = [line for line in gate.stdout.splitlines() if line.startswith("::notice ")]
    assert len(errors) == 10 and len(notices) == 1
    assert f"{len(blocking) - 10} more findings are not annotated" in notices[0]
    severities = [f["severity"] for f in sorted(blocking, key=lambda f: -SEVERITIES.index(f["severity"]))]
    assert [e.split("(", 1)[1].split(")", 1)[0] for e in errors] == severities[:10]  # most severe first
    assert gate.returncode == 1 and gate.outputs["failed"] == str(report["summary"]["fail"])


def test_bad_configuration_fails_even_with_soft_fail(installed: dict[str, Any], tmp_path: Path) -> None:
    files = {"main.tf": NOTHING_TO_FLAG, ".soc2gate.yaml": "fail_on: hgih\n"}
    runner, gate = _gate(installed, tmp_path, files, ("push", "push", "payload.json"), {"soft-fail": "true"})
    assert gate.returncode == 2 and "fail_on" in gate.stderr and ".soc2gate.yaml" in gate.stderr


def _references(pattern: str, text: str) -> set[str]:
    return set(re.findall(pattern, text))


def test_every_input_and_output_referenced_is_declared() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    used_inputs = _references(r"inputs\.([\w-]+)", text)
    assert used_inputs == set(ACTION["inputs"]), "undeclared or unused inputs"
    step_ids = {s.get("id") for s in ACTION["runs"]["steps"]}
    for step_id, _ in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert step_id in step_ids
    for name, spec in ACTION["outputs"].items():
        assert re.fullmatch(r"\$\{\{ steps\.gate\.outputs\.[\w-]+ \}\}", spec["value"]), name
        assert spec["value"].split(".")[-1].rstrip(" }") == name
    from soc2gate.commands.github import run

    envvars = {p.envvar for p in run.params if p.envvar and p.envvar.startswith("SOC2GATE_")}
    gate = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "gate")
    assert set(gate["env"]) - {"SOC2GATE_BIN"} == envvars, "action env and `soc2gate github run` options differ"
    assert all(spec.get("description") for spec in [*ACTION["inputs"].values(), *ACTION["outputs"].values()])


def test_example_workflow_uses_declared_inputs_and_uploads_reports() -> None:
    workflow = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    # pending checks: the gate runs again when checks complete, never on its own completion
    assert workflow[True]["check_suite"]["types"] == ["completed"] == workflow[True]["check_run"]["types"]
    assert workflow[True]["workflow_run"]["types"] == ["completed"]
    from soc2gate.commands.github import PR_EVENTS

    assert {"check_suite", "check_run", "workflow_run"} <= PR_EVENTS
    assert "github.event.check_run.app.slug != 'github-actions'" in workflow["jobs"]["soc2gate"]["if"]
    assert workflow["permissions"]["actions"] == "read"  # the gate finds its own job through the Actions API
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["soc2gate"]["steps"]
    gate = next(s for s in steps if s.get("id") == "soc2gate")
    assert set(gate["with"]) <= set(ACTION["inputs"])
    text = EXAMPLE.read_text(encoding="utf-8")
    assert _references(r"steps\.soc2gate\.outputs\.([\w-]+)", text) <= set(ACTION["outputs"])
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"].startswith("always()") and upload["with"]["sarif_file"] == "soc2gate-reports/soc2gate.sarif"
    junit = next(s for s in steps if "junit" in str(s.get("uses", "")))
    assert junit["if"].startswith("always()") and junit["with"]["report_paths"].endswith("soc2gate-junit.xml")


# ---- CC8.1 end to end: the Action against a loopback server answering like GitHub's REST API ---------

GATE_ENV = {"GITHUB_RUN_ID": str(cp.GATE_RUN_ID), "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": "soc2gate",
            "RUNNER_NAME": cp.GATE_RUNNER, "GITHUB_REPOSITORY": "Codertocat/Hello-World",
            "GITHUB_WORKFLOW_REF": "Codertocat/Hello-World/.github/workflows/soc2gate.yml@refs/pull/2/merge"}
TITLE = "DOCS-42: Update the README with new information."
WORKFLOW = ".github/workflows/soc2gate.yml"


@pytest.fixture
def github() -> Iterator[Replay]:
    with serve(Replay(auth_header="authorization")) as replay:
        yield replay


def _checks(test: tuple[str, str | None] = ("completed", "success")) -> list[dict[str, Any]]:
    """build and test from another workflow, and the gate's own check run, still in progress."""
    return [cp.rest_check_run("build", run_id=11), cp.rest_check_run("test", *test, run_id=12),
            cp.rest_check_run("soc2gate", "in_progress", None, run_id=cp.GATE_JOB_ID, suite=cp.GATE_SUITE_ID)]


def _jobs() -> list[dict[str, Any]]:
    return [cp.rest_job("lint", cp.GATE_JOB_ID + 1, "GitHub Actions 7", status="completed"),
            cp.rest_job("soc2gate", cp.GATE_JOB_ID, cp.GATE_RUNNER)]


def _cc81(installed: dict[str, Any], root: Path, github: Replay, event_name: str, event: dict[str, Any],
          env: dict[str, str] | None = None) -> tuple[ActionRunner, StepRun, dict[str, Any]]:
    """Run the gate step as the runner would, on ``event``, with the REST API at ``github``."""
    workspace = _workspace(root, {"main.tf": NOTHING_TO_FLAG, WORKFLOW: EXAMPLE.read_text(encoding="utf-8")})
    event_path = root / "runner-temp" / "event.json"
    event_path.parent.mkdir(parents=True, exist_ok=True)
    event_path.write_text(json.dumps(event), encoding="utf-8")
    runner_env = {**GATE_ENV, "GITHUB_API_URL": github.base, **(env or {})}
    runner = ActionRunner(workspace, event_path.parent, event_name, event_path,
                          {"paths": "main.tf", "github-token": "ghs_loopback", "diff-base": ""},  # not a git checkout
                          runner_env=runner_env)
    runner.outputs["install"] = dict(installed["runner"].outputs["install"])
    gate = runner.run(only="gate")["gate"]
    report = json.loads((workspace / "soc2gate-reports" / "soc2gate.json").read_text())
    return runner, gate, {f["policy"]: f for f in report["findings"] if f["policy"].startswith("CHG-")}


def _review_pull(reviewer: str, state: str = "approved") -> dict[str, Any]:
    event = cp.review_event(reviewer, state)
    event["pull_request"]["title"] = TITLE
    return event


@pytest.mark.parametrize("event_name", ["pull_request_review", "check_suite"])
def test_action_passes_cc81_on_an_approved_pull_request(installed: dict[str, Any], tmp_path: Path, github: Replay,
                                                        event_name: str) -> None:
    event = _review_pull("octocat")
    pr = {**cp.pr_event("opened")["pull_request"], "title": TITLE}
    reviews = [cp.rest_review("Codertocat", "COMMENTED", "2019-05-15T15:21:00Z"), cp.rest_review("octocat", number=2)]
    cp.github_rest(github, pr, reviews, _checks(), statuses=[cp.rest_status()], jobs=_jobs())
    if event_name == "check_suite":  # the re-run when another check suite completes: the real payload names PR #2
        event = cp.real(EVENTS / "check_suite" / "completed.payload.json")
    runner, gate, chg = _cc81(installed, tmp_path, github, event_name, event)
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr
    assert {p: f["outcome"] for p, f in chg.items()} == {f"CHG-00{i}": "pass" for i in range(1, 9)}
    assert f"{cp.REST_REPO}/actions/runs/{cp.GATE_RUN_ID}/jobs?per_page=100&page=2" in github.paths()
    assert f"{cp.REST_PULL}/reviews?per_page=100&page=2" in github.paths()
    assert all(h.get("authorization") == "Bearer ghs_loopback" for _, h in github.requests)
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## ✅ soc2gate: gate passed") and "- [x] ci-checks (CHG-002)" in summary
    assert summary.index("### Change-management checklist") < summary.index("### SOC 2 criteria")
    assert gate.outputs["verdict"] == "passed" and "::error" not in gate.stdout
    assert f"{cp.REST_REPO}/commits/{cp.HEAD}/status?per_page=100" in github.paths()
    reports = "".join(p.read_text() for p in (runner.workspace / "soc2gate-reports").iterdir())
    assert "ghs_loopback" not in gate.stdout + gate.stderr + summary + reports


def test_without_the_run_context_the_gates_own_check_is_pending(installed: dict[str, Any], tmp_path: Path,
                                                                github: Replay) -> None:
    """What the shipped workflow did before: the gate's own in-progress check run is never a failure,
    and with the run context (the test above) it is not even pending."""
    pr = {**cp.pr_event("opened")["pull_request"], "title": TITLE}
    cp.github_rest(github, pr, [cp.rest_review("octocat")], _checks(), jobs=_jobs())
    runner, gate, chg = _cc81(installed, tmp_path, github, "pull_request_review", _review_pull("octocat"),
                              env={"GITHUB_RUN_ID": "", "GITHUB_JOB": ""})
    assert chg["CHG-002"]["outcome"] == "inconclusive" and "soc2gate (in_progress)" in chg["CHG-002"]["message"]
    assert gate.returncode == 0 and gate.outputs["inconclusive"] == "1"


def test_a_required_check_still_running_is_pending_not_failed(installed: dict[str, Any], tmp_path: Path,
                                                              github: Replay) -> None:
    pr = {**cp.pr_event("opened")["pull_request"], "title": TITLE}
    cp.github_rest(github, pr, [cp.rest_review("octocat")], _checks(test=("in_progress", None)), jobs=_jobs())
    runner, gate, chg = _cc81(installed, tmp_path, github, "pull_request_review", _review_pull("octocat"))
    assert chg["CHG-002"]["outcome"] == "inconclusive"
    assert chg["CHG-002"]["message"].endswith("pending: checks not finished on the head commit ec26c3e57ca3: test (in_progress)")
    assert gate.returncode == 0 and "::warning file=.github/workflows/soc2gate.yml,line=1" in gate.stdout


@pytest.mark.parametrize("case", ["self-approved", "approved-after-merge"])
def test_action_fails_cc81_on_self_or_post_merge_approval(installed: dict[str, Any], tmp_path: Path, github: Replay,
                                                          case: str) -> None:
    if case == "self-approved":
        event_name, event = "pull_request_review", _review_pull("Codertocat")
        pr = {**cp.pr_event("opened")["pull_request"], "title": TITLE}
        reviews = [cp.rest_review("Codertocat")]
        reason = "Codertocat: the author"
    else:  # merged at 15:25 by octocat, who approved at 15:30
        event_name, event = "pull_request", cp.pr_event("closed", merged_by="octocat", title=TITLE)
        pr = event["pull_request"]
        reviews = [cp.rest_review("octocat", at="2019-05-15T15:30:00Z")]
        reason = "octocat: submitted at 2019-05-15T15:30:00+00:00, after the merge at 2019-05-15T15:25:00+00:00"
    cp.github_rest(github, pr, reviews, _checks(), jobs=_jobs())
    runner, gate, chg = _cc81(installed, tmp_path, github, event_name, event)
    assert gate.returncode == 1 and gate.outputs["verdict"] == "failed"
    assert chg["CHG-001"]["outcome"] == "fail" and reason in chg["CHG-001"]["message"]
    assert chg["CHG-002"]["outcome"] == "pass"
    sarif = json.loads((runner.workspace / "soc2gate-reports" / "soc2gate.sarif").read_text())
    alert = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CHG-001")
    assert alert["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == WORKFLOW
    assert "CC8.1" in alert["properties"]["soc2.controls"]
    assert f"::error file={WORKFLOW},line=1,endLine=1,title=CHG-001 (high)" in gate.stdout
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## ❌ soc2gate: gate failed")
    assert summary.index("- [ ] approvals (CHG-001) — fail") < summary.index("### SOC 2 criteria")
