"""Policies are sandboxed: deterministic, no network, no runtime environment, no clock, no file access.

The check reads the policy's parsed form (regorus's own parser, ``Engine.get_ast_as_json``),
not its lines: strings, raw strings and comments cannot hide a call, and a call cannot hide
behind a line break.  Refused, with the file and line of the first offence:

* a call of a denied builtin (``http.send(...)``, ``time.now_ns()``, ...);
* a ``with`` replacement *by* a denied builtin (``with f as http.send``) — replacing a denied
  builtin by a mock (``with time.now_ns as 0``) is harmless and allowed;
* an import of anything but ``data.*``, ``input``, ``rego.*`` and ``future.*``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from soc2gate.errors import PolicyLoadError

# Exact names of builtins that reach the network, the runtime, the clock or randomness.
DENIED_BUILTINS = frozenset({
    "http.send",
    "opa.runtime",
    "trace",
    "time.now_ns",
    "net.lookup_ip_addr",
    "net.cidr_expand",  # not I/O, but an unbounded allocation (a /0 expands to 2^32 addresses)
    "io.jwt.decode_verify",  # reads the clock, and its keys may be a JWKS document fetched elsewhere
    "rego.parse_module",
    "crypto.x509.parse_and_verify_certificates",  # verifies against the current time
    "crypto.x509.parse_and_verify_certificates_with_options",
})
# Whole families: every builtin whose name starts with one of these.
DENIED_PREFIXES = ("rand.", "uuid.", "http.", "net.lookup", "opa.")
_ALLOWED_IMPORT_ROOTS = ("data", "input", "rego", "future")
_LOCATION = re.compile(r"-->\s*\S*?:(\d+):\d+")


def denied(name: str) -> bool:
    """Whether ``name`` (a dotted builtin name) is outside the sandbox."""
    return name in DENIED_BUILTINS or name.startswith(DENIED_PREFIXES)


def check_sandbox(source: str, path: str) -> None:
    """Reject a policy that calls a non-deterministic or I/O builtin (PolicyLoadError with file:line)."""
    module = _ast(source, path)
    for name, line in _imports(module):
        if name.split(".")[0] not in _ALLOWED_IMPORT_ROOTS:
            raise PolicyLoadError(f"{path}:{line}: policies may only import data.*, input and rego.v1")
    for name, line, how in _references(module):
        if denied(name):
            raise PolicyLoadError(
                f"{path}:{line}: policies are sandboxed: `{name}` ({how}; network, runtime, clock, "
                "randomness or file access) is not allowed"
            )


def _ast(source: str, path: str) -> dict[str, Any]:
    import regorus

    engine = regorus.Engine()
    try:
        engine.add_policy(path, source)
        modules = json.loads(engine.get_ast_as_json())
    except RuntimeError as exc:
        line, message = engine_error(exc)
        raise PolicyLoadError(f"{path}:{line}: Rego does not compile: {message}") from None
    return modules[0]["ast"] if modules else {}


def engine_error(exc: BaseException) -> tuple[int, str]:
    """(line, one-line message) of a regorus error, without the Rust backtrace RUST_BACKTRACE adds."""
    text = str(exc).split("Stack backtrace:")[0]
    match = _LOCATION.search(text)
    return (int(match.group(1)) if match else 0), " ".join(text.split())[:500]


def _imports(module: dict[str, Any]) -> Iterator[tuple[str, int]]:
    for item in module.get("imports") or []:
        yield _dotted(item.get("refr")) or "?", _line(item)


def _references(module: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    """(dotted name, line, how) of every called function and every ``with ... as`` value."""
    stack: list[Any] = [module.get("rules") or []]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        call = node.get("Call")
        if isinstance(call, dict):
            yield _dotted(call.get("fcn")) or "", _line(call), "a call"
        for modifier in node.get("with_mods") or []:
            if isinstance(modifier, dict):
                yield _dotted(modifier.get("as")) or "", _line(modifier), "a `with` replacement"
        stack.extend(value for value in node.values() if isinstance(value, (dict, list)))


def _dotted(node: Any) -> str | None:
    """``a.b.c`` for a Var / RefDot chain (``a["b"]`` too), else None."""
    parts: list[str] = []
    while isinstance(node, dict):
        if "Var" in node:
            parts.append(str(node["Var"].get("value")))
            return ".".join(reversed(parts))
        if "RefDot" in node:
            field = node["RefDot"].get("field")
            parts.append(str(field[1] if isinstance(field, list) and len(field) > 1 else field))
            node = node["RefDot"].get("refr")
        elif "RefBrack" in node and isinstance(node["RefBrack"].get("index"), dict) \
                and "String" in node["RefBrack"]["index"]:
            parts.append(str(node["RefBrack"]["index"]["String"].get("value")))
            node = node["RefBrack"].get("refr")
        else:
            return None
    return None


def _line(node: dict[str, Any]) -> int:
    span = node.get("span")
    return int(span.get("line", 0)) if isinstance(span, dict) else 0
