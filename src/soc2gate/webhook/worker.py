"""An evaluation worker process: compile the policies once, then answer one job at a time.

It talks to the server over a socket in frames (``frames``): it receives the generation
(``Loaded``, pickled) as the first frame -- not as a Process argument, which multiprocessing
writes to the starting child with a blocking write that never returns if the child dies
first -- and answers ``("ready", None)`` or ``("failed", reason)``; then for each job (a pickled
``work(gate, loaded)`` callable) one
``("ok", value)`` or ``("error", exception)``; an empty frame (a liveness check) is answered
``("pong", None)``.  It exits when the server closes the socket;
signals are ignored, as the server alone decides when a worker ends (it kills it).
"""

from __future__ import annotations

import pickle
import signal
import socket
from typing import Any

from soc2gate.webhook import frames
from soc2gate.webhook.evaluator import Loaded, worker_gate


def worker_main(sock: socket.socket) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    sock.setblocking(True)
    try:
        payload = frames.receive(sock)
    except (OSError, EOFError, frames.FrameError):
        return
    if payload is None:
        return
    try:
        loaded: Loaded = pickle.loads(payload)
        gate = worker_gate(loaded.gate)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which keeps its generation
        frames.send(sock, pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
        return
    try:
        frames.send(sock, pickle.dumps(("ready", None)))
        while (frame := frames.receive(sock)) is not None:
            if frame == frames.PING:
                frames.send(sock, pickle.dumps(frames.PONG))
                continue
            frames.send(sock, _answer(pickle.loads(frame), gate, loaded))
    except (OSError, EOFError, frames.FrameError):  # the server went away or ended this worker
        return


def _answer(work: Any, gate: Any, loaded: Loaded) -> bytes:
    try:
        answer: tuple[str, Any] = ("ok", work(gate, loaded))
    except Exception as exc:  # noqa: BLE001 - handed to the waiting request
        answer = ("error", exc)
    try:
        return pickle.dumps(answer)
    except Exception as exc:  # noqa: BLE001 - an answer that does not pickle is still an answer
        return pickle.dumps(("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))
