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
4. if that finds anything the caller uses (findings; canonical imports only for ``report``
   and ``init``), the whole file is validated with ``symtable`` (CPython's parser and symbol
   table, without building Python AST objects: cheaper than ``ast.parse``), as a file that
   does not parse must give no findings (flake8 reports E999 instead).

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
import re
import symtable
import sys
from typing import Callable
from typing import NamedTuple
from typing import Sequence
from typing import Union

from flake8_ssot_ws.core import checks
from flake8_ssot_ws.core.expressions import DYNAMIC_IMPORTERS
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.core.triggers import active_triggers
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.fast.lexer import WORD
from flake8_ssot_ws.fast.lexer import Lexed
from flake8_ssot_ws.fast.lexer import Lexer
from flake8_ssot_ws.fast.lexer import Lines
from flake8_ssot_ws.fast.lexer import Span
from flake8_ssot_ws.fast.lexer import closing_bracket
from flake8_ssot_ws.fast.lexer import count_lines
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import glob_runs
from flake8_ssot_ws.registry.model import name_fragments
from flake8_ssot_ws.core.rules import Analysis
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.context import inside_named_package
from flake8_ssot_ws.core.prefilter import Gate
from flake8_ssot_ws.core.prefilter import gate
from flake8_ssot_ws.core.expressions import MAX_CHAIN

_DYNAMIC_IMPORTERS = tuple(sorted(DYNAMIC_IMPORTERS))
_BLANK = frozenset(" \t\f\r\n\\")
_ALIAS_POSITIONS = sys.version_info >= (3, 10)
_UNSURE = None
_IRRELEVANT = ""
Root = Union[tuple[int, str], str, None]
Found = Union[Span, str, None]
Positioned = Union[ast.stmt, ast.expr, ast.alias, ast.keyword]


class Shortcut(NamedTuple):
    analysis: Analysis
    lexed: Lexed | None  # what the lexer found, for fastnoqa.split_noqa


class _Plan:
    """What the shortcut looks for, derived once per registry from the triggers of the
    rules it turns on (core/triggers.py): each has a span finder in ``_FINDERS``."""

    def __init__(self, registry: Registry, triggers: frozenset[Trigger]) -> None:
        fragments = name_fragments(registry.groups, registry.literal_names)
        words = gate(registry)
        self.usable = fragments is not None and words is not None
        self.importers = _DYNAMIC_IMPORTERS if Trigger.DYNAMIC_IMPORT in triggers else ()
        # A class statement is found by its keyword: its bases may hold a tracked name.
        self.keywords = ("class",) if Trigger.BASE in triggers else ()
        # An f-string's fields hold code of interest where the file gate's words say so.
        # A tracked name is a whole name or matches a watch glob, which holds its literal run.
        self.lexer = Lexer(
            (*(fragments or ()), *self.importers, *self.keywords),
            _of_interest(words),
            inside=glob_runs(registry.groups) or (),
        )
        self.group_of = registry.group_of
        self.name_finders = tuple(_FINDERS[t] for t in sorted(triggers - _NOT_ON_NAMES, key=lambda t: t.name))
        self.fragments = tuple(fragments or ())
        # Calls and bases are found by the tracked name: an import binding one under another
        # name hides them from the lexer, so such a file is parsed.
        self.aliases_hide = bool(triggers & {Trigger.CALL, Trigger.BASE})


def _of_interest(words: Gate | None) -> Callable[[str], bool]:
    return words.search_text if words is not None else bool


# What ssot-ws init observes: the import-related expressions, whatever the rules.
_OBSERVED = frozenset({Trigger.ATTRIBUTE, Trigger.DYNAMIC_IMPORT})


@functools.lru_cache(maxsize=8)
def _plan(registry: Registry, triggers: frozenset[Trigger] | None = None) -> _Plan:
    return _Plan(registry, active_triggers(checks.RULES, registry) if triggers is None else triggers)


