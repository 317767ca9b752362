"""Which statements of a parsed module the rules must see, read off the text it was parsed from.

Walking every node of a module (``ast.walk``) is most of what the checks of a parsed file
cost: more than flake8-tidy-imports' whole check of it. Yet the rules look at little: import
statements, and expressions naming a tracked name, a dynamic-import function or a local name
an import binds a tracked name to (``WORDS`` in core/triggers.py says which per trigger).
Each of those is a word in the source, and a node's words lie within the lines of the
statement holding it. So one regex pass over the text finds the lines holding such words,
and only the statements spanning those lines are visited (binary search over each block by
line; a compound statement's header whole, its blocks again by line).

Every candidate is a superset, never a guess: a word in a string or comment only costs a
visit of its statement, and a line holding any non-ASCII character is a candidate for
everything, as an identifier spelled with characters whose NFKC form is a tracked name (PEP
3131) is not found by an ASCII search. Positions must be those of the text the tree was
parsed from (flake8's tree and lines, ``ast.parse(source)``), which is what callers pass.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from typing import Any
from typing import Collection
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.expressions import DYNAMIC_IMPORTERS
from flake8_ssot_ws.core.imports import BLOCK_FIELDS
from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.core.imports import ImportStatement
from flake8_ssot_ws.core.triggers import WORDS
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.core.triggers import Word
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import glob_literal

_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LONE_CR = re.compile(r"\r(?!\n)")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_IMPORTS = (ast.Import, ast.ImportFrom)
_KNOWN = frozenset({Word.TRACKED, Word.DOTTED, Word.IMPORTER, Word.ALIAS})
_BLANKS = frozenset(" \t\f")
_BEFORE_AN_ATTRIBUTE = frozenset(".\r\n")  # what an attribute's name follows, blanks aside


Point = tuple[int, int]  # (line, column) of a word's first character


class Located(NamedTuple):
    """Where, in the text, an import statement's keyword may be (sorted lines), where a
    word an expression rule fires on may start (sorted points: tracked names, those of them
    that may follow a dot, dynamic importers), and the lines holding a non-ASCII character
    (candidates for everything)."""

    imports: list[int]
    tracked: list[Point]
    dotted: list[Point]
    importers: list[Point]
    whole: list[int]


class Targets(NamedTuple):
    """What the expression walk looks for: words' points, and lines wholly of interest."""

    points: list[Point]
    whole: list[int]

    def lines(self) -> list[int]:
        return sorted({*(line for line, _ in self.points), *self.whole})


@functools.lru_cache(maxsize=8)
def _pattern(registry: Registry) -> re.Pattern[str] | None:
    """What a word of interest holds: a literal tracked name, ``import`` or a dynamic
    importer (each a whole word, so followed by no word character), or the literal part of
    a watch glob (``registry.model.glob_literal``; at the word's end when the glob ends with
    it). None when a glob has no literal part: the caller walks the whole tree."""
    whole = {*registry.literal_names, "import", *DYNAMIC_IMPORTERS}
    ending: set[str] = set()
    inside: set[str] = set()
    for group in registry.groups:
        for glob in group.watch:
            longest = glob_literal(glob)
            if longest is None:
                return None
            (whole if longest == glob else ending if glob.endswith(longest) else inside).add(longest)
    # One flat alternation, each branch starting with its literal, keeps the regex engine's
    # skip to the next possible first character (a group around them loses it: 2-3x slower).
    # Longest first, so that at one position `import_module` wins over `import`. A part
    # holding a non-word character is in no identifier, so in no tracked name.
    # A whole word also rejects a word character before it, in the regex (after the literal,
    # which keeps the skip), so a longer name ending in it is not read back to its start in
    # Python only to be dropped -- unless a glob's part is the same literal (`*WebSocketManager`
    # beside the name WebSocketManager): ThreadWebSocketManager is tracked then.
    bounded = whole - ending
    branches = {f"{re.escape(word)}(?<![0-9A-Za-z_]{re.escape(word)})(?![0-9A-Za-z_])": word for word in bounded}
    branches.update({f"{re.escape(word)}(?![0-9A-Za-z_])": word for word in ending})
    branches.update({re.escape(word): word for word in inside})
    kept = sorted((branch for branch, word in branches.items() if _WORD.issuperset(word)),
                  key=lambda branch: (-len(branches[branch]), branch))  # fmt: skip
    return re.compile("|".join(kept))


