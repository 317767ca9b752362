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

from tokenize_rt import NON_CODING_TOKENS
from tokenize_rt import Token
from tokenize_rt import src_to_tokens
from tokenize_rt import tokens_to_src

from flake8_ssot_ws.imports import ImportStatement
from flake8_ssot_ws.imports import iter_import_statements
from flake8_ssot_ws.imports import source_lines
from flake8_ssot_ws.noqa import split_noqa
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.rules import FileContext
from flake8_ssot_ws.rules import Finding
from flake8_ssot_ws.rules import check_tree
from flake8_ssot_ws.rules import may_have_findings

_NOT_CODE = NON_CODING_TOKENS | {"NEWLINE", "ENDMARKER"}
_KEPT_WHEN_REMOVING = frozenset({"COMMENT", "NL"})


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


class _Unsure(Exception):
    """A statement this module will not rewrite; ``str()`` says why."""


def fix_source(source: str, registry: Registry, context: FileContext, *, today: datetime.date) -> FixResult:
    """Rewrite every fixable, not noqa'd finding of ``source``; raises SyntaxError or
    ValueError when the input does not parse (the caller reports it)."""
    if context.exempt or not may_have_findings(registry, source, context):
        return FixResult(source, (), (), None, (), ())
    lines = source_lines(source)
    tree = ast.parse(source)
    kept, _ = split_noqa(check_tree(tree, lines, registry, context, today=today, text=source), source)
    fixable = [finding for finding in kept if finding.fix is not None]
    if not fixable:
        return FixResult(source, (), (), None, tuple(kept), tuple(kept))
    new_source, fixed, refused = rewrite(lines, tree, fixable)
    problem: str | None = None
    if fixed:
        problem, left = _verify(new_source, tree, kept, fixed, registry, context, today)
        if problem is None:
            return FixResult(new_source, tuple(fixed), tuple(refused), None, tuple(kept), tuple(left))
    return FixResult(source, (), tuple(refused), problem, tuple(kept), tuple(kept))


