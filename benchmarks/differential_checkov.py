"""Differential benchmark against checkov: do the checks a policy claims agree with it, resource by resource?

    python benchmarks/differential_checkov.py --checkov-bin /work/main/.ci-venvs/checkov/bin/checkov
    python benchmarks/differential_checkov.py --refresh-real     # re-run checkov on the real corpus (~4 min)

Runs checkov (its own venv, a subprocess, JSON output) and soc2gate on every Terraform policy's
fixtures and on ``../shared/corpora/real``, and compares, for every checkov id a policy names in
METADATA (``custom.checkov``: equivalent; ``custom.related_checkov``: related), the two verdicts on
every resource both judged.  Disagreements are annotated from ``differential/classified.yaml``.
checkov's reduced output is cached in ``results/checkov_real.json`` (the corpus does not change)
and ``results/checkov_fixtures.json`` (keyed by a digest of the fixtures and the checks run).
Writes ``results/differential_checkov.json``; ``tests/test_differential_claims.py`` checks the
METADATA claims against it without running checkov.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from accuracy_kics import SHARED, load_gate  # noqa: E402
from differential_compare import (classify, claim_problems, compare, fold, load_classifications,  # noqa: E402
                                  policy_claims)

RESULTS = HERE / "results"
CLASSIFIED = HERE / "differential" / "classified.yaml"
REAL = SHARED / "corpora" / "real"
REAL_DIRS = ("terraform-aws-eks", "terraform-aws-iam", "terraform-aws-rds", "terraform-aws-s3-bucket",
             "terraform-aws-vpc", "terragoat")
DEFAULT_CHECKOV = "/work/main/.ci-venvs/checkov/bin/checkov"


def fixture_targets(policies) -> dict[str, Path]:
    """``slug/kind/name`` -> fixture file or directory, for every Terraform policy with a checkov claim."""
    targets = {}
    for policy in policies:
        folder = Path(policy.path).parent
        for kind in ("pass", "fail", "inconclusive"):
            root = folder / "fixtures" / kind
            if policy.surface == "terraform" and root.is_dir():
                for item in sorted(root.iterdir()):
                    if not item.name.startswith("."):
                        targets[f"{folder.name}/{kind}/{item.name}"] = item
    return targets


def _digest(targets: dict[str, Path], checks: list[str]) -> str:
    digest = hashlib.sha256("\n".join(checks).encode())
    for key, path in sorted(targets.items()):
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            digest.update(f"{key}/{file.name}".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def parse_checkov(text: str) -> list[dict[str, Any]]:
    """checkov prints one JSON document per directory (or a list): every report object in it."""
    decoder, position, reports = json.JSONDecoder(), 0, []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return reports
        document, position = decoder.raw_decode(text, position)
        reports.extend(document if isinstance(document, list) else [document])


def checkov_rows(text: str, root: Path) -> list[list[str]]:
    """Deduplicated [check id, path relative to root, resource, pass|fail] rows."""
    verdicts = {"passed_checks": "pass", "failed_checks": "fail"}
    rows = set()
    for report in parse_checkov(text):
        for key, verdict in verdicts.items():
            for item in (report.get("results") or {}).get(key) or []:
                file = Path(item.get("file_abs_path") or "")
                try:
                    relative = file.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    continue
                rows.add((item["check_id"], relative, provider_address(item["resource"]), verdict))
    return [list(r) for r in sorted(rows)]


def provider_address(resource: str) -> str:
    """checkov names a provider block `aws.default` (or `aws.<alias>`); soc2gate `provider.aws`."""
    first, _, rest = resource.partition(".")
    if rest and "_" not in first and not resource.startswith(("module.", "data.")):
        return f"provider.{first}" + ("" if rest == "default" else f".{rest}")
    return resource


def run_checkov(binary: str, root: Path, dirs: list[str], checks: list[str] | None) -> list[list[str]]:
    command = [binary, "-o", "json", "--compact", "--skip-download", "--framework", "terraform", "terraform_plan"]
    if checks:
        command += ["--check", ",".join(checks)]
    for name in dirs:
        command += ["-d", name]
    print(f"running checkov on {len(dirs)} folder(s) under {root} ...", file=sys.stderr)
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=1800)
    if done.returncode not in (0, 1):
        raise SystemExit(f"checkov failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return checkov_rows(done.stdout, root)


def checkov_on_fixtures(binary: str, targets: dict[str, Path], checks: list[str], reuse: bool) -> list[list[str]]:
    cache = RESULTS / "checkov_fixtures.json"
    digest = _digest(targets, checks)
    if cache.is_file():
        cached = json.loads(cache.read_text())
        if cached.get("digest") == digest or reuse:
            return cached["rows"]
    with tempfile.TemporaryDirectory(prefix="soc2gate-diff-") as tmp:
        root = Path(tmp)
        for key, path in targets.items():
            destination = root / key
            if path.is_dir():
                shutil.copytree(path, destination)
            else:
                destination.mkdir(parents=True)
                shutil.copy(path, destination / path.name)
        rows = run_checkov(binary, root, sorted({k.split("/")[0] for k in targets}), checks)
    rows = [[c, "fixture:" + "/".join(f.split("/")[:3]), r, v] for c, f, r, v in rows]
    cache.write_text(json.dumps({"digest": digest, "rows": rows}) + "\n")
    return rows


def checkov_on_real(binary: str, refresh: bool) -> list[list[str]]:
    cache = RESULTS / "checkov_real.json"
    if cache.is_file() and not refresh:
        return json.loads(cache.read_text())["rows"]
    rows = [[c, "real:" + f, r, v] for c, f, r, v in run_checkov(binary, REAL, list(REAL_DIRS), None)]
    cache.write_text(json.dumps({"corpus": "../shared/corpora/real", "dirs": REAL_DIRS, "rows": rows}) + "\n")
    return rows


def native_rows(gate, targets: dict[str, Path], real: bool) -> list[tuple[str, str, str, str]]:
    from soc2gate.api import ScanOptions, scan

    rows = []
    for key, path in targets.items():
        result = scan(ScanOptions(paths=(str(path),), use_cache=True), gate=gate)
        for finding in result.findings:
            if finding.span is None or not finding.policy_id.startswith("TF-"):
                continue
            target = "fixture:" + key
            if real:
                target = "real:" + Path(finding.span.file).resolve().relative_to(REAL.resolve()).as_posix()
            rows.append((finding.policy_id, target, finding.resource, finding.outcome.value))
    return rows


def table(pairs: list[dict[str, Any]]) -> str:
    lines = ["| policy | checkov | claim | agree | disagree | classified | inconclusive | only soc2gate | only checkov |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in pairs:
        classified = sum(1 for d in p["disagreements"] if d["class"] != "unclassified")
        lines.append(f"| {p['policy']} | {p['checkov']} | {p['claim']} | {p['agree']} | {p['disagree']} | "
                     f"{classified} | {p['inconclusive']} | {p['only_soc2gate']} | {p['only_checkov']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov-bin", default=DEFAULT_CHECKOV)
    parser.add_argument("--refresh-real", action="store_true", help="re-run checkov on the real corpus")
    parser.add_argument("--no-real", action="store_true", help="fixtures only")
    parser.add_argument("--reuse-fixture-cache", action="store_true",
                        help="compare with the cached checkov fixture results even if fixtures changed (iteration only)")
    args = parser.parse_args(argv)
    gate = load_gate()
    claims = policy_claims(gate.bundle.policies)
    checks = sorted({c for claim in claims.values() for key in claim for c in claim[key]})
    targets = {k: v for k, v in fixture_targets(gate.bundle.policies).items()}
    ck_rows = checkov_on_fixtures(args.checkov_bin, targets, checks, args.reuse_fixture_cache)
    rows = native_rows(gate, targets, real=False)
    if not args.no_real:
        ck_rows += checkov_on_real(args.checkov_bin, args.refresh_real)
        rows += native_rows(gate, {d: REAL / d for d in REAL_DIRS}, real=True)
    pairs = compare(claims, fold(rows), fold((c, t, provider_address(r), v) for c, t, r, v in ck_rows))
    notes = load_classifications(CLASSIFIED)
    results = {"corpus": "policy fixtures" + ("" if args.no_real else " + ../shared/corpora/real"),
               "claims": claims, "pairs": classify(pairs, notes)}
    (RESULTS / "differential_checkov.json").write_text(json.dumps(results, indent=1) + "\n")
    print(table(results["pairs"]))
    problems = claim_problems(claims, results, notes)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
