"""``# noqa`` exactly as flake8 applies it, for the commands that run without flake8.

flake8 searches for the comment in the finding's physical line, widened to every line of a
token that spans lines (a multi-line string, a backslash continuation); a file-level
``# flake8: noqa`` line skips the file. The regexes are flake8's own (flake8/defaults.py).
"""
from __future__ import annotations

import io
import re
from typing import Sequence

from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.rules import Finding

NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_CODE_SEPARATOR = re.compile(r"[,\s]")


def split_noqa(findings: Sequence[Finding], source: str) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed): the findings flake8 would report, and those ``# noqa`` hides."""
    if not findings or "noqa" not in source.lower():
        return list(findings), []
    lines = source_lines(source)
    if any(NOQA_FILE.match(line) for line in lines):
        return [], list(findings)
    mapping = _line_mapping(source, lines)
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        text = mapping.get(finding.line)
        if text is None:
            text = lines[finding.line - 1] if finding.line <= len(lines) else ""
        (suppressed if _ignores(text, finding.code) else kept).append(finding)
    return kept, suppressed


def _ignores(text: str, code: str) -> bool:
    match = NOQA_INLINE.search(text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = tuple(item for item in _CODE_SEPARATOR.split(codes_text) if item)
    return code in codes or code.startswith(codes)


def _line_mapping(source: str, lines: Sequence[str]) -> dict[int, str]:
    """flake8's ``FileProcessor._noqa_line_mapping``: line -> text searched for noqa."""
    import tokenize  # only here: the fast path's noqa (fast/noqa.py) rarely comes this far

    mapping: dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        # Universal newlines, as flake8 reads files: a lone "\r" ends a line for the parser,
        # but readline without translation would not split there.
        for token in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[first - 1:last])
                mapping.update(dict.fromkeys(range(first, last + 1), joined))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping
