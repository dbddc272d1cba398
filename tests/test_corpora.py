"""Every real-world file either parses or yields a SYS finding with a line: no exception escapes."""

from __future__ import annotations

import shutil
from pathlib import Path

from soc2gate.model import Outcome
from soc2gate.parsers.collect import CollectOptions, collect

from conftest import CORPORA, require_shared


def _check(folder: str) -> None:
    require_shared()
    out = collect([str(CORPORA / folder)], CollectOptions(use_cache=False))
    assert out.inputs, f"nothing read under {folder}"
    for finding in out.findings:
        assert finding.policy_id.startswith("SYS-")
        # errors, or a chart / Kustomize directory no renderer on this machine could render (listed as skipped)
        assert finding.outcome is Outcome.ERROR or (finding.outcome is Outcome.INCONCLUSIVE and finding.policy_id == "SYS-005")
        assert finding.span and finding.span.file and finding.message
    return out


def test_real_corpus_parses_or_reports() -> None:
    out = _check("real")
    terraform = [i for i in out.inputs if i.kind == "terraform"]
    assert len(terraform) >= 500
    templates = [f for f in out.findings if "helm template" in f.message]
    assert templates and all(f.span.start_line > 0 for f in templates)
    charts = [s.path for s in out.skipped if s.reason.startswith("Helm chart:")]
    assert shutil.which("helm") or {"metadata-db", "pwnchart"} <= {Path(c).name for c in charts}
    assert [i for i in out.inputs if i.kind == "kustomize"] if shutil.which("kubectl") else True


def test_tfplan_corpus_parses_or_reports() -> None:
    out = _check("tfplan")
    plans = [i for i in out.inputs if i.kind == "plan"]
    assert len(plans) >= 120
    assert sum(i.resources for i in plans) > 500
