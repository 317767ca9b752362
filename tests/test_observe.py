"""What ``ssot-ws init`` observes in one file (core/observe.py through scan/observe.py): every
form the checker knows, the same from the fast path and from a full parse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.observe import observe_tree
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import with_lookup_tables
from flake8_ssot_ws.scan import observe as observe_module
from flake8_ssot_ws.scan.observe import FileObserver
from flake8_ssot_ws.scan.observe import observe_files
from flake8_ssot_ws.scan.observe import problem_of
from tests.conftest import write_tree


def probe(root: Path) -> Registry:
    group = Group("g", ("*Manager",), (), (), ())
    return with_lookup_tables(Registry(root / "ssot-registry.toml", root, (), (".",), (group,)))


def shown(observations: object) -> list[str]:
    return [repr(item) for field in observations for item in field]  # type: ignore[attr-defined]


CASES = [
    pytest.param(
        "import os  # WsManager\n", ["ModuleImport(module='os', how='import', line=1, col=7)"], id="a module import"
    ),
    pytest.param(
        "from pkg.ws import WsManager as M, other\n",
        [
            "NameImport(module='pkg.ws', name='WsManager', asname='M', line=1, col=19)",
            "ModuleImport(module='pkg.ws.WsManager', how='from', line=1, col=19)",
            "ModuleImport(module='pkg.ws.other', how='from', line=1, col=35)",
        ],
        id="from-import of a tracked name",
    ),
    pytest.param(
        "from .ws import WsManager\n",
        [
            "NameImport(module='pkg.ws', name='WsManager', asname=None, line=1, col=16)",
            "ModuleImport(module='pkg.ws.WsManager', how='from', line=1, col=16)",
        ],
        id="relative import resolved from the file's package",
    ),
    pytest.param(
        "import pkg.ws as w\nw.WsManager()\n",
        [
            "AttributeImport(module='pkg.ws', name='WsManager', expression='w', line=2, col=0)",
            "ModuleImport(module='pkg.ws', how='import', line=1, col=7)",
        ],
        id="attribute path through a module import",
    ),
    pytest.param(
        "from pkg import ws\nws.WsManager\n",
        [
            "AttributeImport(module='pkg.ws', name='WsManager', expression='ws', line=2, col=0)",
            "ModuleImport(module='pkg.ws', how='from', line=1, col=16)",
        ],
        id="from P import m of a module",
    ),
    pytest.param(
        "from pkg.ws import WsManager\nWsManager.WsManager\n",
        [
            "NameImport(module='pkg.ws', name='WsManager', asname=None, line=1, col=19)",
            "ModuleImport(module='pkg.ws.WsManager', how='from', line=1, col=19)",
        ],
        id="a tracked name's attributes are members",
    ),
    pytest.param(
        "import importlib\nm = importlib.import_module('pkg.ws')  # WsManager\n",
        [
            "ModuleImport(module='importlib', how='import', line=1, col=7)",
            "ModuleImport(module='pkg.ws', how='dynamic', line=2, col=4)",
        ],
        id="dynamic import",
    ),
    pytest.param(
        "from importlib import import_module\nm = import_module('.mod', __package__)\n",
        [
            "ModuleImport(module='importlib.import_module', how='from', line=1, col=22)",
            "ModuleImport(module='pkg.mod', how='dynamic', line=2, col=4)",
        ],
        id="relative dynamic import",
    ),
    pytest.param(
        "from pkg.ws import *  # WsManager\n", ["StarImport(module='pkg.ws', line=1, col=19)"], id="star import"
    ),
    pytest.param(
        "from ...beyond import WsManager\n", [], id="relative import beyond the top: skipped, as check skips it"
    ),
    pytest.param(
        "def f():\n    from pkg.ws import WsManager\n",
        [
            "NameImport(module='pkg.ws', name='WsManager', asname=None, line=2, col=23)",
            "ModuleImport(module='pkg.ws.WsManager', how='from', line=2, col=23)",
        ],
        id="import in a function",
    ),
    pytest.param("x = 'from pkg.ws import WsManager'\n", [], id="text in a string is no import"),
    pytest.param(
        'import pkg.ws as w\ny = f"{w.WsManager}"\n',
        [
            "AttributeImport(module='pkg.ws', name='WsManager', expression='w', line=2, col=7)",
            "ModuleImport(module='pkg.ws', how='import', line=1, col=7)",
        ],
        id="code in an f-string: the fast path gives up, the full parse sees it",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_observations(source: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": source})
    registry = probe(tmp_path)
    fast = FileObserver(registry).observe("pkg/a.py")
    assert fast is not None
    assert shown(fast.observations) == expected
    context = file_context(registry, "pkg/a.py")
    full = observe_tree(ast.parse(source), source_lines(source), context, registry.group_of)
    assert shown(full) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"from pkg.ws import WsManager\n", None, id="parses"),
        pytest.param(
            b"from pkg.ws import WsManager\nx = $\n", "SyntaxError: invalid syntax (line 2)", id="does not parse"
        ),
    ],
)
def test_problem_of(content: bytes, expected: str | None, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(content)
    assert problem_of(str(tmp_path / "a.py")) == expected


def test_problem_of_a_missing_file(tmp_path: Path) -> None:
    assert problem_of(str(tmp_path / "gone.py")) == "cannot read: No such file or directory"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            "x = 'é'\nfrom a import WsManager\nx = $\n".encode(),
            "SyntaxError: invalid syntax (line 3)",
            id="not ASCII: the full parse fails",
        ),
        pytest.param(
            b"# coding: latin-1\nx = '\xe9'\nfrom a import WsManager\nx = $\n",
            "SyntaxError: invalid syntax (line 4)",
            id="a coding cookie: the full parse fails",
        ),
    ],
)
def test_a_file_that_cannot_be_observed(
    content: bytes, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_bytes(content)
    result = FileObserver(probe(tmp_path)).observe("a.py")
    assert result is not None and result.problem == expected


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = FileObserver(probe(tmp_path)).observe("gone.py")
    assert result is not None and result.problem == "cannot read: No such file or directory"


def test_given_needles_replace_the_registry_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"a.py": "from x import WsManager\n", "b.py": "import x  # Other\n"})
    observer = FileObserver(probe(tmp_path), ["Other"])
    assert (observer.observe("a.py"), observer.observe("b.py") is not None) == (None, True)
    assert FileObserver(probe(tmp_path)).observe("b.py") is None


def test_many_files_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {f"m{i:03}.py": f"from x import WsManager as M{i}\n" for i in range(observe_module.PARALLEL_THRESHOLD)}
    write_tree(tmp_path, files)
    paths = sorted(files)
    results = observe_files(paths, probe(tmp_path), 2)
    assert [r.path for r in results] == paths
    assert results[7].observations.names[0].asname == "M7"
    assert observe_files(paths, probe(tmp_path), 1) == results


def test_worker_functions_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What each worker process runs (coverage does not follow them into the pool)."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"a.py": "from x import WsManager\n"})
    observe_module._start_worker(probe(tmp_path), None)
    (result,) = observe_module._observe_chunk(["a.py"])
    assert result is not None and result.observations.names[0].name == "WsManager"


def test_a_glob_without_literal_text_parses_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path needs a literal fragment to look for: `*` has none, so the file is parsed."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"a.py": "from x import Anything\n"})
    group = Group("g", ("*",), (), (), ())
    registry = with_lookup_tables(Registry(tmp_path / "ssot-registry.toml", tmp_path, (), (".",), (group,)))
    result = FileObserver(registry).observe("a.py")
    assert result is not None
    assert shown(result.observations) == [
        "NameImport(module='x', name='Anything', asname=None, line=1, col=14)",
        "ModuleImport(module='x.Anything', how='from', line=1, col=14)",
    ]
