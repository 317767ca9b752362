"""Pure comparisons the soak test (realworld.py) runs on files before and after ``ssot-ws fix``.

No I/O and no network here, so that tests/test_soak_checks.py can check each one on a few
lines of source. Each helper answers one question about a rewritten file:

- ``non_import_changes``: did any line change that is not part of an import statement?
- ``import_bindings``: which names do import statements bind, per scope?
- ``comments``: which comments does the file hold (a split must move them, never drop them)?
- ``noqa_coverage``: which ``# noqa`` covers each imported name (a split must keep covering it)?
- ``canonical_positions``: which findings sit on an import that is exactly a canonical
  entry (a canonical import flagged)?
- ``rewritten_import``: which module and name does a fixable finding's message name?
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from collections import Counter
from typing import Iterable
from typing import Iterator
from typing import NamedTuple


class Change(NamedTuple):
    """One changed line outside every import statement: ``old``/``new`` line numbers
    (1-based; 0 when the line exists on one side only) and its text."""

    old_line: int
    new_line: int
    text: str


class Spec(NamedTuple):
    """``from module import name as bound``, the shape of every canonical entry."""

    module: str
    name: str
    bound: str


def import_lines(tree: ast.AST) -> set[int]:
    """1-based numbers of the lines that an import statement occupies, in whole or in part."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def non_import_changes(old: str, new: str) -> list[Change]:
    """Lines that differ between ``old`` and ``new`` and lie outside the import statements
    of their own side. Line granularity: a line shared by an import and other code
    (``if TYPE_CHECKING: from m import X``) counts as an import line."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    old_imports, new_imports = import_lines(ast.parse(old)), import_lines(ast.parse(new))
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes.extend(Change(i + 1, 0, old_lines[i]) for i in range(i1, i2) if i + 1 not in old_imports)
        changes.extend(Change(0, j + 1, new_lines[j]) for j in range(j1, j2) if j + 1 not in new_imports)
    return changes


class Bound(NamedTuple):
    """One name an import statement binds: where, and the lines that can carry its noqa."""

    scope: str  # dotted chain of enclosing functions and classes, '' for the module
    name: str  # the local name; ``*module`` for a star import
    statement_line: int  # where flake8's pyflakes reports an import (F401 and the like)
    name_line: int  # where ssot-ws reports it (the statement's line before Python 3.10)


def bound_names(tree: ast.AST) -> Iterator[Bound]:
    """Every name an import statement binds, at any depth."""
    yield from _bound_in(tree, "")


def _bound_in(node: ast.AST, scope: str) -> Iterator[Bound]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            for alias in child.names:
                if isinstance(child, ast.Import):
                    name = alias.asname or alias.name.partition(".")[0]
                else:
                    star = f"*{'.' * child.level}{child.module or ''}"
                    name = star if alias.name == "*" else alias.asname or alias.name
                yield Bound(scope, name, child.lineno, getattr(alias, "lineno", child.lineno))
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _bound_in(child, f"{scope}.{child.name}" if scope else child.name)
        else:
            yield from _bound_in(child, scope)


def import_bindings(tree: ast.AST) -> Counter[tuple[str, str]]:
    """(scope, name) -> how many import statements bind ``name`` there; a star import binds
    ``*module``. Counted, not just collected: a fix must neither add nor drop one."""
    return Counter((bound.scope, bound.name) for bound in bound_names(tree))


def binding_differences(old: ast.AST, new: ast.AST) -> list[str]:
    """Human-readable differences between the import bindings of two trees ('' if none)."""
    before, after = import_bindings(old), import_bindings(new)
    lines = []
    for key in sorted(set(before) | set(after)):
        if before[key] != after[key]:
            scope, name = key
            lines.append(f"{scope or '<module>'}: {name!r} bound {before[key]}x before, {after[key]}x after")
    return lines


def comments(source: str) -> Counter[str]:
    """Every comment of ``source``, stripped of trailing blanks, with its count."""
    found: Counter[str] = Counter()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.string.rstrip()] += 1
    return found


def lost_comments(old: str, new: str) -> list[str]:
    """Comments ``old`` holds more often than ``new`` (a fix moves comments, never drops them)."""
    return sorted((comments(old) - comments(new)).elements())


_NOQA = re.compile(r"#\s*noqa(?::\s*[A-Z][0-9A-Z]*(?:[,\s]+[A-Z][0-9A-Z]*)*)?", re.IGNORECASE)


def noqa_coverage(source: str) -> Counter[tuple[str, str, str]]:
    """(scope, name, noqa) for every name an import binds: the ``# noqa`` comments on the
    lines where flake8's checks and ssot-ws report that name ('' when none)."""
    marks: dict[int, str] = {}  # line -> its noqa, normalised
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found = _NOQA.search(token.string)
            if found:
                marks[token.start[0]] = " ".join(found.group().split())
    coverage: Counter[tuple[str, str, str]] = Counter()
    for bound in bound_names(ast.parse(source)):
        lines = sorted({bound.statement_line, bound.name_line})
        coverage[bound.scope, bound.name, "; ".join(marks[line] for line in lines if line in marks)] += 1
    return coverage


