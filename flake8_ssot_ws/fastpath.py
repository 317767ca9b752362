"""An exact shortcut past ``ast.parse`` for ASCII files that the byte prefilter let through.

Such files mostly either mention tracked names only in strings and comments, or use them in
a handful of import statements: building the whole file's AST is most of the cost, and
none of it is needed. For an ASCII source this module

1. lexes strings and comments with one regular expression (where they end follows CPython's
   tokenizer), collecting every ``import``/``from`` keyword, tracked name and dynamic-import
   function name that sits in code;
2. extracts the import statements (``import`` is a hard keyword, so each one in code belongs
   to exactly one import statement) and parses only them, at their real positions;
3. reads ``alias.Tracked`` attribute chains whose root an import may bind (SWS007);
4. when anything is left that can give a finding, validates the whole file with
   ``symtable`` (CPython's parser without building Python objects: a file that does not
   parse gives no findings, as with flake8), then runs the shared core
   (``rules.analyze_tree``) on a module holding just the extracted nodes.

Whatever it does not fully understand (a dynamic import call, a string it cannot delimit,
an attribute written across lines) returns None and the caller parses the whole file.
tests/test_differential.py proves the results equal the full parse's.
"""
from __future__ import annotations

import ast
import bisect
import datetime
import functools
import re
import symtable
import sys
from typing import Sequence
from typing import Union

from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.rules import Analysis
from flake8_ssot_ws.rules import FileContext
from flake8_ssot_ws.rules import analyze_tree
from flake8_ssot_ws.rules import may_have_findings

