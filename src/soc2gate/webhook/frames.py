"""Length-prefixed frames between the server and its evaluation workers.

A frame is an 8-byte big-endian length and that many bytes (a pickle).  The server's side
uses asyncio streams, so a frame of any size (a 3 MiB review included) is buffered by the
transport and written as the worker reads it: the event loop never blocks on a worker and a
write never ends part-way.  The worker's side is a plain blocking socket.

An empty frame (``PING``) is a liveness check: an idle worker answers it at once with ``PONG``.
"""

from __future__ import annotations

import asyncio
import socket
import struct

HEADER = struct.Struct("!Q")
MAX_FRAME = 256 * 1024 * 1024  # far above any answer; a length past it means a broken stream
PING = b""
PONG = ("pong", None)  # the answer to PING (pickled like every answer)


class FrameError(Exception):
    """The stream does not hold a well-formed frame."""


def send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(HEADER.pack(len(data)))
    sock.sendall(data)


def receive(sock: socket.socket) -> bytes | None:
    """The next frame, or None when the peer closed the stream between frames."""
    header = _exactly(sock, HEADER.size, eof_ok=True)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise FrameError(f"frame of {length} bytes")
    return _exactly(sock, length, eof_ok=False) or b""


def _exactly(sock: socket.socket, size: int, eof_ok: bool) -> bytes | None:
    buffer = bytearray(size)
    view, read = memoryview(buffer), 0
    while read < size:
        count = sock.recv_into(view[read:])
        if count == 0:
            if eof_ok and read == 0:
                return None
            raise EOFError(f"stream closed after {read} of {size} bytes")
        read += count
    return bytes(buffer)


async def write(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(HEADER.pack(len(data)))
    writer.write(data)
    await writer.drain()


async def read(reader: asyncio.StreamReader) -> bytes:
    (length,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    if length > MAX_FRAME:
        raise FrameError(f"frame of {length} bytes")
    return await reader.readexactly(length)
