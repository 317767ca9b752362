"""fast/lexer.py's words of interest: where in code the lexer reports them.

Whether the fast path's results are exact is tests/test_differential.py's part; this table
pins which matches the regex engine itself leaves out, the cost the lexer exists to save."""

from __future__ import annotations

import pytest

from flake8_ssot_ws.fast.lexer import Lexer

# (source, words found as source[start:end])
WORDS = [
    pytest.param("F = 1\n", ["F"], id="a-whole-name"),
    pytest.param("x = False\n", [], id="a-word-that-begins-a-longer-name-is-left-out"),
    pytest.param("x = IF + x1F + 0x1F\n", [], id="a-word-that-ends-a-longer-name-is-left-out"),
    pytest.param("x = F.y(F)\n", ["F", "F"], id="followed-by-punctuation"),
    pytest.param("x = 'F' # F\n", [], id="not-in-strings-or-comments"),
    pytest.param("x = PooledManagerV2\n", ["Manager"], id="a-part-is-found-inside-a-name"),
    pytest.param("x = Manager\n", ["Manager"], id="a-part-as-a-whole-name"),
]


@pytest.mark.parametrize(("source", "expected"), WORDS)
def test_words_of_interest(source: str, expected: list[str]) -> None:
    lexed = Lexer(["F"], bool, inside=["Manager"]).lex(source)
    assert lexed is not None
    assert [source[start:end] for start, end in lexed.words] == expected
