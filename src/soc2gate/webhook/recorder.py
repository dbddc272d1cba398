"""Admission control leaves operating evidence: one ledger record per batch of decisions.

With ``webhook.evidence`` set, every decision is counted into the current batch (in memory, on
the event loop: no lock, no I/O).  Every ``interval_s`` -- and once more on graceful shutdown --
the batch is closed, a new one opened, and the closed one appended to the evidence store in a
dedicated thread, so a slow or unreachable store never delays an admission answer.  A failed
append is logged (``event: evidence, result: failed``), counted
(``soc2gate_webhook_evidence_appends_total{result="failed"}``) and kept: it is merged into the
next batch and appended with it (the merged batch stays bounded: it holds counts only).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Mapping

from soc2gate import __version__
from soc2gate.errors import Soc2gateError
from soc2gate.evidence.admission import append_batch, build_batch_record, default_chain, webhook_source
from soc2gate.webhook.batches import Batch
from soc2gate.webhook.evaluator import Loaded
from soc2gate.webhook.settings import BatchEvidence

log = logging.getLogger("soc2gate.webhook")
DISABLED_POLL_S = 30.0  # a server without webhook.evidence: how often the (no-op) flush runs
RECHECK_S = 1.0  # how often the ticker re-reads the interval (a reload may change it)


class EvidenceRecorder:
    def __init__(self, current: Callable[[], Loaded], metrics: Any, clock: Callable[[], str],
                 env: Mapping[str, str] | None = None) -> None:
        self.current, self.metrics, self.clock = current, metrics, clock
        self.source = webhook_source(os.environ if env is None else env)
        self.batch: Batch | None = None
        self.pending: Batch | None = None  # a batch whose append failed: retried with the next one
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="soc2gate-evidence")
        self.stopping: asyncio.Event | None = None
        self.task: asyncio.Task | None = None
        self._controls: tuple[int, dict[str, tuple[str, ...]]] = (0, {})

    def enabled(self, loaded: Loaded) -> bool:
        return loaded.settings.evidence is not None and loaded.evidence is not None

    def observe(self, line: Mapping[str, Any]) -> None:
        """Count one decision log line into the current batch (never raises: the answer is already sent)."""
        loaded = self.current()
        if not self.enabled(loaded):
            self.batch = None
            return
        try:
            if self.batch is None:
                self.batch = Batch(self.clock(), _conf(loaded).max_keys)
            self.batch.add(line, self._policy_controls(loaded))
        except Exception:  # noqa: BLE001 - counting must never affect admission
            log.exception("counting a decision into the evidence batch failed")

    def _policy_controls(self, loaded: Loaded) -> dict[str, tuple[str, ...]]:
        if self._controls[0] != loaded.generation:
            self._controls = (loaded.generation, {p.id: tuple(p.controls) for p in loaded.gate.policies})
        return self._controls[1]

    def start(self) -> None:
        """Lifespan start-up: open the first batch and start the ticker."""
        if self.enabled(self.current()):
            self.batch = Batch(self.clock(), _conf(self.current()).max_keys)
        self.stopping = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        """Lifespan shutdown (requests drained): append the last batch, then end the thread."""
        if self.stopping is not None and self.task is not None:
            self.stopping.set()
            await self.task
        self.executor.shutdown(wait=True)

    async def _tick(self) -> None:
        """Flush every interval (re-read each second, so a reload's new interval applies at once) and on stop."""
        assert self.stopping is not None
        loop = asyncio.get_running_loop()
        since = loop.time()
        while True:
            loaded = self.current()
            interval = _conf(loaded).interval_s if self.enabled(loaded) else DISABLED_POLL_S
            remaining = since + interval - loop.time()
            if remaining > 0 and not self.stopping.is_set():
                try:
                    await asyncio.wait_for(self.stopping.wait(), min(remaining, RECHECK_S))
                except asyncio.TimeoutError:
                    pass
                continue
            try:
                await self.flush(final=self.stopping.is_set())
            except Exception:  # noqa: BLE001 - the ticker must outlive any bug in one flush
                log.exception("appending the admission evidence batch failed")
            since = loop.time()
            if self.stopping.is_set():
                return

    def _close(self, loaded: Loaded) -> tuple[Batch, str]:
        closed = self.clock()
        batch = self.batch or Batch(closed, _conf(loaded).max_keys)
        self.batch = Batch(closed, _conf(loaded).max_keys)
        if self.pending is not None:
            batch, self.pending = self.pending.merge(batch), None
        return batch, closed

    async def flush(self, final: bool = False) -> Any:
        """Close the current batch and append it (with any batch still pending); None when it failed."""
        loaded = self.current()
        if not self.enabled(loaded):
            return None
        batch, closed = self._close(loaded)
        chosen, chain = loaded.evidence, self.chain(loaded)
        body = build_batch_record(batch.summary(), str(uuid.uuid4()), batch.opened, closed,
                                  interval_s=_conf(loaded).interval_s, chain=chain, source=self.source,
                                  version=__version__, mode=loaded.settings.mode)
        try:
            appended = await asyncio.get_running_loop().run_in_executor(
                self.executor, _append, body, chosen, chain)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the batch for the next append
            batch.failed_appends += 1
            self.pending = batch
            self._failed(batch, chain, exc, final)
            return None
        self.metrics.evidence_appends.labels("ok").inc()
        self.metrics.evidence_pending.set(0)
        self.metrics.evidence_last_append.set(time.time())
        _event("evidence", result="ok", chain=appended.chain, seq=appended.seq, hash=appended.hash,
               batch=appended.run_id, decisions=batch.decisions, window={"from": batch.opened, "to": closed})
        return appended

    def chain(self, loaded: Loaded) -> str:
        return _conf(loaded).chain or loaded.evidence.chain or default_chain(self.source)

    def _failed(self, batch: Batch, chain: str, exc: Exception, final: bool) -> None:
        self.metrics.evidence_appends.labels("failed").inc()
        self.metrics.evidence_pending.set(batch.decisions)
        error = str(exc) if isinstance(exc, Soc2gateError) else f"{type(exc).__name__}: {exc}"
        _event("evidence", result="failed", chain=chain, error=error, decisions=batch.decisions,
               pending_since=batch.opened, attempts=batch.failed_appends,
               next="lost: the server is stopping" if final else "retried with the next batch")


def _conf(loaded: Loaded) -> BatchEvidence:
    """``webhook.evidence`` of a generation that has it (callers checked ``enabled``)."""
    assert loaded.settings.evidence is not None
    return loaded.settings.evidence


def _append(body: Mapping[str, Any], chosen: Any, chain: str) -> Any:
    """In the evidence thread: sign (key read here, off the event loop) and append."""
    from soc2gate.evidence.signing import Signer

    signer = Signer(chosen.key) if chosen.key else None
    return append_batch(body, chosen.url, chosen.store, signer, chain)


def _event(event: str, **fields: Any) -> None:
    from soc2gate.webhook.app import _now

    logging.getLogger("soc2gate.webhook.decisions").info(json.dumps({"ts": _now(), "event": event, **fields}))
