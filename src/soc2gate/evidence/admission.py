"""One evidence record per admission-webhook batch (``kind: admission-batch``).

Same schema, hash chain and signature as a scan run's record (evidence/record.py): only the
body differs.  ``admission`` holds the batch's counts (webhook/batches.py); ``window`` the
stretch of time it covers, so the period report can show when admission control was not
recorded as operating (gaps).  The body holds no floats, so it hashes the same everywhere.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Mapping

from soc2gate.evidence.chain import SCHEMA

KIND = "admission-batch"
SERVICE_ACCOUNT_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


def webhook_source(env: Mapping[str, str], namespace_file: Path = SERVICE_ACCOUNT_NAMESPACE) -> dict[str, str]:
    """Where the webhook runs: its namespace (``POD_NAMESPACE``, else the service account's), its host."""
    namespace = env.get("POD_NAMESPACE", "")
    if not namespace:
        try:
            namespace = namespace_file.read_text(encoding="utf-8").strip()
        except OSError:
            namespace = ""
    return {"namespace": namespace, "host": env.get("HOSTNAME") or socket.gethostname()}


def default_chain(source: Mapping[str, str]) -> str:
    """``webhook/<namespace>`` in a cluster (replicas share it), else ``webhook/<host>``."""
    return f"webhook/{source.get('namespace') or source.get('host') or 'local'}"


def build_batch_record(summary: Mapping[str, Any], batch_id: str, opened: str, closed: str, *,
                       interval_s: float, chain: str, source: Mapping[str, str], version: str,
                       mode: str) -> dict[str, Any]:
    """The record body (without ``seq``, ``prev_hash``, ``hash`` and ``signature``).

    ``opened``/``closed`` are UTC timestamps (``...Z``); ``time`` is the close, to the second.
    """
    bundles, configs = summary.get("bundle_digests") or [], summary.get("config_digests") or []
    return {
        "schema": SCHEMA,
        "kind": KIND,
        "run_id": batch_id,
        "time": closed[:19] + "Z",
        "tool": {"name": "soc2gate", "version": version},
        "webhook": {"chain": chain, "namespace": source.get("namespace", ""), "host": source.get("host", ""),
                    "pid": os.getpid(), "mode": mode, "interval_ms": int(round(interval_s * 1000))},
        "window": {"from": opened, "to": closed},
        "policy_bundle_digest": bundles[-1] if len(bundles) == 1 else "",
        "config_digest": configs[-1] if len(configs) == 1 else "",
        "admission": dict(summary),
    }


def append_batch(body: Mapping[str, Any], url: str, options: Any, signer: Any, chain: str) -> Any:
    """Append one batch record to the store at ``url`` (raises on any failure; the caller keeps the batch)."""
    from soc2gate.evidence.store import open_store

    store = open_store(url, options)
    try:
        return store.append(body, signer, chain)
    finally:
        store.close()
