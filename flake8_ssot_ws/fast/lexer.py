"""Where the strings, comments and import statements of a Python source are.

One regular expression finds every comment and string literal (ending them where CPython's
tokenizer ends them), every ``import``/``from`` keyword and every word of interest outside
them. Because ``import`` is a hard keyword, each one in code belongs to exactly one import
statement, whose extent follows from the grammar of import statements (no strings, no
nested brackets). Anything the lexer cannot delimit with certainty -- an unterminated
string, an f-string that may hold code of interest or nested quotes -- makes it give up
(None): the caller then parses the file. So does a non-ASCII character outside strings and
comments: an identifier may then be spelled with characters whose NFKC form is a tracked name
(PEP 3131), which no text search sees. With all of them in strings and comments, every name
and keyword is ASCII and the lexer reads the code as it reads an ASCII file.

Results are exact only for source that parses; callers validate before trusting them.
"""

from __future__ import annotations

import bisect
import re
import sys
from typing import Callable
from typing import Iterable
from typing import NamedTuple

_COMMENT = r"#[^\r\n]*"
# Unrolled loops (no nested quantifiers), so a string that never closes fails in linear time.
_TRIPLE = r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''|\"\"\"[^\"\\]*(?:(?:\\[\s\S]|\"(?!\"\"))[^\"\\]*)*\"\"\""
_SINGLE = r"'[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'|\"[^\"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^\"\\\r\n]*)*\""
_UNTERMINATED = ("'", '"', "'''", '"""')
# Every alternative starts with a literal character, so the regex engine can skip ahead.
# The keywords as whole names only: `lazy_import` holds no keyword, and a watch glob's run
# (`*import`) must still find it as a word there.
_KEYWORDS = (r"import(?<![0-9A-Za-z_]import)(?![0-9A-Za-z_])", r"from(?<![0-9A-Za-z_]from)(?![0-9A-Za-z_])")
_ALWAYS = (_COMMENT, _TRIPLE, _SINGLE, *_UNTERMINATED, *_KEYWORDS)
# `from` + module (names, dots, blanks, backslash continuations) up to its `import`.
_FROM_MODULE = re.compile(r"(?:[ \t\f.\w]|\\(?:\r\n|\r|\n))*")
# After `import`: a parenthesised name list (comments allowed), or names to the end of the
# logical line (a `;`, a comment, or a newline no backslash continues). A comment runs to
# the end of its line (the lookahead), so a list that never closes fails in linear time.
_IMPORT_TAIL = re.compile(
    r"[ \t\f]*(?:\\(?:\r\n|\r|\n)[ \t\f]*)*"
    r"(?:\([^)#]*(?:#[^\r\n]*(?![^\r\n])[^)#]*)*\)|[^\r\n;#\\]*(?:\\(?:\r\n|\r|\n)[^\r\n;#\\]*)*)"
)
_BRACKET_OR_SKIP = re.compile("|".join((_COMMENT, _TRIPLE, _SINGLE, r"[()\[\]{}]")))
_NEWLINE = re.compile(r"\r\n|\r|\n")
WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_PREFIX_CHARS = frozenset("rRbBuUfFtT")
_STRING_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
# f-strings nest quotes from Python 3.12 on (PEP 701): only plain fields are read as-is.
_NESTED_FSTRINGS = sys.version_info >= (3, 12)

Span = tuple[int, int]


class Lexed(NamedTuple):
    statements: list[Span]  # import statements
    words: list[Span]  # words of interest in code
    comments: list[Span]
    multiline: list[Span]  # strings that span lines
    multiline_fstring: bool  # whether one of those is formatted


class Lexer:
    """Finds ``words`` in code as whole names, and ``inside`` (parts of names, such as a
    watch glob's literal run) anywhere; a formatted string whose fields ``of_interest`` says
    may hold code of interest makes ``lex`` give up.

    A word inside a longer name (`F` in `False`) is left out in the regex engine: real code
    holds many of them for short tracked names, and each would cost a Python iteration here
    and in the caller only to be dropped there (Django's registry: 21,000 of 25,000)."""

    def __init__(self, words: Iterable[str], of_interest: Callable[[str], bool], inside: Iterable[str] = ()) -> None:
        parts = set(inside)
        # Longest first, so that the longest of two words starting at one place is found. Each
        # alternative still starts with its literal (the engine's skip-ahead), so the name
        # character before a word is looked for behind it; a lookbehind or a group in front of
        # the words would lose that (3 times slower, measured).
        ordered = sorted(set(words) | parts, key=lambda word: (-len(word), word))
        alternatives = (word if word in parts else _whole_name(word) for word in map(re.escape, ordered))
        self._pattern = re.compile("|".join((*_ALWAYS, *alternatives)))
        self._of_interest = of_interest

    def lex(self, source: str) -> Lexed | None:
        statements: list[Span] = []
        words: list[Span] = []
        comments: list[Span] = []
        multiline: list[Span] = []
        multiline_fstring = False
        last_from: int | None = None
        # Code is what lies between the matches (every string and comment is one).
        code_from: int | None = None if source.isascii() else 0
        for match in self._pattern.finditer(source):
            start, end = match.span()
            if code_from is not None:
                if not source[code_from:start].isascii():
                    return None
                code_from = end
            first = source[start]
            if first == "#":
                comments.append((start, end))
                last_from = None
                continue
            text = match.group()
            if first in "'\"":
                if text in _UNTERMINATED:
                    return None
                formatted = bool(start) and source[start - 1] in _PREFIX_CHARS and _formatted(source, start)
                if formatted and not self._plain_fstring(text):
                    return None
                if "\n" in text or "\r" in text:
                    multiline.append((start, end))
                    multiline_fstring = multiline_fstring or formatted
                last_from = None
            elif text not in ("import", "from") or _inside_a_name(source, start, end):
                words.append((start, end))  # a word; `import` in `lazy_import` is a glob's run
            elif text == "from":
                last_from = start
            else:
                begin = start
                if last_from is not None and _FROM_MODULE.fullmatch(source, last_from + 4, start):
                    begin = last_from
                tail = _IMPORT_TAIL.match(source, end)
                assert tail is not None  # every part of the pattern may match empty
                statements.append((begin, tail.end()))
                last_from = None
        if code_from is not None and not source[code_from:].isascii():
            return None
        return Lexed(statements, words, comments, multiline, multiline_fstring)

    def _plain_fstring(self, text: str) -> bool:
        """False for an f-string that may hold code of interest or that may not end here."""
        quote = 3 if len(text) >= 6 and text.startswith(text[0] * 3) else 1
        body = text[quote:-quote]
        fields = field_text(body)  # code sits only in the fields: `f"Q: {x}"` holds no code `Q`
        if self._of_interest(body if fields is None else fields):
            return False
        if _NESTED_FSTRINGS:  # pragma: >=3.12 cover
            return fields_are_plain(body)
        return True  # pragma: <3.12 cover


