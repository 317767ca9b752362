"""An exact shortcut past ``ast.parse`` for files that the byte prefilter let through, whose code
(outside strings and comments) is ASCII.

Such files mostly mention tracked names only in strings and comments, or use them in a few
import statements; building the whole file's AST is most of the cost and none of it is
needed. So, for an ASCII source:

1. fast/lexer.py finds the import statements and the tracked or dynamic-import names in code;
2. only those import statements are parsed, at their real positions, plus each
   ``root.x.Tracked`` attribute chain whose root an import may bind (SWS007) and each
   ``import_module(...)``/``__import__(...)`` call (SWS005);
3. the shared core (``rules.analyze_tree``) runs on a module holding just these nodes;
4. if that finds anything, the whole file is validated with ``symtable`` (CPython's parser
   and symbol table, without building Python AST objects: cheaper than ``ast.parse``), as a
   file that does not parse must give no findings (flake8 reports E999 instead).

``# noqa`` then needs only the lines of the findings (fast/noqa.py). Whatever the shortcut
does not fully understand -- an attribute written across lines, a call on a parenthesised
callee -- returns None and the caller parses the file. tests/test_differential.py proves
the results equal the full parse's.
"""

from __future__ import annotations

import ast
import bisect
import datetime
import functools
import symtable
import sys
from typing import NamedTuple
from typing import Sequence
from typing import Union

from flake8_ssot_ws.core.expressions import DYNAMIC_IMPORTERS
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.fast.lexer import WORD
from flake8_ssot_ws.fast.lexer import Lexed
from flake8_ssot_ws.fast.lexer import Lexer
from flake8_ssot_ws.fast.lexer import Lines
from flake8_ssot_ws.fast.lexer import Span
from flake8_ssot_ws.fast.lexer import closing_bracket
from flake8_ssot_ws.fast.lexer import count_lines
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import name_fragments
from flake8_ssot_ws.core.rules import Analysis
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import may_have_findings

_DYNAMIC_IMPORTERS = tuple(sorted(DYNAMIC_IMPORTERS))
_BLANK = frozenset(" \t\f\r\n\\")
_ALIAS_POSITIONS = sys.version_info >= (3, 10)
_UNSURE = None
_IRRELEVANT = ""
Root = Union[tuple[int, str], str, None]
Found = Union[Span, str, None]
Positioned = Union[ast.stmt, ast.expr, ast.alias]


class Shortcut(NamedTuple):
    analysis: Analysis
    lexed: Lexed | None  # what the lexer found, for fastnoqa.split_noqa


class _Plan:
    """What the shortcut looks for, derived once per registry."""

    def __init__(self, registry: Registry, dynamic: bool) -> None:
        fragments = name_fragments(registry.groups, registry.literal_names)
        self.usable = fragments is not None and bool(registry.needles)
        self.importers = _DYNAMIC_IMPORTERS if dynamic else ()
        self.lexer = Lexer((*(fragments or ()), *self.importers), registry.needles)
        self.group_of = registry.group_of


@functools.lru_cache(maxsize=8)
def _plan(registry: Registry, dynamic: bool) -> _Plan:
    return _Plan(registry, dynamic)


def analyze_ascii(source: str, registry: Registry, context: FileContext, *, today: datetime.date) -> Shortcut | None:
    """``rules.analyze_source``'s result for ``source`` without parsing all of it, or None
    when the shortcut cannot be sure (then parse the file). Raises nothing."""
    if context.exempt:
        return Shortcut(Analysis([], []), None)
    plan = _plan(registry, bool(registry.watched_modules))
    # may_have_findings of an empty text is True only for a file inside a package the
    # registry names, where `from . import *` needs no needle: such files are parsed.
    if not plan.usable or may_have_findings(registry, "", context):
        return None
    lexed = plan.lexer.lex(source)  # None for non-ASCII text outside strings and comments
    if lexed is None:
        return None
    reader = _Reader(source, lexed.statements)
    spans = _expression_spans(reader, lexed, plan)
    if spans is None:
        return None
    needles = registry.needles
    if not spans and not any(needle in source[a:b] for a, b in lexed.statements for needle in needles):
        # Only an import statement naming a needle can give a finding or a canonical import.
        return Shortcut(Analysis([], []), lexed)
    module = _module(reader, spans)
    if module is None:
        return None
    # The core searches ``text`` for what its expression rules need (``x.Tracked`` chains,
    # dynamic-import names) before walking the module; the module holds only these spans, so
    # their text answers the same, without a regex over the whole file (5 ms a file in
    # azure-cli's generated modules).
    held = "\n".join(source[start:end] for start, end in (*lexed.statements, *spans))
    analysis = analyze_tree(module, source_lines(source), registry, context, today=today, text=held)
    if analysis.findings or analysis.canonical:
        try:
            symtable.symtable(source, "<ssot-ws>", "exec")
        except Exception:  # any doubt: the caller's full parse reports it exactly
            return None
    return Shortcut(analysis, lexed)


