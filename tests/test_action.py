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
from typing import Any

import pytest
import yaml

from conftest import CORPORA, require_shared
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
