"""Every file the tool writes for the user (the baseline, the badge, init's registry; fix's
sources have their own tests) is written whole or not at all: a write that fails part way
(here: the file-size limit a full disk or quota gives) leaves the old file byte for byte."""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from flake8_ssot_ws.atomic import write_atomically
from tests.conftest import git
from tests.test_report import FIXTURE

LIMIT = 200  # bytes: below every file the writers below produce, above nothing they need


def _limited() -> None:  # pragma: no cover (runs in the child, between fork and exec)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _run(cwd: Path, *argv: str, limited: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flake8_ssot_ws", *argv]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, preexec_fn=_limited if limited else None, check=False
    )


@pytest.mark.parametrize(
    ("argv", "written", "expected_error"),
    [
        pytest.param(
            ["check", "--no-cache", "--today", "2026-06-01", "--write-baseline", "ci/baseline.json", "--force"],
            "ci/baseline.json",
            "ssot-ws: error: ci/baseline.json: cannot write: File too large\n",
            id="a baseline that cannot be written whole keeps the old one",
        ),
        pytest.param(
            ["report", "--no-cache", "--today", "2026-06-01", "--badge", "ci/badge.svg"],
            "ci/badge.svg",
            "ssot-ws: error: --badge ci/badge.svg: cannot write: File too large\n",
            id="a badge that cannot be written whole keeps the old one",
        ),
        pytest.param(
            ["report", "--history", "--chart", "ci/chart.svg", "--today", "2026-06-01"],
            "ci/chart.svg",
            "ssot-ws: error: --chart ci/chart.svg: cannot write: File too large\n",
            id="a history chart that cannot be written whole keeps the old one",
        ),
        pytest.param(
            ["init", "--watch", "*Manager", "--output", "ci/proposed.toml", "--force"],
            "ci/proposed.toml",
            "ssot-ws: error: --output ci/proposed.toml: cannot write: File too large\n",
            id="a registry init cannot write whole keeps the old one",
        ),
    ],
)
def test_a_failed_write_keeps_the_old_file(tmp_path: Path, argv: list[str], written: str, expected_error: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "ci").mkdir()
    if "--history" in argv:  # a history of one commit
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit", "-qm", "one")
    first = _run(root, *argv)
    assert first.returncode in (0, 1), first.stderr
    before = (root / written).read_bytes()
    assert len(before) > LIMIT  # else the limited run could succeed and prove nothing
    (root / written).chmod(0o640)
    second = _run(root, *argv, limited=True)
    assert (second.returncode, second.stderr[-len(expected_error) :]) == (2, expected_error)
    assert (root / written).read_bytes() == before
    assert stat.S_IMODE((root / written).stat().st_mode) == 0o640
    assert sorted(path.name for path in (root / "ci").iterdir()) == [Path(written).name]  # no temporary left


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        pytest.param({}, {"out.txt": b"new"}, id="creates a file that is not there"),
        pytest.param({"out.txt": b"old"}, {"out.txt": b"new"}, id="replaces a file"),
        pytest.param(
            {"target.txt": b"old", "out.txt": "-> target.txt"},
            {"target.txt": b"new", "out.txt": "-> target.txt"},
            id="writes a symlink's target and keeps the link",
        ),
    ],
)
def test_write_atomically(tmp_path: Path, setup: dict[str, bytes | str], expected: dict[str, bytes | str]) -> None:
    for name, content in setup.items():
        if isinstance(content, str):
            os.symlink(content.removeprefix("-> "), tmp_path / name)
        else:
            (tmp_path / name).write_bytes(content)
    write_atomically(str(tmp_path / "out.txt"), b"new")
    found: dict[str, bytes | str] = {}
    for path in tmp_path.iterdir():
        found[path.name] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes()
    assert found == expected


@pytest.mark.parametrize(
    "umask",
    [
        pytest.param(0o022, id="umask 022: 644"),
        pytest.param(0o077, id="umask 077: 600"),
        pytest.param(0o002, id="umask 002: 664"),
    ],
)
def test_a_new_file_gets_what_the_umask_gives(tmp_path: Path, umask: int) -> None:
    """mkstemp makes 0600: a new baseline or badge would be unreadable to the rest of a team."""
    previous = os.umask(umask)
    try:
        write_atomically(str(tmp_path / "new.txt"), b"new")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(os.mkfifo, id="a FIFO is written to, not replaced by a regular file"),
        pytest.param(lambda path: os.symlink("/dev/stdout", path), id="/dev/stdout (through a link)"),
    ],
)
def test_what_is_not_a_regular_file_is_written_to(tmp_path: Path, make: Callable[[Path], None]) -> None:
    """`--badge /dev/stdout` failed, and `--badge /dev/null` run as root replaced the device."""
    target = tmp_path / "target"
    make(target)
    script = (
        "import sys; from flake8_ssot_ws.atomic import write_atomically; write_atomically(sys.argv[1], b'data')"
    )
    if stat.S_ISFIFO(os.stat(target).st_mode):  # in this process, where coverage sees it
        reader = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # open first: the writer's open then returns
        try:
            write_atomically(str(target), b"data")
            assert os.read(reader, 100) == b"data"
        finally:
            os.close(reader)
    else:
        done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, check=True)
        assert done.stdout == b"data"
    assert target.is_symlink() or stat.S_ISFIFO(target.stat().st_mode)  # still what it was
    assert sorted(path.name for path in tmp_path.iterdir()) == ["target"]


def test_a_failed_replace_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out.txt").write_bytes(b"old")

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomically(str(tmp_path / "out.txt"), b"new")
    assert [(path.name, path.read_bytes()) for path in tmp_path.iterdir()] == [("out.txt", b"old")]


@pytest.mark.parametrize(
    ("owner", "calls"),
    [
        pytest.param(None, [], id="a new file: nothing to keep"),
        pytest.param("same", [], id="the writer's own file: no chown"),
        pytest.param("other", ["other"], id="another user's file: its owner and group given back"),
    ],
)
def test_the_owner_is_given_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner: str | None, calls: list[str]
) -> None:
    """Found by an eighth trial: root fixing another user's checkout left root's files."""
    from flake8_ssot_ws import atomic

    temporary = tmp_path / "t"
    temporary.write_bytes(b"")
    mine = (temporary.stat().st_uid, temporary.stat().st_gid)
    other = (mine[0] + 1, mine[1] + 1)
    seen: list[tuple[str, int, int]] = []
    monkeypatch.setattr(os, "chown", lambda path, uid, gid: seen.append((path, uid, gid)))
    wanted = {None: None, "same": mine, "other": other}[owner]
    atomic._keep_owner(str(temporary), wanted)
    assert seen == [(str(temporary), *other) for _ in calls]


def test_an_owner_that_cannot_be_given_back_is_no_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_ssot_ws import atomic

    temporary = tmp_path / "t"
    temporary.write_bytes(b"")

    def refuse(path: str, uid: int, gid: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    atomic._keep_owner(str(temporary), (temporary.stat().st_uid + 1, 0))  # no exception
