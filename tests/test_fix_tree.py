"""What ``fix`` may write (issue 11 bug 3): a regular file where it is, wherever the registry
lives; a symlink's target only inside the tree the link was found in -- the project root of
its path argument (scan/project.py): the git work tree, else the registry's root when it holds
the argument, else the argument itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from tests.conftest import write_tree
from tests.test_registry_location import GROUP

LEGACY = "from app.old import Manager\n"
CANONICAL = "from app.new import Manager\n"
SHARED = "--registry={tmp}/shared/ssot-registry.toml"


CASES = [
        pytest.param(
            "shared", False, {}, [SHARED, "."], ["proj/app/x.py", "proj/lib/t.py"], [],
            id="registry outside the tree, no git: regular files are written",
        ),
        pytest.param(
            "shared", True, {}, [SHARED, "."], ["proj/app/x.py", "proj/lib/t.py"], [],
            id="registry outside the git work tree: regular files are written",
        ),
        pytest.param(
            "shared", True, {}, [SHARED, "app/x.py"], ["proj/app/x.py"], [],
            id="... named explicitly",
        ),
        pytest.param(
            "proj", False, {}, [".."], ["outside/t.py", "proj/app/x.py", "proj/lib/t.py"], [],
            id="a folder above the registry: files outside its root are written too",
        ),
        pytest.param(
            "shared", True, {"proj/app/l.py": "../lib/t.py"}, [SHARED, "app"], ["proj/app/x.py", "proj/lib/t.py"], [],
            id="git: a link into the work tree, outside the argument, is followed",
        ),
        pytest.param(
            "shared", True, {"proj/app/l.py": "../../outside/t.py"}, [SHARED, "app"], ["proj/app/x.py"],
            ["app/l.py: not written: symlink to {tmp}/outside/t.py points outside the git work tree {tmp}/proj"],
            id="git: a link out of the work tree is refused",
        ),
        pytest.param(
            "proj", False, {"proj/app/l.py": "../lib/t.py"}, ["app"], ["proj/app/x.py", "proj/lib/t.py"], [],
            id="no git: a link inside the registry's root is followed",
        ),
        pytest.param(
            "shared", False, {"proj/app/l.py": "../lib/t.py"}, [SHARED, "app"], ["proj/app/x.py"],
            ["app/l.py: not written: symlink to {tmp}/proj/lib/t.py points outside the checked folder {tmp}/proj/app"],
            id="no git, registry elsewhere: a link out of the argument is refused",
        ),
        pytest.param(
            "shared", False, {"proj/app/l.py": "../lib/t.py"}, [SHARED, "app/l.py", "app/x.py"], ["proj/app/x.py"],
            ["app/l.py: not written: symlink to {tmp}/proj/lib/t.py points outside the checked folder {tmp}/proj/app"],
            id="no git, a link named explicitly: its folder is the tree",
        ),
]  # fmt: skip


@pytest.mark.parametrize(("registry", "git", "links", "argv", "written", "refused"), CASES)
def test_what_fix_writes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    registry: str,
    git: bool,
    links: dict[str, str],
    argv: list[str],
    written: list[str],
    refused: list[str],
) -> None:
    _make_tree(tmp_path, monkeypatch, registry, git, links)
    main(["fix", "--no-cache", *[arg.format(tmp=tmp_path) for arg in argv]])
    err = capsys.readouterr().err
    changed = sorted(
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*.py")
        if not path.is_symlink() and path.read_text() == CANONICAL
    )
    assert changed == written
    not_written = [line for line in err.splitlines() if "not written" in line]
    assert not_written == [line.format(tmp=tmp_path) for line in refused]
    for link in links:
        assert (tmp_path / link).is_symlink()


def _make_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: str, git: bool, links: dict[str, str]
) -> None:
    sources = {"proj/app/x.py": LEGACY, "proj/lib/t.py": LEGACY, "outside/t.py": LEGACY}
    write_tree(tmp_path, {f"{registry}/ssot-registry.toml": GROUP, **sources})
    for link, target in links.items():
        (tmp_path / link).symlink_to(target)
    if git:
        subprocess.run(["git", "init", "-q", str(tmp_path / "proj")], check=True)
    monkeypatch.chdir(tmp_path / "proj")


@pytest.mark.parametrize(("registry", "git", "links", "argv", "written", "refused"), CASES)
@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_and_diff_promise_what_fix_does(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    registry: str,
    git: bool,
    links: dict[str, str],
    argv: list[str],
    written: list[str],
    refused: list[str],
    mode: str,
) -> None:
    """The same files, the same refusals, and exit 1 exactly when fix writes (a link out of
    the tree was promised as a rewrite that fix then refused, run after run)."""
    _make_tree(tmp_path, monkeypatch, registry, git, links)
    arguments = ["fix", "--no-cache", *[arg.format(tmp=tmp_path) for arg in argv]]
    promised_code = main([*arguments, mode])
    out, err = capsys.readouterr()
    if mode == "--check":
        promised = sorted(line.removeprefix("Would rewrite ") for line in err.splitlines() if "Would rewrite" in line)
    else:
        promised = sorted(line.removeprefix("+++ ") for line in out.splitlines() if line.startswith("+++ "))
    promised_refusals = [line for line in err.splitlines() if "not written" in line]
    code = main(arguments)
    err = capsys.readouterr().err
    done = sorted(line.removeprefix("Rewriting ") for line in err.splitlines() if line.startswith("Rewriting "))
    assert (promised_code, promised, promised_refusals) == (code, done, [r.format(tmp=tmp_path) for r in refused])


@pytest.mark.parametrize(
    ("links", "argv", "expected_err"),
    [
        pytest.param(
            {"app/alias.py": "real.py"}, ["app/alias.py", "app/real.py"],
            "Rewriting app/real.py\nfixed 1 finding in 1 file; 0 left (not fixable)\n",
            id="a file and a symlink to it: fixed once, under the name that is not a link",
        ),
        pytest.param(
            {"applink": "app"}, ["app", "applink"],
            "Rewriting app/real.py\nfixed 1 finding in 1 file; 0 left (not fixable)\n",
            id="a folder and a symlink to it",
        ),
        pytest.param(
            {"applink": "app"}, ["--check", "applink", "app"],
            "Would rewrite app/real.py\nwould fix 1 finding in 1 file; 0 left (not fixable)\n",
            id="--check counts the file once",
        ),
        pytest.param(
            {"app/hard.py": ""}, ["app"],
            "Rewriting app/hard.py\nRewriting app/real.py\nfixed 2 findings in 2 files; 0 left (not fixable)\n",
            id="hard links are rewritten each (the atomic rewrite gives each name its own file)",
        ),
    ],
)  # fmt: skip
def test_one_file_under_two_names_is_fixed_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    links: dict[str, str],
    argv: list[str],
    expected_err: str,
) -> None:
    """Fixed twice, the second rewrite started from a stale check: 'the finding does not match
    the source', and a finding counted as left that the first rewrite had fixed."""
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "app/real.py": LEGACY})
    for link, target in links.items():
        if target:
            (tmp_path / link).symlink_to(target)
        else:
            os.link(tmp_path / "app/real.py", tmp_path / link)  # Path.hardlink_to: 3.10+
    monkeypatch.chdir(tmp_path)
    assert (main(["fix", "--no-cache", *argv]), capsys.readouterr().err) == (1, expected_err)
    expected = LEGACY if "--check" in argv else CANONICAL
    assert (tmp_path / "app/real.py").read_text() == expected
    assert main(["fix", "--no-cache", "--check", *[arg for arg in argv if arg != "--check"]]) == int(expected == LEGACY)
