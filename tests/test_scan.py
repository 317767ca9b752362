"""File discovery (git's view of the tree, else a walk; excludes) and the scan over files:
problems, worker processes, the per-file pipeline's decoding."""

from __future__ import annotations

import datetime
import multiprocessing
import os
import subprocess
from pathlib import Path

import pytest

from flake8_ssot_ws.scan import runner as scan_module
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.checker import Outcome
from flake8_ssot_ws.scan.checker import describe
from flake8_ssot_ws.scan.discovery import DEFAULT_EXCLUDE
from flake8_ssot_ws.scan.discovery import excluder_of
from flake8_ssot_ws.scan.discovery import Excluder
from flake8_ssot_ws.scan.discovery import PendingDiscovery
from flake8_ssot_ws.scan.discovery import discover
from flake8_ssot_ws.scan.discovery import is_python_file
from flake8_ssot_ws.scan.discovery import iter_python_files
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.scan.runner import scan
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

TODAY = datetime.date(2026, 1, 1)
LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
NOT_TEXT_ENCODING = "'rot13' is not a text encoding; use codecs.decode() to handle arbitrary codecs"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]


TREE = {
    "app/a.py": "",
    "app/b.pyi": "",
    "app/notes.txt": "",
    "app/build/gen.py": "",
    "app/migrations/0001.py": "",
    "app/x_pb2.py": "",
    ".venv/lib/site.py": "",
    "pkg.egg-info/x.py": "",
    "node_modules/m/x.py": "",
    "ignored/i.py": "",
    "app/scratch.gen.py": "",
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, TREE)
    (tmp_path / ".gitignore").write_text("ignored/\n*.gen.py\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def paths(found: list) -> list[str]:
    return [item.path for item in found]


def init_git(root: Path) -> None:
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        pytest.param(
            DEFAULT_EXCLUDE, ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/x_pb2.py"], id="defaults"
        ),
        pytest.param(
            [*DEFAULT_EXCLUDE, "migrations", "*_pb2.py"], ["app/a.py", "app/b.pyi"], id="extend-by-name-globs"
        ),
        pytest.param([*DEFAULT_EXCLUDE, "app/m*"], ["app/a.py", "app/b.pyi", "app/x_pb2.py"], id="path-glob"),
        pytest.param(
            [*DEFAULT_EXCLUDE, "./app/x_*"],
            ["app/a.py", "app/b.pyi", "app/migrations/0001.py"],
            id="path-glob-on-a-file",
        ),
        pytest.param(
            ["nothing"],
            [
                ".venv/lib/site.py",
                "app/a.py",
                "app/b.pyi",
                "app/build/gen.py",
                "app/migrations/0001.py",
                "app/x_pb2.py",
                "node_modules/m/x.py",
                "pkg.egg-info/x.py",
            ],
            id="exclude-replaces-the-defaults",
        ),
    ],
)
def test_git_work_tree(tree: Path, exclude: list[str], expected: list[str]) -> None:
    """git lists tracked and untracked files and leaves out what .gitignore ignores."""
    init_git(tree)
    subprocess.run([*GIT, "add", "app/a.py"], cwd=tree, check=True)  # tracked; the rest untracked
    assert paths(discover(["."], Excluder(exclude))) == expected