def analyze_ascii(
    source: str, registry: Registry, context: FileContext, *, today: datetime.date, all_canonical: bool = True
) -> Shortcut | None:
    """``rules.analyze_source``'s result for ``source`` without parsing all of it, or None
    when the shortcut cannot be sure (then parse the file). Raises nothing. ``all_canonical``
    False: the caller ignores the canonical imports of a file without findings, so such a
    file is not validated (its canonical imports are then unchecked: the caller drops them)."""
    if context.exempt:
        return Shortcut(Analysis([], []), None)
    plan = _plan(registry)
    if not plan.usable:
        return None
    lexed = plan.lexer.lex(source)  # None for non-ASCII text outside strings and comments
    if lexed is None:
        return None
    reader = _Reader(source, lexed.statements)
    spans = _expression_spans(reader, lexed, plan)
    if spans is None:
        return None
    needles = registry.needles
    if not spans.spans and not any(needle in source[a:b] for a, b in lexed.statements for needle in needles):
        # Only an import statement naming a needle can give a finding or a canonical import,
        # but inside a package the registry names, `from . import *` names none.
        if not inside_named_package(registry, context):
            return Shortcut(Analysis([], []), lexed)
    module = _module(reader, spans)
    if module is None:
        return None
    # The core searches ``text`` for what its expression triggers need (``x.Tracked`` chains,
    # dynamic-import names) before walking the module; the module holds only these spans, so
    # their text answers the same, without a regex over the whole file (5 ms a file in
    # azure-cli's generated modules).
    held = "\n".join(source[start:end] for start, end in (*lexed.statements, *spans.spans))
    analysis = analyze_tree(module, source_lines(source), registry, context, today=today, text=held)
    if analysis.findings or spans.scoped or (analysis.canonical and all_canonical):
        try:
            table = symtable.symtable(source, "<ssot-ws>", "exec")
        except Exception:  # any doubt: the caller's full parse reports it exactly
            return None
        if spans.scoped and (_rebound(table, spans.scoped) or _may_bind_in_comprehension(source)):
            return None
    return Shortcut(analysis, lexed)


_FOR = re.compile(r"\bfor\b")


def _may_bind_in_comprehension(source: str) -> bool:
    """Python 3.12 inlines comprehensions (PEP 709): ``symtable`` no longer shows their
    scope, so ``[W() for W in makers]`` looks like a call of the module's ``W``. Any ``for``
    there sends the file to the full parse, which sees the comprehension's binding."""
    return sys.version_info >= (3, 12) and _FOR.search(source) is not None


def _rebound(table: symtable.SymbolTable, names: set[str]) -> bool:
    """Whether any of ``names`` is bound other than by a module-level import: then only
    the full parse knows which scope a call or base resolves in. The shortcut places every
    span at module level, which is right exactly when this is False."""
    stack = [table]
    while stack:
        scope = stack.pop()
        nested = scope.get_type() != "module"
        for name in names:
            try:
                symbol = scope.lookup(name)
            except KeyError:
                continue
            if symbol.is_assigned() or symbol.is_parameter() or (nested and symbol.is_imported()):
                return True
        stack.extend(scope.get_children())
    return False


def relevant_module(source: str, registry: Registry) -> ast.Module | None:
    """Every import statement of an ASCII ``source`` and each expression the core's
    expression rules could look at -- ``root.x.Tracked`` chains whose root an import may bind,
    every ``import_module(...)``/``__import__(...)`` call -- as one module at their real
    positions, without parsing the rest of the file; None when unsure (then parse the file).
    What ``ssot-ws init`` observes. The file itself is not validated: that is the caller's
    part, as in ``analyze_ascii``."""
    plan = _plan(registry, _OBSERVED)
    if not plan.usable or not source.isascii():
        return None
    lexed = plan.lexer.lex(source)
    if lexed is None:
        return None
    reader = _Reader(source, lexed.statements)
    spans = _expression_spans(reader, lexed, plan)
    return None if spans is None else _module(reader, spans)


def _module(reader: _Reader, spans: _Spans) -> ast.Module | None:
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
        self.chain_roots: dict[int, tuple[Root, int]] = {}  # _chain_root's memo

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

    def hides_tracked_names(self, group_of: Callable[[str], object]) -> bool:
        """Whether an import binds a tracked name under a name that is not tracked."""
        for node in self.statements() or ():
            assert isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names:
                name = alias.name.rpartition(".")[2]
                if alias.asname and group_of(name) is not None and group_of(alias.asname) is None:
                    return True
        return False


def _shift(node: Positioned, parsed_line: int, line: int, col: int) -> None:
    """Move a node parsed at ``parsed_line`` (its statement at column 0) to ``line``, ``col``."""
    assert node.end_lineno is not None and node.end_col_offset is not None  # parsed nodes have both
    if node.lineno == parsed_line:
        node.col_offset += col
    if node.end_lineno == parsed_line:
        node.end_col_offset += col
    node.lineno += line - parsed_line
    node.end_lineno += line - parsed_line


def _expressions(reader: _Reader, spans: _Spans) -> list[ast.stmt] | None:
    """An expression statement for each span (a class statement with an empty body for a
    class header), its nodes at their real positions."""
    expressions: list[ast.stmt] = []
    for start, end in spans.spans:
        line, col = reader.lines.position(start)
        statement: ast.stmt
        kind = spans.kinds.get(start)
        try:
            if kind == "class":
                parsed = ast.parse(reader.source[start:end] + ": pass").body
                if len(parsed) != 1 or not isinstance(parsed[0], ast.ClassDef):  # pragma: no cover (one header)
                    return None
                statement = parsed[0]
            else:
                value = ast.parse(reader.source[start:end], mode="eval").body
                statement = ast.Expr(value, lineno=line, col_offset=col)
        except (SyntaxError, ValueError):
            return None
        for node in ast.walk(statement):
            # Not the Load contexts; not an Expr made here, already at its place.
            if isinstance(node, (ast.expr, ast.stmt, ast.keyword)) and (node is not statement or kind == "class"):
                _shift(node, 1, line, col)
        expressions.append(statement)
    return expressions


