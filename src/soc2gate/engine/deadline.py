"""Run evaluation work in a forked child that is killed when it overruns its deadline.

regorus evaluates in Rust while holding the GIL and offers no execution time limit to Python,
and its engines are bound to their thread: the only way to abandon an evaluation is to run it
in a process that can be killed.  ``fork`` makes that cheap (the prepared engine and the input
are already in memory, copy-on-write; a few milliseconds for the fork and the pipe), so the
normal path stays one query.

The child sends length-prefixed records through a pipe; the parent reads them with a deadline
per record and kills the child when one does not arrive in time (``Overrun``).  A child that
fails before sending everything simply ends the stream early.  Where ``os.fork`` does not
exist (Windows), or when the caller bounds the time itself (the admission webhook's worker
processes), the work runs inline.
"""

from __future__ import annotations

import os
import select
import signal
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

Emit = Callable[[bytes], None]
FAILED_EXIT = 70


class Overrun(Exception):
    """No record arrived within the deadline; the child was killed."""


@dataclass
class Child:
    pid: int  # 0: the work ran inline and ``pending`` holds its records
    fd: int = -1
    pending: bytearray = field(default_factory=bytearray)
    status: int = 0  # os.waitpid status once closed
    forked: bool = False

    def close(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.status = os.waitpid(self.pid, 0)[1]
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


    def ending(self) -> str:
        """How the child ended, for a message: "exit 70", "signal 6 (SIGABRT)", "in-process"."""
        if not self.forked:
            return "in-process"
        if os.WIFSIGNALED(self.status):
            number = os.WTERMSIG(self.status)
            return f"signal {number} ({signal.Signals(number).name})"
        return f"exit {os.waitstatus_to_exitcode(self.status)}"


def start(work: Callable[[Emit], None], fork: bool = True, memory_mb: int = 0) -> Child:
    """Start ``work(emit)`` in a child process; each ``emit(payload)`` sends one record.

    ``memory_mb`` > 0 caps the child's address space at its size when forked plus that much
    (Linux; an allocation past it makes the engine abort, which ends the stream).
    ``fork=False`` (or no ``os.fork``) runs the work inline: the caller bounds the time itself.
    """
    if not fork or not hasattr(os, "fork"):
        child = Child(0)
        try:
            work(lambda payload: child.pending.extend(_frame(payload)))
        except BaseException as exc:  # a Rust panic is a BaseException: reported as a stream that ends early
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        return child
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, write, and leave without running the parent's cleanups
        os.close(read_fd)
        code = FAILED_EXIT
        os.environ["RUST_BACKTRACE"] = "0"  # an engine abort prints no backtrace (symbolising takes seconds)
        try:
            _limit_memory(memory_mb)
            work(lambda payload: _write_all(write_fd, _frame(payload)))
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd, forked=True)


def records(child: Child, timeout_s: float) -> Iterator[bytes]:
    """The child's records, each within ``timeout_s`` of the previous one; Overrun otherwise."""
    buffer = child.pending
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            payload = _take(buffer)
            if payload is not None:
                yield payload
                deadline = time.monotonic() + timeout_s
                continue
            if child.fd < 0:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not _readable(child.fd, remaining):
                raise Overrun(f"no result within {timeout_s:g} s")
            chunk = os.read(child.fd, 1 << 20)
            if not chunk:
                return
            buffer.extend(chunk)
    finally:
        child.close()


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space; no core dump when it aborts (writing one takes seconds)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
        if memory_mb <= 0:
            return
        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = size + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (soft if hard < 0 else min(soft, hard), hard))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # no /proc (macOS) or no RLIMIT_AS: the deadline still holds


def _readable(fd: int, timeout_s: float) -> bool:
    """Whether ``fd`` has data (or EOF) within ``timeout_s``; poll() has no FD_SETSIZE limit."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        return bool(poller.poll(max(1, int(timeout_s * 1000))))
    return bool(select.select([fd], [], [], timeout_s)[0])


def _frame(payload: bytes) -> bytes:
    return b"%d\n" % len(payload) + payload


def _take(buffer: bytearray) -> bytes | None:
    """Remove and return one complete record from the front of ``buffer``, if there is one."""
    newline = buffer.find(b"\n")
    if newline < 0:
        return None
    size = int(buffer[:newline])
    end = newline + 1 + size
    if len(buffer) < end:
        return None
    payload = bytes(buffer[newline + 1:end])
    del buffer[:end]
    return payload


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
