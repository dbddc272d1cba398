"""Evaluation worker processes: a deadline that holds, workers that cannot be wedged, reloads
that drop nothing (docs/webhook.md, "Evaluation workers").

Processes, because the regorus engine does not reliably release the GIL while it evaluates:
on a thread, a slow evaluation stalls the event loop and with it the deadline.  Each worker
(``worker.py``) is fed one job at a time in frames (``frames.py``) over a socket the loop
reads and writes through asyncio streams, so a request of any size up to the body limit is
written whole and the loop never waits for a worker.

One task drives each worker (``_drive``).  Every way a worker can fail -- a write that breaks
(reset, broken pipe), an answer cut short or garbled, the process exiting or being killed,
the job's deadline passing -- ends that task in one place (``_ended``): the worker is killed,
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
from typing import Any, Callable, TypeVar

from soc2gate.api import Gate
from soc2gate.webhook import frames
from soc2gate.webhook.evaluator import Loaded
from soc2gate.webhook.worker import worker_main

T = TypeVar("T")
START_TIMEOUT_S = 300.0
RESTART_DELAY_S = 1.0  # before replacing a worker that died before it was ready: no restart storm
log = logging.getLogger("soc2gate.webhook")


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


class WorkersUnavailable(Exception):
    """The evaluation worker died or could not start."""


class _Failed(Exception):
    """Why a worker ends: ``error`` answers its job; ``replace`` says whether to start another."""

    def __init__(self, message: str, error: Exception, replace: bool = True) -> None:
        super().__init__(message)
        self.error, self.replace = error, replace


@dataclass(eq=False)
class _Job:
    payload: bytes
    future: asyncio.Future
    deadline: float  # loop time


@dataclass(eq=False)
class _Worker:
    process: Any
    sock: socket.socket
    started: asyncio.Future  # True once compiled; an exception if it never will be
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    job: _Job | None = None
    wake: asyncio.Future | None = None  # set while idle; resolved when there is work or it exited
    retiring: bool = False
    exited: bool = False

    def can_work(self) -> bool:
        return self.started.done() and self.started.exception() is None and not self.exited


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
        self._stopped = False
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
            _close(worker, kill=worker.job is not None)
        end = time.monotonic() + timeout
        for worker in workers:
            if worker.process.pid is not None:
                worker.process.join(max(0.0, end - time.monotonic()))
                if worker.process.is_alive():
                    worker.process.kill()

    async def swap(self, loaded: Loaded) -> None:
        """Serve ``loaded`` once one of its workers is ready; raises (keeping the serving
        generation) if its workers cannot start."""
        fresh = _Generation(loaded)
        for _ in range(self._size):
            self._spawn(fresh)
        done, _ = await asyncio.wait([w.started for w in fresh.workers], timeout=START_TIMEOUT_S,
                                     return_when=asyncio.FIRST_COMPLETED)
        failure = next((f.exception() for f in done if f.exception() is not None), None)
        if not done or failure is not None:
            self._retire(fresh)
            raise WorkersUnavailable(str(failure) if failure else "workers did not start in time")
        old, self._serving = self._serving, fresh
        self._old = [g for g in self._old if g.workers] + [old]
        self._retire(old)

    async def run(self, work: Callable[[Gate, Loaded], T], timeout: float) -> T:
        """``work(gate, loaded)`` on a worker of the serving generation; DeadlineExceeded after
        ``timeout`` seconds, queueing included."""
        loop = asyncio.get_running_loop()
        generation = self._serving
        job = _Job(pickle.dumps(work), loop.create_future(), loop.time() + timeout)
        generation.queue.append(job)
        _wake_one(generation)
        try:
            return await asyncio.wait_for(job.future, timeout)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            raise DeadlineExceeded(f"evaluation deadline of {round(timeout * 1000)} ms exceeded") from None

    def _spawn(self, generation: _Generation) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = socket.socketpair()
        process = context.Process(target=worker_main, args=(child, generation.payload),
                                  name=f"soc2gate-eval-g{generation.loaded.generation}", daemon=True)
        worker = _Worker(process, parent, asyncio.get_running_loop().create_future())
        worker.started.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved: no warning
        generation.workers.append(worker)
        task = asyncio.get_running_loop().create_task(self._drive(generation, worker, child))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drive(self, generation: _Generation, worker: _Worker, child: socket.socket) -> None:
        """The whole life of one worker; whatever ends it ends here."""
        failure: _Failed | None = None
        try:
            await self._launch(worker, child)
            while (job := await _next_job(generation, worker)) is not None:
                await _exchange(worker, job)
        except _Failed as exc:
            failure = exc
        except Exception as exc:  # noqa: BLE001 - a bug here must not leave a worker half-alive
            log.exception("evaluation worker %s failed", worker.process.pid)
            failure = _Failed(f"failed: {type(exc).__name__}: {exc}", WorkersUnavailable(str(exc)))
        self._ended(generation, worker, failure)

    async def _launch(self, worker: _Worker, child: socket.socket) -> None:
        """Start the process off the event loop (starting writes the pickled generation to it)
        and wait until it has compiled the policies."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, worker.process.start)
        except Exception as exc:  # noqa: BLE001 - no process: nothing to replace it with either
            raise _Failed(f"cannot start: {exc}", WorkersUnavailable(f"cannot start a worker: {exc}"), False) from None
        finally:
            child.close()
        if worker.retiring or self._stopped:
            raise _Failed("ended while starting", WorkersUnavailable("the worker was ended"), False)
        loop.add_reader(worker.process.sentinel, _on_exit, worker)
        worker.reader, worker.writer = await asyncio.open_connection(sock=worker.sock)
        status, value = await _io(worker, None, loop.time() + START_TIMEOUT_S)
        if status != "ready":  # not replaced: a replacement would fail the same way
            raise _Failed(f"could not compile the policies: {value}",
                          WorkersUnavailable(f"policies do not compile in a worker: {value}"), False)
        worker.started.set_result(True)

    def _ended(self, generation: _Generation, worker: _Worker, failure: _Failed | None) -> None:
        was_ready = worker.started.done() and not worker.started.cancelled() and worker.started.exception() is None
        _close(worker, kill=failure is not None)
        if worker in generation.workers:
            generation.workers.remove(worker)
        reason = failure or _Failed("stopped", WorkersUnavailable("the evaluation worker was stopped"), False)
        if worker.job is not None and not worker.job.future.done():
            worker.job.future.set_exception(reason.error)
        if not worker.started.done():
            worker.started.set_exception(reason.error)
        if failure is None or self._stopped:
            return
        replace = failure.replace and (generation is self._serving or bool(generation.queue))
        pid = worker.process.pid
        log.log(logging.WARNING if isinstance(failure.error, DeadlineExceeded) else logging.ERROR,
                "evaluation worker %s %s%s", pid, failure, ": replacing it" if replace else "")
        if replace:
            delay = 0.0 if was_ready else RESTART_DELAY_S
            asyncio.get_running_loop().call_later(delay, self._replace, generation)

    def _replace(self, generation: _Generation) -> None:
        if not self._stopped and (generation is self._serving or generation.queue):
            self._spawn(generation)

    def _retire(self, generation: _Generation) -> None:
        """Workers of ``generation`` finish its queue, then exit."""
        for worker in generation.workers:
            worker.retiring = True
            if worker.wake is not None and not worker.wake.done():
                worker.wake.set_result(None)


async def _next_job(generation: _Generation, worker: _Worker) -> _Job | None:
    """The next job of the generation for this worker; None once it is retiring and idle."""
    while True:
        while generation.queue:
            job = generation.queue.popleft()
            if job.future.done():  # answered at its deadline while it waited
                continue
            if worker.exited or not worker.process.is_alive():  # it died idle: the job goes to another
                generation.queue.appendleft(job)
                _wake_one(generation, besides=worker)
                raise _Failed("exited", WorkersUnavailable("the evaluation worker exited"))
            return job
        if worker.retiring:
            return None
        if worker.exited:
            raise _Failed("exited", WorkersUnavailable("the evaluation worker exited"))
        worker.wake = asyncio.get_running_loop().create_future()
        await worker.wake
        worker.wake = None


async def _exchange(worker: _Worker, job: _Job) -> None:
    worker.job = job
    status, value = await _io(worker, job.payload, job.deadline)
    worker.job = None
    if not job.future.done():
        job.future.set_result(value) if status == "ok" else job.future.set_exception(value)


async def _io(worker: _Worker, payload: bytes | None, deadline: float) -> tuple[str, Any]:
    """Send ``payload`` (if any) and read one answer before ``deadline``; every failure is _Failed."""
    assert worker.reader is not None and worker.writer is not None
    try:
        async with asyncio.timeout_at(deadline):
            if payload is not None:
                await frames.write(worker.writer, payload)
            status, value = pickle.loads(await frames.read(worker.reader))
    except TimeoutError:
        raise _Failed("passed the deadline", DeadlineExceeded("evaluation deadline exceeded")) from None
    except (EOFError, asyncio.IncompleteReadError, ConnectionError):  # closed, reset, broken pipe
        raise _Failed("exited", WorkersUnavailable("the evaluation worker exited")) from None
    except (OSError, frames.FrameError, pickle.UnpicklingError, ValueError) as exc:
        raise _Failed(f"broke its connection ({type(exc).__name__}: {exc})",
                      WorkersUnavailable(f"the evaluation worker failed: {type(exc).__name__}")) from None
    return str(status), value


def _wake_one(generation: _Generation, besides: _Worker | None = None) -> None:
    for worker in generation.workers:
        if worker is not besides and worker.wake is not None and not worker.wake.done():
            worker.wake.set_result(None)
            return


def _on_exit(worker: _Worker) -> None:
    """The process ended (its sentinel is readable): reap it, and wake its task if idle."""
    asyncio.get_running_loop().remove_reader(worker.process.sentinel)
    worker.exited = True
    worker.process.join(0)
    if worker.wake is not None and not worker.wake.done():
        worker.wake.set_result(None)


def _close(worker: _Worker, kill: bool) -> None:
    """Close the server's end (an idle worker then exits on its own); ``kill`` ends it now."""
    if kill and worker.process.pid is not None and not worker.exited:
        worker.process.kill()
    try:
        worker.sock.shutdown(socket.SHUT_RDWR)  # now, not on the next loop turn: stop() joins at once
    except OSError:
        pass
    if worker.writer is not None:
        worker.writer.close()
    else:
        worker.sock.close()