class _Spans(NamedTuple):
    spans: list[Span]
    kinds: dict[int, str]  # span start -> "class" for a class header (else an expression)
    scoped: set[str]  # names whose Python scope decides a finding (checked with symtable)


def _expression_spans(reader: _Reader, lexed: Lexed, plan: _Plan) -> _Spans | None:
    """Spans of the expressions (and class headers) the core's rules must see, chosen by
    their declared triggers; None: unsure."""
    source, statement_spans = reader.source, lexed.statements
    if plan.aliases_hide and reader.hides_tracked_names(plan.group_of):
        return None
    starts = [start for start, _ in statement_spans]
    spans: dict[int, int] = {}
    kinds: dict[int, str] = {}
    scoped: set[str] = set()
    seen: set[int] = set()
    for start, end in lexed.words:
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and start < statement_spans[index][1]:
            continue  # inside an import statement, which the core sees whole
        while start and source[start - 1] in WORD:  # a watch glob's run can sit inside a longer name
            start -= 1
        while end < len(source) and source[end] in WORD:
            end += 1
        if start in seen:
            continue
        seen.add(start)
        name = source[start:end]
        found: list[Found] = []
        if name in plan.importers:
            found.append(_call_span(reader, start, end, lexed.comments))
        elif name in plan.keywords:
            found.append(_class_span(source, start, end, lexed.comments, plan.fragments))
            if isinstance(found[-1], tuple):
                kinds[found[-1][0]] = "class"
        elif plan.group_of(name) is not None:
            found.extend(finder(reader, start, end, lexed.comments, scoped) for finder in plan.name_finders)
        for span in found:
            if span is _UNSURE:
                return None
            if isinstance(span, tuple):
                spans[span[0]] = max(span[1], spans.get(span[0], span[1]))
    return _Spans(_outermost(spans), kinds, scoped)


def _attribute_span(reader: _Reader, start: int, end: int, comments: Sequence[Span], scoped: set[str]) -> Found:
    """Trigger.ATTRIBUTE: ``root.x.Tracked`` whose root an import may bind."""
    root = _chain_root(reader, start, comments)
    if not isinstance(root, tuple):
        return root
    return (root[0], end) if root[1] in reader.bound_names() else _IRRELEVANT


def _tracked_call_span(reader: _Reader, start: int, end: int, comments: Sequence[Span], scoped: set[str]) -> Found:
    """Trigger.CALL: ``Tracked(...)`` or ``root.x.Tracked(...)``, the callee's first name
    bound by an import (its scope is then checked: ``scoped``)."""
    source = reader.source
    if source[end : end + 1] != "(":
        after = _next_code_index(source, end, comments)
        if after < len(source) and source[after] == "(":
            return _UNSURE  # `Tracked (...)`
        if after < len(source) and source[after] == ")":
            # `(Tracked)(...)` calls it too; `f(Tracked)` does not.
            following = _next_code_index(source, after + 1, comments)
            return _UNSURE if source[following : following + 1] == "(" else _IRRELEVANT
        return _IRRELEVANT
    if start and source[start - 1] == ".":
        root = _chain_root(reader, start, comments)
        if not isinstance(root, tuple):
            return root
        first, name = root
    elif _dot_or_comment_before(source, start, comments):
        return _UNSURE
    else:
        first, name = start, source[start:end]
    if name not in reader.bound_names():
        return _IRRELEVANT
    closing = closing_bracket(source, end)
    if closing is None:
        return _UNSURE
    scoped.add(name)
    return first, closing + 1


def _class_span(source: str, start: int, end: int, comments: Sequence[Span], fragments: Sequence[str]) -> Found:
    """Trigger.BASE: ``class Name(bases)`` when the bases may name a tracked name (the
    caller passes the keyword itself, not a longer word holding it)."""
    name_start = _next_code_index(source, end, comments)
    name_end = name_start
    while name_end < len(source) and source[name_end] in WORD:
        name_end += 1
    if name_end == name_start:
        return _UNSURE
    opening = _next_code_index(source, name_end, comments)
    char = source[opening : opening + 1]
    if char == ":":
        return _IRRELEVANT  # no bases
    if char != "(":
        return _UNSURE  # `class C[T](...)` and what else may come
    closing = closing_bracket(source, opening)
    if closing is None:
        return _UNSURE
    header = source[opening:closing]
    return (start, closing + 1) if any(fragment in header for fragment in fragments) else _IRRELEVANT


