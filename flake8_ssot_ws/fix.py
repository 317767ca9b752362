"""``ssot-ws fix``'s pure core: one source text in, the rewritten text and an account out.

The rules core decides WHAT changes: every fixable Finding carries its import statement's
span, the alias index and the replacement (whose local name is the one the file binds).
This module decides HOW, through the tokens of that one statement (tokenize-rt keeps every
character: whitespace, comments, backslash continuations), and then checks the result with
the same core before anyone writes it. Layout rules, documented in the README:

- all names of a ``from`` import fixed to one module: the statement is rewritten in place;
- otherwise each fixed name is removed from the statement and its canonical import goes on
  its own line *before* it, at the same indentation (before, so a trailing ``; x = 1`` or
  comment stays with the remaining statement); when the statement does not start its line
  (``if x: from ...``, ``a = 1; from ...``) the canonical imports join it with ``; ``;
- a comment on the line of a removed name moves to the end of that name's new import line
  (with ``; `` joining it stays where it was).
"""

from __future__ import annotations

import ast
import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Iterable
from typing import Sequence

from flake8_ssot_ws.fix_tokens import Unsure
from flake8_ssot_ws.fix_tokens import edit_statement
from flake8_ssot_ws.imports import ImportStatement
from flake8_ssot_ws.imports import iter_import_statements
from flake8_ssot_ws.imports import source_lines
from flake8_ssot_ws.noqa import split_noqa
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.rules import FileContext
from flake8_ssot_ws.rules import Finding
from flake8_ssot_ws.rules import Fix
from flake8_ssot_ws.rules import check_source
from flake8_ssot_ws.rules import check_tree

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(frozen=True)
class Refusal:
    """A fixable finding left alone, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class FixResult:
    """``source`` is the new text (the input itself when nothing was fixed). ``problem``
    says why the whole file was left alone, ``refused`` why single statements were.
    ``findings``/``left``: what flake8 would report (noqa applied) before/after."""

    source: str
    fixed: tuple[Finding, ...]
    refused: tuple[Refusal, ...]
    problem: str | None
    findings: tuple[Finding, ...]
    left: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def fix_source(
    source: str, findings: Sequence[Finding], registry: Registry, context: FileContext, *, today: datetime.date
) -> FixResult:
    """Rewrite the fixable ones of ``findings``: what flake8 reports for ``source``, ``# noqa``
    applied (``ssot-ws check``'s own results; ``fix_text`` computes them). Raises SyntaxError
    or ValueError when ``source`` does not parse (the caller reports it)."""
    unchanged = FixResult(source, (), (), None, tuple(findings), tuple(findings))
    fixable = [finding for finding in findings if finding.fix is not None]
    if not fixable:
        return unchanged
    lines = source_lines(source)
    tree = ast.parse(source)
    new_source, fixed, refused = rewrite(lines, tree, fixable)
    if not fixed:
        return FixResult(source, (), tuple(refused), None, unchanged.findings, unchanged.left)
    problem, left = _verify(new_source, tree, findings, fixed, registry, context, today)
    if problem is not None:
        return FixResult(source, (), tuple(refused), problem, unchanged.findings, unchanged.left)
    return FixResult(new_source, tuple(fixed), tuple(refused), None, unchanged.findings, tuple(left))


def fix_text(source: str, registry: Registry, context: FileContext, *, today: datetime.date) -> FixResult:
    """``fix_source`` with the findings computed here, through the same core as ``check``."""
    kept, _ = split_noqa(check_source(source, registry, context, today=today), source)
    return fix_source(source, kept, registry, context, today=today)


def _verify(
    new_source: str,
    tree: ast.Module,
    kept: Sequence[Finding],
    fixed: list[Finding],
    registry: Registry,
    context: FileContext,
    today: datetime.date,
) -> tuple[str | None, list[Finding]]:
    """(why the rewrite must not be written or None, the findings it leaves)."""
    try:
        new_tree = ast.parse(new_source)
    except (SyntaxError, ValueError) as error:
        return f"the fixed source would not parse ({error})", []
    new_findings = check_tree(new_tree, source_lines(new_source), registry, context, today=today, text=new_source)
    left, _ = split_noqa(new_findings, new_source)
    return safety_problem(tree, new_tree, kept, fixed, left), left


def safety_problem(
    old_tree: ast.Module, new_tree: ast.Module, old: Sequence[Finding], fixed: Sequence[Finding], new: Sequence[Finding]
) -> str | None:
    """Why the rewrite must not be written, or None: a fixed finding reappears (or another
    fixable one appears), or the names bound by import statements, per scope, changed."""
    expected = Counter(_key(f) for f in old if f.fix is not None) - Counter(_key(f) for f in fixed)
    extra = Counter(_key(f) for f in new if f.fix is not None) - expected
    if extra:
        _, message = sorted(extra)[0]
        return f"a fixed finding would reappear ({message})"
    before, after = bound_names(old_tree), bound_names(new_tree)
    if before != after:
        changes = [f"-{name}" for name in sorted(before - after)] + [f"+{name}" for name in sorted(after - before)]
        return f"the names bound by imports would change ({', '.join(changes)})"
    return None


def _key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.message


def bound_names(tree: ast.Module) -> Counter[str]:
    """Multiset of ``scope:name`` for every name an import statement binds."""
    names: Counter[str] = Counter()
    blocks: list[tuple[str, list[ast.AST]]] = [("", list(tree.body))]
    while blocks:
        scope, block = blocks.pop()
        for node in block:
            if isinstance(node, ast.Import):
                names.update(f"{scope}:{alias.asname or alias.name.partition('.')[0]}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.update(f"{scope}:{alias.asname or alias.name}" for alias in node.names)
            elif hasattr(node, "body") or hasattr(node, "cases"):  # simple statements have neither
                inner = f"{scope}.{node.name}" if isinstance(node, _SCOPES) else scope
                blocks.extend((inner, children) for field in _BLOCK_FIELDS if (children := getattr(node, field, None)))
    return names


def rewrite(
    lines: Sequence[str], tree: ast.Module, fixable: Iterable[Finding]
) -> tuple[str, list[Finding], list[Refusal]]:
    """Apply the fixes token by token (no safety net: ``fix_source`` adds it).

    Statements are edited from the last to the first, so positions of the ones not yet
    edited stay valid (two statements can share a line: ``from a import X; from b import Y``)."""
    by_statement: dict[tuple[int, int], list[Finding]] = {}
    for finding in fixable:
        fix = _fix(finding)
        by_statement.setdefault((fix.statement_line, fix.statement_col), []).append(finding)
    statements = {(node.lineno, node.col_offset): node for node in iter_import_statements(tree)}
    work = list(lines)
    fixed: list[Finding] = []
    refused: list[Refusal] = []
    for position in sorted(by_statement, reverse=True):
        findings = by_statement[position]
        try:
            _rewrite_statement(work, statements.get(position), findings, lines)
        except Unsure as unsure:
            refused.extend(Refusal(finding, str(unsure)) for finding in findings)
        else:
            fixed.extend(findings)
    fixed.sort(key=lambda f: (f.line, f.col))
    refused.sort(key=lambda r: (r.finding.line, r.finding.col))
    return "".join(work), fixed, refused


def _rewrite_statement(
    work: list[str], node: ImportStatement | None, findings: list[Finding], lines: Sequence[str]
) -> None:
    if not isinstance(node, ast.ImportFrom) or any(_fix(f).index >= len(node.names) for f in findings):
        raise Unsure("the finding does not match the source (changed since it was checked?)")
    first, last = node.lineno, node.end_lineno or node.lineno
    if any(_has_lone_cr(lines[number - 1]) for number in range(first, last + 1)):
        raise Unsure("a line ending in a lone carriage return")
    start = _char_index(work[first - 1], node.col_offset)
    end = _char_index(work[last - 1], node.end_col_offset or 0)
    prefix, suffix = work[first - 1][:start], work[last - 1][end:]
    statement_lines = slice(first - 1, last)
    if first == last:
        segment = work[first - 1][start:end]
    else:
        segment = work[first - 1][start:] + "".join(work[statement_lines][1:-1]) + work[last - 1][:end]
    # Own lines only when the statement starts its logical line: not after code on the
    # same line, and not after a backslash continuation (or a comment ending in one).
    own_lines = not prefix.strip() and not (first > 1 and lines[first - 2].rstrip("\r\n").endswith("\\"))
    fixes = {_fix(finding).index: _fix(finding).replacement for finding in findings}
    new_segment, split_off = edit_statement(segment, node, fixes, own_lines)
    if own_lines:
        newline = _line_ending(lines[first - 1]) or _line_ending(lines[0]) or "\n"
        before = "".join(f"{prefix}{spec.text}{comment}{newline}" for spec, comment in split_off)
        work[statement_lines] = [f"{before}{prefix}{new_segment}{suffix}"]
    else:
        joined = "".join(f"{spec.text}; " for spec, _ in split_off)
        work[statement_lines] = [f"{prefix}{joined}{new_segment}{suffix}"]


def _fix(finding: Finding) -> Fix:
    assert finding.fix is not None  # only fixable findings get here
    return finding.fix


def _has_lone_cr(line: str) -> bool:
    return "\r" in line.replace("\r\n", "")


def _line_ending(line: str) -> str:
    end = len(line.rstrip("\r\n"))
    return line[end:]


def _char_index(line: str, byte_offset: int) -> int:
    """AST columns are UTF-8 byte offsets; slicing needs character indexes."""
    if line.isascii():
        return byte_offset
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))
