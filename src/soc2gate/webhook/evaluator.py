"""Evaluation threads, each with its own engine, and atomic policy reloads.

The regorus engine is bound to the thread that created it (it raises when used, or even
dropped, on another thread) and releases the GIL while it evaluates.  So every worker
thread compiles its own engine from the shared, immutable policy bundle, and evaluations
on several threads really run in parallel.

A reload builds and validates a complete new ``Loaded`` (config, settings, bundle) first,
then swaps one reference.  Each worker picks the new generation up before its next job
(or within half a second when idle); a job already running finishes with the generation
it started with, so no request is dropped or sees a half-loaded bundle.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from soc2gate.api import Gate, ScanOptions
from soc2gate.engine import get_engine
from soc2gate.engine.input_doc import expand_types
from soc2gate.errors import ConfigError
from soc2gate.webhook.context import context_policies
from soc2gate.webhook.settings import WebhookSettings, webhook_settings

T = TypeVar("T")
IDLE_POLL_S = 0.5
log = logging.getLogger("soc2gate.webhook")


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


@dataclass(frozen=True)
class Loaded:
    """One generation of everything a decision depends on."""

    generation: int
    gate: Gate  # a template: its engine is released; workers compile their own
    settings: WebhookSettings
    context: Mapping[str, str]  # policy id -> why it is not evaluated at admission
    judges: Mapping[str, frozenset[str]]  # policy id -> kinds it judges

    def skipped_for(self, kind: str) -> dict[str, str]:
        return {pid: why for pid, why in self.context.items() if kind in self.judges.get(pid, ())}


def load(options: ScanOptions, mode: str | None, generation: int) -> Loaded:
    """Load and validate config, webhook settings and policies (raises Soc2gateError)."""
    gate = Gate.load(options)
    gate.engine = None  # type: ignore[assignment]  # drop the engine on the thread that made it
    settings = webhook_settings(gate.config.section("webhook"), mode)
    known = {p.id for p in gate.policies}
    where = gate.config.path or ".soc2gate.yaml"
    for key, ids in (("enforcement", settings.enforcement), ("context_policies.skip", settings.skip_policies),
                     ("context_policies.evaluate", settings.evaluate_policies)):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise ConfigError(f"{where}: invalid configuration at `webhook.{key}`: unknown policy id(s) {', '.join(unknown)}")
    libraries = [source for path, source in gate.bundle.modules if Path(path).name != "policy.rego"]
    context = context_policies(gate.policies, libraries, settings.skip_policies, settings.evaluate_policies)
    judges = {p.id: expand_types(p.resource_types) for p in gate.policies}
    return Loaded(generation, gate, settings, context, judges)


def thread_gate(template: Gate) -> Gate:
    """A Gate sharing the template's bundle and settings, with an engine of this thread."""
    local = copy.copy(template)
    local.engine = get_engine(template.options.engine)
    local.engine.prepare(template.bundle)
    return local


@dataclass
class _Job:
    work: Callable[[Gate, Loaded], Any]
    deadline: float
    future: Future


class EvaluatorPool:
    """Worker threads running ``work(gate, loaded)`` jobs with a deadline."""

    def __init__(self, loaded: Loaded, workers: int) -> None:
        self._current = loaded
        self._workers = workers
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._ready = 0
        self._lock = threading.Lock()

    @property
    def current(self) -> Loaded:
        return self._current

    def swap(self, loaded: Loaded) -> None:
        self._current = loaded

    def ready(self) -> bool:
        return self._ready == self._workers

    def start(self) -> None:
        for index in range(self._workers):
            thread = threading.Thread(target=self._run, name=f"soc2gate-eval-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout)

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """Run ``work`` on a worker; DeadlineExceeded after ``timeout`` seconds (queueing included)."""
        future: Future = Future()
        self._jobs.put(_Job(work, time.monotonic() + timeout, future))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            future.cancel()
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None

    def _run(self) -> None:
        gate: Gate | None = None
        loaded: Loaded | None = None
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_POLL_S)
            except queue.Empty:
                job = _IDLE
            if loaded is None or loaded.generation != self._current.generation:
                gate, loaded = self._refresh(gate, loaded)
            if job is None:
                break
            if job is not _IDLE and gate is not None and loaded is not None:
                _execute(job, gate, loaded)
        del gate  # the engine must be dropped on this thread

    def _refresh(self, gate: Gate | None, loaded: Loaded | None) -> tuple[Gate | None, Loaded | None]:
        target = self._current
        try:
            fresh = thread_gate(target.gate)
        except Exception as exc:  # noqa: BLE001 - keep serving the previous generation
            log.error("worker could not compile policy generation %s: %s", target.generation, exc)
            return gate, loaded
        if loaded is None:
            with self._lock:
                self._ready += 1
        return fresh, target


_IDLE = _Job(lambda gate, loaded: None, 0.0, Future())


def _execute(job: _Job, gate: Gate, loaded: Loaded) -> None:
    if not job.future.set_running_or_notify_cancel():
        return
    if time.monotonic() > job.deadline:
        job.future.set_exception(DeadlineExceeded("evaluation deadline exceeded while queued"))
        return
    try:
        job.future.set_result(job.work(gate, loaded))
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
        job.future.set_exception(exc)
