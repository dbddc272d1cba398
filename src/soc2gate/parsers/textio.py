"""Read user files as text: BOM and UTF-16 aware, binary and bad encodings rejected clearly."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class UnreadableInput(Exception):
    """The file cannot be read as text; the message says why."""


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str
    sha256: str


def decode(data: bytes, path: str) -> str:
    """Decode bytes as UTF-8/16/32 (by BOM or NUL pattern); refuse binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom):], encoding, path)
    if len(data) >= 2 and b"\x00" in data[:4096]:
        guessed = _guess_utf16(data)
        if guessed is None:
            raise UnreadableInput(f"{path}: binary file (contains NUL bytes), not a text input")
        return _decode_as(data, guessed, path)
    return _decode_as(data, "utf-8", path)


def _guess_utf16(data: bytes) -> str | None:
    head = data[:4096]
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    if odd_nuls > half * 0.6 and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > half * 0.6 and odd_nuls == 0:
        return "utf-16-be"
    return None


def _decode_as(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableInput(
            f"{path}:{line}: not valid {encoding.upper()} text (byte {exc.start}); "
            "save the file as UTF-8"
        ) from None


def read_text(path: Path, display: str) -> TextFile:
    """Read a file for parsing, with its sha256."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableInput(f"{display}: file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"{display}: cannot read file: {exc.strerror or exc}") from None
    return text_from_bytes(data, display)


def text_from_bytes(data: bytes, display: str) -> TextFile:
    digest = hashlib.sha256(data).hexdigest()
    return TextFile(path=display, text=decode(data, display), sha256=digest)
