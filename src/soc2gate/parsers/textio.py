"""Read user files as text: BOM and UTF-16 aware, binary and bad encodings rejected clearly.

Only regular files are read (a FIFO, device or socket is refused without blocking on it), and
every input is bounded by its kind (see ``limit_for`` and docs/security.md): the parsers' memory
grows with the input (python-hcl2 measured at ~300 bytes per byte of HCL), so a bound on the
text is a bound on the memory one input can take.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024
MAX_FILE_BYTES = 20 * MiB  # JSON (plans, change records) and standard input
MAX_LINE_CHARS = 1 * MiB   # one line of HCL or YAML: bounds a single quoted scalar
MAX_SCALAR_CHARS = 1 * MiB  # one string value of a JSON document


@dataclass(frozen=True)
class Limit:
    """The largest input of a kind: bytes, and the longest line (None: JSON, where one line is normal)."""

    max_bytes: int
    max_line: int | None


_LIMITS: tuple[tuple[str, Limit], ...] = (
    (".tf.json", Limit(8 * MiB, None)),
    (".tfvars.json", Limit(8 * MiB, None)),
    (".tf", Limit(1 * MiB, MAX_LINE_CHARS)),
    (".tfvars", Limit(1 * MiB, MAX_LINE_CHARS)),
    (".yaml", Limit(8 * MiB, MAX_LINE_CHARS)),
    (".yml", Limit(8 * MiB, MAX_LINE_CHARS)),
)
HCL_LIMIT = _LIMITS[2][1]
YAML_LIMIT = _LIMITS[4][1]
DEFAULT_LIMIT = Limit(MAX_FILE_BYTES, None)


def limit_for(name: str) -> Limit:
    """The bound for a file of this name (by suffix; JSON and anything else: ``DEFAULT_LIMIT``)."""
    lowered = name.lower()
    return next((limit for suffix, limit in _LIMITS if lowered.endswith(suffix)), DEFAULT_LIMIT)

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


def read_text(path: Path, display: str, limit: Limit | None = None) -> TextFile:
    """Read a regular file for parsing, with its sha256; never blocks on a FIFO, never reads past the bound."""
    limit = limit or limit_for(path.name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableInput(f"{display}: cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableInput(f"{display}: {file_type(mode)}, not a regular file: only regular files are read")
        try:
            data = handle.read(limit.max_bytes + 1)
        except OSError as exc:
            raise UnreadableInput(f"{display}: cannot read file: {exc.strerror or exc}") from None
    return text_from_bytes(data, display, limit)


def file_type(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory")):
        if test(mode):
            return name
    return "special file"


def text_from_bytes(data: bytes, display: str, limit: Limit = DEFAULT_LIMIT) -> TextFile:
    """Decode ``data`` (one input) within ``limit``: over it is an UnreadableInput naming the bound."""
    if len(data) > limit.max_bytes:
        raise UnreadableInput(f"{display}: input is larger than {limit.max_bytes} bytes, the limit for this kind "
                              "of input (docs/security.md)")
    digest = hashlib.sha256(data).hexdigest()
    text = decode(data, display)
    if limit.max_line is not None and len(text) > limit.max_line:
        _check_lines(text, display, limit.max_line)
    return TextFile(path=display, text=text, sha256=digest)


def _check_lines(text: str, display: str, max_line: int) -> None:
    start, number = 0, 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > max_line:
            raise UnreadableInput(f"{display}:{number}: line is longer than {max_line} characters, the limit "
                                  "for one line (and so one value) of this kind of input (docs/security.md)")
        start, number = end + 1, number + 1


def oversized_string(document: object, limit: int = MAX_SCALAR_CHARS) -> str | None:
    """The key path of the first string (value or key) longer than ``limit``, else None (iterative walk)."""
    stack: list[tuple[object, str]] = [(document, "$")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if len(node) > limit:
                return where
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and len(key) > limit:
                    return f"{where} (a key)"
                stack.append((value, f"{where}.{str(key)[:40]}"))
        elif isinstance(node, list):
            stack.extend((value, f"{where}[{i}]") for i, value in enumerate(node))
    return None
