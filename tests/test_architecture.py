"""Import layering and size limits, enforced (as sqlfluff does) so the architecture stays visible.

Layering is an allow-list: each layer names the layers it may import, and every import counts,
at module level or inside a function.  An import inside a function is allowed only for the
optional or deferred third-party modules listed below, with the reason; the README's
architecture section describes the same graph.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "soc2gate"

# top-level package or module of soc2gate -> its layer
LAYER_OF: dict[str, str] = {
    "model": "model", "errors": "errors", "__version__": "errors",  # leaves: they import nothing of ours
    "diagnostics": "diagnostics", "discovery": "parsers",  # discovery: paths -> candidate input files
    "parsers": "parsers", "catalog": "catalog", "engine": "engine", "reporters": "reporters", "config": "config",
    "waivers": "capabilities", "evidence": "capabilities", "change": "capabilities", "baseline": "capabilities",
    "adapters": "capabilities", "staged": "capabilities",
    "api": "api",
    "cli": "faces", "commands": "faces", "webhook": "faces", "audit": "faces", "monitor": "faces",
}
_CORE = {"model", "errors"}  # every layer may import these
# layer -> the layers it may import (besides itself and the core)
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "errors": set(),
    "diagnostics": {"model"},
    "parsers": {"diagnostics", "catalog.locate"},
    "catalog": set(),
    "engine": {"catalog", "diagnostics"},
    "reporters": set(),
    "config": {"parsers"},
    "capabilities": {"parsers", "engine", "catalog", "config", "diagnostics", "reporters"},
    "api": {"capabilities", "parsers", "engine", "catalog", "config", "diagnostics", "reporters"},
    "faces": {"api"},
}
# the faces in front of other faces: the CLI registers the commands; `soc2gate audit` and
# `soc2gate webhook serve` and `soc2gate monitor` are commands; the monitor re-audits the cluster
FACE_FRONTS: dict[str, set[str]] = {"cli": {"commands"}, "commands": {"audit", "webhook", "monitor"},
                                    "monitor": {"audit"}}
# an import from a module of one layer into another that the layers do not allow, with the reason
EXCEPTIONS: dict[tuple[str, str], str] = {}
# third-party modules imported inside functions, and why they are not imported at module level
DEFERRED: dict[str, str] = {
    "kubernetes": "optional: extra `audit`",
    "prometheus_client": "optional: extra `webhook`",
    "uvicorn": "optional: extra `webhook`",
    "uvloop": "optional: extra `webhook`, not on Windows (webhook/handshake.py falls back to asyncio's loop)",
    "opa_client": "optional: extra `opa`",
    "requests": "optional: extra `opa` (opa-python-client's transport)",
    "cryptography": "optional: extra `evidence`",
    "filelock": "optional: extra `evidence`",
    "psycopg": "optional: extra `evidence` (PostgreSQL evidence store)",
    "resource": "Unix only: the memory bound set in the forked evaluation child (engine/deadline.py)",
    "hcl2": "checked at use: checkov's bc-python-hcl2 may have replaced it (BrokenEnvironment); ~100 ms",
    "lark": "python-hcl2's parser, read with hcl2; ~80 ms",
    "jsonschema": "~140 ms, only when a configuration, waiver file or change record is validated",
    "yaml": "kept off CLI start (benchmarks/README.md, pre-commit hook latency)",
    "platformdirs": "kept off CLI start; only when the parse cache is used",
    "concurrent": "concurrent.futures (multiprocessing, ~40 ms), only when many HCL files are parsed at once",
    "multiprocessing": "the fork context of the root-module workers (parsers/root_modules.py), only with many roots",
    "importlib": "importlib.metadata (~45 ms), only when checkov runs (adapters/checkov/runner.py)",
}
# soc2gate modules imported inside a function, and why
DEFERRED_OURS: dict[tuple[str, str], str] = {
    ("commands/webhook.py", "soc2gate.webhook.server"): "imports uvicorn: optional, extra `webhook`",
    ("evidence/store.py", "soc2gate.evidence.file_store"): "a back-end imports store's types: chosen by URL scheme",
    ("evidence/store.py", "soc2gate.evidence.pg_store"): "a back-end imports store's types; psycopg is optional",
    ("parsers/expressions.py", "soc2gate.parsers.hcl_compile"): "hcl_compile imports hcl_expr, which imports expressions (template parts)",
    # checkov is an optional finding source: its runner (subprocess, tempfile) and mapping load when asked
    ("adapters/checkov/__init__.py", "soc2gate.adapters.checkov.runner"): "only with --with-checkov",
    ("adapters/checkov/__init__.py", "soc2gate.adapters.checkov.mapping"): "only with --with-checkov",
    ("adapters/checkov/__init__.py", "soc2gate.adapters.checkov.merge"): "only with --with-checkov",
}
MAX_MODULE_LINES = 320
MAX_FUNCTION_LINES = 45


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "_data" not in p.parts)


def _name(path: Path) -> str:
    relative = path.relative_to(SRC)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, inside a function) for every import; ``from soc2gate import x`` counts as ``soc2gate.x``."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body} | {id(n) for node in tree.body if isinstance(node, ast.If)
                                              for n in node.body}  # `if TYPE_CHECKING:` blocks
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "soc2gate" else [node.module]
            found += [(name, id(node) not in top) for name in names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) not in top) for alias in node.names]
    return found


def _allowed(source_name: str, target: str) -> bool:
    parts = target.split(".")
    if parts[0] != "soc2gate" or len(parts) == 1:
        return True
    source, layer = LAYER_OF[source_name], LAYER_OF[parts[1]]
    if layer in _CORE or parts[1] == source_name:
        return True
    if parts[1] in FACE_FRONTS.get(source_name, ()):
        return True
    if layer == source and source not in ("faces", "capabilities"):  # e.g. discovery <-> parsers
        return True
    allowed = ALLOWED[source]
    return layer in allowed or ".".join(parts[1:3]) in allowed


def _excepted(relative: str, target: str) -> bool:
    return any(relative == where and (target == what or target.startswith(what + "."))
               for where, what in EXCEPTIONS)


def test_every_module_has_a_layer() -> None:
    assert not {_name(p) for p in _modules() if _name(p) != "__init__"} - set(LAYER_OF)


def test_import_layering() -> None:
    problems = []
    for path in _modules():
        relative = path.relative_to(SRC).as_posix()
        for target, _ in _imports(path):
            if not _allowed(_name(path), target) and not _excepted(relative, target):
                problems.append(f"{relative} imports {target}")
    assert not problems, "\n".join(problems)


def test_imports_inside_functions_only_for_deferred_dependencies() -> None:
    problems = []
    for path in _modules():
        relative = path.relative_to(SRC).as_posix()
        for target, inside in _imports(path):
            if not inside:
                continue
            root = target.split(".")[0]
            if root == "soc2gate":
                if (relative, target) not in DEFERRED_OURS and not _excepted(relative, target):
                    problems.append(f"{relative}: `{target}` imported inside a function")
            elif root not in DEFERRED and root not in sys.builtin_module_names:
                problems.append(f"{relative}: `{target}` imported inside a function (not in DEFERRED)")
    assert not problems, "\n".join(problems)


def test_no_utils_grab_bags() -> None:
    assert not [p for p in _modules() if p.stem in ("utils", "helpers", "misc", "common")]


def test_module_and_function_sizes() -> None:
    problems = []
    for path in _modules():
        lines = path.read_text().splitlines()
        if len(lines) > MAX_MODULE_LINES:
            problems.append(f"{path.relative_to(SRC)}: {len(lines)} lines")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}() is {length} lines")
    assert not problems, "\n".join(problems)


def test_command_line_starts_without_the_core_or_heavy_modules() -> None:
    """`soc2gate hook` loads its command before running: no parser, engine, webhook or audit code yet,
    and none of the heavy dependencies (benchmarks/README.md, pre-commit hook latency)."""
    code = ("import sys, soc2gate.cli; soc2gate.cli.cli.get_command(None, 'hook'); "
            "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env={**os.environ, "PYTHONPATH": str(SRC.parent)}).stdout.split())
    heavy = {"hcl2", "lark", "regorus", "jsonschema", "yaml", "soc2gate.parsers", "soc2gate.engine",
             "soc2gate.webhook", "soc2gate.audit", "soc2gate.api.gate"}
    assert not heavy & loaded, sorted(heavy & loaded)
    assert "soc2gate.commands.hook" in loaded and "soc2gate.api" in loaded
