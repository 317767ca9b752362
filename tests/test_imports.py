"""Import records: alias positions (the Python 3.9 token path), relative imports, bindings."""

from __future__ import annotations

import ast
import sys

import pytest

from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.core.imports import EncodedLines
from flake8_ssot_ws.core.imports import alias_positions_from_tokens
from flake8_ssot_ws.core.imports import imported_names
from flake8_ssot_ws.core.imports import iter_import_statements
from flake8_ssot_ws.core.imports import resolve_relative
from flake8_ssot_ws.core.imports import source_lines

# One import statement each; expected (line, UTF-8 byte column) of every alias. On Python
# 3.10+ the AST's own alias positions must agree, which proves the token path right.
POSITIONS = [
    pytest.param("from a import b\n", [(1, 14)], id="from-import"),
    pytest.param("import a.b as c, d\n", [(1, 7), (1, 17)], id="import-dotted-alias-and-second-name"),
    pytest.param("from a import (\n    b,\n    c as d,\n)\n", [(2, 4), (3, 4)], id="parenthesised-multi-line"),
    pytest.param(
        "from a import (  # import x, y\n    b,  # c, d\n    e)\n",
        [(2, 4), (3, 4)],
        id="comments-holding-commas-and-import",
    ),
    pytest.param("from a import b, \\\n    c\n", [(1, 14), (2, 4)], id="backslash-continuation"),
    pytest.param("from a \\\n    import b\n", [(2, 11)], id="backslash-before-import"),
    pytest.param("x = 1; from a import b\n", [(1, 21)], id="after-semicolon"),
    pytest.param("s = '\u00e9'; from a import b\n", [(1, 24)], id="non-ASCII-text-before"),
    pytest.param("from a import caf\u00e9, b\n", [(1, 14), (1, 21)], id="after-a-non-ASCII-name"),
    pytest.param("from a import (caf\u00e9,\n    \uff42 as \u00e9)\n", [(1, 15), (2, 4)], id="fullwidth-name"),
    pytest.param("def f():\n\tfrom . import (x,\n\t\ty)\n", [(2, 16), (3, 2)], id="tab-indented-relative"),
    pytest.param("from ...pkg import *\n", [(1, 19)], id="star"),
    pytest.param("if x: import a.b as c\n", [(1, 13)], id="inline-after-colon"),
    pytest.param("x = 1\r\nfrom a import (b,\r\n    c)\r\n", [(2, 15), (3, 4)], id="CRLF"),
    pytest.param("x = 1\rfrom a import (b,\r    c)\r", [(2, 15), (3, 4)], id="lone-CR"),
    pytest.param("\x0cfrom a import b\n", [(1, 15)], id="form-feed-at-line-start"),
    pytest.param("'''\x0c'''\nfrom a import (b,\n c)\n", [(2, 15), (3, 1)], id="form-feed-inside-a-string"),
    pytest.param("from a import (b)  # noqa\n", [(1, 15)], id="parenthesised-single-name"),
]


def _only_import(source: str) -> ast.Import | ast.ImportFrom:
    (statement,) = iter_import_statements(ast.parse(source))
    return statement


@pytest.mark.parametrize(("source", "expected"), POSITIONS)
def test_alias_positions_from_tokens(source: str, expected: list[tuple[int, int]]) -> None:
    statement = _only_import(source)
    assert alias_positions_from_tokens(statement, source_lines(source)) == expected
    if sys.version_info >= (3, 10):  # pragma: >=3.10 cover
        assert [(alias.lineno, alias.col_offset) for alias in statement.names] == expected
    assert [(record.line, record.col) for record in imported_names(ast.parse(source), None, source_lines(source))] == (
        expected
    )


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([], id="no-lines"),
        pytest.param(["import os\n", "\n"], id="other-source"),
        pytest.param(["x ='\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'\n", "\n"], id="cut-inside-a-character"),
        pytest.param(["x = 1; from a import (b,\n", "\n"], id="unterminated-parenthesis"),
    ],
)
def test_mismatched_lines_fall_back_to_the_statement_position(lines: list[str]) -> None:
    statement = _only_import("x = 1; from a import (b,\n    c)\n")
    assert alias_positions_from_tokens(statement, lines) == [(1, 7), (1, 7)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("", [], id="empty"),
        pytest.param("a\nb", ["a\n", "b"], id="no-final-newline"),
        pytest.param("a\r\nb\rc\n", ["a\r\n", "b\r", "c\n"], id="CRLF-and-CR"),
        pytest.param(
            "a\x0cb\x0b\x1c\x1d\x1e\x85\u2028\u2029\nc\n",
            ["a\x0cb\x0b\x1c\x1d\x1e\x85\u2028\u2029\n", "c\n"],
            id="characters-str-splitlines-would-split-at",
        ),
    ],
)
def test_source_lines(source: str, expected: list[str]) -> None:
    assert source_lines(source) == expected
    assert "".join(expected) == source


