"""Line numbers of every attribute inside a parsed HCL block (python-hcl2's lark tree).

Keys are dotted paths as policies report them: ``environment.variables.secret_key``,
nested blocks both plain (``security_rule.name``: the first block's line) and indexed
(``security_rule[1].name``), list elements indexed (``ingress[0].from_port``).  The
content of a ``dynamic "x"`` block is mapped under ``x`` (its generated blocks).
"""

from __future__ import annotations

from typing import Any

from soc2gate.parsers.hcl_lark import first_line

Lines = dict[str, int]


def line_map(block: Any) -> Lines:
    """Relative paths of everything inside ``block``'s body, to 1-based lines."""
    lines: Lines = {}
    body = next((c for c in block.children if getattr(c, "data", None) == "body"), None)
    if body is None:
        return lines
    counts: dict[str, int] = {}
    for node in body.children:
        kind = getattr(node, "data", None)
        if kind == "attribute":
            path = _name(node)
            lines.setdefault(path, first_line(node))
            _merge(lines, path, _expression(node.children[-1]))
        elif kind == "block":
            _block(node, lines, counts)
    return lines


def _block(node: Any, lines: Lines, counts: dict[str, int]) -> None:
    name = _name(node)
    if name == "dynamic":
        label = next((_text(c) for c in node.children if getattr(c, "data", None) == "string"), "")
        content = _child_block(node, "content")
        lines.setdefault(label, first_line(node))
        if content is not None:
            _merge(lines, label, line_map(content))
        return
    index = counts.get(name, 0)
    counts[name] = index + 1
    lines.setdefault(name, first_line(node))
    lines[f"{name}[{index}]"] = first_line(node)
    inner = line_map(node)
    _merge(lines, name, inner)
    _merge(lines, f"{name}[{index}]", inner, replace=True)


def _merge(lines: Lines, prefix: str, inner: Lines, replace: bool = False) -> None:
    for key, line in inner.items():
        path = f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"
        if replace:
            lines[path] = line
        else:
            lines.setdefault(path, line)


def _expression(node: Any) -> Lines:
    """Lines inside an object or tuple expression, relative to the attribute."""
    while getattr(node, "data", None) == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    kind = getattr(node, "data", None)
    lines: Lines = {}
    if kind == "object":
        for element in (c for c in node.children if getattr(c, "data", None) == "object_elem"):
            key = _text(element.children[0])
            lines.setdefault(key, first_line(element))
            _merge(lines, key, _expression(element.children[-1]))
    elif kind == "tuple":
        items = [c for c in node.children if getattr(c, "data", None) is not None
                 and getattr(c, "data", None) != "new_line_or_comment"]
        for index, item in enumerate(items):
            lines[f"[{index}]"] = first_line(item)
            inner = _expression(item)
            _merge(lines, f"[{index}]", inner, replace=True)
            for key, line in inner.items():
                lines.setdefault(key, line)
    return lines


def _child_block(node: Any, name: str) -> Any:
    body = next((c for c in node.children if getattr(c, "data", None) == "body"), None)
    for child in body.children if body is not None else []:
        if getattr(child, "data", None) == "block" and _name(child) == name:
            return child
    return None


def _name(node: Any) -> str:
    return str(node.children[0].children[0])


def _text(node: Any) -> str:
    """The text of an identifier or a quoted string (a key or a label)."""
    if not hasattr(node, "children"):
        return str(node)
    parts = []
    for child in node.children:
        if hasattr(child, "children"):
            parts.append(_text(child))
        elif str(child) != '"':
            parts.append(str(child))
    return "".join(parts)
