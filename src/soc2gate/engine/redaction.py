"""Unknown expressions are quoted in findings; the string literals inside them are not.

``"postgres://admin:PW@${aws_db_instance.db.address}"`` is unknown because of its reference,
but its literal text may be a secret, and a finding reaches every report format, the evidence
ledger and pull-request comments.  So every literal part of a quoted expression (template text
around ``${...}``, quoted strings, heredoc bodies) is replaced by ``***``; references, function
names, operators and numbers are kept, so the finding still says what it depends on.
"""

from __future__ import annotations

import re

MASK = "***"
_DYNAMIC = re.compile(r'^dynamic "([A-Za-z0-9_-]+)" for_each = (.*)$', re.DOTALL)
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n")


def redact_literals(expression: str) -> str:
    """``expression`` with every string literal masked (see the module docstring)."""
    dynamic = _DYNAMIC.match(expression)
    if dynamic:  # soc2gate's own wording for an unknown dynamic block: the block name is not user data
        return f'dynamic "{dynamic.group(1)}" for_each = {redact_literals(dynamic.group(2))}'
    if "${" in expression or "%{" in expression:
        return _template(expression, 0, None)[0]
    return _expression(expression, 0, None)[0]


def _template(text: str, index: int, closing: str | None) -> tuple[str, int]:
    """Template text up to ``closing`` (a quote) or the end: literal runs masked, interpolations kept."""
    out: list[str] = []
    literal = False
    while index < len(text):
        if closing is not None and text[index] == closing:
            break
        if text[index] == "\\" and closing is not None:
            index, literal = index + 2, True
        elif text.startswith(("$${", "%%{"), index):
            index, literal = index + 3, True
        elif text.startswith(("${", "%{"), index):
            if literal:
                out.append(MASK)
                literal = False
            opener = text[index:index + 2]
            inner, index = _expression(text, index + 2, "}")
            out.append(f"{opener}{inner}}}")
            index += 1
        else:
            index, literal = index + 1, True
    if literal:
        out.append(MASK)
    return "".join(out), index


def _expression(text: str, index: int, closing: str | None) -> tuple[str, int]:
    """Expression text up to an unbalanced ``closing`` (or the end), its quoted strings and heredocs masked."""
    out: list[str] = []
    depth = 0
    while index < len(text):
        char = text[index]
        heredoc = _HEREDOC.match(text, index) if char == "<" else None
        if char == '"':
            inner, index = _template(text, index + 1, '"')
            out.append(f'"{inner}"')
            index += 1
            continue
        if heredoc:
            end = re.compile(r"\n[ \t]*" + re.escape(heredoc.group(1)) + r"\b").search(text, heredoc.end() - 1)
            out.append(f"<<{heredoc.group(1)} {MASK} {heredoc.group(1)}")
            index = end.end() if end else len(text)
            continue
        if char in "({[":
            depth += 1
        elif char in ")}]":
            if depth == 0 and char == closing:
                break
            depth -= 1
        out.append(char)
        index += 1
    return "".join(out), index
