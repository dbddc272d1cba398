"""A bound on each connection's TLS handshake (``webhook.tls_handshake_timeout_s``).

The event loop closes a connection whose TLS handshake has not completed within the
``ssl_handshake_timeout`` given to ``loop.create_server``.  uvicorn does not pass one, so the
loop's default of 60 s applied: a client that opens TCP and never sends a ClientHello (or stops
half-way) held a connection and a descriptor that long, before the connection timeouts of
``transport.py`` can start (they begin once the handshake is done).  ``loop_factory`` makes the
event loop uvicorn runs on -- uvloop when it is installed, as uvicorn itself would choose, else
asyncio's -- with ``create_server`` giving TLS servers the configured bound.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable


def loop_factory(handshake_timeout: float) -> Callable[[], asyncio.AbstractEventLoop]:
    """A new-event-loop callable whose TLS servers close a handshake after ``handshake_timeout`` s."""

    class BoundedHandshakeLoop(_base_loop()):  # type: ignore[misc]
        async def create_server(self, *args: Any, **kwargs: Any) -> asyncio.AbstractServer:
            if kwargs.get("ssl") is not None:
                kwargs.setdefault("ssl_handshake_timeout", handshake_timeout)
            return await super().create_server(*args, **kwargs)  # type: ignore[no-any-return]

    return BoundedHandshakeLoop


def _base_loop() -> type:
    try:
        import uvloop
    except ImportError:  # uvicorn falls back to asyncio's loop alike
        return asyncio.SelectorEventLoop
    return uvloop.Loop  # type: ignore[no-any-return]
