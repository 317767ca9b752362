"""Where the cache goes (issue 11 bug 5): the project root (scan/project.py), as ruff keeps
``.ruff_cache``; ``--cache-dir DIR``, else ``$SSOT_WS_CACHE_DIR``, elsewhere. Not beside the
registry: one registry may serve several repositories, and its folder is then none of them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.scan.project import ProjectRoot
from flake8_ssot_ws.scan.project import project_root
from tests.conftest import write_tree
from tests.test_cache import OLD
from tests.test_cache import Spy
from tests.test_registry_location import GROUP

LEGACY = "from app.old import Manager\n"


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def caches(tmp_path: Path) -> list[str]:
    """The folders holding a cache file, relative to ``tmp_path``."""
    return sorted({path.parent.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("v3-*.json")})


@pytest.mark.parametrize(
    ("layout", "git", "cwd", "argv", "env", "expected"),
    [
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, [], "repo", ["check", "."], None, ["repo/.ssot-ws-cache"],
            id="registry at the top of the project: there, as before",
        ),
        pytest.param(
            {"shared/ssot-registry.toml": GROUP}, ["repo"], "repo",
            ["check", "--registry", "../shared/ssot-registry.toml", "."], None, ["repo/.ssot-ws-cache"],
            id="a shared registry outside the git repository: the repository's top",
        ),
        pytest.param(
            {"shared/ssot-registry.toml": GROUP}, [], "repo",
            ["check", "--registry", "../shared/ssot-registry.toml", "."], None, ["repo/.ssot-ws-cache"],
            id="a shared registry, no git: the checked folder",
        ),
        pytest.param(
            {"shared/ssot-registry.toml": GROUP}, ["repo"], "repo/app",
            ["check", "--registry", "../../shared/ssot-registry.toml", "."], None, ["repo/.ssot-ws-cache"],
            id="run from a subfolder of the repository: still its top",
        ),
        pytest.param(
            {"repo/svc/ssot-registry.toml": GROUP, "repo/svc/app/y.py": LEGACY}, ["repo"], "repo/svc", ["check", "."],
            None, ["repo/.ssot-ws-cache"],
            id="a registry in a subfolder of the repository: the repository's top",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, [], "repo/app", ["check", "."], None, ["repo/.ssot-ws-cache"],
            id="no git, run below the registry: the registry's root",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["check", "--cache-dir", "../kept", "."], None,
            ["kept"], id="--cache-dir, relative to the current directory",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["check", "."], "{tmp}/from-env", ["from-env"],
            id="SSOT_WS_CACHE_DIR",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["check", "--cache-dir", "flag", "."], "{tmp}/env",
            ["repo/flag"], id="--cache-dir wins over SSOT_WS_CACHE_DIR",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["check", "."], "", ["repo/.ssot-ws-cache"],
            id="an empty SSOT_WS_CACHE_DIR is unset",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["fix", "--check", "--cache-dir", "../fix", "."],
            None, ["fix"], id="fix takes --cache-dir",
        ),
        pytest.param(
            {"repo/ssot-registry.toml": GROUP}, ["repo"], "repo", ["report", "--cache-dir", "../report", "."], None,
            ["report"], id="report takes --cache-dir",
        ),
    ],
)  # fmt: skip
def test_cache_location(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    layout: dict[str, str],
    git: list[str],
    cwd: str,
    argv: list[str],
    env: str | None,
    expected: list[str],
) -> None:
    write_tree(tmp_path, {**layout, "repo/app/x.py": LEGACY})
    for folder in git:
        git_init(tmp_path / folder)
    if env is None:
        monkeypatch.delenv("SSOT_WS_CACHE_DIR", raising=False)
    else:
        monkeypatch.setenv("SSOT_WS_CACHE_DIR", env.format(tmp=tmp_path))
    monkeypatch.chdir(tmp_path / cwd)
    assert main([*argv, "--today", "2026-01-01"]) in (0, 1)
    capsys.readouterr()
    assert caches(tmp_path) == expected


def test_two_repositories_sharing_a_registry_keep_their_own_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"shared/ssot-registry.toml": GROUP, "one/app/x.py": LEGACY, "two/app/y.py": LEGACY})
    for repository in ("one", "two"):
        git_init(tmp_path / repository)
        monkeypatch.chdir(tmp_path / repository)
        assert main(["check", "--registry", "../shared/ssot-registry.toml", "."]) == 1
    capsys.readouterr()
    assert caches(tmp_path) == ["one/.ssot-ws-cache", "two/.ssot-ws-cache"]


def test_keys_are_relative_to_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run from the top and one from a subfolder (or with the absolute path) share the
    entries: the second reads no file."""
    write_tree(tmp_path, {"shared/ssot-registry.toml": GROUP, "repo/app/x.py": LEGACY})
    os.utime(tmp_path / "repo/app/x.py", ns=(OLD, OLD))
    git_init(tmp_path / "repo")
    registry = str(tmp_path / "shared/ssot-registry.toml")
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["check", "--registry", registry, "."]) == 1
    cold = capsys.readouterr()
    spy = Spy(monkeypatch)
    monkeypatch.chdir(tmp_path / "repo/app")
    assert main(["check", "--registry", registry, "x.py"]) == 1
    assert main(["check", "--registry", registry, str(tmp_path / "repo/app")]) == 1
    assert spy.read == []
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":", 1)[1] for line in out] == [cold.out.split(":", 1)[1].rstrip("\n")] * 2


@pytest.mark.parametrize(
    ("git", "folder", "registry", "expected"),
    [
        pytest.param(["p"], "p/app", "p", ("p", "the git work tree"), id="git: the work tree's top"),
        pytest.param(["p", "p/sub"], "p/sub/app", "p", ("p/sub", "the git work tree"), id="the nearest work tree"),
        pytest.param([], "p/app", "p", ("p", "the registry's root"), id="no git: the registry's root"),
        pytest.param([], "p", "p", ("p", "the registry's root"), id="the registry's root itself"),
        pytest.param([], "p/app", "shared", ("p/app", "the checked folder"), id="a registry elsewhere: the folder"),
        pytest.param([], "pp", "p", ("pp", "the checked folder"), id="a sibling that starts with the same letters"),
    ],
)
def test_project_root(tmp_path: Path, git: list[str], folder: str, registry: str, expected: tuple[str, str]) -> None:
    for name in (folder, registry):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
    for name in git:
        (tmp_path / name / ".git").mkdir(parents=True)
    path, kind = expected
    assert project_root(tmp_path / folder, tmp_path / registry) == ProjectRoot(str(tmp_path / path), kind)


def test_a_git_file_marks_a_work_tree(tmp_path: Path) -> None:
    """A worktree or submodule has a `.git` file, not a folder."""
    (tmp_path / "p/app").mkdir(parents=True)
    (tmp_path / "p/.git").write_text("gitdir: ../.git/worktrees/p\n")
    assert project_root(tmp_path / "p/app", tmp_path) == ProjectRoot(str(tmp_path / "p"), "the git work tree")