def lost_noqa(old: str, new: str) -> list[str]:
    """Names that a ``# noqa`` covered in ``old`` and no longer does in ``new``: after a split,
    flake8 would report on the moved name what the comment used to hide (F401 on a re-export)."""
    lost = noqa_coverage(old) - noqa_coverage(new)
    return [f"{scope or '<module>'}: {name!r} no longer under {noqa!r}" for scope, name, noqa in sorted(lost) if noqa]


def parse_spec(text: str) -> Spec:
    """A registry import string (``from M import N [as L]``, as the registry validates it)."""
    statement = ast.parse(text).body[0]
    assert isinstance(statement, ast.ImportFrom) and statement.module is not None, text
    (alias,) = statement.names
    return Spec(statement.module, alias.name, alias.asname or alias.name)


_NAME_AS = re.compile(r"(\w+)(?:\s+as\s+(\w+))?")


def canonical_positions(
    source: str, positions: Iterable[tuple[int, int]], canonical: Iterable[Spec]
) -> set[tuple[int, int]]:
    """Those of ``positions`` (line, 1-based column: where check reports a finding on an
    imported name) that sit on a name imported exactly as a canonical entry says (absolute
    imports only). The name and its alias are read from the text at that position, so that
    this works on Pythons whose ``ast`` gives no position to an imported name (before 3.10)."""
    wanted = set(canonical)
    lines = source.splitlines()
    statements = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and not node.level and node.module is not None
    ]
    found = set()
    for line, column in positions:
        match = _NAME_AS.match(lines[line - 1], column - 1) if 0 < line <= len(lines) else None
        if match is None:
            continue
        name, asname = match[1], match[2]
        for node in statements:
            if node.lineno <= line <= (node.end_lineno or node.lineno) and node.module is not None:
                if any(alias.name == name and alias.asname == asname for alias in node.names):
                    if Spec(node.module, name, asname or name) in wanted:
                        found.add((line, column))
                    break
    return found


# SWS001 and SWS101 name the imported name and the module it came from (check's JSON gives
# the message without its code, flake8 and the text format with it).
_FIXABLE = re.compile(
    r"^(?:SWS(?:001|101) )?'(?P<name>[^']+)' imported from (?:non-canonical|legacy) path '(?P<module>[^']+)'"
)


def rewritten_import(message: str) -> tuple[str, str] | None:
    """(module, name) that a fixable finding's message says is imported, if it says."""
    match = _FIXABLE.match(message)
    return (match["module"], match["name"]) if match else None


_REACHES = re.compile(r"^(?:SWS007 )?'[^']+' reaches '(?P<path>[^']+)'")


def named_module(message: str) -> str | None:
    """The module a finding's message says a tracked name came from: the import's module
    (SWS001, SWS101) or, for an attribute path (SWS007), the module the path goes through."""
    spelled = rewritten_import(message)
    if spelled is not None:
        return spelled[0]
    match = _REACHES.match(message)
    return match["path"].rpartition(".")[0] if match else None


def module_binding(tree: ast.Module, name: str) -> tuple[str, str] | None:
    """How a module binds ``name`` at its top level, the last binding winning as at run time:
    ('import', 'M') for ``from M import name`` (absolute only), ('defines', '') for a def,
    class or assignment, None when it does not bind it (or binds it some other way)."""
    found: tuple[str, str] | None = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if any((alias.asname or alias.name) == name for alias in node.names):
                found = ("import", node.module)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found = ("defines", "")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == name for target in targets):
                found = ("defines", "")
    return found
