"""Evaluation worker processes with a deadline, and generation swaps without dropping requests.

Why processes, not threads: regorus releases the GIL while it evaluates, but the Python
around it (input document, findings, waivers) holds it, and so would delay the event loop
that answers every connection.  On the 2-core reference machine, workers in separate
processes keep the loop free and use both cores (docs/webhook.md has the measurements).

Each generation has its own ``ProcessPoolExecutor``: its workers receive the validated
``Loaded`` (pickled, so no file is re-read) and compile their engine once.  A reload starts
and warms the new pool, then swaps it in; the old pool finishes the jobs it holds and exits.
A job that passes its deadline is answered per failure_mode; the worker finishes it in the
background.  A pool whose worker died is replaced on the next request.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, TypeVar

from soc2gate.api import Gate
from soc2gate.webhook.evaluator import Loaded, thread_gate

T = TypeVar("T")
WARM_TIMEOUT_S = 300.0
log = logging.getLogger("soc2gate.webhook")
_WORKER: tuple[Gate, Loaded] | None = None


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


class WorkersUnavailable(Exception):
    """The evaluation workers stopped; a new set is being started."""


def _init_worker(loaded: Loaded) -> None:
    global _WORKER
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # the server process decides when to stop
        signal.signal(sig, signal.SIG_IGN)
    _WORKER = (thread_gate(loaded.gate), loaded)


def _ping() -> int:
    time.sleep(0.05)  # long enough that each warm-up call lands on its own worker
    return os.getpid()


def _run_job(work: Callable[[Gate, Loaded], T], deadline: float) -> T | None:
    if time.monotonic() > deadline:  # waited in the queue past its deadline: nobody awaits it
        return None
    assert _WORKER is not None, "worker not initialized"
    return work(*_WORKER)


class EvaluatorPool:
    """The worker processes of the serving generation."""

    def __init__(self, loaded: Loaded, workers: int) -> None:
        self._current = loaded
        self._workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._warm: list[Future] = []

    @property
    def current(self) -> Loaded:
        return self._current

    def ready(self) -> bool:
        return bool(self._warm) and all(f.done() and f.exception() is None for f in self._warm)

    def start(self) -> None:
        self._executor, self._warm = self._spawn(self._current)

    def stop(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def swap(self, loaded: Loaded) -> None:
        """Start and warm workers for ``loaded``, then serve it; raises if they cannot start."""
        executor, warm = self._spawn(loaded)
        try:
            await asyncio.wait_for(asyncio.gather(*(asyncio.wrap_future(f) for f in warm)), WARM_TIMEOUT_S)
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        old, self._executor, self._warm, self._current = self._executor, executor, warm, loaded
        if old is not None:
            old.shutdown(wait=False)  # jobs it holds complete; then its workers exit

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """``work(gate, loaded)`` on a worker; DeadlineExceeded after ``timeout`` s, queueing included."""
        assert self._executor is not None, "start() first"
        try:
            future = self._executor.submit(_run_job, work, time.monotonic() + timeout)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._replace(exc)
            raise WorkersUnavailable(f"evaluation workers stopped ({exc}); restarting them") from None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)  # type: ignore[return-value]
        except asyncio.TimeoutError:
            future.cancel()
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None
        except BrokenProcessPool as exc:
            self._replace(exc)
            raise WorkersUnavailable(f"an evaluation worker died ({exc}); restarting the workers") from None

    def _replace(self, reason: Exception) -> None:
        log.error("evaluation workers unavailable (%s): starting new ones", reason)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._warm = self._spawn(self._current)

    def _spawn(self, loaded: Loaded) -> tuple[ProcessPoolExecutor, list[Future]]:
        executor = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_worker, initargs=(loaded,))
        return executor, [executor.submit(_ping) for _ in range(self._workers)]

