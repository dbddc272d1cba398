"""Import layering and size limits, enforced (as sqlfluff does) so the architecture stays visible.

parsers -> model; engine -> catalog/model; reporters -> model only; cli/commands/integrations -> api.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "soc2gate"

# package -> soc2gate packages/modules it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "model": ("soc2gate.",),
    "parsers": ("soc2gate.engine", "soc2gate.reporters", "soc2gate.api", "soc2gate.cli", "soc2gate.commands",
                "soc2gate.waivers", "soc2gate.evidence", "soc2gate.webhook"),
    "engine": ("soc2gate.reporters", "soc2gate.api", "soc2gate.cli", "soc2gate.commands", "soc2gate.parsers.collect"),
    "reporters": ("soc2gate.parsers", "soc2gate.engine", "soc2gate.api", "soc2gate.cli", "soc2gate.commands",
                  "soc2gate.catalog.policies"),
    "catalog": ("soc2gate.engine", "soc2gate.reporters", "soc2gate.api", "soc2gate.cli", "soc2gate.parsers"),
}
MAX_MODULE_LINES = 320
MAX_FUNCTION_LINES = 45


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "_data" not in p.parts)


def _layer(path: Path) -> str:
    relative = path.relative_to(SRC)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_import_layering() -> None:
    problems = []
    for path in _modules():
        forbidden = FORBIDDEN.get(_layer(path), ())
        for name in _imports(ast.parse(path.read_text())):
            if any(name == f.rstrip(".") or name.startswith(f) for f in forbidden):
                problems.append(f"{path.relative_to(SRC)} imports {name}")
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