def _verify(
    new_source: str,
    tree: ast.Module,
    kept: list[Finding],
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
    stack: list[tuple[str, ast.AST]] = [("", node) for node in tree.body]
    while stack:
        scope, node = stack.pop()
        if isinstance(node, ast.Import):
            names.update(f"{scope}:{alias.asname or alias.name.partition('.')[0]}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(f"{scope}:{alias.asname or alias.name}" for alias in node.names)
        else:
            inner = scope
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{scope}.{node.name}"
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                stack.extend((inner, child) for child in getattr(node, field, None) or ())
    return names


def rewrite(
    lines: Sequence[str], tree: ast.Module, fixable: Iterable[Finding]
) -> tuple[str, list[Finding], list[Refusal]]:
    """Apply the fixes token by token (no safety net: ``fix_source`` adds it).

    Statements are edited from the last to the first, so positions of the ones not yet
    edited stay valid (two statements can share a line: ``from a import X; from b import Y``)."""
    by_statement: dict[tuple[int, int], list[Finding]] = {}
    for finding in fixable:
        assert finding.fix is not None  # only fixable findings are passed
        by_statement.setdefault((finding.fix.statement_line, finding.fix.statement_col), []).append(finding)
    statements = {(node.lineno, node.col_offset): node for node in iter_import_statements(tree)}
    work = list(lines)
    fixed: list[Finding] = []
    refused: list[Refusal] = []
    for position in sorted(by_statement, reverse=True):
        findings = by_statement[position]
        try:
            _rewrite_statement(work, statements[position], findings, lines)
        except _Unsure as unsure:
            refused.extend(Refusal(finding, str(unsure)) for finding in findings)
        else:
            fixed.extend(findings)
    fixed.sort(key=lambda f: (f.line, f.col))
    refused.sort(key=lambda r: (r.finding.line, r.finding.col))
    return "".join(work), fixed, refused


def _rewrite_statement(work: list[str], node: ImportStatement, findings: list[Finding], lines: Sequence[str]) -> None:
    first, last = node.lineno, node.end_lineno or node.lineno
    if any(_has_lone_cr(lines[number - 1]) for number in range(first, last + 1)):
        raise _Unsure("a line ending in a lone carriage return")
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
    fixes = {}
    for finding in findings:
        assert finding.fix is not None  # grouped from fixable findings
        fixes[finding.fix.index] = finding.fix.replacement
    new_segment, split_off = _edit(segment, node, fixes, own_lines)
    if own_lines:
        newline = _line_ending(lines[first - 1]) or _line_ending(lines[0]) or "\n"
        before = "".join(f"{prefix}{spec.text}{comment}{newline}" for spec, comment in split_off)
        work[statement_lines] = [f"{before}{prefix}{new_segment}{suffix}"]
    else:
        joined = "".join(f"{spec.text}; " for spec, _ in split_off)
        work[statement_lines] = [f"{prefix}{joined}{new_segment}{suffix}"]


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


@dataclass(frozen=True)
class _Alias:
    """Token indexes of one ``NAME [as ASNAME]`` and of the comma after it."""

    name: int
    last: int
    asname: int | None
    comma: int | None


def _parse(tokens: list[Token]) -> tuple[int, int, list[_Alias]]:
    """(first, last) module token and the aliases of a ``from`` import's tokens.

    The statement parsed, so its tokens follow the grammar:
    ``from MODULE import [(] NAME [as NAME] {, NAME [as NAME]} [,] [)]``."""
    code = [index for index, token in enumerate(tokens) if token.name not in _NOT_CODE]
    words = [tokens[index].src for index in code]
    at = words.index("import")
    after_import = at + 1
    rest = code[after_import:]
    if words[at + 1] == "(":
        rest = rest[1:-1]
    aliases: list[_Alias] = []
    position = 0
    while position < len(rest):
        name = last = rest[position]
        asname = None
        position += 1
        if position < len(rest) and tokens[rest[position]].src == "as":
            asname = last = rest[position + 1]
            position += 2
        comma = rest[position] if position < len(rest) else None
        position += 1
        aliases.append(_Alias(name, last, asname, comma))
    return code[1], code[at - 1], aliases


def _edit(
    segment: str, node: ImportStatement, fixes: dict[int, ImportSpec], own_lines: bool
) -> tuple[str, list[tuple[ImportSpec, str]]]:
    """The statement's new text, and the canonical imports split off it (with the comment
    that moves along) in alias order."""
    assert isinstance(node, ast.ImportFrom)  # only `from` imports have a replacement
    tokens = src_to_tokens(segment)
    module_first, module_last, aliases = _parse(tokens)
    bound = [alias.asname or alias.name for alias in node.names]
    kept = [index for index in range(len(aliases)) if index not in fixes]
    in_place_module = None if kept else fixes[min(fixes)].module
    removed = [index for index in sorted(fixes) if fixes[index].module != in_place_module]
    for index in removed:
        if bound.count(bound[index]) > 1:
            raise _Unsure(f"{bound[index]!r} is bound twice by this statement")
    replace: dict[int, str] = {}
    drop: set[int] = set()

    def drop_range(low: int, high: int) -> None:
        """Drop tokens low..high, but never a comment, a newline inside brackets, or the
        space before a comment or at the start of a line: line clean-up decides about those."""
        for index in range(low, high + 1):
            name = tokens[index].name
            if name in _KEPT_WHEN_REMOVING or (
                name == "UNIMPORTANT_WS" and (tokens[index + 1].name == "COMMENT" or tokens[index - 1].name == "NL")
            ):
                continue
            drop.add(index)

    if in_place_module is not None:
        if any(tokens[index].name == "ESCAPED_NL" for index in range(module_first, module_last + 1)):
            raise _Unsure("a backslash continuation inside the module name")
        text = in_place_module
        if tokens[module_first - 1].name != "UNIMPORTANT_WS":  # from.legacy import X
            text = f" {text}"
        if tokens[module_last + 1].name not in NON_CODING_TOKENS:  # from .import X
            text = f"{text} "
        replace[module_first] = text
        drop_range(module_first + 1, module_last)
        for index, spec in fixes.items():
            if spec.module == in_place_module:
                alias = aliases[index]
                if spec.asname is None and alias.asname is not None:
                    drop_range(alias.name + 1, alias.last)  # `X as X` would be redundant
                needs_alias = spec.asname is not None and alias.asname is None
                replace[alias.name] = f"{spec.name} as {spec.asname}" if needs_alias else spec.name
    for index in removed:
        alias = aliases[index]
        if alias.comma is None:
            drop_range(alias.name, alias.last)
            continue
        drop_range(alias.name, alias.comma)
        after, before = alias.comma + 1, alias.name - 1
        if tokens[after].name == "UNIMPORTANT_WS" and tokens[after + 1].name not in _NOT_CODE:
            drop.add(after)  # `X, y` -> `y`
        elif tokens[before].name == "UNIMPORTANT_WS" and tokens[before - 1].src == ",":
            drop.add(before)  # `(a, X,)` -> `(a,)`; `a, X,  # c` -> `a,  # c`
    if removed and aliases[-1].comma is None and removed[-1] == len(aliases) - 1:
        # The last names go and there was no trailing comma: the last remaining name
        # loses its comma (`a, X` -> `a`).
        survivor = max(index for index in range(len(aliases)) if index not in removed)
        comma = aliases[survivor].comma
        assert comma is not None  # a later alias exists, so a comma separates them
        drop_range(comma, aliases[survivor + 1].name - 1)
    comments = _clean_lines(tokens, drop, [(aliases[index], index) for index in removed], own_lines)
    new_segment = tokens_to_src(Token(t.name, replace.get(i, t.src)) for i, t in enumerate(tokens) if i not in drop)
    split_off = [(fixes[index], comments.get(index, "")) for index in removed]
    return new_segment, split_off


def _clean_lines(
    tokens: list[Token], drop: set[int], removed: list[tuple[_Alias, int]], own_lines: bool
) -> dict[int, str]:
    """Delete the lines a removal left without code; return the comments moved off them,
    by alias index (with ``own_lines`` False a comment line stays where it is)."""
    owners: dict[int, int] = {}
    for alias, index in removed:
        for token in (alias.name, alias.comma if alias.comma is not None else alias.last):
            owners.setdefault(tokens[token].line or 0, index)
    moved: dict[int, str] = {}
    for line, owner in sorted(owners.items()):
        on_line = [index for index, token in enumerate(tokens) if token.line == line]
        if any(tokens[index].name not in NON_CODING_TOKENS and index not in drop for index in on_line):
            continue
        comments = [tokens[index].src for index in on_line if tokens[index].name == "COMMENT"]
        if comments and not own_lines:
            continue
        if comments:
            moved[owner] = f"{moved.get(owner, '')}  {comments[0]}"
        drop.update(on_line)
    return moved
