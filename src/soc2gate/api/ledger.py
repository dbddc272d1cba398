"""The evidence ledger as auditors and the webhook use it: a period's records, the period report in a
format, populations and samples, one record, and the admission webhook's batch records."""

from __future__ import annotations

import json
from typing import Any, Mapping

from soc2gate import evidence
from soc2gate.config import Config, load_config
from soc2gate.errors import ConfigError
from soc2gate.evidence import population as populations
from soc2gate.evidence import report_html, report_markdown
from soc2gate.evidence.admission import append_batch as _append_batch
from soc2gate.evidence.admission import build_batch_record, default_chain, webhook_source
from soc2gate.evidence.signing import Signer

REPORT_FORMATS = ("markdown", "json", "html")


def evidence_records(url: str, start: str | None, end: str | None, public_key: str | None = None,
                     config_path: str | None = None,
                     password_env: str | None = None) -> tuple[list[dict[str, Any]], Any]:
    """The verified store's records in a period (``_chain`` tagged, time order) and its verification;
    ``evidence.*`` settings of the configuration apply as for ``evidence report``."""
    chosen = evidence.settings(load_config(config_path), url, public_key=public_key, password_env=password_env)
    assert chosen is not None  # a URL was given
    return evidence.store_records(chosen.url, start, end, chosen.public_key, chosen.store)


def evidence_report_text(report: dict[str, Any], fmt: str) -> str:
    """A period report (``evidence_report``) as ``markdown``, ``json`` or ``html`` (one self-contained file)."""
    if fmt == "json":
        return json.dumps(report, indent=2) + "\n"
    return report_html.render(report) if fmt == "html" else report_markdown.render(report)


def evidence_population(records: list[dict[str, Any]], kind: str, size: int | None = None,
                        seed: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Every change, run or exception (``kind``) of ``records``; with ``size``, a reproducible sample
    of them and how it was drawn."""
    rows = populations.population(records, kind)
    if size is None:
        return rows, None
    return populations.sample(rows, size, int(seed or 0))


def population_text(rows: list[dict[str, Any]], fmt: str, how: dict[str, Any] | None, kind: str) -> str:
    """A population or sample as ``csv`` or ``json``."""
    return populations.render(rows, fmt, how, kind)


def find_evidence_record(records: list[dict[str, Any]], wanted: str, chain: str | None) -> dict[str, Any]:
    """The record numbered, run-id'd or hashed ``wanted`` (in ``chain`` when given); UsageError when absent."""
    return populations.find_record(records, wanted, chain)


def evidence_store_settings(config: Config, where: str) -> Any:
    """The store the webhook's batch records go to (``webhook.evidence`` needs ``evidence.url``); its
    signing key is read now, so an unreadable or wrong key is a start-up (or reload) error."""
    chosen = evidence.settings(config)
    if chosen is None:
        raise ConfigError(f"{where}: invalid configuration at `webhook.evidence`: no evidence store "
                          "(set `evidence.url`)")
    if chosen.key:
        Signer(chosen.key)
    return chosen


def append_batch(body: Mapping[str, Any], chosen: Any, chain: str) -> Any:
    """Sign (the key is read here, off the event loop) and append one admission batch record."""
    signer = Signer(chosen.key) if chosen.key else None
    return _append_batch(body, chosen.url, chosen.store, signer, chain)


__all__ = ["REPORT_FORMATS", "append_batch", "build_batch_record", "default_chain", "evidence_population",
           "evidence_records", "evidence_report_text", "evidence_store_settings", "find_evidence_record",
           "population_text", "webhook_source"]
