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
]


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


@pytest.mark.parametrize("source", HOSTILE)
def test_plugin_core_finishes(project: Path, source: str) -> None:
    registry = load_registry(project / "ssot-registry.toml")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])  # flake8 stops at E999; the core still sees the text
    lines = source.splitlines(keepends=True)

    def lint() -> None:
        Plugin.registry = registry
        list(Plugin(tree, "hostile.py", lines).run())

    _run_bounded(lint)
