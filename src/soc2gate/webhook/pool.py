"""Evaluation threads with a deadline, and generation swaps that neither drop nor stall requests.

Threads, not processes: regorus releases the GIL while it evaluates, so two threads use both
cores for the engine; measured on the 2-core reference machine, worker processes cost ~20%
more CPU per request (pickling, executor hand-offs) and had worse tail latency
(docs/webhook.md).  Each thread compiles its own engine (regorus engines are bound to the
thread that made them).

Every job carries the generation (``Loaded``) that was serving when it arrived and is
evaluated with exactly that one.  ``swap`` has the workers compile the new generation
between jobs and switches as soon as one worker holds it: a worker compiles before taking
its next job, so the others keep serving meanwhile.  A worker drops an old engine once it
takes a job of a newer generation.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from soc2gate.api import Gate
from soc2gate.webhook.evaluator import Loaded, thread_gate

T = TypeVar("T")
IDLE_POLL_S = 0.1
SWAP_TIMEOUT_S = 300.0
log = logging.getLogger("soc2gate.webhook")


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


class WorkersUnavailable(Exception):
    """No evaluation worker could compile the policies."""


@dataclass
class _Job:
    work: Callable[[Gate, Loaded], Any]
    loaded: Loaded
    deadline: float
    future: Future


class EvaluatorPool:
    def __init__(self, loaded: Loaded, workers: int) -> None:
        self._current = loaded
        self._first = loaded.generation
        self._pending: Loaded | None = None
        self._workers = workers
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._prepared: dict[int, int] = {}  # generation -> workers that compiled it
        self._has: dict[int, frozenset[int]] = {}  # worker -> generations it holds
        self._failed: dict[int, str] = {}
        self._lock = threading.Lock()

    @property
    def current(self) -> Loaded:
        return self._current

    def ready(self) -> bool:
        """All workers compiled at start-up, and some worker holds the serving generation."""
        started = self._prepared.get(self._first, 0) == self._workers
        return started and any(self._current.generation in gens for gens in self._has.values())

    def start(self) -> None:
        for index in range(self._workers):
            thread = threading.Thread(target=self._run, args=(index,), name=f"soc2gate-eval-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the workers; one still inside an abandoned (timed-out) evaluation exits with the process."""
        for _ in self._threads:
            self._jobs.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    async def swap(self, loaded: Loaded) -> None:
        """Serve ``loaded`` once a worker has compiled it (the others follow between jobs);
        raises WorkersUnavailable, leaving the serving generation in place, if it cannot compile."""
        self._pending = loaded
        deadline = time.monotonic() + SWAP_TIMEOUT_S
        while not self._switchable(loaded.generation):
            if loaded.generation in self._failed or time.monotonic() > deadline:
                self._pending = None
                raise WorkersUnavailable(self._failed.get(loaded.generation, "workers did not compile in time"))
            await asyncio.sleep(0.05)
        self._current, self._pending = loaded, None

    def _switchable(self, generation: int) -> bool:
        return any(generation in gens for gens in self._has.values())

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """``work(gate, loaded)`` on a worker with the serving generation; DeadlineExceeded after
        ``timeout`` seconds, queueing included (the worker finishes an abandoned job in the background)."""
        future: Future = Future()
        self._jobs.put(_Job(work, self._current, time.monotonic() + timeout, future))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            future.cancel()
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None

    def _run(self, index: int) -> None:
        gates: dict[int, Gate] = {}
        self._compile(index, gates, self._current)
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_POLL_S)
            except queue.Empty:
                job = _IDLE
            if job is None:
                break
            if job is not _IDLE:
                self._execute(index, job, gates)
            target = self._pending or self._current
            if target.generation not in gates and target.generation not in self._failed:
                self._compile(index, gates, target)
        gates.clear()  # engines must be dropped on this thread

    def _compile(self, index: int, gates: dict[int, Gate], loaded: Loaded) -> Gate | None:
        try:
            gates[loaded.generation] = thread_gate(loaded.gate)
        except Exception as exc:  # noqa: BLE001 - reported to swap(); the serving generation goes on
            log.error("worker could not compile policy generation %s: %s", loaded.generation, exc)
            self._failed[loaded.generation] = f"{type(exc).__name__}: {exc}"
            return None
        with self._lock:
            self._prepared[loaded.generation] = self._prepared.get(loaded.generation, 0) + 1
        self._has[index] = frozenset(gates)
        return gates[loaded.generation]

    def _execute(self, index: int, job: _Job, gates: dict[int, Gate]) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        if time.monotonic() > job.deadline:
            job.future.set_exception(DeadlineExceeded("evaluation deadline exceeded while queued"))
            return
        generation = job.loaded.generation
        for old in [g for g in gates if g < generation]:
            del gates[old]
        self._has[index] = frozenset(gates)
        gate = gates.get(generation) or self._compile(index, gates, job.loaded)
        if gate is None:
            job.future.set_exception(WorkersUnavailable(self._failed.get(generation, "no engine")))
            return
        try:
            job.future.set_result(job.work(gate, job.loaded))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
            job.future.set_exception(exc)


_IDLE = _Job(lambda gate, loaded: None, None, 0.0, Future())  # type: ignore[arg-type]