class _Positions:
    """Offset -> (line, column) as the parser counts lines (``\r\n``, ``\r``, ``\n``; the
    column is right where the line is ASCII), for offsets asked in increasing order:
    counting on from the last answer keeps it linear, even on one long line."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset, self._line, self._line_start = 0, 1, 0
        lone_cr = "\r" in text and _LONE_CR.search(text) is not None
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(text))] if lone_cr else None

    def __call__(self, offset: int) -> Point:
        if self._starts is not None:
            line = bisect.bisect_right(self._starts, offset)
            return line, offset - self._starts[line - 1]
        newline = self._text.rfind("\n", self._offset, offset)
        if newline >= 0:
            self._line += self._text.count("\n", self._offset, offset)
            self._line_start = newline + 1
        self._offset = offset
        return self._line, offset - self._line_start


def locate(registry: Registry, text: str) -> Located | None:
    """The candidates of ``text``; None when the registry gives nothing to search for."""
    pattern = _pattern(registry)
    if pattern is None:
        return None
    group_of = registry.group_of
    imports: list[int] = []
    tracked: list[Point] = []
    dotted: list[Point] = []
    importers: list[Point] = []
    position = _Positions(text)
    size = len(text)
    judged = 0  # the end of the last word judged: later matches inside it are the same word
    for match in pattern.finditer(text):
        start = match.start()
        if start < judged:
            continue  # pragma: >=3.10 cover (3.9 jumps over a lone continue: coverage never sees it run)
        # The whole word around the match (a fragment may sit inside a longer name).
        end = match.end()
        while start and text[start - 1] in _WORD:
            start -= 1
        while end < size and text[end] in _WORD:
            end += 1
        judged = end
        word = text[start:end]
        if word == "import":
            line = position(start)[0]
            if not imports or imports[-1] != line:
                imports.append(line)
        else:
            point = None
            if word in DYNAMIC_IMPORTERS:
                point = position(start)
                importers.append(point)
            if group_of(word) is not None:
                point = point or position(start)
                tracked.append(point)
                if _may_follow_a_dot(text, start):
                    dotted.append(point)
    whole: list[int] = []
    if not text.isascii():
        position = _Positions(text)
        whole = sorted({position(match.start())[0] for match in _NON_ASCII.finditer(text)})
        imports = sorted({*whole, *imports})
    return Located(imports, tracked, dotted, importers, whole)


def _may_follow_a_dot(text: str, start: int) -> bool:
    """Whether the word at ``start`` may be an attribute's name: on its line, only blanks
    before it back to a dot, or back to the line's start (a continued line, or a line inside
    brackets, whose dot is on an earlier line). Most tracked names in real code are bare
    (``MagicMock()``, ``class V(HomeAssistantView)``): SWS007 need not visit them. The blanks
    scanned belong to this word only, so all calls together stay linear in the text."""
    index = start - 1
    while index >= 0 and text[index] in _BLANKS:
        index -= 1
    return index < 0 or text[index] in _BEFORE_AN_ATTRIBUTE


def word_points(text: str, names: Iterable[str]) -> list[Point]:
    """Sorted points of ``text`` where one of ``names`` stands as a whole word."""
    found: list[Point] = []
    for name in names:
        position = _Positions(text)
        index = text.find(name)
        while index >= 0:
            end = index + len(name)
            if not (index and text[index - 1] in _WORD) and text[end : end + 1] not in _WORD:
                found.append(position(index))
            index = text.find(name, end)
    return sorted(found)


def expression_targets(facts: FileFacts, located: Located, triggers: Iterable[Trigger]) -> Targets:
    """What the walk for the wanted ``triggers`` looks for (their ``WORDS``)."""
    words = frozenset().union(*(WORDS[trigger] for trigger in triggers))
    assert words <= _KNOWN, words - _KNOWN  # a new kind of word must be searched for here
    chosen = [located.tracked if Word.TRACKED in words else located.dotted if Word.DOTTED in words else []]
    if Word.IMPORTER in words:
        chosen.append(located.importers)
    if Word.ALIAS in words:
        hidden = hiding_aliases(facts.records, facts.registry)
        if hidden:
            chosen.append(word_points(facts.text, hidden))
    kept = [points for points in chosen if points]
    return Targets(kept[0] if len(kept) == 1 else sorted({point for points in kept for point in points}), located.whole)


def found_words(facts: FileFacts, located: Located) -> frozenset[Word]:
    """The kinds of word the text holds somewhere; all of them when a line is not ASCII
    (an identifier there may be a tracked name spelled otherwise, PEP 3131)."""
    if located.whole:
        return _KNOWN
    pointed = ((Word.TRACKED, located.tracked), (Word.DOTTED, located.dotted), (Word.IMPORTER, located.importers))
    found = {word for word, points in pointed if points}
    if hiding_aliases(facts.records, facts.registry):
        found.add(Word.ALIAS)
    return frozenset(found)


def hiding_aliases(records: Sequence[ImportedName], registry: Registry) -> set[str]:
    """Local names imports bind tracked names to (``import ... Tracked as T``): a call or
    base through ``T`` names no tracked name in its own text."""
    hidden = set()
    for record in records:
        if record.asname:
            original = (record.name if record.name is not None else record.module or "").rpartition(".")[2]
            if registry.group_of(original) is not None:
                hidden.add(record.asname)
    return hidden


def _start(node: Any) -> int:
    """The first line of a block's element: its first decorator's, its pattern's (a match
    case has no position of its own), else its own."""
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        first: int = decorators[0].lineno
        return first
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        node = pattern  # pragma: >=3.10 cover (match statements)
    line: int = node.lineno
    return line


def _end(node: Any) -> int:
    end: int | None = getattr(node, "end_lineno", None)
    if end is None:  # a match case: its body's end
        return _end(node.body[-1])  # pragma: >=3.10 cover (match statements)
    return end


def _holding(block: Sequence[ast.AST], lines: Sequence[int]) -> list[ast.AST]:
    """The elements of ``block`` (in order) whose lines hold one of ``lines`` (sorted).

    A block's elements are in source order, so their last lines never decrease: the first
    element ending at or after a line is found by bisection; it and the ones after it that
    start by that line (``a; b``) hold it.
    """
    held: list[ast.AST] = []
    size = len(block)
    low = 0
    last = -1
    for line in lines:
        high = size
        while low < high:
            middle = (low + high) // 2
            if _end(block[middle]) < line:
                low = middle + 1
            else:
                high = middle
        index = low
        while index < size and _start(block[index]) <= line:
            if index > last:
                held.append(block[index])
                last = index
            index += 1
    return held


def _within(lines: Sequence[int], node: ast.AST) -> Sequence[int]:
    return lines[bisect.bisect_left(lines, _start(node)) : bisect.bisect_right(lines, _end(node))]


def import_statements(tree: ast.Module, lines: Sequence[int]) -> Iterator[ImportStatement]:
    """``imports.iter_import_statements`` over the statements holding ``lines`` only, in
    the same order (the same stack, with the subtrees holding no such line left out)."""
    stack = _holding(tree.body, lines)
    while stack:
        node = stack.pop()
        if isinstance(node, _IMPORTS):
            yield node
            continue
        inner = _within(lines, node)
        for field in BLOCK_FIELDS:
            children = getattr(node, field, None)
            if children:
                stack.extend(_holding(children, inner))


def nodes(tree: ast.Module, targets: Targets, types: Collection[type[ast.AST]]) -> list[ast.AST]:
    """The nodes of ``types`` holding a target (and perhaps others): of the statements whose
    lines hold one, a compound statement's own node and header, its blocks again by line;
    inside an expression, the children holding one (a node's range holds its children's)."""
    found: list[ast.AST] = []
    lines = targets.lines()
    stack = _holding(tree.body, lines)
    while stack:
        node = stack.pop()
        if type(node) in types:
            found.append(node)
        for field in node._fields:
            value = getattr(node, field, None)
            if field in BLOCK_FIELDS:
                stack.extend(_holding(value or (), _within(lines, node)))
            elif isinstance(value, ast.AST):
                _walk(value, targets, types, found)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        _walk(item, targets, types, found)
    return found


def _walk(node: ast.AST, targets: Targets, types: Collection[type[ast.AST]], found: list[ast.AST]) -> None:
    """``ast.walk`` from ``node`` keeping the nodes of ``types``, into only the children
    holding a target, without the generators of ``ast.walk`` (twice the cost). Inside an
    f-string every node is visited: before Python 3.12 the positions there are recomputed,
    and not always right."""
    if not _holds(node, targets):
        return
    stack: list[tuple[ast.AST, Targets | None]] = [(node, targets)]
    while stack:
        node, held = stack.pop()
        kind = type(node)
        if kind in types:
            found.append(node)
        if kind is ast.JoinedStr:
            held = None
        for field in _fields(kind):
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                if held is None or _holds(value, held):
                    stack.append((value, held))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and (held is None or _holds(item, held)):
                        stack.append((item, held))


def _holds(node: Any, targets: Targets) -> bool:
    """Whether ``node``'s range holds a target's point or a line of a whole-line target
    (True for a node without a position: arguments, comprehension, withitem)."""
    start: int | None = getattr(node, "lineno", None)
    if start is None:
        return True
    end: int = node.end_lineno
    column: int = node.col_offset
    end_column: int = node.end_col_offset
    whole = targets.whole
    if whole:
        index = bisect.bisect_left(whole, start)
        if index < len(whole) and whole[index] <= end:
            return True
    points = targets.points
    index = bisect.bisect_left(points, (start, column))
    return index < len(points) and points[index] < (end, end_column)


_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """A node type's fields that may hold nodes, less ``ctx`` (Load, Store: no children)."""
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(field for field in kind._fields if field != "ctx")
    return fields
