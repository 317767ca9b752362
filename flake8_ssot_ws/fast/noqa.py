"""``# noqa`` for the fast path, reading only the lines that hold findings.

flake8 searches for ``# noqa`` in the physical line of a finding, widened to every line
that a token spans (a multi-line string) or that a backslash continuation joins
(core/noqa.py, after flake8's ``FileProcessor._noqa_line_mapping``). The lexer already knows the
multi-line strings and comments, so those line groups follow without tokenizing the file.

Each group becomes one line ``#x <its lines, line breaks as spaces>`` of a small stand-in
source, and ``noqa.split_noqa`` decides on that: a comment line is its own group, the
``#x `` prefix cannot complete a ``# noqa``, and the ``# noqa`` pattern reads a line break
and a space alike. Sources where that reasoning does not hold (line breaks that
``str.splitlines`` sees and the tokenizer does not, a file-level ``# flake8: noqa``, a
multi-line f-string, which the tokenizer splits into parts) go to ``noqa.split_noqa``.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

from flake8_ssot_ws.core import noqa
from flake8_ssot_ws.fast.lexer import Lexed
from flake8_ssot_ws.fast.lexer import Lines
from flake8_ssot_ws.fast.lexer import Span
from flake8_ssot_ws.core.rules import Finding

_EXTRA_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_FILE_NOQA_HINT = re.compile(r"flake8[:=]", re.IGNORECASE)
_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_noqa(findings: Sequence[Finding], source: str, lexed: Lexed) -> tuple[list[Finding], list[Finding]]:
    """Exactly ``noqa.split_noqa(findings, source)`` for a source that parses."""
    if not findings or "noqa" not in source.lower():
        return list(findings), []
    if lexed.multiline_fstring or _EXTRA_LINE_BREAKS.search(source) or _FILE_NOQA_HINT.search(source):
        return noqa.split_noqa(findings, source)
    lines = source.splitlines(keepends=True)
    joined = _joined_lines(source, lexed)
    groups: dict[int, int] = {}  # first line of a group -> its line in the stand-in source
    stand_in: list[str] = []
    moved: list[Finding] = []
    for finding in findings:
        first = last = finding.line
        while first - 1 in joined:
            first -= 1
        while last in joined:
            last += 1
        if first not in groups:
            text = _LINE_BREAK.sub(" ", "".join(lines[first - 1 : last]))
            stand_in.append(f"#x {text}\n")
            groups[first] = len(stand_in)
        moved.append(finding._replace(line=groups[first]))
    kept, _ = noqa.split_noqa(moved, "".join(stand_in))
    kept_ids = {id(finding) for finding in kept}
    reported = [f for f, m in zip(findings, moved) if id(m) in kept_ids]
    suppressed = [f for f, m in zip(findings, moved) if id(m) not in kept_ids]
    return reported, suppressed


def _joined_lines(source: str, lexed: Lexed) -> set[int]:
    """Lines joined to the next one: inside a multi-line string, or ending in a backslash
    continuation outside strings and comments."""
    positions = Lines(source)
    joined: set[int] = set()
    for start, end in lexed.multiline:
        first, _ = positions.position(start)
        last, _ = positions.position(end - 1)
        joined.update(range(first, last))
    for match in _CONTINUATION.finditer(source):
        if not _inside(lexed.multiline, match.start()) and not _inside(lexed.comments, match.start()):
            joined.add(positions.position(match.start())[0])
    return joined


def _inside(spans: Sequence[Span], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, offset)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]
