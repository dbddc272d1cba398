"""Tamper-evident evidence: one hash-chained (optionally Ed25519-signed) record per run, kept in an
evidence store (a folder ledger, or PostgreSQL for many writers), verification that names every
modified, reordered, inserted or deleted record, and the period report an auditor samples.
See docs/evidence.md.

Settings come from the ``evidence`` configuration section, overridden by the command line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from soc2gate.catalog.org_controls import org_catalogue
from soc2gate.config import Config
from soc2gate.evidence.store import EvidenceStore, StoreOptions, open_store, scheme
from soc2gate.model import Result

DEFAULT_LOCK_TIMEOUT = 60.0


@dataclass(frozen=True)
class EvidenceSettings:
    url: str
    key: str | None = None
    public_key: str | None = None
    chain: str | None = None
    store: StoreOptions = StoreOptions()
    org: dict[str, Any] | None = None  # controls_map and manual_evidence, for the period report

    @property
    def directory(self) -> str:  # the folder ledger's directory (file stores)
        return self.url.removeprefix("file://").removeprefix("file:")


def _relative(config: Config, url: str) -> str:
    """Folder paths are relative to the configuration file; URLs are kept as they are."""
    if scheme(url) != "file":
        return url
    return config.relative(url.removeprefix("file://").removeprefix("file:"))


def settings(config: Config, url: str | None = None, key: str | None = None, public_key: str | None = None,
             password_env: str | None = None) -> EvidenceSettings | None:
    """Command-line values win over ``evidence.*``; None when no store is set."""
    section = config.section("evidence")
    chosen = url or section.get("url") or section.get("dir")
    if not chosen:
        return None
    store = StoreOptions(password_env=password_env or section.get("password_env"),
                         retries=int(section.get("retries", 3)), retry_backoff=float(section.get("retry_backoff_s", 0.5)),
                         lock_timeout=float(section.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)))
    return EvidenceSettings(
        url=chosen if url else _relative(config, chosen),
        key=key or (config.relative(section["key"]) if section.get("key") else None),
        public_key=public_key or (config.relative(section["public_key"]) if section.get("public_key") else None),
        chain=section.get("chain"),
        store=store,
        org=org_catalogue(config),
    )


def chain_name(chosen: EvidenceSettings, ci: Mapping[str, str]) -> str:
    """One chain per repository by default (``evidence.chain`` overrides; ``local`` outside CI)."""
    return chosen.chain or ci.get("repo") or "local"


def record_run(result: Result, chosen: EvidenceSettings, now: datetime, env: Mapping[str, str],
               run_id: str | None = None) -> Any:
    """Append this run's record to the store; returns what was appended."""
    from soc2gate.evidence.ci import ci_context
    from soc2gate.evidence.record import build_record
    from soc2gate.evidence.signing import Signer

    signer = Signer(chosen.key) if chosen.key else None
    ci = ci_context(env)
    body = build_record(result, run_id or str(uuid.uuid4()), now, ci)
    store = open_store(chosen.url, chosen.store)
    try:
        return store.append(body, signer, chain_name(chosen, ci))
    finally:
        store.close()


def verify_store(store: EvidenceStore, public_key: str | None = None, keep: Any = None) -> Any:
    from soc2gate.evidence.signing import Checker

    return store.verify(Checker(public_key) if public_key else None, keep)


def period_report(url: str, start: str | None, end: str | None, public_key: str | None = None,
                  branch: str | None = None, repo: str | None = None,
                  options: StoreOptions | None = None, org: dict[str, Any] | None = None) -> dict[str, Any]:
    from soc2gate.evidence.period import full_report, heads, load
    from soc2gate.evidence.report import parse_period
    from soc2gate.evidence.signing import Checker

    period = parse_period(start, end)
    store = open_store(url, options)
    try:  # one pass per chain: the records verification parsed feed the report
        records, integrity = load(store, Checker(public_key) if public_key else None)
        return full_report(records, integrity, store.location, period, branch, repo, org,
                           heads(store, records, integrity))
    finally:
        store.close()


def store_records(url: str, start: str | None, end: str | None, public_key: str | None = None,
                  options: StoreOptions | None = None) -> tuple[list[dict[str, Any]], Any]:
    """The verified store's records in the period (``_chain`` tagged, time order) and its verification."""
    from soc2gate.evidence.period import load
    from soc2gate.evidence.report import parse_period, when
    from soc2gate.evidence.signing import Checker

    period = parse_period(start, end)
    store = open_store(url, options)
    try:
        records, integrity = load(store, Checker(public_key) if public_key else None)
    finally:
        store.close()
    return [r for r in records if period.contains(when(r))], integrity


def verify_ledger(directory: str, public_key: str | None = None) -> Any:
    """The folder ledger's one chain, verified (the store-level view is ``verify_store``)."""
    from soc2gate.evidence.signing import Checker
    from soc2gate.evidence.verify import verify

    return verify(directory, Checker(public_key) if public_key else None)
