"""The line of a registry's TOML text that a validation error's key names.

tomllib gives values, not positions, so a schema error (``group[3].legacy[1].deadlin:
unknown key``) could name only its key: in a registry of dozens of ``[[group.legacy]]``
tables the reader had to count them. ``line_of`` reads the text once, line by line, the way
TOML nests it: table headers (``[[group]]`` numbering the array's tables, ``[[group.legacy]]``
numbering within the last group), keys, and the values between them (strings, multi-line
strings and arrays skipped exactly, so a ``[`` or ``=`` inside a value is not taken for
syntax). It runs only when a registry fails to validate, and in one pass over the text.

An error's key is found as deep as the text spells it: a key missing from its table gives the
table's header line, an inline table (``legacy = [{...}]``) the line of its key. None when
nothing of it is spelt (a key of the document as a whole).
"""

from __future__ import annotations

import re
from typing import Sequence
from typing import Union

Part = Union[str, int]
KeyPath = tuple[Part, ...]

_WHERE_PART = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = " \t"
# Headers deeper than a registry's (``[[tool.flake8-ssot-ws.group.legacy]]`` is 4) are passed
# over: resolving one costs its depth squared.
_DEEPEST = 8


def key_path(where: str) -> KeyPath:
    """``group[0].legacy[1].use`` -> ``("group", 0, "legacy", 1, "use")``."""
    parts: list[Part] = []
    for match in _WHERE_PART.finditer(where):
        parts.append(match.group(1))
        parts.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return tuple(parts)


def line_of(text: str, where: str, table: Sequence[str] = ()) -> int | None:
    """The 1-based line that spells the most of ``where`` (a validator's key, relative to the
    ``table`` that holds the registry: ``("tool", "flake8-ssot-ws")`` in a pyproject.toml);
    None when no part of it is spelt."""
    reading = _Lines(text)
    if any(path[: len(table)] == tuple(table) for path in reading.ambiguous):
        return None  # a wrong line is worse than none (another tool's table does not count)
    lines = reading.positions
    wanted = (*table, *key_path(where))
    # Down to the registry's own table: its header's line, or its key's when it is an inline
    # table (`flake8-ssot-ws = {group = [...]}` under `[tool]`, whose inside is not read).
    for length in range(len(wanted), max(len(table) - 1, 0), -1):
        found = lines.get(wanted[:length])
        if found is not None:
            return found
    return None


