"""python-hcl2's parse of a ``.tf`` file, with its two largest avoidable costs removed.

The grammar, the LALR tables (read from python-hcl2's own cache), the transformer's rules and
the serializer are python-hcl2's; what differs is how the tree is built and walked:

- no ``propagate_positions`` where many files are parsed (the parse workers; building that parser
  costs ~0.15 s): Lark computes a start and end position for every node while it builds the tree
  (about a quarter of the parse).  soc2gate reads the lines of a few nodes only
  (blocks, attributes, object elements, tuple items); ``first_line``/``last_line`` take them
  from the node's first and last token.  Every terminal of python-hcl2's grammar is a named
  one and stays in the tree, so those tokens are the ones Lark's positions come from.
- the transformer looks each rule's and each token type's callback up once per parse instead
  of once per node (Lark's ``v_args`` wrapper re-binds the method on every call, and a token
  type without a callback costs an ``AttributeError`` each time); the callbacks are
  python-hcl2's own, called with the same arguments, and errors are wrapped in ``VisitError``
  as Lark does.
- an indented heredoc (``<<-EOT``) is built as a rule that serializes without python-hcl2
  8.1's stray escapes (``\\"``, ``\\\\``): heredocs interpret no escapes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_ESCAPED = re.compile(r'\\(["\\])')


_SAMPLE = """resource "aws_s3_bucket" "b" {
  bucket = "x-${var.n}-%{ if var.on }on%{ endif }"
  tags   = { a = 1, "b" = [true, null, 2.5, -3], c = { d = local.e[0].f } }
  policy = <<-EOT
    {"a": "b\\c"}
  EOT
  count = var.on && !var.off ? length(var.l) : 0 # comment
  names = [for k, v in var.m : upper(k) if v != null]
  all   = aws_instance.web[*].id
  dynamic "rule" {
    for_each = var.rules
    content {
      id = rule.value.id
    }
  }
}

