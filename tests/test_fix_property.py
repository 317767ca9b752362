"""Property test of ``ssot-ws fix``: legacy imports inserted into arbitrary valid programs.

hypothesmith generates programs from Python's grammar; legacy imports of several forms go
in before a random statement of the program (at any depth, at its indentation) and inside
a function added at the end. Whatever
the program, the fix must parse, be idempotent, leave no fixable finding, keep every name
that imports bind, and leave everything that is not an import statement as it was.
"""

from __future__ import annotations

import ast
import os
import textwrap
from collections import Counter
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.fix.rewrite import Checked
from flake8_ssot_ws.fix.rewrite import fix_source
from flake8_ssot_ws.fix.rewrite import fix_text
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from tests.test_fix import MODULE_PATH
from tests.test_fix import REGISTRY
from tests.test_fix import TODAY

FORMS = [
    "from app.ws.legacy import WebSocketManager",
    "from app.ws import WebSocketManager as WSM",
    "from app.ws import WebSocketManager, other_thing",
    "from app.ws import other_thing, get_websocket_manager, WebSocketManager  # keep me",
    "from ..ws.legacy import WebSocketManager as Manager",
    "from app.compat import WebSocketManager, Session, other_thing",
    "from app.ws import (\n    other_thing,  # other\n    WebSocketManager as WSM,  # manager\n)",
    "from app.ws import \\\n    WebSocketManager, \\\n    other_thing",
    "x_ = 1; from app.ws import WebSocketManager, other_thing",
]
# Built once, at its first draw: building the grammar strategy costs about a second, and three
# at import, where coverage traces it (in every xdist worker, whether it runs these tests or not).
PROGRAMS = st.deferred(hypothesmith.from_grammar)
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Registry, FileContext]:
    root: Path = tmp_path_factory.mktemp("property")
    (root / "ssot-registry.toml").write_text(REGISTRY, encoding="utf-8")
    registry = load_registry(root / "ssot-registry.toml")
    return registry, file_context(registry, root / MODULE_PATH)


def parses(source: str | bytes) -> bool:
    """Whether Python parses it, also with its line endings made "\\n" as flake8 reads files
    (Python 3.9-3.11 parse a backslash before a final "\\r\\n", not before a final "\\n")."""
    if isinstance(source, str):
        universal: str | bytes = source.replace("\r\n", "\n").replace("\r", "\n")
    else:
        universal = source.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        ast.parse(source)
        ast.parse(universal)
    except (SyntaxError, ValueError):  # ValueError: a NUL byte before Python 3.12
        return False
    return True


def insertion_spots(program: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The lines of a program that parses, and where a statement may go: before any statement
    that starts its line, at any depth, at its own indentation ((line index, indentation))."""
    lines = source_lines(program)
    spots = [(0, "")]
    for node in ast.walk(ast.parse(program)):
        if isinstance(node, ast.stmt):
            prefix = lines[node.lineno - 1].encode("utf-8")[: node.col_offset].decode("utf-8")
            if not prefix.strip():
                spots.append((node.lineno - 1, prefix))
    return lines, spots


@st.composite
def programs_with_spots(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[int, str]]]:
    """A generated program that parses, ending in a newline, with ``insertion_spots``'s answer."""
    program = draw(PROGRAMS)
    assume(parses(program))
    if program and not program.endswith(("\n", "\r")):
        program += "\n"
    return (program, *insertion_spots(program))


@st.composite
def programs_with_legacy_imports(draw: st.DrawFn) -> str:
    _, lines, spots = draw(programs_with_spots())
    index, indentation = draw(st.sampled_from(spots))
    lines.insert(index, textwrap.indent(draw(st.sampled_from(FORMS)), indentation) + "\n")
    in_function = textwrap.indent(draw(st.sampled_from(FORMS)), "    ")
    source = "".join(lines) + f"\n\ndef _probe_():\n{in_function}\n    return 1\n"
    assume(parses(source))
    return source


def _without_imports(tree: ast.Module) -> str:
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                setattr(node, field, [s for s in block if not isinstance(s, (ast.Import, ast.ImportFrom))])
    return ast.dump(tree)


def bound_names(tree: ast.Module) -> Counter[str]:
    """The oracle: ``scope:name`` of every name any import statement binds."""
    names: Counter[str] = Counter()

    def visit(node: ast.AST, scope: str) -> None:
        if isinstance(node, ast.Import):
            names.update(f"{scope}:{alias.asname or alias.name.partition('.')[0]}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(f"{scope}:{alias.asname or alias.name}" for alias in node.names)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = f"{scope}.{node.name}"
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(tree, "")
    return names


def _with_check(project: tuple[Registry, FileContext], source: str):
    """fix_source with check's own FileChecker, as ``ssot-ws fix`` runs it."""
    registry, _ = project
    checker = FileChecker(registry, TODAY)

    def analyze(text: str) -> Checked:
        outcome = checker.check_candidate(str(registry.root / MODULE_PATH), text.encode("utf-8"))
        assert outcome.problem is None
        return Checked(outcome.reported, outcome.noqa, len(outcome.canonical))

    return fix_source(source, analyze(source), analyze)


def check_fix_properties(project: tuple[Registry, FileContext], source: str) -> None:
    registry, context = project
    result = fix_text(source, registry, context, today=TODAY)
    assert _with_check(project, source) == result
    assert (result.problem, result.refused) == (None, ())
    assert result.changed
    new_tree = ast.parse(result.source)  # it parses
    old_tree = ast.parse(source)
    assert bound_names(new_tree) == bound_names(old_tree)
    assert _without_imports(new_tree) == _without_imports(old_tree)
    kept, _ = split_noqa(check_source(result.source, registry, context, today=TODAY), result.source)
    assert [f for f in kept if f.fix is not None] == []
    again = fix_text(result.source, registry, context, today=TODAY)
    assert (again.changed, again.source) == (False, result.source)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated programs are odd on purpose
@settings(max_examples=100, **SETTINGS)
@given(source=programs_with_legacy_imports())
def test_fix_properties(project, source) -> None:
    check_fix_properties(project, source)


def slow_examples(examples: int) -> int:
    """``examples``, capped by ``SSOT_WS_SLOW_EXAMPLES`` (CI bounds the -m slow run with it)."""
    cap = os.environ.get("SSOT_WS_SLOW_EXAMPLES")
    return min(examples, int(cap)) if cap else examples


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_fix_properties_many(project, request) -> None:
    if "slow" not in request.config.getoption("markexpr"):
        pytest.skip("a few thousand examples: run with -m slow")

    @settings(max_examples=slow_examples(3000), **SETTINGS)
    @given(source=programs_with_legacy_imports())
    def many(source: str) -> None:
        check_fix_properties(project, source)

    many()


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        pytest.param(None, 3000, id="no cap: the examples asked for"),
        pytest.param("300", 300, id="CI's cap bounds the slow run"),
        pytest.param("5000", 3000, id="a cap above the examples changes nothing"),
    ],
)
def test_slow_examples(monkeypatch: pytest.MonkeyPatch, cap: str | None, expected: int) -> None:
    if cap is None:
        monkeypatch.delenv("SSOT_WS_SLOW_EXAMPLES", raising=False)
    else:
        monkeypatch.setenv("SSOT_WS_SLOW_EXAMPLES", cap)
    assert slow_examples(3000) == expected