def _inside_a_name(source: str, start: int, end: int) -> bool:
    return (start > 0 and source[start - 1] in WORD) or source[end : end + 1] in WORD


def _whole_name(escaped: str) -> str:
    """``escaped`` where no name character comes before or after it (ASCII: code holding
    other characters is not lexed)."""
    return f"{escaped}(?<![0-9A-Za-z_]{escaped})(?![0-9A-Za-z_])"


def _formatted(source: str, quote: int) -> bool:
    """Whether the string opening at ``quote`` has an f (or t) prefix."""
    prefix_start = quote
    while prefix_start and source[prefix_start - 1] in WORD:
        prefix_start -= 1
    prefix = source[prefix_start:quote].lower()
    return prefix in _STRING_PREFIXES and ("f" in prefix or "t" in prefix)


def fields_are_plain(body: str) -> bool:
    """True when each replacement field of an f-string body closes inside it and holds no
    quote, comment or backslash: then, whatever the Python version, the string ends at its
    first unescaped quote, as the lexer assumed."""
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


def field_text(body: str) -> str | None:
    """The replacement fields of an f-string body, joined (a superset of its code: format
    specs too); None when a field holds a quote, comment or backslash, which could end it
    elsewhere than its first closing brace, or when the braces do not balance."""
    fields: list[str] = []
    depth = 0
    field_start = index = 0
    while index < len(body):
        char = body[index]
        if depth == 0:
            if char in "{}" and body.startswith(char * 2, index):
                index += 2  # a literal brace
                continue
            if char == "}":
                return None
            if char == "{":
                depth, field_start = 1, index
        elif char in "'\"#\\":
            return None
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if not depth:
                fields.append(body[field_start : index + 1])
        index += 1
    return None if depth else " ".join(fields)


def closing_bracket(source: str, opening: int) -> int | None:
    """The offset of the bracket closing the one at ``opening``, skipping strings and
    comments; None if it never closes."""
    depth = 0
    for match in _BRACKET_OR_SKIP.finditer(source, opening):
        char = match.group()
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if not depth:
                return match.start()
    return None


class Lines:
    """Offsets -> (1-based line, 0-based column in UTF-8 bytes, as the AST counts), lines
    ending as Python's tokenizer ends them (``\\r\\n``, ``\\r``, ``\\n``)."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._ascii = source.isascii()
        # Without carriage returns, counting newlines is cheaper than indexing every line.
        self._starts = [0, *(match.end() for match in _NEWLINE.finditer(source))] if "\r" in source else None
        # The last answer: callers ask in increasing order, so counting on from there keeps a
        # file with 100,000 imports, or a line of 100,000 statements, linear instead of quadratic.
        self._last_offset, self._last_line, self._last_line_start = 0, 1, 0
        self._column_offset = self._column_bytes = 0  # the last column counted, non-ASCII text

    def position(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            if offset < self._last_offset:
                self._last_offset, self._last_line, self._last_line_start = 0, 1, 0
            newlines = self._source.count("\n", self._last_offset, offset)
            if newlines:
                self._last_line += newlines
                self._last_line_start = self._source.rfind("\n", self._last_offset, offset) + 1
            self._last_offset = offset
            return self._last_line, self._column(self._last_line_start, offset)
        line = bisect.bisect_right(self._starts, offset)
        return line, self._column(self._starts[line - 1], offset)

    def _column(self, line_start: int, offset: int) -> int:
        if self._ascii:
            return offset - line_start
        # Counted on from the last column when it is on this line, before this one.
        if not line_start <= self._column_offset <= offset:
            self._column_offset, self._column_bytes = line_start, 0
        self._column_bytes += len(self._source[self._column_offset : offset].encode("utf-8", "surrogatepass"))
        self._column_offset = offset
        return self._column_bytes


def count_lines(text: str) -> int:
    return len(_NEWLINE.findall(text))
