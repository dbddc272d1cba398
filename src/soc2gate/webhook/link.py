"""The server's end of one evaluation worker: its process, its socket streams, one job at a time.

Every way the exchange with a worker can fail becomes ``Failed`` (the pool ends the worker
alike for each): the deadline passing, the worker closing or resetting its end (it exited or
was killed), a broken pipe, a garbled answer, an idle worker not answering a liveness check
(``ping``: it is stopped, deadlocked or starved, and would hold the next request to its deadline).
"""

from __future__ import annotations

import asyncio
import pickle
import socket
from dataclasses import dataclass
from typing import Any

from soc2gate.webhook import frames


class DeadlineExceeded(Exception):
    """The evaluation did not finish within ``webhook.deadline_ms``."""


class WorkersUnavailable(Exception):
    """The evaluation worker died or could not start."""


class Failed(Exception):
    """Why a worker ends: ``error`` answers its job; ``replace`` says whether to start another."""

    def __init__(self, message: str, error: Exception, replace: bool = True) -> None:
        super().__init__(message)
        self.error, self.replace = error, replace


@dataclass(eq=False)
class Job:
    payload: bytes
    future: asyncio.Future
    deadline: float  # loop time


@dataclass(eq=False)
class Worker:
    process: Any
    sock: socket.socket
    started: asyncio.Future  # True once compiled; an exception if it never will be
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    job: Job | None = None
    wake: asyncio.Future | None = None  # set while idle; resolved when there is work or it exited
    retiring: bool = False
    pid: int | None = None  # once started
    exited: bool = False  # its end of the socket closed: it exited, was killed, or was closed

    def can_work(self) -> bool:
        return self.started.done() and self.started.exception() is None and not self.exited


async def exchange(worker: Worker, job: Job) -> None:
    worker.job = job
    status, value = await io(worker, job.payload, job.deadline)
    worker.job = None
    if not job.future.done():
        job.future.set_result(value) if status == "ok" else job.future.set_exception(value)


async def ping(worker: Worker, timeout: float) -> None:
    """An idle worker answers a liveness check within ``timeout`` seconds, else Failed."""
    late = Failed(f"did not answer a liveness check within {timeout:g} s",
                  WorkersUnavailable("the evaluation worker hung"))
    answer = await io(worker, frames.PING, asyncio.get_running_loop().time() + timeout, late)
    if answer != frames.PONG:
        raise Failed(f"answered a liveness check with {answer[0]!r}",
                     WorkersUnavailable("the evaluation worker failed"))


async def io(worker: Worker, payload: bytes, deadline: float, late: Failed | None = None) -> tuple[str, Any]:
    """Send ``payload`` and read one answer before ``deadline`` (else ``late``, by default the
    evaluation deadline); every failure is Failed."""
    assert worker.reader is not None and worker.writer is not None
    try:
        async with asyncio.timeout_at(deadline):
            await frames.write(worker.writer, payload)
            status, value = pickle.loads(await frames.read(worker.reader))
    except TimeoutError:
        raise late or Failed("passed the deadline", DeadlineExceeded("evaluation deadline exceeded")) from None
    except (EOFError, asyncio.IncompleteReadError, ConnectionError):  # closed, reset, broken pipe
        raise Failed("exited", WorkersUnavailable("the evaluation worker exited")) from None
    except (OSError, frames.FrameError, pickle.UnpicklingError, ValueError) as exc:
        raise Failed(f"broke its connection ({type(exc).__name__}: {exc})",
                      WorkersUnavailable(f"the evaluation worker failed: {type(exc).__name__}")) from None
    return str(status), value


class _Protocol(asyncio.StreamReaderProtocol):
    """Stream protocol that tells the worker's task at once when the worker's end closes: the
    process exited or was killed (busy or idle), or the server closed it."""

    def __init__(self, reader: asyncio.StreamReader, worker: Worker) -> None:
        super().__init__(reader)
        self._worker = worker

    def eof_received(self) -> bool:
        super().eof_received()
        self._gone()
        return False  # close our end too

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._gone()

    def _gone(self) -> None:
        self._worker.exited = True
        wake(self._worker)


async def connect(worker: Worker) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, protocol = await loop.create_connection(lambda: _Protocol(reader, worker), sock=worker.sock)
    worker.reader, worker.writer = reader, asyncio.StreamWriter(transport, protocol, reader, loop)


def wake(worker: Worker) -> bool:
    """Wake the worker's task if it waits for work; False if it was not waiting."""
    if worker.wake is None or worker.wake.done():
        return False
    worker.wake.set_result(None)
    return True


async def reap(worker: Worker, timeout: float = 10.0) -> None:
    """Wait (off the event loop) for an ended worker's process, then free its descriptors."""
    loop = asyncio.get_running_loop()
    if worker.pid is None:
        return
    await loop.run_in_executor(None, worker.process.join, timeout)
    if worker.process.exitcode is None:
        worker.process.kill()
        await loop.run_in_executor(None, worker.process.join, timeout)
    if worker.process.exitcode is not None:
        worker.process.close()


def close(worker: Worker, kill: bool) -> None:
    """Close the server's end (an idle worker then exits on its own); ``kill`` ends it now."""
    if kill and worker.pid is not None:
        worker.process.kill()  # a no-op once it has been reaped
    try:
        worker.sock.shutdown(socket.SHUT_RDWR)  # now, not on the next loop turn: stop() joins at once
    except OSError:
        pass
    if worker.writer is not None:
        worker.writer.close()
    else:
        worker.sock.close()