_COMMENT = r"#[^\r\n]*"
# Unrolled loops (no nested quantifiers), so a string that never closes fails in linear time.
_TRIPLE = r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''|\"\"\"[^\"\\]*(?:(?:\\[\s\S]|\"(?!\"\"))[^\"\\]*)*\"\"\""
_SINGLE = r"'[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'|\"[^\"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^\"\\\r\n]*)*\""
_UNTERMINATED = ("'", '"', "'''", '"""')
_KEYWORDS = r"import(?!\w)|from(?!\w)"
# `from` + module (names, dots, blanks, backslash continuations) up to its `import`.
_FROM_MODULE = re.compile(r"(?:[ \t\f.\w]|\\(?:\r\n|\r|\n))*")
# What follows `import`: a parenthesised name list (comments allowed), or names to the end
# of the logical line (a `;`, a comment or a newline that no backslash continues).
_IMPORT_TAIL = re.compile(
    r"[ \t\f]*(?:\\(?:\r\n|\r|\n)[ \t\f]*)*"
    r"(?:\([^)#]*(?:#[^\r\n]*[^)#]*)*\)|[^\r\n;#\\]*(?:\\(?:\r\n|\r|\n)[^\r\n;#\\]*)*)"
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BLANK = frozenset(" \t\f\r\n\\")
_STRING_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
_DYNAMIC_IMPORTERS = ("import_module", "__import__")
_GLOB_WILDCARD = re.compile(r"\[!?\]?[^\]]*\]|[*?]")
_UNSURE = None
_IRRELEVANT = ""
# f-strings nest quotes from Python 3.12 on (PEP 701): only plain fields are read as-is.
_NESTED_FSTRINGS = sys.version_info >= (3, 12)

Span = tuple[int, int]
Chain = Union[tuple[int, str], str, None]
Positioned = Union[ast.stmt, ast.expr, ast.alias]


class _Plan:
    """What the lexer looks for, derived once per registry."""

    def __init__(self, registry: Registry) -> None:
        fragments = _name_fragments(registry)
        self.usable = fragments is not None and bool(registry.needles)
        self.importers = _DYNAMIC_IMPORTERS if registry.watched_modules else ()
        words = sorted({*(fragments or ()), *self.importers}, key=lambda word: (-len(word), word))
        alternatives = [_COMMENT, _TRIPLE, _SINGLE, "'''", '"""', "'", '"', _KEYWORDS]
        alternatives.extend(re.escape(word) for word in words)
        self.lexer = re.compile("|".join(alternatives))
        self.needles = registry.needles
        self.group_of = registry.group_of


def _name_fragments(registry: Registry) -> set[str] | None:
    """A substring of every name the registry tracks (the literal names, and the longest
    literal run of each watch glob); None when a glob has no literal run."""
    fragments = set(registry.literal_names)
    for group in registry.groups:
        for pattern in group.watch:
            runs = [run for run in _GLOB_WILDCARD.split(pattern) if run]
            if not runs:
                return None
            fragments.add(max(runs, key=len))
    return fragments


@functools.lru_cache(maxsize=8)
def _plan(registry: Registry) -> _Plan:
    return _Plan(registry)


def analyze_ascii(
    source: str, registry: Registry, context: FileContext, *, today: datetime.date
) -> Analysis | None:
    """``rules.analyze_source``'s result for an ASCII ``source`` without parsing all of it,
    or None when this shortcut cannot be sure (then parse the file). Raises nothing."""
    if context.exempt:
        return Analysis([], [])
    plan = _plan(registry)
    # may_have_findings of an empty text is True only for a file inside a package the
    # registry names, where `from . import *` needs no needle: such files are parsed.
    if not plan.usable or not source.isascii() or may_have_findings(registry, "", context):
        return None
    lexed = _lex(source, plan)
    if lexed is None:
        return None
    statements, words, comments = lexed
    nodes = _parse_statements(source, statements)
    if nodes is None:
        return None
    chains = _relevant_chains(source, words, statements, comments, nodes, plan)
    if chains is None:
        return None
    relevant = chains or any(
        any(needle in source[start:end] for needle in plan.needles) for start, end in statements
    )
    if not relevant:
        return Analysis([], [])
    try:
        symtable.symtable(source, "<ssot-ws>", "exec")
    except Exception:  # noqa: BLE001 (any doubt: the caller's full parse reports it exactly)
        return None
    body: list[ast.stmt] = [*nodes, *_chain_nodes(source, chains)]
    module = ast.Module(body=body, type_ignores=[])
    return analyze_tree(module, source.splitlines(keepends=True), registry, context, today=today, text=source)


def _lex(source: str, plan: _Plan) -> tuple[list[Span], list[Span], list[Span]] | None:
    """(import statement spans, spans of words in code, comment spans), or None."""
    statements: list[Span] = []
    words: list[Span] = []
    comments: list[Span] = []
    last_from: int | None = None
    for match in plan.lexer.finditer(source):
        start, end = match.span()
        first = source[start]
        if first == "#":
            comments.append((start, end))
            last_from = None
        elif first in "'\"":
            if match.group() in _UNTERMINATED or not _string_is_plain(source, start, end, plan):
                return None
            last_from = None
        elif match.group() not in ("import", "from"):
            words.append((start, end))
        elif start and source[start - 1] in _WORD:
            continue  # the end of a longer name such as `reimport`
        elif match.group() == "from":
            last_from = start
        else:
            begin = start
            if last_from is not None and _FROM_MODULE.fullmatch(source, last_from + 4, start):
                begin = last_from
            tail = _IMPORT_TAIL.match(source, end)
            assert tail is not None  # every part of the pattern may match empty
            statements.append((begin, tail.end()))
            last_from = None
    return statements, words, comments


def _string_is_plain(source: str, start: int, end: int, plan: _Plan) -> bool:
    """False for an f-string that may hold code the shortcut would miss."""
    prefix_start = start
    while prefix_start and source[prefix_start - 1] in _WORD:
        prefix_start -= 1
    prefix = source[prefix_start:start].lower()
    if prefix not in _STRING_PREFIXES or not ("f" in prefix or "t" in prefix):
        return True
    if any(needle in source[start:end] for needle in plan.needles):
        return False
    if _NESTED_FSTRINGS:  # pragma: >=3.12 cover
        quote = 3 if source.startswith(source[start] * 3, start) and end - start >= 6 else 1
        return _fields_are_plain(source[start + quote : end - quote])
    return True  # pragma: <3.12 cover


def _fields_are_plain(body: str) -> bool:
    """True when each replacement field of an f-string body closes inside it and holds no
    quote, comment or backslash: then the string ends at its first unescaped quote, as
    the lexer assumed, whatever the Python version."""
    depth = 0
    index = 0
    while index < len(body):
        char = body[index]
        if depth == 0:
            if char == "\\":
                if body[index + 1 : index + 2] in ("{", "}", "N"):
                    return False
                index += 2
                continue
            if char in "{}" and body.startswith(char * 2, index):
                index += 2
                continue
            if char == "}":
                return False
            depth = 1 if char == "{" else 0
        elif char in "'\"#\\":
            return False
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        index += 1
    return depth == 0


def _parse_statements(source: str, statements: Sequence[Span]) -> list[ast.stmt] | None:
    """Parse all import statements in one go, then move each node to its real position."""
    if not statements:
        return []
    texts = [source[start:end] for start, end in statements]
    try:
        module = ast.parse("\n".join(texts))
    except (SyntaxError, ValueError):
        return None
    if len(module.body) != len(statements):
        return None
    line_starts = _line_starts(source)
    batch_line = 1
    for node, (start, _), text in zip(module.body, statements, texts):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            return None
        line, col = _position(line_starts, start)
        _shift(node, batch_line, line - batch_line, col)
        for alias in node.names:
            if hasattr(alias, "lineno"):  # pragma: >=3.10 cover (3.9 aliases have no position)
                _shift(alias, batch_line, line - batch_line, col)
        batch_line += len(_NEWLINE.findall(text)) + 1
    return module.body


def _shift(node: Positioned, first_line: int, lines: int, col: int) -> None:
    """Move a node parsed at ``first_line`` (column 0) down ``lines`` and, on that first
    line only, right ``col``."""
    assert node.end_lineno is not None and node.end_col_offset is not None  # parsed nodes have both
    if node.lineno == first_line:
        node.col_offset += col
    if node.end_lineno == first_line:
        node.end_col_offset += col
    node.lineno += lines
    node.end_lineno += lines


def _line_starts(source: str) -> list[int]:
    return [0, *(match.end() for match in _NEWLINE.finditer(source))]


def _position(line_starts: Sequence[int], offset: int) -> tuple[int, int]:
    """(1-based line, 0-based column) of an offset, lines ending as Python's tokenizer ends
    them (``\\r\\n``, ``\\r``, ``\\n``); columns are characters, which are UTF-8 bytes in ASCII."""
    line = bisect.bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1]


