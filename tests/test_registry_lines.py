"""registry/lines.py: the line a validation error's key names, read from the TOML text."""

from __future__ import annotations

import time

import pytest

from flake8_ssot_ws.registry.lines import key_path
from flake8_ssot_ws.registry.lines import line_of

REGISTRY = """\
# a registry
exempt = ["a.py",
  "b.py"]  # [not a header] x = 1

[[group]]
name = "g"
doc = \"\"\"a multi-line string
[[group]]
name = "not a key"
\"\"\"
canonical = ['from a import B']

[[group.legacy]]
import = "from c import B"
deadlin = 2026-03-31

[[group]]
"name" = 'h'
legacy = [{import = "from d import E"}]
"""

LINES = [
    pytest.param(REGISTRY, "exempt[1]", 2, id="an array element: its key's line"),
    pytest.param(REGISTRY, "group[0].name", 6, id="a key of the first table of an array"),
    pytest.param(REGISTRY, "group[0].canonical[0]", 11, id="after a multi-line string that holds a header and a key"),
    pytest.param(REGISTRY, "group[0].legacy[0].deadlin", 15, id="a nested array's table: numbered in its group"),
    pytest.param(REGISTRY, "group[0].legacy[0].use", 13, id="a key the table lacks: the table's header"),
    pytest.param(REGISTRY, "group[1].name", 18, id="a quoted key"),
    pytest.param(REGISTRY, "group[1].legacy[0].import", 19, id="an inline table: its key's line"),
    pytest.param(REGISTRY, "src[0]", None, id="nothing of the key spelt: no line"),
    pytest.param("a = 1\r\nb = 2\r\n", "b", 2, id="CRLF line endings"),
    pytest.param("a = '''x\n'''\n\nb = 'it''s'\n", "b", 4, id="literal strings, multi-line and not"),
    pytest.param('a = "x\\"y # [z]"\nb = 1\n', "b", 2, id="an escaped quote and a comment-like text in a string"),
    pytest.param('a = """x\\\n  y"""\nb = 1\n', "b", 3, id="a line-ending backslash in a multi-line string"),
    pytest.param('a = """x""""\nb = 1\n', "b", 2, id="quotes before the closing ones belong to the string"),
    pytest.param("[x]\nb.c = 1\n", "x.b.c", 2, id="a dotted key"),
    pytest.param("[x]\na = 1\nb.c = 1\n", "x.b", 3, id="a dotted key's first part: its line, not the table's"),
    pytest.param('[x]\na = 1\n"a[0]" = 2\n', "x.a[0]", None, id="a quoted key that reads as nesting: no line"),
    pytest.param('[x]\nw = 1\n"w.m" = 2\n', "x.w.m", None, id="a quoted key with a dot: no line"),
    pytest.param('[x]\nw = 1\n"w m" = 2\n', "x.w m", 3, id="a quoted key without such characters: its line"),
    pytest.param("[ x . y ]\nb = 1\n", "x.y.b", 2, id="blanks in a header"),
    pytest.param("a = [\n  1, # ]\n  2,\n]\nb = 1\n", "b", 5, id="an array over lines, a bracket in its comment"),
    pytest.param("a = {x = [1,\n2]}\nb = 1\n", "b", 3, id="an inline table over lines"),
    pytest.param("= 1\n[\nb = 1\n", "b", 3, id="lines that are not TOML are passed over"),
    pytest.param("a = \"open\nb = 1\n", "b", 2, id="a string that does not close: the rest still counted"),
    pytest.param('"open = 1\nb = 1\n', "b", 2, id="a quoted key that does not close"),
    pytest.param("a = '''open\nb = 1\n", "b", 2, id="a multi-line string that never closes: the lines after it read"),
    pytest.param("[a.b.c.d.e.f.g.h.i]\nx = 1\n[j]\nb = 1\n", "j.b", 4, id="a header deeper than a registry's"),
]


@pytest.mark.parametrize(("text", "where", "line"), LINES)
def test_line_of(text: str, where: str, line: int | None) -> None:
    assert line_of(text, where) == line


PYPROJECT = '[project]\nname = "x"\n\n[tool.flake8-ssot-ws]\nexempt = 1\n\n[[tool.flake8-ssot-ws.group]]\nname = 2\n'


@pytest.mark.parametrize(
    ("where", "line"),
    [
        pytest.param("exempt", 5, id="a key of the table"),
        pytest.param("group[0].name", 8, id="a key of one of its array's tables"),
        pytest.param("name", 4, id="the project's own key is not ours: our table's header"),
        pytest.param("src", 4, id="a key our table lacks: its header's line"),
    ],
)
def test_line_of_inside_a_pyproject_table(where: str, line: int | None) -> None:
    assert line_of(PYPROJECT, where, ("tool", "flake8-ssot-ws")) == line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            '[project]\nname = "x"\n[tool]\nflake8-ssot-ws = {group = [{legacy = [{deadlin = 1}]}]}\n',
            4,
            id="an inline table under [tool]: its key's line (no line before the fourth trial)",
        ),
        pytest.param('[project]\nname = "x"\n', None, id="our table nowhere: no line"),
        pytest.param(
            '[project.entry-points."flake8.extension"]\nX = "p:X"\n[tool.flake8-ssot-ws]\ngroup = [{}]\n',
            4,
            id="a quoted dotted key in another table leaves ours a line (lost it, found by the sixth trial)",
        ),
        pytest.param(
            '[tool.flake8-ssot-ws]\n"group.x" = 1\ngroup = [{}]\n', None, id="a quoted dotted key in ours: no line"
        ),
        pytest.param(
            '[tool.flake8-ssot-ws."a.b"]\n[tool.flake8-ssot-ws]\ngroup = [{}]\n', None, id="... or in a header of ours"
        ),
    ],
)
def test_line_of_a_pyproject_key(text: str, line: int | None) -> None:
    assert line_of(text, "group[0].legacy[0].deadlin", ("tool", "flake8-ssot-ws")) == line


@pytest.mark.parametrize(
    ("where", "path"),
    [
        pytest.param("group[0].legacy[12].use", ("group", 0, "legacy", 12, "use"), id="indices"),
        pytest.param("exempt", ("exempt",), id="one key"),
        pytest.param("", (), id="nothing"),
    ],
)
def test_key_path(where: str, path: tuple[object, ...]) -> None:
    assert key_path(where) == path


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 200_000, id="brackets"),
        pytest.param("a = [" + "[" * 200_000, id="nested arrays that never close"),
        pytest.param('a = "' + "\\" * 200_001, id="backslashes in a string that never closes"),
        pytest.param("a = '''" + "''" * 100_000, id="quotes that almost close a string"),
        pytest.param("x." * 100_000 + "y = 1\n", id="a long dotted key"),
        pytest.param(("[[" + "a." * 100_000 + "b]]\n") * 2, id="deep array headers"),
    ],
)
def test_hostile_text_takes_linear_time(text: str) -> None:
    started = time.process_time()
    line_of(text, "a.b")
    assert time.process_time() - started < 5.0  # about 0.1 s; a quadratic reading takes minutes
