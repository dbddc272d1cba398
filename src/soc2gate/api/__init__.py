"""The single entry point: the CLI and its commands, the GitHub Action, pre-commit, audit and the webhook.

Faces (``cli``, ``commands``, ``webhook``, ``audit``) import only this package, ``model`` and
``errors`` (enforced by tests/test_architecture.py): a run (``Gate``, ``scan``), the admission
webhook's per-process gate, the policy catalog, reports, waivers, evidence, change records and
pre-commit's file selection all go through here.  The choices faces offer (output formats, input
types, severities, surfaces) come from the registries, never copied.

The registries are bound at import; everything else is loaded on first use (PEP 562), so the
command line starts without the parsers, engines and their heavy dependencies
(benchmarks/README.md, pre-commit hook latency).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from soc2gate.model import INPUT_TYPES, SEVERITIES, SURFACES
from soc2gate.reporters import REPORTERS

if TYPE_CHECKING:
    from soc2gate.api.admission import (
        admission_gate,
        admission_template,
        judged_kinds,
        kubernetes_resource,
        strict_json,
    )
    from soc2gate.api.gate import (
        EXIT_FAILED,
        EXIT_INTERNAL,
        EXIT_PASSED,
        EXIT_USAGE,
        MAX_STDIN_BYTES,
        Gate,
        ScanOptions,
        scan,
    )
    from soc2gate.api.ledger import (
        append_batch,
        build_batch_record,
        default_chain,
        evidence_population,
        evidence_records,
        evidence_report_text,
        evidence_store_settings,
        find_evidence_record,
        population_text,
        webhook_source,
    )
    from soc2gate.api.operations import (
        baseline_action,
        change_record,
        check_staged,
        ci_run,
        copy_evidence,
        evidence_markdown,
        evidence_report,
        find_overdue,
        init_evidence,
        list_waivers,
        moment,
        record_evidence,
        redact_url,
        verification_text,
        verify_evidence,
    )
    from soc2gate.api.policies import (
        catalog_doc,
        coverage_matrix,
        export_bundle,
        fixture_runner,
        policy_bundle,
        policy_doc,
    )
    from soc2gate.api.reports import policy_reports, render, use_color
    from soc2gate.parsers.collect import Collected

FORMATS: tuple[str, ...] = tuple(REPORTERS)

_WHERE: dict[str, tuple[str, ...]] = {
    "soc2gate.api.gate": ("EXIT_FAILED", "EXIT_INTERNAL", "EXIT_PASSED", "EXIT_USAGE", "MAX_STDIN_BYTES",
                          "Collected", "Gate", "ScanOptions", "scan"),
    "soc2gate.api.admission": ("admission_gate", "admission_template", "judged_kinds", "kubernetes_resource",
                               "strict_json"),
    "soc2gate.api.operations": ("baseline_action", "change_record", "check_staged", "ci_run", "copy_evidence",
                                "evidence_markdown", "evidence_report", "find_overdue", "init_evidence",
                                "list_waivers", "moment", "record_evidence", "redact_url", "verification_text",
                                "verify_evidence"),
    "soc2gate.api.reports": ("policy_reports", "render", "use_color"),
    "soc2gate.api.ledger": ("append_batch", "build_batch_record", "default_chain", "evidence_population",
                            "evidence_records", "evidence_report_text", "evidence_store_settings",
                            "find_evidence_record", "population_text", "webhook_source"),
    "soc2gate.api.policies": ("catalog_doc", "coverage_matrix", "export_bundle", "fixture_runner", "policy_bundle",
                              "policy_doc"),
}
__all__ = [  # every name the faces may use: the registries' choices and the parts in _WHERE
    "Collected", "EXIT_FAILED", "EXIT_INTERNAL", "EXIT_PASSED", "EXIT_USAGE", "FORMATS", "Gate", "INPUT_TYPES",
    "MAX_STDIN_BYTES", "SEVERITIES", "SURFACES", "ScanOptions", "admission_gate", "admission_template",
    "append_batch", "baseline_action", "build_batch_record", "catalog_doc", "change_record", "check_staged",
    "ci_run", "copy_evidence", "coverage_matrix", "default_chain", "evidence_markdown", "evidence_population",
    "evidence_records", "evidence_report", "evidence_report_text", "evidence_store_settings", "export_bundle",
    "find_evidence_record", "find_overdue", "fixture_runner", "init_evidence", "judged_kinds", "kubernetes_resource",
    "list_waivers", "moment", "policy_bundle", "policy_doc", "policy_reports", "population_text",
    "record_evidence", "redact_url", "render", "scan", "strict_json", "use_color", "verification_text",
    "verify_evidence", "webhook_source",
]
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}


def __getattr__(name: str) -> Any:
    """Load the part of the API that defines ``name`` on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'soc2gate.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
