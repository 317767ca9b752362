"""Security: ssot-ws and the flake8 plugin never import or run the code they check; the
registry's watch patterns are globs, never regular expressions; ``fix`` writes only the files
it was given and follows no symlink out of the tree it was given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from tests.conftest import EXAMPLE_REGISTRY

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
CANONICAL = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"


def _payload(marker: Path, who: str) -> str:
    """Module code that leaves a trace if anything ever imports or executes it."""
    return f"open({str(marker)!r}, 'a').write({who!r} + '\\n')\n"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose every module (the watched legacy module and a conftest included)
    writes ``marker`` when imported, and whose app/views.py has a fixable finding."""
    marker = tmp_path.parent / f"{tmp_path.name}-marker"
    project = tmp_path / "project"
    core = project / "app" / "websocket_core"
    core.mkdir(parents=True)
    (project / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    for name in ("app/__init__.py", "app/websocket_core/__init__.py", "conftest.py", "setup.py", "__main__.py"):
        (project / name).write_text(_payload(marker, name))
    (core / "websocket_manager.py").write_text(_payload(marker, "websocket_manager") + "class WebSocketManager: ...\n")
    (core / "unified_manager.py").write_text(_payload(marker, "unified") + "class UnifiedWebSocketManager: ...\n")
    (project / "app" / "views.py").write_text(_payload(marker, "views") + LEGACY)
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    return marker


@pytest.mark.parametrize(
    ("argv", "expected_code"),
    [
        pytest.param(["check", "--no-cache", "--today", "2026-04-01"], 1, id="check"),
        pytest.param(["report", "--no-cache", "--today", "2026-01-01"], 0, id="report"),
        pytest.param(["fix", "--no-cache", "--today", "2026-01-01"], 1, id="fix (1: files were rewritten)"),
        pytest.param(["registry"], 0, id="registry"),
        pytest.param(["registry", "--verify"], 1, id="registry --verify (1: the hostile code splits the manager)"),
        pytest.param(["init", "--watch", "*WebSocketManager"], 0, id="init"),
    ],
)
def test_commands_never_import_checked_code(
    hostile: Path, argv: list[str], expected_code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == expected_code
    assert not hostile.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_fix_rewrites_without_executing(hostile: Path) -> None:
    assert main(["fix", "--no-cache", "--today", "2026-01-01", "app/views.py"]) == 1
    assert Path("app/views.py").read_text().endswith(CANONICAL)
    assert not hostile.exists()


def test_flake8_never_imports_checked_code(hostile: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SWS", "--ssot-registry", "ssot-registry.toml", "."],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (1, "")
    assert completed.stdout.startswith("./app/views.py:2:50: SWS001 'WebSocketManager' imported from non-canonical")
    assert completed.stdout.count("\n") == 1
    assert not hostile.exists()


# --- registry patterns are globs -------------------------------------------------------

GLOB_REGISTRY = """\
[[group]]
name = "g"
watch = [{watch}]
canonical = ["from canon import Thing"]
"""


@pytest.mark.parametrize(
    ("watch", "imported", "tracked"),
    [
        pytest.param('"*Manager"', "FooManager", True, id="star is a glob wildcard"),
        pytest.param('"*Manager"', "Manager", True, id="star matches nothing too"),
        pytest.param('"*Manager"', "FooManagers", False, id="a glob matches the whole name"),
        pytest.param('"Foo?"', "FooX", True, id="question mark is one character"),
        pytest.param('"Foo[0-9]"', "Foo7", True, id="bracket sets as in fnmatch"),
    ],
)
def test_watch_patterns_are_globs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    watch: str,
    imported: str,
    tracked: bool,
) -> None:
    (tmp_path / "ssot-registry.toml").write_text(GLOB_REGISTRY.format(watch=watch), encoding="utf-8")
    (tmp_path / "user.py").write_text(f"from elsewhere import {imported}\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-cache", "user.py"])
    out, err = capsys.readouterr()
    finding = (
        f"user.py:1:23: SWS006 '{imported}' is tracked by group 'g' but no canonical import provides it"
        " - add one to the registry\n"
    )
    assert (code, out, err) == (int(tracked), finding if tracked else "", "")


@pytest.mark.parametrize(
    "watch",
    [
        pytest.param("a.c", id="a dot: no 'any character'"),
        pytest.param("Mgr+", id="a plus: no repetition"),
        pytest.param("(Foo|Bar)", id="no alternation"),
        pytest.param("^Foo$", id="no anchors"),
    ],
)
def test_regex_syntax_in_watch_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], watch: str
) -> None:
    """Not read as a regular expression, and, as a glob, it could match no imported name:
    the registry is refused rather than tracking nothing."""
    (tmp_path / "ssot-registry.toml").write_text(GLOB_REGISTRY.format(watch=f'"{watch}"'), encoding="utf-8")
    (tmp_path / "user.py").write_text("from elsewhere import Foo\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-cache", "user.py"])
    message = (
        f"ssot-ws: error: {tmp_path}/ssot-registry.toml:3: group[0].watch[0]: not a name or name glob"
        f" (an imported name is an identifier): {watch!r}\n"
    )
    assert (code, *capsys.readouterr()) == (2, "", message)


# --- fix writes only what it was given, never through a symlink out of the tree ----------


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """project/app/link.py -> outside/target.py, both with a fixable finding."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "target.py"
    target.write_text(LEGACY)
    os.chmod(target, 0o640)
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (project / "app" / "link.py").symlink_to(target)
    (project / "app" / "views.py").write_text(LEGACY)
    (project / "app" / "other.py").write_text(LEGACY)
    monkeypatch.chdir(project)
    return project, target


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["app"], id="directory with a link out of the tree"),
        pytest.param(["app/link.py", "app/views.py"], id="the link named explicitly"),
    ],
)
def test_fix_follows_no_symlink_out_of_the_tree(
    linked: tuple[Path, Path], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    project, target = linked
    main(["fix", "--no-cache", "--today", "2026-01-01", *argv])
    err = capsys.readouterr().err
    assert (target.read_text(), oct(os.stat(target).st_mode & 0o777)) == (LEGACY, "0o640")
    assert (project / "app" / "link.py").is_symlink()
    assert (project / "app" / "views.py").read_text() == CANONICAL
    refused = (
        f"app/link.py: not written: symlink to {os.path.realpath(target)} "
        f"points outside the registry's root {project}\n"
    )
    assert refused in err
    assert "Traceback" not in err


def test_fix_writes_only_the_files_given(linked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    project, _ = linked
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file() and path.name != "views.py"}
    assert main(["fix", "--no-cache", "--today", "2026-01-01", "app/views.py"]) == 1
    assert (project / "app" / "views.py").read_text() == CANONICAL
    after = {path: path.read_bytes() for path in project.rglob("*") if path.is_file() and path.name != "views.py"}
    assert after == before
    leftovers = sorted(p.name for p in (project / "app").iterdir())
    assert leftovers == ["link.py", "other.py", "views.py"]  # no temporary file left behind
    capsys.readouterr()
