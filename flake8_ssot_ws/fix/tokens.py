"""The token edits of one ``from`` import statement, for fix/rewrite.py.

The statement's exact text goes through tokenize-rt, which keeps every character
(whitespace, comments, backslash continuations) as a token, so an edit touches only
the tokens it means to; joining the tokens gives the new text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tokenize_rt import NON_CODING_TOKENS
from tokenize_rt import Token
from tokenize_rt import src_to_tokens
from tokenize_rt import tokens_to_src

from flake8_ssot_ws.registry import ImportSpec

_NOT_CODE = NON_CODING_TOKENS | {"NEWLINE", "ENDMARKER"}
_KEPT_WHEN_REMOVING = frozenset({"COMMENT", "NL"})


class Unsure(Exception):
    """A statement that will not be rewritten; ``str()`` says why."""


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


def edit_statement(
    segment: str, node: ast.ImportFrom, fixes: dict[int, ImportSpec], own_lines: bool
) -> tuple[str, list[tuple[ImportSpec, str]]]:
    """The statement's new text, and the canonical imports split off it (with the comment
    that moves along) in alias order."""
    tokens = src_to_tokens(segment)
    module_first, module_last, aliases = _parse(tokens)
    bound = [alias.asname or alias.name for alias in node.names]
    kept = [index for index in range(len(aliases)) if index not in fixes]
    in_place_module = None if kept else fixes[min(fixes)].module
    removed = [index for index in sorted(fixes) if fixes[index].module != in_place_module]
    for index in removed:
        if bound.count(bound[index]) > 1:
            raise Unsure(f"{bound[index]!r} is bound twice by this statement")
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
        text = in_place_module
        if tokens[module_first - 1].name != "UNIMPORTANT_WS":  # from.legacy import X
            text = f" {text}"
        if tokens[module_last + 1].name not in NON_CODING_TOKENS:  # from .import X
            text = f"{text} "
        replace[module_first] = text
        # All of the old name goes, backslash continuations inside it too (`from app.\\` +
        # newline + `old import X`): the new name is written in one piece.
        drop.update(range(module_first + 1, module_last + 1))
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
    _tidy_blanks(tokens, drop)
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


_BLANKS = frozenset({"UNIMPORTANT_WS", "ESCAPED_NL"})
_NOT_CODE_AT_THE_END = _BLANKS | {"NEWLINE", "ENDMARKER"}


def _tidy_blanks(tokens: list[Token], drop: set[int]) -> None:
    """Drop the blanks that removals left where they were not before: one now ending its line
    (``helper, Manager`` + newline -> ``helper, `` + newline: W291), and one of two now side by
    side (``import Manager, \\`` -> ``import  \\``): the second, unless a comment follows
    it, whose spacing it is (then the first, unless it indents its line). Blanks that were
    side by side with a line's end or each other already are kept."""
    kept = [index for index in range(len(tokens)) if index not in drop]
    for here, after in zip(kept, kept[1:]):
        if tokens[here].name != "UNIMPORTANT_WS" or after == here + 1:
            continue  # not a blank, or nothing between them was removed
        if tokens[after].name == "NL":
            drop.add(here)
        elif tokens[after].name == "UNIMPORTANT_WS":
            if tokens[after + 1].name != "COMMENT":
                drop.add(after)
            elif tokens[here - 1].name != "NL":  # a line's indentation stays where it is
                drop.add(here)
    # The statement's own end: it ended in code, so blanks and backslash continuations kept
    # after its last kept code are what a removal left (`helper ,Manager` -> `helper `).
    last_code = max(index for index in kept if tokens[index].name not in _NOT_CODE_AT_THE_END)  # `from` is kept
    drop.update(index for index in kept[kept.index(last_code) + 1 :] if tokens[index].name in _BLANKS)
