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
import itertools
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Callable
from typing import Container
from typing import Iterable
from typing import Sequence

from tokenize_rt import src_to_tokens

from flake8_ssot_ws.fix.tokens import Unsure
from flake8_ssot_ws.fix.tokens import edit_statement
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import Fix
from flake8_ssot_ws.core.rules import analyze_tree

MISMATCH = "the finding does not match the source (changed since it was checked?)"
# What may follow a statement on its line, after blanks: nothing, ``;``, a comment, a
# backslash continuation, the line's end. Matched at the statement's end (``.match(line,
# end)``), so a line of many statements is not copied from each of them to its end.
_STATEMENT_END = re.compile(r"[ \t\f]*(?:[;#\\\r\n]|\Z)")
# A comment that tells a tool to ignore its line: flake8/ruff, mypy, coverage. One '#' and
# a run of blanks before a fixed word: linear.
_SUPPRESSION = re.compile(r"#[ \t]*(?:noqa|type:|pragma)", re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    """What check says about one text: the findings it reports (``# noqa`` applied), those
    ``# noqa`` hides, how many tracked imports are canonical; or why it cannot check it."""

    reported: tuple[Finding, ...] = ()
    hidden: tuple[Finding, ...] = ()
    canonical: int = 0
    problem: str | None = None  # completes "the fixed source ...", e.g. "does not parse (...)"


Analyzer = Callable[[str], Checked]


@dataclass(frozen=True)
class Refusal:
    """A fixable finding left alone, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class FixResult:
    """``source`` is the new text (the input itself when nothing was fixed). ``problem``
    says why the whole file was left alone, ``refused`` why single statements were.
    ``findings``/``left``: what check reports (``# noqa`` applied) before/after;
    ``hidden``: what ``# noqa`` hides after (the baseline's keys count those too)."""

    source: str
    fixed: tuple[Finding, ...]
    refused: tuple[Refusal, ...]
    problem: str | None
    findings: tuple[Finding, ...]
    left: tuple[Finding, ...]
    hidden: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def fix_source(source: str, before: Checked, analyze: Analyzer, wanted: Container[Finding] | None = None) -> FixResult:
    """Rewrite the fixable findings ``before`` reports for ``source`` (check's own result) --
    of those, only the ``wanted`` ones when given (``--select``, ``--baseline``) -- then check
    the new text with ``analyze`` (the same check) and keep it only if it is safe."""
    findings, hidden = before.reported, before.hidden
    fixable = [finding for finding in findings if finding.fix is not None and (wanted is None or finding in wanted)]
    if not fixable:
        return FixResult(source, (), (), None, findings, findings, hidden)
    new_source, fixed, refused, problem = rewrite(source, fixable)
    if not fixed:
        return FixResult(source, (), tuple(refused), problem, findings, findings, hidden)
    after = analyze(new_source)
    problem = problem or safety_problem(before, after, fixed)
    if problem is not None:
        return FixResult(source, (), tuple(refused), problem, findings, findings, hidden)
    return FixResult(new_source, tuple(fixed), tuple(refused), None, findings, after.reported, after.hidden)


def core_analyzer(registry: Registry, context: FileContext, *, today: datetime.date) -> Analyzer:
    """Check a text through the core's full parse (``ssot-ws fix`` uses check's FileChecker,
    whose results are the same, proved by tests/test_differential.py)."""

    def analyze(text: str) -> Checked:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes: the checked code's business
                tree = ast.parse(text)
        except (SyntaxError, ValueError) as error:
            return Checked(problem=f"does not parse ({type(error).__name__}: {error})")
        analysis = analyze_tree(tree, source_lines(text), registry, context, today=today, text=text)
        reported, hidden = split_noqa(analysis.findings, text)
        return Checked(tuple(reported), tuple(hidden), len(analysis.canonical))

    return analyze


def fix_text(source: str, registry: Registry, context: FileContext, *, today: datetime.date) -> FixResult:
    """``fix_source`` with ``core_analyzer`` for the findings before and after."""
    analyze = core_analyzer(registry, context, today=today)
    before = analyze(source)
    if before.problem is not None:
        return FixResult(source, (), (), f"the source {before.problem}", (), ())
    return fix_source(source, before, analyze)


def safety_problem(before: Checked, after: Checked, fixed: Sequence[Finding]) -> str | None:
    """Why the rewrite must not be written, or None.

    The new text must be checkable (it parses); it must have the findings it had, less the
    fixed ones, and nothing else -- except that a fixed import binding the file's own alias
    (``as WSM``) is now SWS002, so every fixed finding must have become a canonical import
    or an SWS002 finding. (That no import binds other names is checked statement by
    statement by ``rewrite``; nothing else of the text changes.)"""
    if after.problem is not None:
        return f"the fixed source {after.problem}"
    expected = Counter(_keys(before)) - Counter(_key(finding) for finding in fixed)
    actual = Counter(_keys(after))
    if actual != expected:
        fixed_keys = {_key(finding) for finding in fixed}
        appeared = sorted(actual - expected)
        if appeared:
            what = "a fixed finding would reappear" if appeared[0] in fixed_keys else "a finding would appear"
            return f"{what} ({appeared[0][1]})"
        return f"a finding would disappear ({sorted(expected - actual)[0][1]})"
    wanted = before.canonical + _sws002(before) + len(fixed)
    found = after.canonical + _sws002(after)
    if found != wanted:
        return f"expected {wanted} canonical imports or SWS002 findings, found {found}"
    return None


def _keys(checked: Checked) -> Iterable[tuple[str, str]]:
    return (_key(f) for f in (*checked.reported, *checked.hidden) if f.code != "SWS002")


def _sws002(checked: Checked) -> int:
    return sum(f.code == "SWS002" for f in (*checked.reported, *checked.hidden))


def _key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.message


def rewrite(source: str, fixable: Iterable[Finding]) -> tuple[str, list[Finding], list[Refusal], str | None]:
    """Apply the fixes token by token: (new text, fixed, refused, why the whole file must
    stay as it is or None). ``fix_source`` then checks the new text as a whole.

    Each statement is read and edited at its place in ``source`` (two statements can share a
    line: ``from a import X; from b import Y``), and the new text is put together once at the
    end: editing the line in place for each statement copied the whole line each time, which
    made a line of N statements cost N times its length."""
    by_statement: dict[tuple[int, int], list[Finding]] = {}
    for finding in fixable:
        fix = _fix(finding)
        by_statement.setdefault((fix.statement_line, fix.statement_col), []).append(finding)
    lines = _Lines(source)
    edits: list[_Edit] = []
    fixed: list[Finding] = []
    refused: list[Refusal] = []
    problems: list[str] = []
    for position in sorted(by_statement):
        findings = by_statement[position]
        try:
            edit, problem = _rewrite_statement(lines, _fix(findings[0]), findings)
        except Unsure as unsure:
            refused.extend(Refusal(finding, str(unsure)) for finding in findings)
            continue
        edits.append(edit)
        fixed.extend(findings)
        if problem is not None:
            problems.append(f"line {position[0]}: {problem}")
    fixed.sort(key=lambda f: (f.line, f.col))
    refused.sort(key=lambda r: (r.finding.line, r.finding.col))
    return lines.edited(edits), fixed, refused, "; ".join(problems) or None


# (start, end, text): the characters source[start:end] become text.
_Edit = tuple[int, int, str]


class _Line:
    """One line of the source and what ``_rewrite_statement`` asks of it, each worked out
    once: a line can hold thousands of statements, and a pass over the whole line for each
    of them would be quadratic in its length."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lone_cr = _has_lone_cr(text)
        self.blank_to = len(text) - len(text.lstrip())  # where its leading blanks end
        self._utf8 = None if text.isascii() else text.encode("utf-8")
        self._byte = self._char = 0  # the last column turned into an index

    def index(self, byte_offset: int) -> int:
        """The character index of an AST column (a UTF-8 byte offset; slicing needs character
        indexes), at most the line's length. The statements of a line are rewritten from left
        to right, so each column is counted on from the one before it, not from the line's
        start; ``UnicodeDecodeError`` when the column is inside a character."""
        if self._utf8 is None:
            return min(byte_offset, len(self.text))
        if byte_offset < self._byte:  # only for findings that do not match the source
            self._byte = self._char = 0
        self._char += len(self._utf8[self._byte : byte_offset].decode("utf-8"))
        self._byte = byte_offset
        return self._char


class _Lines:
    """The source's lines as the parser numbers them (``source_lines``), where each starts in
    the source, and each line's ``_Line`` when it is first asked for."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source_lines(source)
        self.starts = list(itertools.accumulate(map(len, self.text), initial=0))
        self._lines: dict[int, _Line] = {}

    def __getitem__(self, number: int) -> _Line:
        line = self._lines.get(number)
        if line is None:
            line = self._lines[number] = _Line(self.text[number - 1])
        return line

    def edited(self, edits: Iterable[_Edit]) -> str:
        """The source with ``edits`` made (in source order, none overlapping)."""
        parts: list[str] = []
        done = 0
        for start, end, text in edits:
            # Statements do not overlap, and an edit that starts at its line's start (with
            # the split-off imports) is one of a statement with only blanks before it there.
            assert done <= start
            parts += (self.source[done:start], text)
            done = end
        parts.append(self.source[done:])
        return "".join(parts)


def _rewrite_statement(lines: _Lines, span: Fix, findings: list[Finding]) -> tuple[_Edit, str | None]:
    """The edit that rewrites one statement, and why the result is unsafe (or None)."""
    first, last = span.statement_line, span.statement_end_line
    if not 1 <= first <= last <= len(lines.text):
        raise Unsure(MISMATCH)
    if any(lines[number].lone_cr for number in range(first, last + 1)):
        raise Unsure("a line ending in a lone carriage return")
    first_line, last_line = lines[first], lines[last]
    try:
        start = first_line.index(span.statement_col)
        end = last_line.index(span.statement_end_col)
    except UnicodeDecodeError:
        raise Unsure(MISMATCH) from None
    segment_start, segment_end = lines.starts[first - 1] + start, lines.starts[last - 1] + end
    segment = lines.source[segment_start:segment_end]
    node = _parse_statement(segment)
    past_the_names = any(_fix(finding).alias_index >= len(node.names) for finding in findings)
    if _STATEMENT_END.match(last_line.text, end) is None or past_the_names:
        raise Unsure(MISMATCH)
    # Own lines only when the statement starts its logical line: not after code on the
    # same line, and not after a backslash continuation (or a comment ending in one).
    own_lines = start <= first_line.blank_to and not (
        first > 1 and lines.text[first - 2].rstrip("\r\n").endswith("\\")
    )
    fixes = {_fix(finding).alias_index: _fix(finding).replacement for finding in findings}
    new_segment, split_off = edit_statement(segment, node, fixes, own_lines)
    texts = _split_off_statements(split_off)
    if own_lines:
        # The first statement of its line: the rest of the line is read once, here.
        prefix, suffix = first_line.text[:start], last_line.text[end:]
        newline = _line_ending(first_line.text) or _line_ending(lines.text[0]) or "\n"
        kept = _suppression(suffix) or (_opening_suppression(segment) if first != last else "")
        # A new line is indented as the statement is, without the form feeds of its line (a
        # page break, shown in the indentation's place): Python's tokenizer counts columns from
        # the last one, pycodestyle counts each as a column (E111 on every copy).
        indent = prefix[prefix.rfind("\f") + 1 :]
        before = "".join(
            f"{indent}{text}{_with_suppression(comment, kept)}{newline}" for text, comment in texts
        )
        edit = (lines.starts[first - 1], segment_end, f"{before}{prefix}{new_segment}")
    else:
        joined = "".join(f"{text}; " for text, _ in texts)
        edit = (segment_start, segment_end, f"{joined}{new_segment}")
    return edit, _binding_change(node, [new_segment, *(text for text, _ in texts)])


def _split_off_statements(split_off: list[tuple[ImportSpec, str]]) -> list[tuple[str, str]]:
    """The statements the split-off canonical imports are written as, with their comments:
    names going to one module share a statement, where the first of them was (`from app.core
    import A, B`, as the user wrote them together), except a name with a comment of its own,
    which keeps a statement for it and its comment."""
    statements: list[tuple[list[ImportSpec], str]] = []
    shared: dict[str, list[ImportSpec]] = {}
    for spec, comment in split_off:
        if comment:
            statements.append(([spec], comment))
        elif spec.module in shared:
            shared[spec.module].append(spec)
        else:
            shared[spec.module] = [spec]
            statements.append((shared[spec.module], ""))
    return [(_statement_text(specs), comment) for specs, comment in statements]


def _statement_text(specs: Sequence[ImportSpec]) -> str:
    """The import statement of replacements from one module: each alias whenever it has one,
    so the explicit re-export `X as X` the core keeps is written (``ImportSpec.text`` leaves
    it out)."""
    names = ", ".join(f"{spec.name} as {spec.asname}" if spec.asname else spec.name for spec in specs)
    return f"from {specs[0].module} import {names}"


def _suppression(suffix: str) -> str:
    """The statement's trailing comment when it suppresses something (``# noqa``, ``# type:``,
    ``# pragma``): every statement split off it needs it too, or flake8 reports F401 on the
    new line (issue 11, bug 9). Else ""."""
    comment = suffix.strip(" \t\f\r\n")
    if comment.startswith("#") and _SUPPRESSION.search(comment) is not None:
        return comment
    return ""


def _opening_suppression(segment: str) -> str:
    """A suppression comment on the first line of a multi-line statement (``from m import (
    # noqa: F401``), where pyflakes reports the statement's F401, or ""."""
    comments = [token.src for token in src_to_tokens(segment) if token.name == "COMMENT" and token.line == 1]
    return comments[0] if comments and _SUPPRESSION.search(comments[0]) is not None else ""


def _with_suppression(comment: str, suppression: str) -> str:
    """A split-off line's moved comment, followed by the statement's suppression comment."""
    if not suppression or suppression in comment:
        return comment
    return f"{comment}  {suppression}"


def _binding_change(old: ast.ImportFrom, new_statements: list[str]) -> str | None:
    """Why the new statements do not bind exactly the names the old one bound, or None."""
    old_names = Counter(_bound(old))
    new_names: Counter[str] = Counter()
    for text in new_statements:
        try:
            new_names.update(_bound(_parse_statement(text)))
        except Unsure:
            return f"the rewritten statement would not parse: {text!r}"
    if new_names == old_names:
        return None
    changes = [f"-{name}" for name in sorted(old_names - new_names)]
    changes += [f"+{name}" for name in sorted(new_names - old_names)]
    return f"the names bound by imports would change ({', '.join(changes)})"


def _parse_statement(text: str) -> ast.ImportFrom:
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        body = []
    if len(body) != 1 or not isinstance(body[0], ast.ImportFrom):
        raise Unsure(MISMATCH)
    return body[0]


def _bound(node: ast.ImportFrom) -> list[str]:
    return [alias.asname or alias.name for alias in node.names]


def _fix(finding: Finding) -> Fix:
    assert finding.fix is not None  # only fixable findings get here
    return finding.fix


def _has_lone_cr(line: str) -> bool:
    return "\r" in line.replace("\r\n", "")


def _line_ending(line: str) -> str:
    end = len(line.rstrip("\r\n"))
    return line[end:]