@pytest.mark.parametrize(
    "variable",
    [
        pytest.param("GIT_LITERAL_PATHSPECS", id="literal pathspecs: git would look for a file named *.py"),
        pytest.param("GIT_GLOB_PATHSPECS", id="glob pathspecs: git's * would stop at a /"),
        pytest.param("GIT_NOGLOB_PATHSPECS", id="no-glob pathspecs"),
    ],
)
def test_git_pathspec_variables_change_nothing(tree: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """git filters by suffix (`-- *.py *.pyi`); a user's variable that changes how git reads
    those patterns is not passed on, so the same files are found."""
    init_git(tree)
    monkeypatch.setenv(variable, "1")
    found = paths(discover(["."], Excluder(DEFAULT_EXCLUDE)))
    assert found == ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/x_pb2.py"]


def test_walk_outside_git(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without git (here: not on PATH) a walk, which knows nothing of .gitignore."""
    monkeypatch.setenv("PATH", "")
    found = paths(discover(["."], Excluder(DEFAULT_EXCLUDE)))
    assert found == [
        "app/a.py",
        "app/b.pyi",
        "app/migrations/0001.py",
        "app/scratch.gen.py",
        "app/x_pb2.py",
        "ignored/i.py",
    ]


def test_walk_outside_a_work_tree(tree: Path) -> None:
    """git runs but the directory is no work tree (git exits non-zero): the walk again."""
    found = paths(discover(["app"], Excluder([*DEFAULT_EXCLUDE, "x_*"])))
    assert found == ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/scratch.gen.py"]


def test_explicit_python_files_are_always_checked(tree: Path) -> None:
    init_git(tree)
    named = ["ignored/i.py", "app/notes.txt", ".venv/lib/site.py", "app/a.py", "./app/a.py"]
    discovery = PendingDiscovery(named, Excluder(DEFAULT_EXCLUDE))
    assert [(item.path, item.explicit) for item in discovery.result()] == [
        ("ignored/i.py", True),
        (".venv/lib/site.py", True),
        ("app/a.py", True),
    ]
    assert discovery.skipped == ["app/notes.txt"]


@pytest.mark.parametrize(
    ("cwd", "named", "expected"),
    [
        pytest.param(
            "app",
            ["..", "."],
            ["../app/a.py", "../app/b.pyi", "../app/migrations/0001.py", "../app/x_pb2.py"],
            id="the parent and the cwd: each file once, under its first name",
        ),
        pytest.param(
            ".",
            [".", "app", "app/migrations"],
            ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/x_pb2.py"],
            id="a folder and folders inside it",
        ),
        pytest.param(
            ".",
            ["app/migrations", "{root}/app/migrations/0001.py"],
            ["app/migrations/0001.py"],
            id="a folder, then one of its files by absolute path",
        ),
        pytest.param(".", ["{root}/app/a.py", "app/a.py"], ["{root}/app/a.py"], id="one file, absolute and relative"),
    ],
)
def test_overlapping_arguments_check_each_file_once(
    tree: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, named: list[str], expected: list[str]
) -> None:
    init_git(tree)
    monkeypatch.chdir(tree / cwd)
    arguments = [name.format(root=tree) for name in named]
    assert paths(discover(arguments, Excluder(DEFAULT_EXCLUDE))) == [name.format(root=tree) for name in expected]


@pytest.mark.parametrize(
    ("name", "content", "python"),
    [
        pytest.param("a.py", b"", True, id="py"),
        pytest.param("a.pyi", b"", True, id="pyi"),
        pytest.param("a.pyw", b"", True, id="pyw (pre-commit's types: [python] passes it)"),
        pytest.param("manage", b"#!/usr/bin/env python3\nimport os\n", True, id="python shebang, no suffix"),
        pytest.param("run.sh", b"#!/usr/bin/python\n", True, id="python shebang, another suffix"),
        pytest.param("ssot-registry.toml", b"[[group]]\n", False, id="toml"),
        pytest.param("notes.txt", b"import os\n", False, id="text that happens to parse"),
        pytest.param("run.sh", b"#!/bin/sh\n", False, id="another shebang"),
        pytest.param("Makefile", b"", False, id="no suffix, no shebang"),
    ],
)
def test_is_python_file(tmp_path: Path, name: str, content: bytes, python: bool) -> None:
    (tmp_path / name).write_bytes(content)
    assert is_python_file(str(tmp_path / name)) is python


def test_an_unreadable_named_file_is_left_to_the_scan(tmp_path: Path) -> None:
    """It counts as Python: the scan then says why it cannot be read."""
    assert is_python_file(str(tmp_path / "vanished")) is True


def test_directory_argument_is_not_excluded_itself(tree: Path) -> None:
    """`ssot-ws check build/` checks build/, though `build` is excluded below a path."""
    found = paths(discover(["app/build"], Excluder(DEFAULT_EXCLUDE)))
    assert found == ["app/build/gen.py"]


def test_iter_python_files_skips_files_git_lists_but_that_are_deleted(tree: Path) -> None:
    init_git(tree)
    subprocess.run([*GIT, "add", "app"], cwd=tree, check=True)
    (tree / "app/x_pb2.py").unlink()
    found = [str(p) for p in iter_python_files([Path(".")])]
    assert found == ["app/a.py", "app/b.pyi", "app/build/gen.py", "app/migrations/0001.py"]


@pytest.mark.parametrize(
    ("tracked", "exclude", "extend", "expected"),
    [
        pytest.param(
            ["app/build/gen.py", ".venv/lib/site.py"], None, [],
            ["app/a.py", "app/b.pyi", "app/build/gen.py", "app/migrations/0001.py", "app/x_pb2.py",
             ".venv/lib/site.py"],
            id="the default list spares what git tracks (flake8 checks build/ too)",
        ),
        pytest.param(
            [], None, [], ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/x_pb2.py"],
            id="and skips what git does not track",
        ),
        pytest.param(
            ["app/build/gen.py", ".tox/t.py", "app/__pycache__/c.py"], None, [],
            ["app/a.py", "app/b.pyi", "app/build/gen.py", "app/migrations/0001.py", "app/x_pb2.py"],
            id="what flake8's defaults skip (.tox, __pycache__) is skipped tracked or not",
        ),
        pytest.param(
            ["app/build/gen.py"], None, ["migrations"], ["app/a.py", "app/b.pyi", "app/build/gen.py", "app/x_pb2.py"],
            id="--extend-exclude skips tracked files too",
        ),
        pytest.param(
            ["app/build/gen.py"], ["build"], [],
            ["app/a.py", "app/b.pyi", "app/migrations/0001.py", "app/x_pb2.py", "pkg.egg-info/x.py",
             ".venv/lib/site.py", "node_modules/m/x.py", ".tox/t.py", "app/__pycache__/c.py"],
            id="so does a given --exclude, which replaces the default list",
        ),
    ],
)  # fmt: skip
def test_default_exclude_spares_tracked_files(
    tree: Path, tracked: list[str], exclude: list[str] | None, extend: list[str], expected: list[str]
) -> None:
    write_tree(tree, {".tox/t.py": "", "app/__pycache__/c.py": ""})
    init_git(tree)
    if tracked:
        subprocess.run([*GIT, "add", "-f", *tracked], cwd=tree, check=True)
    found = paths(discover(["."], excluder_of(exclude, extend)))
    assert found == sorted(expected)


@pytest.mark.parametrize(
    ("arguments", "glob", "expected"),
    [
        pytest.param(["."], "{cwd}/app/m*", ["app/a.py", "app/b.pyi", "app/x_pb2.py"], id="relative arguments"),
        pytest.param(
            ["{cwd}"], "{cwd}/app/migrations", ["{cwd}/app/a.py", "{cwd}/app/b.pyi", "{cwd}/app/x_pb2.py"],
            id="an absolute argument",
        ),
        pytest.param(
            [".."], "{cwd}/app/x_*", ["../app/a.py", "../app/b.pyi", "../app/migrations/0001.py"],
            id="from a subfolder, with ..",
        ),
    ],
)
def test_absolute_exclude_globs(tree: Path, arguments: list[str], glob: str, expected: list[str]) -> None:
    """flake8 takes an absolute --exclude; it is matched however the paths are spelt."""
    cwd = os.getcwd()
    init_git(tree)
    (tree / "sub").mkdir()
    if arguments == [".."]:
        os.chdir(tree / "sub")  # the tree fixture's monkeypatch.chdir puts the cwd back
    excluder = excluder_of([*DEFAULT_EXCLUDE, glob.format(cwd=cwd)])
    found = paths(discover([argument.format(cwd=cwd) for argument in arguments], excluder))
    assert found == [path.format(cwd=cwd) for path in expected]


# --- the scan ---------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def registry_of(project: Path) -> Registry:
    from flake8_ssot_ws.registry import load_registry

    return load_registry(project / "ssot-registry.toml")


def summary(result: scan_module.ScanResult) -> list[tuple[str, str | None, list[str], str | None]]:
    return [
        (r.path, r.relpath, [f"{f.line}:{f.code}" for f in r.outcome.findings], r.outcome.problem) for r in result.files
    ]


def test_scan_reports_findings_problems_and_canonical(project: Path) -> None:
    write_tree(
        project,
        {
            "app/views.py": LEGACY + "x = 1  # noqa\n",
            "app/ok.py": "from app.websocket_core.unified_manager import get_websocket_manager\n",
            "app/clean.py": "import os\n",
            "app/broken.py": LEGACY + "def f(:\n",
            "app/latin.py": b"# coding: latin-1\n" + LEGACY.encode() + b"s = '\xe9'\n",
            "app/not_utf8.py": LEGACY.encode() + b"s = '\xff'\n",  # read as latin-1, as flake8 reads it
            "app/bad.py": b"# coding: rot13\n" + LEGACY.encode(),
            "app/bom.py": b"\xef\xbb\xbf" + LEGACY.encode(),
            "app/loop.py": "",
        },
    )
    (project / "app/loop.py").unlink()
    os.symlink("loop.py", project / "app/loop.py")
    result = scan(["app"], registry_of(project), today=TODAY, use_cache=False)
    assert summary(result) == [
        ("app/bad.py", "app/bad.py", [], f"LookupError: {NOT_TEXT_ENCODING}"),
        ("app/bom.py", "app/bom.py", ["1:SWS101"], None),
        ("app/broken.py", "app/broken.py", [], "SyntaxError: invalid syntax (line 2)"),
        ("app/latin.py", "app/latin.py", ["2:SWS101"], None),
        ("app/loop.py", "app/loop.py", [], "cannot read: Too many levels of symbolic links"),
        ("app/not_utf8.py", "app/not_utf8.py", ["1:SWS101"], None),
        ("app/ok.py", "app/ok.py", [], None),
        ("app/views.py", "app/views.py", ["1:SWS101"], None),
    ]
    assert result.scanned == 9
    assert [r.path for r in result.problems] == ["app/bad.py", "app/broken.py", "app/loop.py"]
    ok = next(r for r in result.files if r.path == "app/ok.py")
    assert [(c.line, c.group) for c in ok.outcome.canonical] == [(1, "websocket-manager")]
    assert [(path, f.code) for path, f in result.findings] == [
        ("app/bom.py", "SWS101"),
        ("app/latin.py", "SWS101"),
        ("app/not_utf8.py", "SWS101"),
        ("app/views.py", "SWS101"),
    ]


def test_noqa_findings_are_kept_apart(project: Path) -> None:
    write_tree(project, {"app/views.py": LEGACY.rstrip() + "  # noqa: SWS101\n" + LEGACY})
    (result,) = scan(["app"], registry_of(project), today=TODAY, use_cache=False).files
    assert [f.line for f in result.outcome.reported] == [2]
    assert [f.line for f in result.outcome.noqa] == [1]
    assert [f.line for f in result.outcome.findings] == [1, 2]


def test_file_outside_the_registry_root(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "x.py"
    outside.write_text(LEGACY)
    (result,) = scan([str(outside)], registry_of(project), today=TODAY, use_cache=False).files
    assert (result.relpath, [f.code for f in result.outcome.findings]) == (None, ["SWS101"])


def test_worker_processes_give_the_same_result(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"app/m{i}.py": (LEGACY if i % 3 == 0 else "import os\n") for i in range(40)}
    files["app/broken.py"] = LEGACY + "def f(:\n"
    write_tree(project, files)
    registry = registry_of(project)
    serial = scan(["app"], registry, today=TODAY, use_cache=False, jobs=1)
    monkeypatch.setattr(scan_module, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(scan_module, "CHUNK_SIZE", 4)
    parallel = scan(["app"], registry, today=TODAY, use_cache=False, jobs=2)
    assert parallel == serial
    assert len(serial.files) == 15


def test_spawned_workers_load_the_registry(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is unavailable (macOS, Windows), workers load the registry themselves."""
    write_tree(project, {f"app/m{i}.py": LEGACY for i in range(6)})
    monkeypatch.setattr(scan_module, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(scan_module, "CHUNK_SIZE", 2)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    result = scan(["app"], registry_of(project), today=TODAY, use_cache=False, jobs=2)
    assert len(result.files) == 6


@pytest.mark.parametrize(
    ("git", "argument", "expected"),
    [
        pytest.param(True, "app", [("app/a.py", None)], id="a file git lists but that is deleted: skipped"),
        pytest.param(
            True, "app", [("app/a.py", None), ("app/c.py", "cannot read: a broken symlink to nope.py")],
            id="git: a broken symlink is reported (flake8 gives E902), not taken for a deleted file",
        ),
        pytest.param(
            False, "app", [("app/a.py", None), ("app/c.py", "cannot read: a broken symlink to nope.py")],
            id="no git: the walk's broken symlink is reported",
        ),
        pytest.param(
            False, "app/c.py", [("app/c.py", "cannot read: a broken symlink to nope.py")],
            id="a broken symlink named explicitly",
        ),
    ],
)
def test_files_that_are_not_there(
    project: Path, git: bool, argument: str, expected: list[tuple[str, str | None]]
) -> None:
    write_tree(project, {"app/a.py": LEGACY, "app/b.py": LEGACY})
    if any(path == "app/c.py" for path, _ in expected):
        (project / "app/c.py").symlink_to("nope.py")
    if git:
        init_git(project)
        subprocess.run([*GIT, "add", "app"], cwd=project, check=True)
    (project / "app/b.py").unlink()
    result = scan([argument], registry_of(project), today=TODAY, use_cache=False)
    assert [(r.path, r.outcome.problem) for r in result.files] == expected
    assert result.scanned == len(expected)


def test_worker_functions_in_process(project: Path) -> None:
    """What each worker process runs (coverage does not follow them into the pool)."""
    write_tree(project, {"app/a.py": LEGACY})
    scan_module._start_worker(registry_of(project), TODAY, True, True)
    (done,) = scan_module._check_chunk([scan_module._Task(0, "app/a.py", None, True, None)])
    assert [f.code for f in done.outcome.findings] == ["SWS101"]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(0, id="empty"),
        pytest.param(scan_module._READ_SIZE - 1, id="one read"),
        pytest.param(scan_module._READ_SIZE, id="exactly one read: the next one finds the end"),
        pytest.param(3 * scan_module._READ_SIZE + 7, id="several reads, joined in order"),
    ],
)
def test_read_takes_the_whole_file(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    (tmp_path / "f.py").write_bytes(data)
    assert scan_module._read(str(tmp_path / "f.py")) == data


def test_file_vanishing_between_stat_and_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(project, {"app/a.py": LEGACY})
    real_read = scan_module._read

    def vanish(path: str) -> bytes:
        os.unlink(path)
        return real_read(path)

    monkeypatch.setattr(scan_module, "_read", vanish)
    (result,) = scan(["app"], registry_of(project), today=TODAY).files
    assert result.outcome.problem == "cannot read: No such file or directory"
    assert not (project / ".ssot-ws-cache").exists()  # nothing worth caching


def test_checked_code_warnings_stay_quiet(project: Path, capfd: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"app/a.py": LEGACY + "x = '\\d'\n", "app/b.py": "# é\n" + LEGACY + "y = '\\d'\n"})
    result = scan(["app"], registry_of(project), today=TODAY, use_cache=False)
    assert [len(r.outcome.findings) for r in result.files] == [1, 1]
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        pytest.param(FileNotFoundError(2, "No such file"), "cannot read: No such file", id="os"),
        pytest.param(OSError(), "cannot read: OSError", id="os-without-strerror"),
        pytest.param(SyntaxError("bad", ("f", 3, 1, "x")), "SyntaxError: bad (line 3)", id="syntax"),
        pytest.param(SyntaxError("unknown encoding: nope"), "SyntaxError: unknown encoding: nope", id="no-line"),
        pytest.param(RecursionError(), "RecursionError: too deeply nested to parse", id="recursion"),
        pytest.param(
            ValueError("source code string cannot contain null bytes"),
            "ValueError: source code string cannot contain null bytes",
            id="null-bytes",
        ),
    ],
)
def test_describe(error: BaseException, reason: str) -> None:
    assert describe(error) == reason


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"# coding: rot13\n" + LEGACY.encode(), NOT_TEXT_ENCODING, id="cookie-not-a-text-encoding"),
        pytest.param(LEGACY.encode() + b"\0\n", "source code string cannot contain null bytes", id="null-byte"),
        pytest.param(
            LEGACY.encode() + b"x = " + b"(" * 300 + b")" * 300 + b"\n",
            "too many nested parentheses",
            id="deep-nesting",
        ),
    ],
)
def test_unusable_content(project: Path, data: bytes, problem: str) -> None:
    """The error type and line vary with the Python version (ValueError before 3.12 for a
    null byte); the reason does not."""
    outcome = FileChecker(registry_of(project), TODAY).check(str(project / "app/x.py"), data)
    assert outcome.problem is not None
    assert outcome.problem.split(": ", 1)[1].split(" (line")[0] == problem


def test_outcome_findings_merge_in_the_core_order() -> None:
    first = Finding(1, 0, "SWS001", "a", "g")
    second = Finding(1, 5, "SWS002", "b", "g")
    third = Finding(2, 0, "SWS001", "c", "g")
    assert Outcome(reported=(first, third), noqa=(second,)).findings == [first, second, third]
