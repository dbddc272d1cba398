"""Evaluation worker processes: a deadline that holds, workers that cannot be wedged, reloads
that drop nothing (docs/webhook.md, "Evaluation workers").

Processes, because the regorus engine does not reliably release the GIL while it evaluates:
on a thread, a slow evaluation stalls the event loop and with it the deadline.  Each worker
(``worker.py``) is fed one job at a time in frames (``frames.py``) over a socket the loop
reads and writes through asyncio streams, so a request of any size up to the body limit is
written whole and the loop never waits for a worker.

One task drives each worker (``_drive``).  Every way a worker can fail -- a write that breaks
(reset, broken pipe), an answer cut short or garbled, the process exiting or being killed,
the job's deadline passing, an idle worker not answering a liveness check (``ping`` every
``webhook.liveness_interval_s`` of idleness, answered within ``liveness_timeout_s``: a stopped or
deadlocked worker would otherwise hold the next request to its deadline) -- ends that task in
one place (``_ended``): the worker is killed,
its job answered (then per failure_mode), and another started; one that cannot compile the
policies is not replaced (another would fail alike).  ``ready()`` is true while a worker of
the serving generation is compiled and alive.  ``swap`` (reload) starts the new generation's
workers and switches once one is ready; earlier requests finish on the old workers.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import multiprocessing
import pickle
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from soc2gate.api import Gate
from soc2gate.webhook.evaluator import Loaded
from soc2gate.webhook.link import (
    DeadlineExceeded,
    Failed,
    Job,
    Worker,
    WorkersUnavailable,
    close,
    connect,
    exchange,
    io,
    ping,
    reap,
    wake,
)
from soc2gate.webhook.worker import worker_main

T = TypeVar("T")
START_TIMEOUT_S = 300.0
RESTART_DELAY_S = 1.0  # before replacing a worker that died before it was ready: no restart storm
log = logging.getLogger("soc2gate.webhook")


@dataclass
class _Generation:
    loaded: Loaded
    workers: list[Worker] = field(default_factory=list)
    queue: collections.deque = field(default_factory=collections.deque)
    payload: bytes = b""
    failure: Exception | None = None  # a worker could not compile the policies: none will

    def __post_init__(self) -> None:
        self.payload = pickle.dumps(self.loaded)


class EvaluatorPool:
    def __init__(self, loaded: Loaded, workers: int) -> None:
        self._size = workers
        self._serving = _Generation(loaded)
        self._old: list[_Generation] = []
        self._stopped = False
        self._starting: _Generation | None = None  # being swapped in
        self._tasks: set[asyncio.Task] = set()

    @property
    def current(self) -> Loaded:
        return self._serving.loaded

    def alive(self) -> int:
        """Workers of the serving generation that have compiled the policies and are alive."""
        return sum(w.can_work() for w in self._serving.workers)

    def ready(self) -> bool:
        return self.alive() > 0

    def start(self) -> None:
        for _ in range(self._size):
            self._spawn(self._serving)

    def stop(self, timeout: float = 5.0) -> None:
        """End every worker: idle ones exit when their socket closes, busy ones are killed."""
        self._stopped = True
        workers = [w for g in [self._serving, *self._old] for w in g.workers]
        for worker in workers:
            worker.retiring = True
            close(worker, kill=worker.job is not None)
        end = time.monotonic() + timeout
        for worker in workers:
            if worker.process.pid is not None:
                worker.process.join(max(0.0, end - time.monotonic()))
                if worker.process.is_alive():
                    worker.process.kill()

    async def swap(self, loaded: Loaded) -> None:
        """Serve ``loaded`` once one of its workers is ready; raises (keeping the serving
        generation) if its workers cannot start."""
        fresh = self._starting = _Generation(loaded)
        for _ in range(self._size):
            self._spawn(fresh)
        try:
            await _first_ready(fresh)
        except WorkersUnavailable:
            self._retire(fresh)
            raise
        finally:
            self._starting = None
        old, self._serving = self._serving, fresh
        self._old = [g for g in self._old if g.workers] + [old]
        self._retire(old)

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """``work(gate, loaded)`` on a worker of the serving generation; DeadlineExceeded after
        ``timeout`` seconds, queueing included."""
        loop = asyncio.get_running_loop()
        generation = self._serving
        job = Job(pickle.dumps(work), loop.create_future(), loop.time() + timeout)
        generation.queue.append(job)
        _wake_one(generation)
        try:
            return await asyncio.wait_for(job.future, timeout)  # type: ignore[no-any-return]
        except (TimeoutError, DeadlineExceeded):  # here or in the worker's exchange: whichever timer ran first
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None

    def _spawn(self, generation: _Generation) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = socket.socketpair()
        process = context.Process(target=worker_main, args=(child,),
                                  name=f"soc2gate-eval-g{generation.loaded.generation}", daemon=True)
        worker = Worker(process, parent, asyncio.get_running_loop().create_future())
        worker.started.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved: no warning
        generation.workers.append(worker)
        task = asyncio.get_running_loop().create_task(self._drive(generation, worker, child))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drive(self, generation: _Generation, worker: Worker, child: socket.socket) -> None:
        """The whole life of one worker; whatever ends it ends here."""
        failure: Failed | None = None
        try:
            await self._launch(worker, child, generation.payload)
            while (job := await _next_job(generation, worker)) is not None:
                await exchange(worker, job)
        except Failed as exc:
            failure = exc
        except Exception as exc:  # noqa: BLE001 - a bug here must not leave a worker half-alive
            log.exception("evaluation worker %s failed", worker.pid)
            failure = Failed(f"failed: {type(exc).__name__}: {exc}", WorkersUnavailable(str(exc)))
        self._ended(generation, worker, failure)
        await reap(worker)

    async def _launch(self, worker: Worker, child: socket.socket, payload: bytes) -> None:
        """Start the process (off the event loop: it forks), send it the generation and wait
        until it has compiled the policies."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, worker.process.start)
        except Exception as exc:  # noqa: BLE001 - no process: nothing to replace it with either
            raise Failed(f"cannot start: {exc}", WorkersUnavailable(f"cannot start a worker: {exc}"), False) from None
        finally:
            child.close()
        worker.pid = worker.process.pid
        if worker.retiring or self._stopped:
            raise Failed("ended while starting", WorkersUnavailable("the worker was ended"), False)
        await connect(worker)
        status, value = await io(worker, payload, loop.time() + START_TIMEOUT_S)
        if status != "ready":  # not replaced: a replacement would fail the same way
            raise Failed(f"could not compile the policies: {value}",
                          WorkersUnavailable(f"policies do not compile in a worker: {value}"), False)
        worker.started.set_result(True)

    def _ended(self, generation: _Generation, worker: Worker, failure: Failed | None) -> None:
        was_ready = worker.started.done() and not worker.started.cancelled() and worker.started.exception() is None
        close(worker, kill=failure is not None)
        if worker in generation.workers:
            generation.workers.remove(worker)
        reason = failure or Failed("stopped", WorkersUnavailable("the evaluation worker was stopped"), False)
        if worker.job is not None and not worker.job.future.done():
            worker.job.future.set_exception(reason.error)
        if not worker.started.done():
            worker.started.set_exception(reason.error)
        if failure is None or self._stopped:
            return
        if not failure.replace:
            generation.failure = failure.error
        replace = failure.replace and self._wanted(generation)
        log.log(logging.WARNING if isinstance(failure.error, DeadlineExceeded) else logging.ERROR,
                "evaluation worker %s %s%s", worker.pid, failure, ": replacing it" if replace else "")
        if replace:
            delay = 0.0 if was_ready else RESTART_DELAY_S
            asyncio.get_running_loop().call_later(delay, self._replace, generation)

    def _wanted(self, generation: _Generation) -> bool:
        """Does ``generation`` still need its workers (serving, being swapped in, or owed answers)?"""
        return not self._stopped and (generation is self._serving or generation is self._starting
                                      or bool(generation.queue))

    def _replace(self, generation: _Generation) -> None:
        if self._wanted(generation):
            self._spawn(generation)

    def _retire(self, generation: _Generation) -> None:
        """Workers of ``generation`` finish its queue, then exit."""
        for worker in generation.workers:
            worker.retiring = True
            wake(worker)


