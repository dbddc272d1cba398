"""``module.NAME.OUTPUT``: the outputs of a local child module, evaluated with the call's arguments.

developer.hashicorp.com/terraform/language/values/outputs: a calling module reads a child's output
as ``module.<name>.<output>`` (``module.<name>[key].<output>`` with ``count``/``for_each``).  The
child's ``output`` blocks are evaluated in a scope holding the call's arguments as variables, so an
output passed through variables, locals or functions is known in the caller; one that reads the
child's resources or data sources stays unknown and still refers to ``module.NAME`` (as an
unresolved module reference did before), so links behave the same.  Registry and git sources,
an unknown ``count``/``for_each``, a call that refers to itself and depth beyond MAX_DEPTH stay
unresolved.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from soc2gate.parsers.expressions import evaluate_value
from soc2gate.parsers.expressions_types import UNBOUND, Partial, Reference, Template, Unknown, partial_or
from soc2gate.parsers.instances import bind, expand
from soc2gate.parsers.overrides import apply_overrides
from soc2gate.parsers.terraform import MODULE_META, ModuleScope

MAX_DEPTH = 8
Files = list[tuple[str, dict[str, Any]]]
Lookup = Callable[[str, str], Any]


def local_child(directory: str, source: str) -> str | None:
    """The directory of a local module source (``./x``, ``../x``), None for any other source."""
    if source.startswith(("./", "../")) or source in (".", ".."):
        return os.path.realpath(Path(directory) / source)  # never raises on a symlink loop
    return None


class ModuleOutputs:
    """Answers ``module.NAME`` for the module calls of one module instance (UNBOUND: unresolved)."""

    def __init__(self, directory: str, files: Files, load_dir: Callable[[str], Files] | None, depth: int = 0) -> None:
        self.directory = directory
        self.load_dir = load_dir
        self.depth = depth
        self.calls = {b["labels"][0]: b["body"] for _, parsed in apply_overrides(files) for b in parsed["blocks"]
                      if b["kind"] == "module" and b["labels"] and isinstance(b["body"], dict)}
        self.values: dict[str, Any] = {}
        self.resolving: set[str] = set()

    def value(self, name: str, lookup: Lookup) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.resolving or self.depth >= MAX_DEPTH or self.load_dir is None or name not in self.calls:
            return UNBOUND
        body = self.calls[name]
        source = body.get("source")
        child = local_child(self.directory, source) if isinstance(source, str) else None
        files = self.load_dir(child) if child else []
        if not files:
            return UNBOUND
        self.resolving.add(name)
        try:
            value = self._instances(name, body, child or "", files, lookup)
        finally:
            self.resolving.discard(name)
        self.values[name] = value
        return value

    def _instances(self, name: str, body: dict[str, Any], child: str, files: Files, lookup: Lookup) -> Any:
        instances, undecided = expand(body, lookup)
        if undecided:
            return UNBOUND
        outputs = [(i.key, self._outputs(name, body, child, files, bind(lookup, i.symbols))) for i in instances]
        if "count" in body:
            return partial_or(f"module.{name}", [value for _, value in outputs])
        if "for_each" in body:
            return partial_or(f"module.{name}", {str(key): value for key, value in outputs})
        return outputs[0][1]

    def _outputs(self, name: str, body: dict[str, Any], child: str, files: Files, lookup: Lookup) -> Any:
        inputs = {k: evaluate_value(v, lookup) for k, v in body.items() if k not in MODULE_META}
        files = apply_overrides(files)
        scope = ModuleScope(files, inputs, ModuleOutputs(child, files, self.load_dir, self.depth + 1))
        values = {}
        for _, parsed in files:
            for block in parsed["blocks"]:
                if block["kind"] == "output" and block["labels"] and isinstance(block["body"], dict):
                    raw = block["body"].get("value")
                    output = block["labels"][0]
                    values[output] = _caller_side(evaluate_value(raw, scope.lookup), name, output)
        return partial_or(f"module.{name}", values)


def _caller_side(value: Any, name: str, output: str) -> Any:
    """A child's unknowns as the caller sees them: named ``module.NAME.OUTPUT`` and referring to
    ``module.NAME``, not to the child's own addresses (which mean other resources in the caller)."""
    text = f"module.{name}.{output}"
    if isinstance(value, Partial):
        return Partial(text, _caller_side(value.value, name, output))
    if isinstance(value, Template):  # its literal text is known in the caller too
        return Template(text, tuple(p if isinstance(p, str) else Reference(text, f"module.{name}")
                                    for p in value.parts))
    if isinstance(value, Unknown):
        return Reference(text, f"module.{name}")
    if isinstance(value, dict):
        return {k: _caller_side(v, name, output) for k, v in value.items()}
    if isinstance(value, list):
        return [_caller_side(v, name, output) for v in value]
    return value
