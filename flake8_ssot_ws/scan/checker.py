"""One file's content -> what the checks find in it (scan/runner.py runs this over many files).

Per file: skip the file when its bytes cannot hold a tracked name (the
byte twin of ``rules.may_have_findings``, so most files are never decoded); else decode as
flake8 does (as Python does, else latin-1), take the exact shortcut of fast/shortcut.py when it
applies, else parse fully (``rules.analyze_source``); then ``# noqa`` (core/noqa.py).
``fast=False`` parses every file fully and is the reference the differential tests compare
the fast path against.
"""

from __future__ import annotations

import ast
import datetime
import io
import os
import warnings

from flake8_ssot_ws.core import prefilter
from flake8_ssot_ws.core.context import inside_named_package
from flake8_ssot_ws.fast import noqa as fastnoqa
from flake8_ssot_ws.fast import shortcut as fastpath
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.fast.lexer import Lexed
from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.core.outcome import EMPTY
from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.core.outcome import describe
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.rules import Analysis
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import analyze_source
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import file_context

_UTF8_BOM = b"\xef\xbb\xbf"
__all__ = ["EMPTY", "FileChecker", "Outcome", "decode_like_flake8", "decode_source", "describe"]


def decode_source(data: bytes) -> str:
    """Decode as Python does: BOM, coding cookie, else UTF-8 (raises on failure)."""
    import tokenize  # here: check decodes most files without it (decode_like_flake8)

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def decode_like_flake8(data: bytes) -> str:
    """Decode as flake8 reads a file: as Python would, else latin-1 (so that check and the
    plugin see the same text). Python itself cannot import such a file, but its imports are
    still what it imports; ``fix`` stays strict (``decode_source``) and leaves it alone.

    Line endings become ``\\n``, as flake8's universal-newline read makes them: lines and
    columns stay the same, and what parses is what flake8 parses (Python 3.9-3.11 accept a
    backslash before a final ``\\r\\n`` that they reject before a final ``\\n``)."""
    try:
        if data.startswith(_UTF8_BOM) or may_declare_encoding(data):
            text = decode_source(data)
        else:
            # Without a BOM or a cookie, detect_encoding says UTF-8, or raises SyntaxError for
            # a first or second line that is not UTF-8 -- which decoding the whole fails on too.
            text = data.decode("utf-8")
    except (SyntaxError, UnicodeDecodeError):  # an unknown or wrong coding cookie, bytes not UTF-8
        text = data.decode("latin-1").removeprefix("\xef\xbb\xbf")  # flake8 strips a BOM here too
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class FileChecker:
    """Checks file contents against one registry; holds what is derived once per process."""

    def __init__(
        self, registry: Registry, today: datetime.date, *, fast: bool = True, all_canonical: bool = True
    ) -> None:
        self.registry = registry
        self.today = today
        self.fast = fast
        # False (check, fix): canonical imports only of files with findings. A file that imports
        # only canonically then needs no validation by CPython's parser, which is most of a
        # cold run's cost where most tracked imports are canonical (azure-cli: a third).
        self.all_canonical = all_canonical
        self.gate = prefilter.gate(registry)
        self._parsed_dirs: dict[str, bool] = {}

    def check(self, path: str, data: bytes) -> Outcome:
        if self.fast and self.cannot_have_findings(path, data):
            return EMPTY
        return self.check_candidate(path, data)

    def check_candidate(self, path: str, data: bytes) -> Outcome:
        """``check`` for content the byte prefilter did not rule out."""
        try:
            source = decode_like_flake8(data)
        except LookupError as error:  # a cookie naming a codec that is not a text encoding
            return Outcome(problem=describe(error))
        context = file_context(self.registry, path)
        try:
            with warnings.catch_warnings():
                # Invalid escapes and the like: the checked code's business, not ours.
                warnings.simplefilter("ignore")
                analysis, lexed = self._analyze(source, context)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return Outcome(problem=describe(error))
        if not analysis.findings and not (analysis.canonical and self.all_canonical):
            return EMPTY
        if lexed is None:
            reported, noqa = split_noqa(analysis.findings, source)
        else:
            reported, noqa = fastnoqa.split_noqa(analysis.findings, source, lexed)
        if not source.isascii():
            lines = source_lines(source)
            reported, noqa = _with_utf16_columns(reported, lines), _with_utf16_columns(noqa, lines)
        return Outcome(tuple(reported), tuple(noqa), tuple(analysis.canonical))

    def _analyze(self, source: str, context: FileContext) -> tuple[Analysis, Lexed | None]:
        """The analysis, and what the lexer found when the fast path made it. The reference
        (``fast=False``) parses even what the text prefilter rules out."""
        if self.fast:
            shortcut = fastpath.analyze_ascii(
                source, self.registry, context, today=self.today, all_canonical=self.all_canonical
            )
            if shortcut is not None:
                return shortcut.analysis, shortcut.lexed
            return analyze_source(source, self.registry, context, today=self.today), None
        if context.exempt:
            return Analysis([], []), None
        tree = ast.parse(source)
        lines = source_lines(source)
        return analyze_tree(tree, lines, self.registry, context, today=self.today, text=source), None

    def cannot_have_findings(self, path: str, data: bytes) -> bool:
        """The byte twin of ``rules.may_have_findings`` (negated), mostly without decoding.

        Bytes without a coding cookie are the text's UTF-8 (or not UTF-8 at all, and then
        left to the text test), so a gate's word occurs in one exactly when it occurs in the
        other; non-ASCII bytes are decoded only when the gate finds nothing, for the NFKC test.
        Anything else (a cookie, a file in a package the registry names) is left to the text test.
        """
        words = self.gate
        if words is None or may_declare_encoding(data):
            return False
        if self._in_named_package(path) or words.search_bytes(data):
            return False
        if data.isascii():
            return True
        try:
            return words.reads_as_is(data.decode("utf-8"))
        except UnicodeDecodeError:  # flake8 would read it as latin-1: the text test decides
            return False

    def _in_named_package(self, path: str) -> bool:
        """Whether files in this directory are inside a package the registry names (then
        ``from . import *`` needs no needle). Memoised per directory; a file whose own
        module name is unknown is answered conservatively (True: checked as text)."""
        directory = os.path.dirname(path)
        verdict = self._parsed_dirs.get(directory)
        if verdict is None:
            context = file_context(self.registry, os.path.join(directory, "__init__.py"))
            verdict = self._parsed_dirs[directory] = inside_named_package(self.registry, context)
        return verdict