async def _first_ready(generation: _Generation) -> None:
    """Until a worker of ``generation`` is ready; WorkersUnavailable if none can be."""
    loop = asyncio.get_running_loop()
    end = loop.time() + START_TIMEOUT_S
    while not any(w.can_work() for w in generation.workers):
        if generation.failure is not None:
            raise WorkersUnavailable(str(generation.failure))
        if loop.time() > end:
            raise WorkersUnavailable("workers did not start in time")
        starting = [w.started for w in generation.workers if not w.started.done()]
        if starting:
            await asyncio.wait(starting, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
        else:  # all died while starting: their replacements are due
            await asyncio.sleep(0.1)


async def _next_job(generation: _Generation, worker: Worker) -> Job | None:
    """The next job of the generation for this worker; None once it is retiring and idle."""
    while True:
        while generation.queue:
            job = generation.queue.popleft()
            if job.future.done():  # answered at its deadline while it waited
                continue
            if worker.exited or not worker.process.is_alive():  # it died idle: the job goes to another
                generation.queue.appendleft(job)
                _wake_one(generation, besides=worker)
                raise Failed("exited", WorkersUnavailable("the evaluation worker exited"))
            return job
        if worker.retiring:
            return None
        if worker.exited:
            raise Failed("exited", WorkersUnavailable("the evaluation worker exited"))
        await _idle(generation, worker)


async def _idle(generation: _Generation, worker: Worker) -> None:
    """Until there is work or the worker exited; after ``liveness_interval_s`` without either,
    the worker must answer a liveness check (Failed if it does not)."""
    settings = generation.loaded.settings
    worker.wake = asyncio.get_running_loop().create_future()
    try:
        done, _ = await asyncio.wait({worker.wake}, timeout=settings.liveness_interval_s)
    finally:
        worker.wake = None
    if not done:  # a job queued meanwhile waits for the answer (at most liveness_timeout_s)
        await ping(worker, settings.liveness_timeout_s)


def _wake_one(generation: _Generation, besides: Worker | None = None) -> None:
    for worker in generation.workers:
        if worker is not besides and wake(worker):
            return