def relevant_module(source: str, registry: Registry) -> ast.Module | None:
    """Every import statement of an ASCII ``source`` and each expression the core's
    expression rules could look at -- ``root.x.Tracked`` chains whose root an import may bind,
    every ``import_module(...)``/``__import__(...)`` call -- as one module at their real
    positions, without parsing the rest of the file; None when unsure (then parse the file).
    What ``ssot-ws init`` observes. The file itself is not validated: that is the caller's
    part, as in ``analyze_ascii``."""
    plan = _plan(registry, True)
    if not plan.usable or not source.isascii():
        return None
    lexed = plan.lexer.lex(source)
    if lexed is None:
        return None
    reader = _Reader(source, lexed.statements)
    spans = _expression_spans(reader, lexed, plan)
    return None if spans is None else _module(reader, spans)


def _module(reader: _Reader, spans: Sequence[Span]) -> ast.Module | None:
    statements = reader.statements()
    expressions = _expressions(reader, spans)
    if statements is None or expressions is None:
        return None
    return ast.Module(body=[*statements, *expressions], type_ignores=[])


class _Reader:
    """One source's import statements, parsed on first use, and its line numbering."""

    def __init__(self, source: str, spans: list[Span]) -> None:
        self.source = source
        self.spans = spans
        self.lines = Lines(source)
        self._parsed: list[ast.stmt] | bool | None = False

    def statements(self) -> list[ast.stmt] | None:
        if self._parsed is False:
            self._parsed = self._parse()
        assert not isinstance(self._parsed, bool)
        return self._parsed

    def _parse(self) -> list[ast.stmt] | None:
        """Parse all import statements in one go, then move each node to its real position."""
        if not self.spans:
            return []
        texts = [self.source[start:end] for start, end in self.spans]
        try:
            module = ast.parse("\n".join(texts))
        except (SyntaxError, ValueError):
            return None
        if len(module.body) != len(self.spans) or not all(  # pragma: no cover (each text is one import)
            isinstance(node, (ast.Import, ast.ImportFrom)) for node in module.body
        ):
            return None
        parsed_line = 1
        for node, (start, _), text in zip(module.body, self.spans, texts):
            assert isinstance(node, (ast.Import, ast.ImportFrom))
            line, col = self.lines.position(start)
            _shift(node, parsed_line, line, col)
            if _ALIAS_POSITIONS:  # pragma: >=3.10 cover (3.9 aliases have no position)
                for alias in node.names:
                    _shift(alias, parsed_line, line, col)
            parsed_line += count_lines(text) + 1
        return module.body

    def bound_names(self) -> set[str]:
        """Every local name an import may bind (a superset of the core's import bindings)."""
        names: set[str] = set()
        for node in self.statements() or ():
            assert isinstance(node, (ast.Import, ast.ImportFrom))
            names.update(alias.asname or alias.name.partition(".")[0] for alias in node.names)
        return names


def _shift(node: Positioned, parsed_line: int, line: int, col: int) -> None:
    """Move a node parsed at ``parsed_line`` (its statement at column 0) to ``line``, ``col``."""
    assert node.end_lineno is not None and node.end_col_offset is not None  # parsed nodes have both
    if node.lineno == parsed_line:
        node.col_offset += col
    if node.end_lineno == parsed_line:
        node.end_col_offset += col
    node.lineno += line - parsed_line
    node.end_lineno += line - parsed_line


def _expressions(reader: _Reader, spans: Sequence[Span]) -> list[ast.stmt] | None:
    """An expression statement for each span, its nodes at their real positions."""
    expressions: list[ast.stmt] = []
    for start, end in spans:
        line, col = reader.lines.position(start)
        try:
            value = ast.parse(reader.source[start:end], mode="eval").body
        except (SyntaxError, ValueError):
            return None
        for node in ast.walk(value):
            if isinstance(node, ast.expr):  # not the Load contexts
                _shift(node, 1, line, col)
        expressions.append(ast.Expr(value, lineno=line, col_offset=col))
    return expressions