_Finder = Callable[[_Reader, int, int, Sequence[Span], set[str]], Found]
# Trigger -> what finds its spans from a tracked name; the other triggers are found by their
# own words (dynamic importers, the class keyword) in _expression_spans.
_FINDERS: dict[Trigger, _Finder] = {
    Trigger.ATTRIBUTE: _attribute_span,
    Trigger.CALL: _tracked_call_span,
}
_NOT_ON_NAMES = frozenset({Trigger.DYNAMIC_IMPORT, Trigger.BASE})


def _next_code_index(source: str, index: int, comments: Sequence[Span]) -> int:
    """The offset of the first character from ``index`` on that is not blank, a line
    continuation or in a comment (``len(source)`` at the end)."""
    while index < len(source):
        if source[index] in _BLANK:
            index += 1
        elif source[index] == "#":
            position = bisect.bisect_right(comments, (index, len(source) + 1)) - 1
            index = comments[position][1]
        else:
            return index
    return index


def _outermost(spans: dict[int, int]) -> list[Span]:
    """Drop spans inside others: their nodes are already in the outer expression."""
    kept: list[Span] = []
    for start, end in sorted(spans.items()):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _call_span(reader: _Reader, start: int, end: int, comments: Sequence[Span]) -> Found:
    """The span of ``callee(...)`` for a dynamic-import name at ``start``, ``_IRRELEVANT``
    when the name is not called, ``_UNSURE`` when that is unclear."""
    source = reader.source
    if source[end : end + 1] != "(":
        # `(import_module)(...)` and `import_module (...)` are calls too: unsure.
        return _UNSURE if _next_code_char(source, end, comments) in ("(", ")") else _IRRELEVANT
    if start and source[start - 1] == ".":
        root = _chain_root(reader, start, comments)
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
    index = _next_code_index(source, index, comments)
    return source[index : index + 1]


def _chain_root(reader: _Reader, name_start: int, comments: Sequence[Span]) -> Root:
    """For a name at ``name_start``: (start, root) of the dotted chain ``root.x.name``,
    ``_IRRELEVANT`` when it is not an attribute of a plain name, ``_UNSURE`` otherwise
    (also for a chain longer than the core reads, ``MAX_CHAIN``: the full parse says no).

    ``reader.chain_roots`` holds each dot's answer and its link count, so each link of
    a chain is read once, however many tracked names the chain holds (``x.Tracked.Tracked...``
    read back from every name was quadratic: 8,000 links took 27 s)."""
    source, memo = reader.source, reader.chain_roots
    if not name_start or source[name_start - 1] != ".":
        return _UNSURE if _dot_or_comment_before(source, name_start, comments) else _IRRELEVANT
    dot = name_start - 1
    visited: list[int] = []
    while dot not in memo:
        visited.append(dot)
        root_start = dot
        while root_start and source[root_start - 1] in WORD:
            root_start -= 1
        if root_start == dot:
            # `x[0].name`, `{}.name`, `"".name` hold no dotted name; `(x).name` might.
            memo[dot] = (_IRRELEVANT if dot and source[dot - 1] in "]}'\"" else _UNSURE, 0)
            break
        if root_start and source[root_start - 1] == ".":
            dot = root_start - 1
            continue
        root = source[root_start:dot]
        if root[0].isdigit():
            found: Root = _IRRELEVANT  # a number's attribute
        elif _dot_or_comment_before(source, root_start, comments):
            found = _UNSURE
        else:
            found = (root_start, root)
        memo[dot] = (found, 1)
        break
    result, links = memo[dot]
    if visited and visited[-1] == dot:
        visited.pop()  # answered in the loop (the dot after the root)
    for offset, later in enumerate(reversed(visited), 1):  # back towards the name
        memo[later] = (result, links + offset)
    result, links = memo[name_start - 1]
    return _UNSURE if links > MAX_CHAIN + 1 else result  # the core reads MAX_CHAIN links before the name


def _dot_or_comment_before(source: str, index: int, comments: Sequence[Span]) -> bool:
    """Whether, skipping blanks, line continuations and comments back from ``index``, a ``.``
    comes first (then the name may be an attribute written across lines, ``x.  # c``). Linear
    over a file: the names it starts from are code, so no two walks read the same text."""
    while True:
        while index and source[index - 1] in _BLANK:
            index -= 1
        if not index:
            return False
        position = bisect.bisect_right(comments, (index - 1, len(source))) - 1
        if position >= 0 and comments[position][0] <= index - 1 < comments[position][1]:
            index = comments[position][0]
            continue
        return source[index - 1] == "."
