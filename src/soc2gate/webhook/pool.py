"""Evaluation worker processes: a deadline that holds, and reloads that drop nothing.

Why processes: the regorus engine does not reliably release the GIL while it evaluates, so
an evaluation on a thread can stall the event loop that answers every connection, and with
it the deadline.  Each worker is a process with its own engine, fed one job at a time over a
pipe the event loop watches; the loop never waits for a worker.

* Deadline: a job past ``deadline_ms`` is answered per failure_mode and its worker is
  terminated and replaced, so a runaway evaluation cannot hold a worker either.
* Reload: ``swap`` starts workers for the new generation (they receive the validated
  ``Loaded`` pickled, so no file is re-read) and switches once one is ready; requests that
  arrived earlier finish on the old workers, which then exit.
* A worker that dies fails its job (per failure_mode) and is replaced.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import multiprocessing
import pickle
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from soc2gate.api import Gate
from soc2gate.webhook.evaluator import Loaded, worker_gate

T = TypeVar("T")
START_TIMEOUT_S = 300.0
log = logging.getLogger("soc2gate.webhook")


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


class WorkersUnavailable(Exception):
    """The evaluation worker died or could not start."""


def worker_main(connection: Any, payload: bytes) -> None:
    """A worker process: compile once, then answer ``(work)`` jobs until told to stop."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # the server process decides when to stop
        signal.signal(sig, signal.SIG_IGN)
    try:
        loaded: Loaded = pickle.loads(payload)
        gate = worker_gate(loaded.gate)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which keeps its generation
        connection.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
        return
    connection.send_bytes(pickle.dumps(("ready", None)))
    while True:
        try:
            work = pickle.loads(connection.recv_bytes())
        except EOFError:  # the server went away
            return
        if work is None:
            return
        try:
            answer = ("ok", work(gate, loaded))
        except Exception as exc:  # noqa: BLE001 - handed to the waiting request
            answer = ("error", exc)
        connection.send_bytes(pickle.dumps(answer))


@dataclass(eq=False)
class _Worker:
    loaded: Loaded
    process: Any
    connection: Any
    started: asyncio.Future
    job: asyncio.Future | None = None
    deadline_timer: asyncio.TimerHandle | None = None
    retiring: bool = False
    killed: bool = False


@dataclass
class _Generation:
    loaded: Loaded
    workers: list[_Worker] = field(default_factory=list)
    queue: collections.deque = field(default_factory=collections.deque)
    payload: bytes = b""

    def __post_init__(self) -> None:
        self.payload = pickle.dumps(self.loaded)


