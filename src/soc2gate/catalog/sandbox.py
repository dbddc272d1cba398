"""Policies are sandboxed: no network, no runtime environment, no file access."""

from __future__ import annotations

import re

from soc2gate.errors import PolicyLoadError

FORBIDDEN_BUILTINS = (
    "http.send",
    "opa.runtime",
    "net.lookup_ip_addr",
    "net.cidr_expand",
    "io.jwt.decode_verify",
    "trace",
    "rego.parse_module",
    "time.now_ns",
)
_CALL = re.compile(r"(?<![\w.])(" + "|".join(re.escape(b) for b in FORBIDDEN_BUILTINS) + r")\s*\(")
_FILE_IMPORT = re.compile(r"^\s*import\s+(?!data\.|input|rego\.v1|future\.)", re.MULTILINE)


def _code_only(source: str) -> str:
    """Source with comments and string literals blanked (line numbers preserved)."""
    out = []
    for line in source.splitlines():
        line = re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', line)
        out.append(line.split("#", 1)[0])
    return "\n".join(out)


def check_sandbox(source: str, path: str) -> None:
    """Reject a policy that calls a non-deterministic or I/O builtin."""
    code = _code_only(source)
    for number, line in enumerate(code.splitlines(), start=1):
        match = _CALL.search(line)
        if match:
            raise PolicyLoadError(
                f"{path}:{number}: policies are sandboxed: `{match.group(1)}` (network, runtime, "
                "file or clock access) is not allowed"
            )
    match = _FILE_IMPORT.search(code)
    if match:
        number = code.count("\n", 0, match.start()) + 1
        raise PolicyLoadError(f"{path}:{number}: policies may only import data.*, input and rego.v1")
