"""Connection timeouts: idle and slow (slowloris) connections are closed.

uvicorn bounds only the keep-alive pause after a response: a connection that never sends a
request, or sends its headers or body a byte at a time, or never reads its answer, is held
for ever, and enough of them exhaust the server.  ``guarded`` wraps uvicorn's HTTP protocol
class with one timer per connection, in three phases:

* idle -- from the connection's start, and after each answer, until the first byte of the
  next request: closed after ``webhook.idle_timeout_s``;
* read -- from a request's first byte until its headers and body are complete: closed after
  ``webhook.read_timeout_s``; a request read whole is then answered within the evaluation
  deadline (``deadline_ms``), so it is not timed here;
* write -- while the client does not take the answer (the transport's buffer is full):
  aborted after ``webhook.read_timeout_s``.

The timeouts are read from the serving settings at each phase, so a reload applies them.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

Timeouts = Callable[[], tuple[float, float]]  # (idle_timeout_s, read_timeout_s)
REASONS = {"idle": "idle_timeout", "read": "read_timeout", "write": "write_timeout"}


def guarded(base: type, timeouts: Timeouts, closed: Callable[[str], None]) -> type:
    """``base`` (a uvicorn HTTP protocol class) with the connection timeouts above;
    ``closed(reason)`` is called for each connection closed by a timeout."""
    return type(f"Guarded{base.__name__}", (_Guard, base),
                {"_timeouts": staticmethod(timeouts), "_closed": staticmethod(closed)})


class _Guard:
    """The timer of one connection; mixed in before a uvicorn protocol class (``super()`` is it)."""

    _timeouts: Timeouts
    _closed: Callable[[str], None]
    _phase = "idle"
    _timer: asyncio.TimerHandle | None = None
    cycle: Any
    loop: asyncio.AbstractEventLoop
    transport: Any

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._enter("idle")

    def data_received(self, data: bytes) -> None:
        if self._phase == "idle":  # the first byte of a request
            self._enter("read")
        super().data_received(data)  # type: ignore[misc]

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if self._phase not in ("closed", "write"):
            self._enter("read" if self._busy() else "idle")  # a pipelined request may have started

    def pause_writing(self) -> None:
        super().pause_writing()  # type: ignore[misc]
        self._enter("write")

    def resume_writing(self) -> None:
        super().resume_writing()  # type: ignore[misc]
        if self._phase == "write":
            self._enter("read")

    def connection_lost(self, exc: Exception | None) -> None:
        self._phase = "closed"
        if self._timer is not None:
            self._timer.cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _paused(self) -> bool:
        """The client is not taking what the server writes (uvicorn's flow control)."""
        flow = getattr(self, "flow", None)
        return bool(flow is not None and flow.write_paused)

    def _busy(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _enter(self, phase: str) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._phase = phase
        idle, read = self._timeouts()
        self._timer = self.loop.call_later(idle if phase == "idle" else read, self._expired)

    def _expired(self) -> None:
        self._timer = None
        if self._phase == "closed" or self.transport.is_closing():
            return
        phase = "write" if self._paused() else self._phase
        if phase == "read" and self._busy() and not self.cycle.more_body:
            self._enter("read")  # read whole and being answered: the evaluation deadline bounds it
            return
        self._closed(REASONS[phase])
        abort = phase == "write"  # close() would wait for a buffer the client never reads
        self._phase = "closed"
        self.transport.abort() if abort else self.transport.close()