def _with_utf16_columns(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """``utf16_col`` for the findings whose line has non-ASCII text before them: SARIF counts
    columns in UTF-16 code units, the AST (and flake8) in UTF-8 bytes."""
    result = []
    columns: dict[int, _Utf16Columns | None] = {}  # by line; None: an ASCII line
    for finding in findings:
        if finding.line not in columns:
            line = lines[finding.line - 1]
            columns[finding.line] = None if line.isascii() else _Utf16Columns(line)
        counter = columns[finding.line]
        if counter is not None:
            units = counter.units(finding.col)
            if units != finding.col:
                finding = finding._replace(utf16_col=units)
        result.append(finding)
    return result


class _Utf16Columns:
    """The UTF-16 columns of one line, for UTF-8 columns asked in rising order (findings are
    sorted): each is counted on from the one before, where encoding the line again for each
    finding was quadratic on a line of many statements."""

    def __init__(self, line: str) -> None:
        self._utf8 = line.encode("utf-8")
        self._col = self._units = 0  # the last column asked, and its UTF-16 column

    def units(self, col: int) -> int:
        if col < self._col:  # findings of one line given out of order: counted from its start
            self._col = self._units = 0
        self._units += len(self._utf8[self._col : col].decode("utf-8", "replace").encode("utf-16-le")) // 2
        self._col = col
        return self._units


def may_declare_encoding(data: bytes) -> bool:
    """Whether a coding cookie may sit in the first two lines (as detect_encoding reads them)."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    return b"coding" in (data if second < 0 else data[:second])