def _relevant_chains(
    source: str,
    words: Sequence[Span],
    statements: Sequence[Span],
    comments: Sequence[Span],
    nodes: Sequence[ast.stmt],
    plan: _Plan,
) -> list[Span] | None:
    """Spans ``root.a.Tracked`` of attribute chains the core must see; None: unsure."""
    statement_starts = [start for start, _ in statements]
    bound: set[str] | None = None
    longest: dict[int, int] = {}
    seen: set[int] = set()
    for start, end in words:
        index = bisect.bisect_right(statement_starts, start) - 1
        if index >= 0 and start < statements[index][1]:
            continue  # inside an import statement, which the core sees whole
        # A needle can sit inside a longer name: take the whole name.
        while start and source[start - 1] in _WORD:
            start -= 1
        while end < len(source) and source[end] in _WORD:
            end += 1
        if start in seen:
            continue
        seen.add(start)
        name = source[start:end]
        if name in plan.importers:
            return None  # a dynamic import call: its arguments need the real parse
        if plan.group_of(name) is None:
            continue
        chain = _chain_root(source, start, comments)
        if chain is _UNSURE:
            return None
        if isinstance(chain, tuple):
            if bound is None:
                bound = _bound_names(nodes)
            root_start, root = chain
            if root in bound:
                longest[root_start] = max(end, longest.get(root_start, end))
    return sorted(longest.items())


def _chain_root(source: str, name_start: int, comments: Sequence[Span]) -> Chain:
    """For a name at ``name_start``: (start, root) of the dotted chain ``root.x.name``,
    ``_IRRELEVANT`` when it is not an attribute of a plain name, ``_UNSURE`` otherwise."""
    if not name_start or source[name_start - 1] != ".":
        return _UNSURE if _dot_or_comment_before(source, name_start, comments) else _IRRELEVANT
    dot = name_start - 1
    while True:
        root_start = dot
        while root_start and source[root_start - 1] in _WORD:
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


def _bound_names(nodes: Sequence[ast.stmt]) -> set[str]:
    """Every local name an import may bind (a superset of the core's import bindings)."""
    names: set[str] = set()
    for node in nodes:
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names:
            names.add(alias.asname or alias.name.partition(".")[0])
    return names


def _chain_nodes(source: str, chains: Sequence[Span]) -> list[ast.stmt]:
    """Expression statements holding each chain, at its real position."""
    if not chains:
        return []
    line_starts = _line_starts(source)
    expressions: list[ast.stmt] = []
    for start, end in chains:
        line, col = _position(line_starts, start)
        value = ast.parse(source[start:end], mode="eval").body
        for node in ast.walk(value):
            if isinstance(node, ast.expr):  # not the Load contexts
                _shift(node, 1, line - 1, col)
        expressions.append(
            ast.Expr(value=value, lineno=line, col_offset=col, end_lineno=line, end_col_offset=col + end - start)
        )
    return expressions
