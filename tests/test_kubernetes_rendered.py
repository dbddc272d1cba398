"""Kubernetes as teams write it: Kustomize rendered by the real `kubectl kustomize`, findings placed
on the files people edit; Helm charts and unrenderable directories listed as skipped, never errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import CORPORA, require_shared

REPO = Path(__file__).resolve().parent.parent
REAL = CORPORA / "real"
DEMO = REAL / "microservices-demo" / "kustomize"
GUESTBOOK = REAL / "kubernetes-examples" / "web" / "guestbook"
GOAT_CHART = REAL / "kubernetes-goat" / "scenarios" / "metadata-db"
NO_HELM = "Helm chart: install helm to evaluate it, or pipe `helm template` into `soc2gate scan -`"



def _scan(*args: str, path_env: str | None = None, cwd: Path = REPO) -> tuple[int, dict]:
    require_shared()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    if path_env is not None:
        env["PATH"] = path_env
    done = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", *args,
                           "--format", "json"], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _line(file: str, line: int, cwd: Path = REPO) -> str:
    path = Path(file) if Path(file).is_absolute() else cwd / file
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_microservices_demo_kustomize_tree_points_to_the_base_files() -> None:
    _, report = _scan(str(DEMO))
    failing = [f for f in report["findings"] if f["outcome"] == "fail"]
    assert failing and not [f for f in report["findings"] if f["outcome"] == "error"]
    assert all(Path(f["file"]).resolve().is_relative_to(DEMO.resolve()) for f in failing)
    assert not [f for f in failing if Path(f["file"]).name.startswith("kustomization")]
    seccomp = [f for f in failing if f["policy"] == "K8S-011" and f["resource"] == "Deployment/adservice"]
    assert len(seccomp) == 1 and seccomp[0]["file"].endswith("base/adservice.yaml")
    assert _line(seccomp[0]["file"], seccomp[0]["line"]).strip().startswith(("- name: server", "securityContext"))
    for finding in failing:  # the reported line lies inside the object's own document of its source file
        text = Path(finding["file"]).read_text(encoding="utf-8")
        assert finding["line"] <= len(text.splitlines())
        assert f"name: {finding['resource'].split('/')[-1]}" in text
    skipped = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert "Kustomize component" in skipped["network-policies"]
    kinds = {i["kind"] for i in report["inputs"]}
    assert kinds == {"kustomize"} and any(i["path"].endswith("base/kustomization.yaml") for i in report["inputs"])


def test_objects_rendered_identically_by_base_and_overlays_are_evaluated_once() -> None:
    _, report = _scan(str(DEMO))
    ad = [f for f in report["findings"] if f["policy"] == "K8S-011" and f["resource"] == "Deployment/adservice"]
    assert len(ad) == 1 and len(ad[0]["related"]["rendered_by"]) >= 2


def _guestbook_overlay(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    shutil.copytree(GUESTBOOK, app, ignore=shutil.ignore_patterns("all-in-one", "legacy"))
    files = sorted(p.name for p in app.glob("*.yaml"))
    (app / "kustomization.yaml").write_text("namespace: shop\nnamePrefix: prod-\nresources:\n"
                                            + "".join(f"- {name}\n" for name in files))
    return app


def test_kubernetes_examples_through_a_kustomization_keep_their_source_lines(tmp_path: Path) -> None:
    app = _guestbook_overlay(tmp_path)
    code, report = _scan(str(app), cwd=tmp_path)
    failing = [f for f in report["findings"] if f["outcome"] == "fail"]
    assert code == 1 and failing
    frontend = [f for f in failing if f["resource"] == "Deployment/shop/prod-frontend"]
    assert frontend and {f["file"] for f in frontend} == {"app/frontend-deployment.yaml"}
    for finding in frontend:
        source = (tmp_path / finding["file"]).read_text().splitlines()
        assert 1 <= finding["line"] <= len(source)
    image = [f for f in frontend if f["attribute_path"].endswith(".image")]
    assert not image or "image:" in _line(image[0]["file"], image[0]["line"], tmp_path)
    assert all(Path(s["path"]).parent.name == "app" for s in report["skipped"]
               if s["reason"].startswith("in a Kustomize directory"))


def test_a_kustomization_that_cannot_build_is_an_error_on_it(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    code, report = _scan(str(tmp_path), cwd=tmp_path)
    errors = [f for f in report["findings"] if f["outcome"] == "error"]
    assert code == 1 and errors[0]["policy"] == "SYS-001" and errors[0]["file"] == "kustomization.yaml"
    assert "missing.yaml" in errors[0]["message"]


def test_without_a_renderer_directories_are_listed_and_strict_fails(tmp_path: Path) -> None:
    app = _guestbook_overlay(tmp_path)
    bare = str(Path(sys.executable).parent)  # python only: no kubectl, kustomize or helm
    empty, _ = _scan(str(app), path_env=bare, cwd=tmp_path)
    assert empty == 1  # nothing at all was evaluated: the empty-run rule (SYS-005) fails it
    code, report = _scan(str(app), "--allow-empty", path_env=bare, cwd=tmp_path)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert code == 0 and reasons["app"].startswith("Kustomize directory: install kubectl")
    assert [f["outcome"] for f in report["findings"]] == ["inconclusive"]
    strict, _ = _scan(str(app), "--strict", "--allow-empty", path_env=bare, cwd=tmp_path)
    assert strict == 1


def test_helm_chart_without_helm_is_skipped_with_the_reason_not_an_error() -> None:
    bare = str(Path(sys.executable).parent)  # no helm on this PATH, whatever the machine has
    code, report = _scan(str(GOAT_CHART), "--allow-empty", path_env=bare)  # the chart is all this run names
    assert code == 0 and [s["reason"] for s in report["skipped"] if s["path"].endswith("metadata-db")] == [NO_HELM]
    assert [(f["policy"], f["outcome"]) for f in report["findings"]] == [("SYS-005", "inconclusive")]
    strict, _ = _scan(str(GOAT_CHART), "--strict", "--allow-empty", path_env=bare)
    assert strict == 1


def test_an_excluded_kustomization_file_is_not_rendered(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")  # would be an error if built
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (tmp_path / ".soc2gate.yaml").write_text('exclude: ["*.yaml"]\n')
    code, report = _scan(".", cwd=tmp_path)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons["kustomization.yaml"] == "excluded by configuration"
    assert not [f for f in report["findings"] if f["outcome"] == "error"]
    assert {i["kind"] for i in report["inputs"]} == {"terraform"}