class _Lines:
    """Every table header's and key's path -> its first line, in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # an array of tables' path -> its last index
        # A quoted key holding `.`, `[` or `]` reads in an error's key as nesting of its own
        # (`"canonical[0]"` as the array's element): no line can be told for certain under the
        # paths that hold one (a pyproject's `"flake8.extension"` entry points are not ours).
        self.ambiguous: list[KeyPath] = []
        self._quoted_ambiguous = False
        self.table: KeyPath = ()
        self.line = 1
        self.index = 0
        self._read()

    def _read(self) -> None:
        text = self.text
        while self.index < len(text):
            self._skip(_BLANK)
            char = text[self.index : self.index + 1]
            if char in ("\n", "\r"):
                self._newline()
            elif char == "#":
                self._comment()
            elif char == "[":
                self._header()
            else:
                self._key_value()

    # --- statements ------------------------------------------------------------------------

    def _header(self) -> None:
        array = self.text.startswith("[[", self.index)
        self.index += 2 if array else 1
        keys = self._dotted_key()
        if keys is None or len(keys) > _DEEPEST:
            self._rest_of_line()
            return
        path = (*self._resolve(keys[:-1]), keys[-1])
        if array:
            number = self.arrays.get(path, -1) + 1
            self.arrays[path] = number
            self._mark(path)
            path = (*path, number)
        self.table = path
        self._mark(path)
        self._note_ambiguity(path)
        self._rest_of_line()

    def _key_value(self) -> None:
        keys = self._dotted_key()
        if keys is None or not self.text.startswith("=", self.index):
            self._rest_of_line()
            return
        # Each part of a dotted key is spelt here too: `legacy.import = ...` makes `legacy` a
        # table, which an error may name (up to a registry's depth: each costs its length).
        for length in range(1, min(len(keys), _DEEPEST) + 1):
            self._mark((*self.table, *keys[:length]))
        self._mark((*self.table, *keys))
        self._note_ambiguity((*self.table, *keys))
        self.index += 1
        self._value()

    def _note_ambiguity(self, path: KeyPath) -> None:
        if self._quoted_ambiguous:
            self.ambiguous.append(path)
            self._quoted_ambiguous = False

    def _resolve(self, keys: tuple[str, ...]) -> KeyPath:
        """A header's parent keys; one that names an array of tables means its last table."""
        path: KeyPath = ()
        for key in keys:
            path = (*path, key)
            if path in self.arrays:
                path = (*path, self.arrays[path])
        return path

    def _mark(self, path: KeyPath) -> None:
        self.positions.setdefault(path, self.line)

    # --- pieces ------------------------------------------------------------------------------

    def _dotted_key(self) -> tuple[str, ...] | None:
        """``a.b."c d"``, blanks around the dots; the index after it (and its blanks)."""
        keys: list[str] = []
        while True:
            self._skip(_BLANK)
            key = self._key()
            if key is None:
                return None
            keys.append(key)
            self._skip(_BLANK)
            if not self.text.startswith(".", self.index):
                return tuple(keys)
            self.index += 1

    def _key(self) -> str | None:
        text, start = self.text, self.index
        quote = text[start : start + 1]
        if quote in ('"', "'"):
            end = self._string_end(start, quote)
            if end is None:
                return None
            self.index = end
            key = text[start + 1 : end - 1]
            self._quoted_ambiguous = self._quoted_ambiguous or any(char in key for char in ".[]")
            return key
        match = _BARE_KEY.match(text, start)
        if match is None:
            return None
        self.index = match.end()
        return match.group()

    def _value(self) -> None:
        """Past a value, however many lines it takes: strings and brackets skipped exactly."""
        depth = 0
        text = self.text
        while self.index < len(text):
            char = text[self.index]
            if char in ('"', "'"):
                end = self._string_end(self.index, char)
                if end is None:
                    return  # broken: TOML would have refused it; stop reading
                self.index = end
            elif char == "#":
                self._comment()
            elif char in ("\n", "\r"):
                if depth == 0:
                    return
                self._newline()
            else:
                if char in "[{":
                    depth += 1
                elif char in "]}":
                    depth -= 1
                self.index += 1

    def _string_end(self, start: int, quote: str) -> int | None:
        """The index after the string that opens at ``start`` (counting the lines it spans)."""
        text = self.text
        triple = text.startswith(quote * 3, start)
        delimiter = quote * 3 if triple else quote
        index = start + len(delimiter)
        lines = 0
        while index < len(text):
            char = text[index]
            if char == "\\" and quote == '"':
                lines += text[index + 1 : index + 2] == "\n"
                index += 2
                continue
            if char == "\n":
                if not triple:
                    return None
                lines += 1
            elif text.startswith(delimiter, index):
                end = index + len(delimiter)
                while triple and text.startswith(quote, end) and end - index < 5:
                    end += 1  # up to two quotes more belong to the string: `"""a"""""`
                self.line += lines
                return end
            index += 1
        return None

    def _comment(self) -> None:
        while self.index < len(self.text) and self.text[self.index] not in "\r\n":
            self.index += 1

    def _rest_of_line(self) -> None:
        self._comment()

    def _newline(self) -> None:
        if self.text.startswith("\r\n", self.index):
            self.index += 1
        self.index += 1
        self.line += 1

    def _skip(self, characters: str) -> None:
        while self.index < len(self.text) and self.text[self.index] in characters:
            self.index += 1