def _expression_spans(reader: _Reader, lexed: Lexed, plan: _Plan) -> list[Span] | None:
    """Spans of the attribute chains (``root.x.Tracked``, root bound by an import) and
    dynamic-import calls the core must see; None: unsure."""
    source, statement_spans = reader.source, lexed.statements
    starts = [start for start, _ in statement_spans]
    bound: set[str] | None = None
    spans: dict[int, int] = {}
    seen: set[int] = set()
    for start, end in lexed.words:
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and start < statement_spans[index][1]:
            continue  # inside an import statement, which the core sees whole
        while start and source[start - 1] in WORD:  # a needle can sit inside a longer name
            start -= 1
        while end < len(source) and source[end] in WORD:
            end += 1
        if start in seen:
            continue
        seen.add(start)
        name = source[start:end]
        span: Found
        if name in plan.importers:
            span = _call_span(source, start, end, lexed.comments)
        elif plan.group_of(name) is None:
            continue
        else:
            root = _chain_root(source, start, lexed.comments)
            span = root if not isinstance(root, tuple) else _IRRELEVANT
            if isinstance(root, tuple):
                bound = reader.bound_names() if bound is None else bound
                span = (root[0], end) if root[1] in bound else _IRRELEVANT
        if span is _UNSURE:
            return None
        if isinstance(span, tuple):
            spans[span[0]] = max(span[1], spans.get(span[0], span[1]))
    return _outermost(spans)


def _outermost(spans: dict[int, int]) -> list[Span]:
    """Drop spans inside others: their nodes are already in the outer expression."""
    kept: list[Span] = []
    for start, end in sorted(spans.items()):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _call_span(source: str, start: int, end: int, comments: Sequence[Span]) -> Found:
    """The span of ``callee(...)`` for a dynamic-import name at ``start``, ``_IRRELEVANT``
    when the name is not called, ``_UNSURE`` when that is unclear."""
    if source[end : end + 1] != "(":
        # `(import_module)(...)` and `import_module (...)` are calls too: unsure.
        return _UNSURE if _next_code_char(source, end, comments) in ("(", ")") else _IRRELEVANT
    if start and source[start - 1] == ".":
        root = _chain_root(source, start, comments)
        if not isinstance(root, tuple):
            return _UNSURE  # `get().import_module(...)`: the call starts elsewhere
        start = root[0]
    elif _dot_or_comment_before(source, start, comments):
        return _UNSURE
    closing = closing_bracket(source, end)
    return _UNSURE if closing is None else (start, closing + 1)


def _next_code_char(source: str, index: int, comments: Sequence[Span]) -> str:
    """The first character from ``index`` on that is not blank, a line continuation or
    in a comment ("" at the end)."""
    while index < len(source):
        if source[index] in _BLANK:
            index += 1
        elif source[index] == "#":
            position = bisect.bisect_right(comments, (index, len(source) + 1)) - 1
            index = comments[position][1]
        else:
            return source[index]
    return ""


def _chain_root(source: str, name_start: int, comments: Sequence[Span]) -> Root:
    """For a name at ``name_start``: (start, root) of the dotted chain ``root.x.name``,
    ``_IRRELEVANT`` when it is not an attribute of a plain name, ``_UNSURE`` otherwise."""
    if not name_start or source[name_start - 1] != ".":
        return _UNSURE if _dot_or_comment_before(source, name_start, comments) else _IRRELEVANT
    dot = name_start - 1
    while True:
        root_start = dot
        while root_start and source[root_start - 1] in WORD:
            root_start -= 1
        if root_start == dot:
            # `x[0].name`, `{}.name`, `"".name` hold no dotted name; `(x).name` might.
            return _IRRELEVANT if dot and source[dot - 1] in "]}'\"" else _UNSURE
        if not root_start or source[root_start - 1] != ".":
            break
        dot = root_start - 1
    root = source[root_start:dot]
    if root[0].isdigit():
        return _IRRELEVANT  # a number's attribute
    if _dot_or_comment_before(source, root_start, comments):
        return _UNSURE
    return root_start, root


def _dot_or_comment_before(source: str, index: int, comments: Sequence[Span]) -> bool:
    """Whether, skipping blanks and line continuations back from ``index``, a ``.`` or a
    comment comes first (then the name may be an attribute written across lines)."""
    while index and source[index - 1] in _BLANK:
        index -= 1
    if not index:
        return False
    if source[index - 1] == ".":
        return True
    position = bisect.bisect_right(comments, (index - 1, len(source))) - 1
    return position >= 0 and comments[position][0] <= index - 1 < comments[position][1]