class EvaluatorPool:
    def __init__(self, loaded: Loaded, workers: int) -> None:
        self._size = workers
        self._serving = _Generation(loaded)
        self._old: list[_Generation] = []

    @property
    def current(self) -> Loaded:
        return self._serving.loaded

    def ready(self) -> bool:
        """A worker of the serving generation has compiled the policies."""
        return any(w.started.done() and w.started.exception() is None for w in self._serving.workers)

    def start(self) -> None:
        self._serving.workers = [self._spawn(self._serving) for _ in range(self._size)]

    def stop(self, timeout: float = 5.0) -> None:
        for generation in [self._serving, *self._old]:
            for worker in generation.workers:
                self._retire(worker, kill=False)
        end = time.monotonic() + timeout
        for generation in [self._serving, *self._old]:
            for worker in generation.workers:
                if worker.process.pid is None:
                    continue
                worker.process.join(max(0.0, end - time.monotonic()))
                if worker.process.is_alive():
                    worker.process.kill()

    async def swap(self, loaded: Loaded) -> None:
        """Serve ``loaded`` once one of its workers is ready; raises (keeping the serving
        generation) if its workers cannot start."""
        fresh = _Generation(loaded)
        fresh.workers = [self._spawn(fresh) for _ in range(self._size)]
        done, _ = await asyncio.wait([w.started for w in fresh.workers], timeout=START_TIMEOUT_S,
                                     return_when=asyncio.FIRST_COMPLETED)
        failure = next((f.exception() for f in done if f.exception() is not None), None)
        if not done or failure is not None:
            for worker in fresh.workers:
                self._retire(worker, kill=True)
            raise WorkersUnavailable(str(failure) if failure else "workers did not start in time")
        old, self._serving = self._serving, fresh
        self._old = [g for g in self._old if g.workers] + [old]
        self._drain(old)

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """``work(gate, loaded)`` on a worker of the serving generation; DeadlineExceeded after
        ``timeout`` seconds, queueing included."""
        generation = self._serving
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        generation.queue.append((pickle.dumps(work), future, time.monotonic() + timeout))
        self._dispatch(generation)
        try:
            return await asyncio.wait_for(future, timeout)  # type: ignore[no-any-return]
        except TimeoutError:
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None

    def _spawn(self, generation: _Generation) -> _Worker:
        """A new worker; the process starts on a helper thread, as starting it writes the
        pickled generation to the child, which must not hold up the event loop."""
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe(duplex=True)
        process = context.Process(target=worker_main, args=(child, generation.payload),
                                  name=f"soc2gate-eval-g{generation.loaded.generation}", daemon=True)
        worker = _Worker(generation.loaded, process, parent, loop.create_future())
        worker.started.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved: no warning
        launch = loop.run_in_executor(None, process.start)
        launch.add_done_callback(lambda f: self._launched(generation, worker, child, f))
        return worker

    def _launched(self, generation: _Generation, worker: _Worker, child: Any, launch: asyncio.Future) -> None:
        child.close()
        if launch.exception() is not None:
            worker.started.set_exception(WorkersUnavailable(f"cannot start a worker: {launch.exception()}"))
            return
        if worker.killed:  # ended while it was starting
            worker.process.kill()
            return
        asyncio.get_running_loop().add_reader(worker.connection.fileno(), self._on_readable, generation, worker)

    def _dispatch(self, generation: _Generation) -> None:
        loop = asyncio.get_running_loop()
        for worker in generation.workers:
            if worker.job is not None or not worker.started.done() or worker.started.exception() is not None:
                continue
            while generation.queue and worker.job is None:
                payload, future, deadline = generation.queue.popleft()
                if future.done():  # its deadline passed while it waited
                    continue
                worker.job = future
                worker.connection.send_bytes(payload)
                worker.deadline_timer = loop.call_later(max(0.0, deadline - time.monotonic()),
                                                        self._on_deadline, generation, worker)
            if worker.job is None and worker.retiring:
                self._stop_worker(worker)

    def _on_readable(self, generation: _Generation, worker: _Worker) -> None:
        try:
            status, value = pickle.loads(worker.connection.recv_bytes())
        except (EOFError, OSError):
            self._died(generation, worker, "the evaluation worker exited")
            return
        if status in ("ready", "failed"):
            if status == "ready":
                worker.started.set_result(True)
            else:  # not replaced: a replacement would fail the same way
                log.error("an evaluation worker could not compile the policies: %s", value)
                worker.retiring = True
                worker.started.set_exception(WorkersUnavailable(f"policies do not compile in a worker: {value}"))
            self._dispatch(generation)
            return
        job, worker.job = worker.job, None
        if worker.deadline_timer is not None:
            worker.deadline_timer.cancel()
        if job is not None and not job.done():
            job.set_result(value) if status == "ok" else job.set_exception(value)
        self._dispatch(generation)

    def _on_deadline(self, generation: _Generation, worker: _Worker) -> None:
        """The job outlived its deadline (already answered): end the worker, start another."""
        log.warning("evaluation worker %s passed the deadline: replacing it", worker.process.pid)
        worker.job = None
        self._kill(worker)
        self._replace(generation, worker)

    def _died(self, generation: _Generation, worker: _Worker, reason: str) -> None:
        asyncio.get_running_loop().remove_reader(worker.connection.fileno())
        worker.connection.close()
        if worker.retiring:  # told to stop: this is its normal end
            if worker in generation.workers:
                generation.workers.remove(worker)
            return
        if worker.job is not None and not worker.job.done():
            worker.job.set_exception(WorkersUnavailable(reason))
        if not worker.started.done():
            worker.started.set_exception(WorkersUnavailable(reason))
        worker.job = None
        if worker in generation.workers:
            log.error("evaluation worker %s exited: replacing it", worker.process.pid)
            self._replace(generation, worker)

    def _replace(self, generation: _Generation, worker: _Worker) -> None:
        multiprocessing.active_children()  # reap ended workers
        if worker in generation.workers:
            generation.workers.remove(worker)
        if generation is self._serving or generation.queue:
            generation.workers.append(self._spawn(generation))

    def _drain(self, generation: _Generation) -> None:
        for worker in generation.workers:
            worker.retiring = True
        self._dispatch(generation)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        worker.retiring = True
        if kill or worker.job is not None:
            self._kill(worker)
        else:
            self._stop_worker(worker)

    def _stop_worker(self, worker: _Worker) -> None:
        try:
            worker.connection.send_bytes(pickle.dumps(None))
        except OSError:
            pass

    def _kill(self, worker: _Worker) -> None:
        worker.killed = True
        try:
            asyncio.get_running_loop().remove_reader(worker.connection.fileno())
        except (OSError, ValueError):
            pass
        if worker.process.pid is not None:
            worker.process.kill()  # workers ignore SIGTERM: the server decides when they stop
        worker.connection.close()
