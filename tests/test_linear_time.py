"""Hostile input: every mode finishes in time linear in its input.

Each case is a file of about 1 MB built to make a super-linear regex or loop explode (runs of
'#', blanks, backslashes, quotes, brackets, needles...). It goes through ``ssot-ws check``,
``ssot-ws fix --diff`` and the flake8 plugin's core, each in a child process under a generous
bound: a linear pass takes well under a second; an exponential one takes minutes or more. This
guards against super-linear behaviour; it is not a timing test.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import load_registry
from tests.conftest import EXAMPLE_EXEMPT_FILES
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

BOUND_SECONDS = 10.0


def _run_bounded(function: Callable[[], object], seconds: float = BOUND_SECONDS) -> None:
    """Run ``function`` in a forked child; fail if it is still running after ``seconds``."""
    context = multiprocessing.get_context("fork")
    child = context.Process(target=function)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"still running after {seconds} s: super-linear on this input")
    assert child.exitcode == 0


# A tracked import: the attribute pattern is searched only in files that import something.
IMPORT = "from app.websocket_core.unified_manager import get_websocket_manager\n"

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager"
MB = 1_000_000

HOSTILE = [
    # issue 11, bug 1: registry_model's attribute pattern split a comment of many '#' in
    # exponentially many ways (22 '#' took 2 s, 30 took minutes).
    pytest.param(IMPORT + "x = 1.  # " + "#" * 100_000 + "\n", id="float literal then a comment of 100,000 '#'"),
    pytest.param(IMPORT + ("# Done.  " + "#" * 40 + "\n") * 20_000, id="20,000 comments of a dot then 40 '#'"),
    # issue 11, bug 6: lexer's import tail on a parenthesised import list that never closes.
    pytest.param(
        IMPORT + "from app.old import (WebSocketManager,  # " + "#" * 100_000,
        id="unclosed import list ending in a comment of 100,000 '#'",
    ),
    pytest.param(
        IMPORT + "from app.old import (WebSocketManager,  # " + "# #" * 30_000 + "\n",
        id="unclosed import list, comment of '# #' repeated",
    ),
    # Runs of each character a scanner treats specially.
    pytest.param(IMPORT + "x = a." + " " * MB + "get_websocket_manager\n", id="a dot, 1 MB of spaces, a name"),
    pytest.param(IMPORT + "x = (a.\t" + "\t" * MB + "\nget_websocket_manager)\n", id="a dot, 1 MB of tabs"),
    pytest.param(IMPORT + "\f" * MB + "x = 1\n", id="1 MB of form feeds"),
    pytest.param(
        IMPORT + "x = (a." + "\\\n" * (MB // 2) + "get_websocket_manager)\n", id="500,000 backslash continuations"
    ),
    pytest.param(IMPORT + "s = " + '""""""' * (MB // 6) + "\n", id="1 MB of quotes (empty triple-quoted strings)"),
    pytest.param(IMPORT + "s = '" + "\\'" * (MB // 2) + "'\n", id="500,000 escaped quotes in one string"),
    pytest.param(
        IMPORT + "x = '''" + "\\'" * (MB // 2) + "\n", id="an unclosed triple-quoted string of escaped quotes"
    ),
    pytest.param(IMPORT + "x = " + "(" * (MB // 2) + ")" * (MB // 2) + "\n", id="500,000 nested brackets"),
    pytest.param(IMPORT + "x = [" * 1 + "[" * MB + "\n", id="1 MB of unclosed brackets"),
    pytest.param(IMPORT + "x = a" + "." * MB + "get_websocket_manager\n", id="1 MB of dots"),
    pytest.param(IMPORT + "# " + "." * MB + "\n", id="a comment of 1 MB of dots"),
    pytest.param(
        IMPORT + "from " + "." * 100_000 + " import WebSocketManager\n", id="a relative import of 100,000 dots"
    ),
    # Needles: the prefilter and the lexer see every one of them.
    pytest.param(
        IMPORT + "# WebSocketManager get_websocket_manager import_module __import__ x.WebSocketManager\n" * 12_000,
        id="needles repeated in comments",
    ),
    pytest.param(
        IMPORT + "s = 'from app.old import WebSocketManager; x.WebSocketManager; import_module(\\'a\\')'\n" * 12_000,
        id="needles repeated in strings",
    ),
    pytest.param(
        IMPORT + "import app\nx = app" + ".ws" * 20_000 + ".WebSocketManager\n", id="a 20,000-link attribute chain"
    ),
    # Each tracked name of a chain reads the chain back to its root: once per link (the fast
    # path's memo), at most core/expressions.py's MAX_CHAIN links in the core.
    pytest.param(
        "import app\nx = app" + ".WebSocketManager" * 20_000 + "\n", id="a chain of 20,000 tracked names"
    ),
    pytest.param(
        "import app\nx = app." + "a" * 100_000 + ".WebSocketManager" * 2_000 + "\n",
        id="a 100,000-letter link, then 2,000 tracked names",
    ),
    # The gate (core/prefilter.py): a star import's module is read back over its blanks.
    pytest.param(
        "from app.websocket_core.manager" + " \\\n" * (MB // 3) + "import *\n",
        id="a star import of a named module after 333,333 continuations",
    ),
    pytest.param(
        ("from app.other" + " " * 40 + "import *\n") * 20_000, id="20,000 star imports of modules not named"
    ),
    # The gate's import pass stops at every `import`: a rider's look-behind, a blank run.
    pytest.param("x = " + "_import" * (MB // 7) + "\n", id="142,857 imports each after one underscore"),
    pytest.param("import" + " \\\n" * (MB // 3) + "os\n", id="an import then 333,333 continuations, no star"),
    pytest.param("x = " + "Event" * (MB // 5) + "\n", id="a tracked name 200,000 times inside one identifier"),
    pytest.param("x = '" + "\u00e9" * MB + "'\n", id="1 MB of a non-ASCII letter NFKC keeps"),
    pytest.param("# " + "\u2026" * (MB // 3) + "\nx = 1\n", id="a comment of 333,333 ellipses NFKC changes"),
    pytest.param(
        "from app.old import (\n" + "".join(f"    N{i}WebSocketManager,\n" for i in range(20_000)) + ")\n",
        id="a 20,000-name parenthesised import",
    ),
    # Linear but heavy: each finding costs about 0.2 ms to check and each fix a tokenize of its
    # statement (about 1 ms), and fix checks the file twice; 20,000 took over 10 s through
    # ``fix --diff`` on a loaded 2-core machine. So 10,000 findings, 500 of them fixable.
    pytest.param(
        f"{LEGACY}\n" * 500 + "from app.old import WebSocketManager\n" * 9_500,
        id="10,000 findings in one file, 500 fixable",
    ),
    pytest.param(
        f"{LEGACY}  # noqa: " + ",".join(f"X{i:03d}" for i in range(20_000)) + "\n", id="20,000 codes in one noqa"
    ),
    # One line of 15,000 fixable statements: fix rewrote the line in place for each of them,
    # copying all of it each time (10,000 took 8.7 s, 20,000 30 s; the same imports on lines of
    # their own were linear). Each statement is now edited where it is, the text joined once.
    pytest.param("; ".join([LEGACY] * 15_000) + "\n", id="15,000 fixable statements on one line"),
    # check's columns (the lexer's UTF-8 columns, SARIF's UTF-16 ones) were each counted from
    # the start of the line: 13,000 findings after 250,000 'é' on one line took 17 s.
    pytest.param(
        "s = '" + "\u00e9" * 250_000 + "'; " + "; ".join(["from app.old import WebSocketManager"] * 13_000) + "\n",
        id="13,000 findings on a line after a string of 250,000 non-ASCII letters",
    ),
    pytest.param(
        IMPORT + "import importlib\nimportlib.import_module(" + '"app." ' * 150_000 + ")\n",
        id="long implicit string concatenation inside import_module(...)",
    ),
    # Each finding counted the names of its whole statement to see whether its local name was
    # bound twice: 10,000 aliases in one statement took 5.5 s in check, 20,000 took 35 s (found
    # by a seventh trial). Now counted once per statement.
    pytest.param(
        "from app.websocket_core.websocket_manager import (\n"
        + ",\n".join(f"WebSocketManager as a{i}" for i in range(20_000))
        + ")\n",
        id="20,000 aliases of a tracked name in one statement",
    ),
]
# The cases CPython's parser rejects (flake8 reports E999 and runs no plugin on them): said
# here, and asserted, so that none is skipped silently.
UNPARSABLE = {
    "unclosed import list ending in a comment of 100,000 '#'",
    "unclosed import list, comment of '# #' repeated",
    "an unclosed triple-quoted string of escaped quotes",
    "500,000 nested brackets",
    "1 MB of unclosed brackets",
    "1 MB of dots",
}
# Too deeply nested for the parser of Python 3.11 (RecursionError); Python 3.9's parser takes
# it. Parsable where this Python parses it, and then the plugin core gets the real tree.
PARSER_LIMITED = {"a 20,000-link attribute chain", "a chain of 20,000 tracked names"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    write_tree(tmp_path, EXAMPLE_EXEMPT_FILES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flake8_ssot_ws", *args]


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(("check", "--no-cache"), id="check"),
        pytest.param(("fix", "--diff", "--no-cache"), id="fix --diff"),
        pytest.param(("report", "--no-cache"), id="report"),
    ],
)
def test_commands_finish(project: Path, source: str, arguments: tuple[str, ...]) -> None:
    (project / "hostile.py").write_text(source, encoding="utf-8")
    try:
        subprocess.run(
            _command(*arguments, "hostile.py"),
            capture_output=True,
            timeout=BOUND_SECONDS,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"ssot-ws {' '.join(arguments)} still running after {BOUND_SECONDS} s")


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError):
        return False
    return True


@pytest.mark.parametrize("source", HOSTILE)
def test_plugin_core_finishes(project: Path, source: str, request: pytest.FixtureRequest) -> None:
    registry = load_registry(project / "ssot-registry.toml")
    case = request.node.callspec.id
    # flake8 cannot take the unparsable cases (E999, no plugin run): asserted, then the core
    # still gets the text with an empty tree, as the plugin would be called by another tool.
    parses = _parses(source)
    if case not in PARSER_LIMITED:
        assert parses == (case not in UNPARSABLE)
    tree = ast.parse(source) if parses else ast.Module(body=[], type_ignores=[])
    lines = source.splitlines(keepends=True)

    def lint() -> None:
        Plugin.registry = registry
        list(Plugin(tree, "hostile.py", lines).run())

    _run_bounded(lint)


BROKEN_PYPROJECTS = [
    pytest.param(b"[" * MB, id="a header of 1,000,000 '['"),
    pytest.param(b"[tool]\n" + b'"' * MB, id="under [tool], a line of 1,000,000 quotes"),
    pytest.param(b"tool = {" + b" " * MB + b"flake8-ssot-w", id="an inline tool table of blanks, then a near miss"),
    pytest.param(b"tool . " * (MB // 7), id="a dotted key of 140,000 'tool .'"),
    pytest.param(b"tool = {" + b"{" * MB, id="an inline tool table of 1,000,000 nested braces"),
    pytest.param(b"tool = {" + b'"a",' * (MB // 4), id="an inline tool table of 250,000 quoted keys"),
    pytest.param(b"[" + b"a." * (MB // 2), id="a header of 500,000 dotted keys that never closes"),
]


@pytest.mark.parametrize("data", BROKEN_PYPROJECTS)
def test_broken_pyproject_scan_finishes(data: bytes) -> None:
    """Discovery reads a pyproject.toml that does not parse for our table's name (load.py)."""
    from flake8_ssot_ws.registry.load import names_our_table

    _run_bounded(lambda: names_our_table(data))