@pytest.mark.parametrize(
    ("level", "module", "package", "expected"),
    [
        pytest.param(0, "a.b", None, "a.b", id="absolute"),
        pytest.param(1, "x", "app.services", "app.services.x", id="one-dot"),
        pytest.param(2, "x.y", "app.services", "app.x.y", id="two-dots"),
        pytest.param(1, None, "app.services", "app.services", id="from-dot-import"),
        pytest.param(2, None, "app.services", "app", id="from-two-dots-import"),
        pytest.param(3, "x", "app.services", None, id="beyond-top-level"),
        pytest.param(1, "x", None, None, id="unknown-package"),
        pytest.param(1, "x", "", None, id="top-level-module"),
    ],
)
def test_resolve_relative(level: int, module: str | None, package: str | None, expected: str | None) -> None:
    assert resolve_relative(level, module, package) == expected


@pytest.mark.parametrize(
    ("source", "bound", "bound_path"),
    [
        pytest.param("import a.b.c\n", "a", "a", id="import-binds-top-package"),
        pytest.param("import a.b.c as m\n", "m", "a.b.c", id="import-as"),
        pytest.param("from a.b import c\n", "c", "a.b.c", id="from-import"),
        pytest.param("from a.b import c as d\n", "d", "a.b.c", id="from-import-as"),
        pytest.param("from . import c\n", "c", "pkg.c", id="relative"),
        pytest.param("from .... import c\n", "c", None, id="unresolved-relative"),
        pytest.param("from a import *\n", "*", None, id="star"),
    ],
)
def test_bindings(source: str, bound: str, bound_path: str | None) -> None:
    (record,) = imported_names(ast.parse(source), "pkg", source_lines(source))
    assert (record.bound, record.bound_path) == (bound, bound_path)


def test_records_keep_module_name_alias_and_statement() -> None:
    source = "import os\nfrom .sub import (a as b,\n    c)\n"
    tree = ast.parse(source)
    records = sorted(imported_names(tree, "pkg", source_lines(source)), key=lambda r: (r.line, r.col))
    statement = tree.body[1]
    assert isinstance(statement, ast.ImportFrom)
    assert records == [
        ImportedName(tree.body[0], 0, "os", None, None, 1, 7),  # type: ignore[arg-type]
        ImportedName(statement, 0, "pkg.sub", "a", "b", 2, 18),
        ImportedName(statement, 1, "pkg.sub", "c", None, 3, 4),
    ]


_STATEMENT = ast.ImportFrom(module="m", names=[ast.alias(name="n")], level=0)


@pytest.mark.parametrize(
    ("other", "equal"),
    [
        pytest.param(ImportedName(_STATEMENT, 0, "m", "n", None, 1, 14), True, id="same fields: equal"),
        pytest.param(ImportedName(_STATEMENT, 0, "m", "n", "x", 1, 14), False, id="another asname: not equal"),
        pytest.param((_STATEMENT, 0, "m", "n", None, 1, 14), False, id="a tuple of the same fields: not equal"),
    ],
)
def test_records_compare_by_their_fields_as_the_frozen_dataclass_did(other: object, equal: bool) -> None:
    record = ImportedName(_STATEMENT, 0, "m", "n", None, 1, 14)
    assert (record == other) is equal
    if equal:
        assert hash(record) == hash(other)


def test_records_are_immutable_and_show_their_fields() -> None:
    record = ImportedName(_STATEMENT, 0, "m", "n", None, 1, 14)
    with pytest.raises(AttributeError, match="cannot assign to field 'name'"):
        record.name = "o"
    assert repr(record) == (
        f"ImportedName(statement={_STATEMENT!r}, index=0, module='m', name='n', asname=None, line=1, col=14)"
    )


def test_every_statement_block_is_walked() -> None:
    source = (
        "import a0\n"
        "def f():\n    import a1\n"
        "class C:\n    import a2\n"
        "async def g():\n    async with x:\n        import a3\n    async for y in z:\n        import a4\n"
        "if x:\n    import a5\nelif y:\n    import a6\nelse:\n    import a7\n"
        "for y in z:\n    import a8\nelse:\n    import a9\n"
        "while x:\n    import a10\nelse:\n    import a11\n"
        "try:\n    import a12\nexcept ImportError:\n    import a13\nelse:\n    import a14\nfinally:\n    import a15\n"
        "with x:\n    import a16\n"
        "x = lambda: __import__('not_a_statement')\n"
    )
    names = sorted(int(s.names[0].name[1:]) for s in iter_import_statements(ast.parse(source)))
    assert names == list(range(17))


def test_encoded_lines_encode_each_line_once() -> None:
    lines = EncodedLines(["s = '\u00e9'\n", "x = 1\n"])
    first = lines[0]
    assert first == "s = '\u00e9'\n".encode() and lines[0] is first and lines[1] == b"x = 1\n"