locals {
  sum = (1 + 2) * 3 / 4 % 5 >= 1 || false
}
"""


_many = False  # this process parses many files (a parse worker): see many_files()


def many_files() -> None:
    """This process will parse many files (parsers/hcl_batch.py's workers): worth building the parser
    without positions (~0.15 s once; a quarter of every file's parse)."""
    global _many
    _many = True


def parser() -> Any:
    """python-hcl2's parser; in a process that parses many files, one building trees without positions
    (python-hcl2's own when that does not check out)."""
    from hcl2.parser import parser as hcl2_parser

    fast = _positionless() if _many else None
    return fast if fast is not None else hcl2_parser()


@lru_cache(maxsize=1)
def _positionless() -> Any:
    """python-hcl2's LALR tables, trees built without positions; None unless, on a sample, every node's
    first and last token lines are Lark's positions from python-hcl2's own parser (checked once per
    process: a lark release whose internals differ makes soc2gate slower, never different)."""
    from hcl2.parser import parser as hcl2_parser
    from hcl2.postlexer import PostLexer
    from lark import Lark, Tree
    from lark.exceptions import LarkError
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    try:
        data, memo = hcl2_parser().memo_serialize([TerminalDef, Rule])
        fast = Lark._load_from_dict(data, memo, propagate_positions=False, postlex=PostLexer())
        pairs = [(fast.parse(_SAMPLE), hcl2_parser().parse(_SAMPLE))]
        while pairs:
            mine, lark = pairs.pop()
            if mine.data != lark.data or (not lark.meta.empty and (
                    first_line(mine), last_line(mine)) != (lark.meta.line, lark.meta.end_line)):
                return None
            pairs.extend((a, b) for a, b in zip(mine.children, lark.children, strict=True) if isinstance(b, Tree))
        return fast
    except (LarkError, AttributeError, KeyError, TypeError, ValueError, IndexError, StopIteration):
        return None


@lru_cache(maxsize=1)
def _walk_checks_out() -> bool:
    """Whether the walk gives, on a sample, what Lark's own transformer gives (checked once per process)."""
    from hcl2.api import serialize
    from lark.exceptions import LarkError

    try:
        tree = parser().parse(_SAMPLE)
        return bool(serialize(_Walk().transform(tree)) == serialize(_transformer_class()().transform(tree)))
    except (LarkError, AttributeError, KeyError, TypeError, ValueError, IndexError):
        return False


def parse_tree(text: str) -> Any:
    """The Lark tree of ``text`` (python-hcl2 appends a newline: its grammar has no end-of-file token)."""
    return parser().parse(text + "\n")


def transform(tree: Any) -> Any:
    """python-hcl2's rule tree (``StartRule``) for a Lark tree."""
    return _Walk().transform(tree) if _walk_checks_out() else _transformer_class()().transform(tree)


def release(rules: Any) -> None:
    """Unlink a serialized rule tree (each rule points to its parent): freed at once, without the
    garbage collector (parse workers run without it, parsers/hcl_batch.py)."""
    stack = [rules]
    while stack:
        node = stack.pop()
        node._parent = None
        stack.extend(child for child in getattr(node, "_children", None) or () if child is not None)


def first_line(node: Any) -> int:
    """The line of the first token under ``node`` (Lark's propagated ``meta.line``)."""
    while hasattr(node, "children"):
        node = next(c for c in node.children if not hasattr(c, "children") or _has_token(c))
    return node.line


def last_line(node: Any) -> int:
    """The end line of the last token under ``node`` (Lark's propagated ``meta.end_line``)."""
    while hasattr(node, "children"):
        node = next(c for c in reversed(node.children) if not hasattr(c, "children") or _has_token(c))
    return node.end_line


def _has_token(node: Any) -> bool:
    return any(not hasattr(c, "children") or _has_token(c) for c in node.children)


class _Walk:
    """One transform: Lark's ``Transformer.transform`` with python-hcl2's callbacks, each looked up once."""

    def __init__(self) -> None:
        from lark import Discard, Tree
        from lark.exceptions import GrammarError, VisitError

        self.transformer = _transformer_class()()
        self.discard, self.tree_type, self.grammar_error, self.visit_error = Discard, Tree, GrammarError, VisitError
        self.rules: dict[str, Any] = {}
        self.tokens: dict[str, Any] = {}

    def transform(self, tree: Any) -> Any:
        result = self.tree(tree)
        return None if result is self.discard else result

    def tree(self, tree: Any) -> Any:
        children = []
        for child in tree.children:
            if isinstance(child, self.tree_type):
                result = self.tree(child)
            else:
                try:
                    result = (self.tokens.get(child.type) or self._token_callback(child.type))(child)
                except self.grammar_error:
                    raise
                except Exception as exc:  # as Lark: an error in a callback is a VisitError naming the token
                    raise self.visit_error(child.type, child, exc) from exc
            if result is not self.discard:
                children.append(result)
        try:
            return (self.rules.get(tree.data) or self._rule_callback(tree.data))(tree, children)
        except self.grammar_error:
            raise
        except Exception as exc:  # ... or the rule
            raise self.visit_error(tree.data, tree, exc) from exc

    def _token_callback(self, kind: str) -> Any:
        call = getattr(self.transformer, kind, None) or self.transformer.__default_token__
        self.tokens[kind] = call
        return call

    def _rule_callback(self, name: str) -> Any:
        method = getattr(self.transformer, name, None)
        wrapper = getattr(method, "visit_wrapper", None)
        if method is None:
            default = self.transformer.__default__
            self.rules[name] = lambda tree, children: default(tree.data, children, tree.meta)
        elif wrapper is not None:
            self.rules[name] = lambda tree, children: wrapper(method, tree.data, children, tree.meta)
        else:
            self.rules[name] = lambda tree, children: method(children)
        return self.rules[name]


@lru_cache(maxsize=1)
def _transformer_class() -> type:
    """python-hcl2's transformer, building indented heredocs as ``HeredocTrim``."""
    from hcl2.transformer import RuleTransformer
    from lark import v_args

    heredoc = _heredoc_trim_class()

    class Transformer(RuleTransformer):  # type: ignore[misc, valid-type]
        @v_args(meta=True)
        def heredoc_template_trim(self, meta: Any, args: Any) -> Any:
            return heredoc(args, meta)

    return Transformer


@lru_cache(maxsize=1)
def _heredoc_trim_class() -> type:
    from hcl2.rules.strings import HeredocTrimTemplateRule

    class HeredocTrim(HeredocTrimTemplateRule):  # type: ignore[misc, valid-type]
        def serialize(self, options: Any = None, context: Any = None) -> Any:
            value = super().serialize(*(a for a in (options, context) if a is not None))
            if options is not None and options.strip_string_quotes and not options.preserve_heredocs \
                    and isinstance(value, str):
                return _ESCAPED.sub(r"\1", value)
            return value

    return HeredocTrim
