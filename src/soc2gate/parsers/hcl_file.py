"""Parse one Terraform file (``.tf`` or ``.tf.json``) into raw blocks with line numbers.

The output is plain JSON (cacheable by content hash): a list of blocks, each with its
kind, labels, body (python-hcl2's values, quotes stripped) and a map of dotted
attribute paths to lines, plus the file's comments for inline waivers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from soc2gate.errors import BrokenEnvironment
from soc2gate.parsers import json_strict
from soc2gate.parsers.hcl_lark import first_line, last_line, parse_tree, parser, release, transform
from soc2gate.parsers.hcl_lines import line_map

BLOCK_KINDS = ("resource", "data", "module", "variable", "locals", "output", "provider", "terraform")
LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
_COMMENT = re.compile(r"^\s*(?:#|//)\s?(.*)$")


class HclSyntaxError(Exception):
    """python-hcl2 rejected the file; ``line`` is where it stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_file(text: str, path: str) -> dict[str, Any]:
    """Parse ``text``; raise HclSyntaxError with a line on bad syntax."""
    if path.endswith(".json"):
        return _parse_json(text)
    return _parse_hcl(text)


BROKEN_HCL2 = ("python-hcl2 is missing or broken in soc2gate's environment ({error}); the usual cause is "
               "checkov installed into the same environment: its dependency bc-python-hcl2 overwrites the `hcl2` "
               "package. Reinstall python-hcl2 (`pip install --force-reinstall 'python-hcl2>=8.1,<9'`) and run "
               "checkov from its own venv (`pipx install checkov`).")


def _hcl2_api() -> tuple[Any, Any, Any, Any]:
    """The parser pieces (python-hcl2 8.x's, see ``hcl_lark``), or a clear error when another package replaced them."""
    try:
        from hcl2.api import serialize
        from hcl2.utils import SerializationOptions
        parser()  # python-hcl2's grammar and tables (built once)
    except (ImportError, AttributeError) as exc:
        raise BrokenEnvironment(BROKEN_HCL2.format(error=exc)) from None
    return parse_tree, serialize, transform, SerializationOptions


def _parse_hcl(text: str) -> dict[str, Any]:
    from lark.exceptions import LarkError, UnexpectedInput

    parse_tree, serialize, transform, SerializationOptions = _hcl2_api()

    options = SerializationOptions(
        strip_string_quotes=True, explicit_blocks=False, with_comments=False, preserve_heredocs=False
    )
    try:
        tree = parse_tree(text)
        rules = transform(tree)
        data = serialize(rules, serialization_options=options)
        release(rules)
    except UnexpectedInput as exc:
        raise HclSyntaxError(_first_line(str(exc)), getattr(exc, "line", 0) or 0) from None
    except (LarkError, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        raise HclSyntaxError(f"{type(exc).__name__}: {_first_line(str(exc))}", 0) from None
    return {"blocks": _blocks(tree, data), "comments": _comments(text)}


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


def _blocks(tree: Any, data: dict[str, Any]) -> list[dict[str, Any]]:
    body = tree.children[0]
    seen: dict[str, int] = {}
    blocks = []
    for node in body.children:
        if getattr(node, "data", None) != "block":
            continue
        kind = str(node.children[0].children[0])
        _check_labels(node, kind)
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        entries = data.get(kind) or []
        if index >= len(entries):
            continue
        labels, block_body = _unwrap(entries[index], LABELS.get(kind, 0))
        blocks.append({
            "kind": kind,
            "labels": labels,
            "body": block_body,
            "start": first_line(node),
            "end": last_line(node),
            "lines": line_map(node),
        })
    return blocks


def _check_labels(node: Any, kind: str) -> None:
    """A top-level block has exactly the labels Terraform requires (``resource "type" "name"``)."""
    wanted = LABELS.get(kind)
    given = sum(1 for child in node.children[1:] if getattr(child, "data", None) in ("string", "identifier"))
    if wanted is not None and given != wanted:
        raise HclSyntaxError(f"a {kind} block needs {wanted} label{'s' if wanted > 1 else ''}, found {given}",
                             first_line(node))


def _unwrap(entry: Any, depth: int) -> tuple[list[str], Any]:
    labels: list[str] = []
    for _ in range(depth):
        if not isinstance(entry, dict) or len(entry) != 1:
            break
        (label, entry), = entry.items()
        labels.append(label)
    return labels, entry


def _comments(text: str) -> list[list[Any]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.match(line)
        if match and "soc2gate" in match.group(1):
            found.append([number, match.group(1)])
    return found


def load_json_object(text: str, what: str) -> dict[str, Any]:
    """A JSON object from ``text``; HclSyntaxError with a line for bad, too deep or non-object JSON."""
    try:
        data = json_strict.loads(text)
    except json.JSONDecodeError as exc:
        raise HclSyntaxError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise HclSyntaxError("JSON is nested too deeply to read", 1) from None
    if not isinstance(data, dict):
        raise HclSyntaxError(f"a {what} file must hold a JSON object at the top level", 1)
    return data


def _parse_json(text: str) -> dict[str, Any]:
    data = load_json_object(text, ".tf.json")
    blocks = []
    for kind, entries in data.items():
        if kind not in BLOCK_KINDS:
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            blocks.extend(_json_blocks(kind, entry, text))
    return {"blocks": blocks, "comments": []}


def _json_blocks(kind: str, entry: Any, text: str) -> list[dict[str, Any]]:
    depth = LABELS.get(kind, 0)
    out = []
    for labels, body in _expand(entry, depth):
        line = _find_line(text, labels[-1] if labels else kind)
        out.append({"kind": kind, "labels": labels, "body": body, "start": line, "end": line, "lines": {}})
    return out


def _expand(entry: Any, depth: int) -> list[tuple[list[str], Any]]:
    if depth == 0:
        return [([], entry)]
    if not isinstance(entry, dict):
        return []
    return [([label] + rest, body) for label, sub in entry.items() for rest, body in _expand(sub, depth - 1)]


def _find_line(text: str, label: str) -> int:
    position = text.find(json.dumps(label))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1
