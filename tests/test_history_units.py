"""The parts of `report --history` one by one: sampling, the trend arithmetic, git plumbing
(cat-file's protocol, damaged objects, submodules), symbolic links, each commit's registry,
the worker processes and the progress line."""

from __future__ import annotations

import calendar
import datetime
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flake8_ssot_ws.commands import report_history
from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.history import parallel
from flake8_ssot_ws.history.git import SYMLINK_MODE
from flake8_ssot_ws.history.git import Blob
from flake8_ssot_ws.history.git import BlobReader
from flake8_ssot_ws.history.git import Commit
from flake8_ssot_ws.history.git import Git
from flake8_ssot_ws.history.git import GitError
from flake8_ssot_ws.history.git import TreeEntry
from flake8_ssot_ws.history.measure import Links
from flake8_ssot_ws.history.render import describe_every
from flake8_ssot_ws.history.sampling import Sample
from flake8_ssot_ws.history.sampling import choose
from flake8_ssot_ws.history.trend import Point
from flake8_ssot_ws.history.trend import changes
from flake8_ssot_ws.history.trend import largest_drop
from flake8_ssot_ws.history.trend import signed
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.registry import registry_from_bytes
from flake8_ssot_ws.report.compliance import Counts
from flake8_ssot_ws.report.compliance import Report
from flake8_ssot_ws.scan import workers
from tests.git_history import CANONICAL
from tests.git_history import LEGACY
from tests.git_history import commit
from tests.git_history import git
from tests.test_workers import _children
from tests.test_workers import _stat
from tests.test_workers import linux_only

REGISTRY = '[[group]]\nname = "ws"\ncanonical = ["' + CANONICAL.strip() + '"]\n'
PYPROJECT = "[tool.flake8-ssot-ws]\n" + REGISTRY.replace("[[group]]", "[[tool.flake8-ssot-ws.group]]")


def _commit(name: str, when: str) -> Commit:
    """A commit named ``name`` at ``when`` (YYYY-MM-DD HH:MM, on the committer's clock)."""
    clock = calendar.timegm(datetime.datetime.strptime(when, "%Y-%m-%d %H:%M").timetuple())
    return Commit(name, clock, f"subject of {name}")


HISTORY = [  # oldest first
    _commit("a", "2026-01-01 09:00"),
    _commit("b", "2026-01-01 17:00"),
    _commit("c", "2026-01-02 08:00"),
    _commit("d", "2026-01-01 23:00"),  # its clock is behind: counted on 2026-01-02, after c
    _commit("e", "2026-01-04 12:00"),  # a Sunday
    _commit("f", "2026-01-05 12:00"),  # a Monday
    _commit("g", "2026-01-05 13:00"),
]


@pytest.mark.parametrize(
    ("every", "since", "until", "expected"),
    [
        pytest.param("day", None, None, [("b", "ab"), ("d", "cd"), ("e", "e"), ("g", "fg")], id="day"),
        pytest.param("week", None, None, [("e", "abcde"), ("g", "fg")], id="week: ISO weeks start on Monday"),
        pytest.param(1, None, None, [(n, n) for n in "abcdefg"], id="every commit"),
        pytest.param(3, None, None, [("a", "a"), ("d", "bcd"), ("g", "efg")], id="every 3rd, back from the newest"),
        pytest.param("day", "2026-01-02", None, [("d", "cd"), ("e", "e"), ("g", "fg")], id="since"),
        pytest.param("day", "2026-01-02", "2026-01-02", [("d", "cd")], id="d counts on c's day"),
        pytest.param("day", None, "2026-01-01", [("b", "ab")], id="until"),
        pytest.param("day", "2026-01-03", "2026-01-03", [], id="a day without commits"),
        pytest.param(2, "2026-01-04", None, [("e", "e"), ("g", "fg")], id="every Nth within the range"),
    ],
)
def test_choose(every, since, until, expected) -> None:
    day = datetime.date.fromisoformat
    samples = choose(HISTORY[::-1], every, since and day(since), until and day(until))
    assert [(s.commit.sha, "".join(c.sha for c in s.commits)) for s in samples] == expected


def test_sample_days_never_go_backwards() -> None:
    dates = [sample.date.isoformat() for sample in choose(HISTORY[::-1], 1)]
    assert dates == ["2026-01-01", "2026-01-01", "2026-01-02", "2026-01-02", "2026-01-04", "2026-01-05", "2026-01-05"]


def _point(name: str, compliance_tenths: int | None) -> Point:
    sample = Sample(_commit(name, "2026-01-01 00:00"), 0, (_commit(name, "2026-01-01 00:00"),))
    if compliance_tenths is None:
        return Point(sample, None, "no registry")
    counts = Counts("overall", compliance_tenths, {"SWS001": 1000 - compliance_tenths}, 0, 0, 0, 0)
    report = Report(datetime.date(2026, 1, 1), "r", 0, 0, counts, (), (), (), ())
    return Point(sample, report)


@pytest.mark.parametrize(
    ("values", "expected_changes", "expected_drop"),
    [
        pytest.param([500, 400, 450, 300], [None, -100, 50, -150], ("c", "d", -150, "d"), id="the largest of two"),
        pytest.param([500, 400, 500, 400], [None, -100, 100, -100], ("a", "b", -100, "b"), id="equal: the earliest"),
        pytest.param([500, None, 300], [None, None, -200], ("a", "c", -200, "cb"), id="across an unmeasured one"),
        pytest.param([300, 300, 400], [None, 0, 100], None, id="never fell"),
        pytest.param([None, None], [None, None], None, id="nothing measured"),
    ],
)
def test_changes_and_largest_drop(values, expected_changes, expected_drop) -> None:
    points = [_point(name, value) for name, value in zip("abcd", values)]
    assert changes(points) == expected_changes
    drop = largest_drop(points)
    summary = None if drop is None else (
        points[drop.before].sample.commit.sha, points[drop.after].sample.commit.sha, drop.tenths,
        "".join(c.sha for c in drop.commits),
    )  # fmt: skip
    assert summary == expected_drop


@pytest.mark.parametrize(
    ("tenths", "text"),
    [(None, "-"), (0, "0.0"), (7, "+0.7"), (-7, "-0.7"), (266, "+26.6"), (-1000, "-100.0")],
)
def test_signed(tenths, text) -> None:
    assert signed(tenths) == text


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "one", "2026-02-01T10:00:00+00:00", {
        "ssot-registry.toml": REGISTRY, "a.py": LEGACY, "b.py": CANONICAL, "big.py": "x = 1\n" * 20_000,
    })  # fmt: skip
    return root


def _blob(root: Path, path: str) -> str:
    return git(root, "rev-parse", f"HEAD:{path}")


def test_blob_reader_answers_in_order_then_again(repo) -> None:
    a, b, big = (_blob(repo, name) for name in ("a.py", "b.py", "big.py"))
    with BlobReader(Git(str(repo))) as reader:
        assert list(reader.read([a, b, big, a])) == [
            (a, Blob(LEGACY.encode())), (b, Blob(CANONICAL.encode())), (big, Blob(b"x = 1\n" * 20_000)),
            (a, Blob(LEGACY.encode())),
        ]  # fmt: skip
        assert list(reader.read([])) == []
        process = reader._process
        assert list(reader.read([b])) == [(b, Blob(CANONICAL.encode()))]
        assert reader._process is process  # one long-lived git


def test_blob_reader_stopped_early_starts_afresh(repo) -> None:
    """Answers are still coming when the caller stops reading: that git is ended, the next read
    gets a new one with nothing left over."""
    a, b, big = (_blob(repo, name) for name in ("a.py", "b.py", "big.py"))
    with BlobReader(Git(str(repo))) as reader:
        answers = reader.read([big] * 50 + [a])
        assert next(answers) == (big, Blob(b"x = 1\n" * 20_000))
        answers.close()
        assert reader._process is None
        assert list(reader.read([b])) == [(b, Blob(CANONICAL.encode()))]


def test_blob_reader_missing_object(repo) -> None:
    a = _blob(repo, "a.py")
    missing = "0" * 40
    with BlobReader(Git(str(repo))) as reader:
        assert list(reader.read([missing, a])) == [
            (missing, Blob(None, "missing from the object store (a partial or damaged clone)")),
            (a, Blob(LEGACY.encode())),
        ]


def test_blob_reader_outlives_a_git_that_died(repo) -> None:
    a, big = _blob(repo, "a.py"), _blob(repo, "big.py")
    path = repo / ".git" / "objects" / big[:2] / big[2:]
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:100])
    with BlobReader(Git(str(repo))) as reader:
        assert list(reader.read([a, big, a, big])) == [
            (a, Blob(LEGACY.encode())),
            (big, Blob(None, f"cannot read from the object store: fatal: unable to stream {big} to stdout")),
            (a, Blob(LEGACY.encode())),
            (big, Blob(None, f"cannot read from the object store: fatal: unable to stream {big} to stdout")),
        ]


def test_blob_reader_without_git(repo, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")
    with BlobReader(Git(str(repo))) as reader, pytest.raises(GitError) as raised:
        list(reader.read(["0" * 40]))
    assert str(raised.value) == "cannot run git: No such file or directory"


def test_tree_lists_files_and_links_not_submodules(repo) -> None:
    (repo / "link.py").symlink_to("a.py")
    git(repo, "add", "link.py")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendored")  # a submodule
    git(repo, "commit", "-q", "-m", "two", when="2026-02-02T10:00:00+00:00")
    assert f"160000 commit {'1' * 40}\tvendored" in git(repo, "ls-tree", "HEAD")
    tree = Git(str(repo)).tree("HEAD")
    assert {path: entry.mode for path, entry in tree.items()} == {
        "a.py": "100644", "b.py": "100644", "big.py": "100644", "link.py": SYMLINK_MODE, "ssot-registry.toml": "100644",
    }  # fmt: skip


def test_committer_clock_is_the_committers_own(repo) -> None:
    commit(repo, "west", "2026-02-01T20:00:00-08:00")  # 2026-02-02 in UTC
    commit(repo, "east", "2026-02-03T01:30:00+05:30")  # 2026-02-02 in UTC
    newest, west = Git(str(repo)).first_parent("HEAD")[:2]
    assert [(c.subject, c.date.isoformat(), c.clock % 86400) for c in (west, newest)] == [
        ("west", "2026-02-01", 20 * 3600), ("east", "2026-02-03", 5400),
    ]  # fmt: skip


class _Targets:
    """A reader that knows link targets by blob id."""

    def __init__(self, targets: dict[str, bytes | None]) -> None:
        self.targets = targets
        self.asked: list[str] = []

    def read(self, blobs):
        for blob in blobs:
            self.asked.append(blob)
            yield blob, Blob(self.targets[blob])


def _link(blob: str) -> TreeEntry:
    return TreeEntry(SYMLINK_MODE, blob)


LINK_TREE = {
    "pkg/a.py": TreeEntry("100644", "A"),
    "pkg/to_a.py": _link("to a"),
    "pkg/chain.py": _link("to to_a"),
    "pkg/sub/up.py": _link("up to a"),
    "pkg/dangling.py": _link("to nowhere"),
    "pkg/absolute.py": _link("absolute"),
    "pkg/out.py": _link("out of the tree"),
    "pkg/loop1.py": _link("to loop2"),
    "pkg/loop2.py": _link("to loop1"),
    "pkg/unreadable.py": _link("unreadable"),
    "pkg/to_dangling.py": _link("to dangling"),
}
TARGETS = {
    "to a": b"a.py", "to to_a": b"to_a.py", "up to a": b"../a.py", "to nowhere": b"gone.py", "absolute": b"/etc/a.py",
    "out of the tree": b"../../a.py", "to loop2": b"loop2.py", "to loop1": b"loop1.py", "unreadable": None,
    "to dangling": b"dangling.py",
}  # fmt: skip
# Chains of exactly _LINK_HOPS (40) links, as many as Linux follows: long0.py -> long1.py -> ...
for _chain, _end in (("long", "gone.py"), ("far", "a.py")):
    for _hop in range(40):
        LINK_TREE[f"pkg/{_chain}{_hop}.py"] = _link(f"{_chain} {_hop}")
        TARGETS[f"{_chain} {_hop}"] = f"{_chain}{_hop + 1}.py".encode() if _hop < 39 else _end.encode()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("pkg/a.py", "A", id="a file"),
        pytest.param("pkg/to_a.py", "A", id="a link"),
        pytest.param("pkg/chain.py", "A", id="a link to a link"),
        pytest.param("pkg/sub/up.py", "A", id="a link with .."),
        pytest.param("pkg/dangling.py", None, id="dangling"),
        pytest.param("pkg/absolute.py", None, id="an absolute target: outside the tree"),
        pytest.param("pkg/out.py", None, id="out of the tree"),
        pytest.param("pkg/loop1.py", None, id="a loop"),
        pytest.param("pkg/unreadable.py", None, id="a link git cannot give"),
        pytest.param("pkg/none.py", None, id="not in the tree"),
    ],
)
def test_links(path, expected) -> None:
    targets = _Targets(TARGETS)
    links = Links(targets)  # type: ignore[arg-type]
    assert (links.blob_of(LINK_TREE, path), links.blob_of(LINK_TREE, path)) == (expected, expected)
    assert len(targets.asked) == len(set(targets.asked))  # each target read once


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(
            "pkg/dangling.py", "cannot read: a broken symlink to gone.py",
            id="dangling: a checkout has a broken link, reported as such",
        ),
        pytest.param(
            "pkg/to_dangling.py", "cannot read: a broken symlink to dangling.py",
            id="a link to a dangling link: named by its own target",
        ),
        pytest.param("pkg/to_a.py", None, id="a link that leads to a file"),
        pytest.param("pkg/a.py", None, id="a file"),
        pytest.param("pkg/none.py", None, id="not in the tree"),
        pytest.param("pkg/out.py", None, id="out of the tree: a checkout may find a file there, history cannot know"),
        pytest.param("pkg/absolute.py", None, id="an absolute target, the same"),
        pytest.param(
            "pkg/loop1.py", "cannot read: Too many levels of symbolic links", id="a loop, as a checkout says it"
        ),
        pytest.param(
            "pkg/long0.py", "cannot read: a broken symlink to long1.py", id="40 links that end nowhere: broken"
        ),
        pytest.param("pkg/far0.py", None, id="40 links that end at a file: not counted, as before"),
    ],
)
def test_what_a_checkout_says_of_a_link(path, expected) -> None:
    assert Links(_Targets(TARGETS)).resolve(LINK_TREE, path)[1] == expected  # type: ignore[arg-type]


PYPROJECT_WITHOUT_TABLE = b"[project]\nname = 'x'\n"


@pytest.mark.parametrize(
    ("name", "data", "src_is_dir", "expected"),
    [
        pytest.param("ssot-registry.toml", REGISTRY.encode(), False, (".",), id="standalone: src defaults to ."),
        pytest.param("ssot-registry.toml", REGISTRY.encode(), True, ("src", "."), id="a src folder in that tree"),
        pytest.param("pyproject.toml", PYPROJECT_WITHOUT_TABLE, False, None, id="a pyproject without our table"),
        pytest.param("pyproject.toml", PYPROJECT.encode(), False, (".",), id="pyproject with our table"),
    ],
)  # fmt: skip
def test_registry_from_bytes(tmp_path, name, data, src_is_dir, expected) -> None:
    def folder(path: Path) -> bool | None:  # the registry's folder, and src when it is there
        return src_is_dir if path.name == "src" else True

    registry = registry_from_bytes(tmp_path / name, data, folder=folder, shown=name)
    assert (None if registry is None else (registry.src, registry.root)) == (
        None if expected is None else (expected, tmp_path)
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("ssot-registry.toml", b"group = [",
                     "at 1a2b: ssot-registry.toml:1:10: invalid TOML: Invalid value", id="invalid TOML"),
        pytest.param("ssot-registry.toml", b"\xff", "at 1a2b: ssot-registry.toml: cannot read: 'utf-8' codec can't "
                     "decode byte 0xff in position 0: invalid start byte", id="not UTF-8"),
        pytest.param("ssot-registry.toml", b"[[group]]\nname = 'x'\n",
                     "at 1a2b: ssot-registry.toml:1: group[0].canonical: at least one canonical import is required",
                     id="invalid"),
        pytest.param("pyproject.toml", b"[tool]\nflake8-ssot-ws = 1\n",
                     "at 1a2b: pyproject.toml:2: tool.flake8-ssot-ws: expected a table", id="our key, not a table"),
    ],
)  # fmt: skip
def test_registry_from_bytes_errors_name_what_they_are_told(tmp_path, name, data, message) -> None:
    with pytest.raises(RegistryError) as raised:
        registry_from_bytes(tmp_path / name, data, folder=lambda path: None, shown=f"at 1a2b: {name}")
    assert str(raised.value) == message


def test_load_registry_still_names_the_file(tmp_path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(PYPROJECT_WITHOUT_TABLE)
    with pytest.raises(RegistryError, match=r"pyproject.toml: no \[tool.flake8-ssot-ws\] table$"):
        load_registry(path)


def _csv(capsys, *argv: str) -> list[list[str]]:
    assert main(["report", "--history", "--today", "2026-06-01", "--format", "csv", *argv]) == 0
    return [line.split(",") for line in capsys.readouterr().out.splitlines()[1:]]


INVALID = "invalid registry: pyproject.toml:1:21: invalid TOML: Expected ']' at the end of a table declaration"
UNREADABLE = "registry unreadable: pyproject.toml: missing from the object store (a partial or damaged clone)"


def test_each_commits_registry_or_why_there_is_none(tmp_path, capsys, monkeypatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    files = {"a.py": LEGACY, "b.py": CANONICAL}
    commit(root, "no table yet", "2026-02-01T10:00:00+00:00", {**files, "pyproject.toml": "[project]\nname = 'x'\n"})
    commit(root, "a typo", "2026-02-02T10:00:00+00:00", {"pyproject.toml": "[tool.flake8-ssot-ws\n"})
    commit(root, "registry", "2026-02-03T10:00:00+00:00", {"pyproject.toml": PYPROJECT})
    broken = commit(root, "registry lost", "2026-02-04T10:00:00+00:00", {"pyproject.toml": PYPROJECT + "# lost\n"})
    commit(root, "registry again", "2026-02-05T10:00:00+00:00", {"pyproject.toml": PYPROJECT})
    blob = git(root, "rev-parse", f"{broken}:pyproject.toml")
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    monkeypatch.chdir(root)
    rows = _csv(capsys, "--registry-at-commit", "--chart", "trend.svg")
    # The chart's line breaks where nothing was measured.
    svg = ET.parse(root / "trend.svg").getroot()
    lines = [line.get("points", "").count(",") for line in svg.iter("{http://www.w3.org/2000/svg}polyline")]
    assert lines == [1, 1]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("2026-02-01", "no registry (no [tool.flake8-ssot-ws] table in pyproject.toml)", ""),
        ("2026-02-02", INVALID, ""),
        ("2026-02-03", "measured", "50.0"),
        ("2026-02-04", UNREADABLE, ""),
        ("2026-02-05", "measured", "50.0"),
    ]  # fmt: skip


def test_each_commits_src_folder(tmp_path, capsys, monkeypatch) -> None:
    """With no `src` key, a registry's source roots depend on whether a src folder sits next to
    it: in each commit's own tree, as in a checkout of it."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    relative = "from ..websocket_core.websocket_manager import WebSocketManager\n"
    commit(root, "flat", "2026-02-01T10:00:00+00:00", {"ssot-registry.toml": REGISTRY, "app/services/x.py": relative})
    moved = {"app/services/x.py": None, "src/app/services/x.py": relative}
    commit(root, "src layout", "2026-02-02T10:00:00+00:00", moved)
    monkeypatch.chdir(root)
    rows = _csv(capsys, "--registry-at-commit")
    # flat: module 'app.services.x' resolves the import to the legacy module: SWS001.
    # src/ without a src root would be 'src.app.services.x', reaching nothing tracked; with it, SWS001 again.
    assert [(row[0], row[5], row[8]) for row in rows] == [("2026-02-01", "1", "1"), ("2026-02-02", "1", "1")]


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enough files over three commits for worker processes (with a small threshold)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    # Each file its own blob (workers get chunks of blobs); app/same.py shares app/m0.py's.
    files: dict[str, str | None] = {
        f"app/m{i}.py": (LEGACY if i % 3 == 0 else CANONICAL) + f"x = {i}\n" for i in range(30)
    }
    files.update({"ssot-registry.toml": REGISTRY, "app/broken.py": LEGACY + "def f(:\n"})
    files["app/same.py"] = files["app/m0.py"]
    commit(root, "one", "2026-02-01T10:00:00+00:00", files)
    migrated = {f"app/m{i}.py": CANONICAL + f"x = {i}\n" for i in range(0, 30, 6)}
    commit(root, "two", "2026-02-02T10:00:00+00:00", migrated)
    commit(root, "three", "2026-02-03T10:00:00+00:00", {"app/broken.py": None, "app/n.py": LEGACY})
    monkeypatch.chdir(root)
    return root


def test_worker_processes_give_the_same_trend(many, capsys, monkeypatch) -> None:
    serial = _csv(capsys, "--jobs", "1")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 3)
    assert _csv(capsys, "--jobs", "2") == serial
    assert [row[3] for row in serial] == ["64.5", "80.6", "78.1"]  # 20 of 31, 25 of 31, 25 of 32


def test_spawned_workers(many, capsys, monkeypatch) -> None:
    """Where fork is unavailable (macOS, Windows), workers get everything they need pickled."""
    import multiprocessing

    serial = _csv(capsys, "--jobs", "1")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert _csv(capsys, "--jobs", "2") == serial


def test_worker_functions_in_process(many) -> None:
    """What each worker process runs (coverage does not follow them into the pool)."""
    registry = load_registry(many / "ssot-registry.toml")
    today = datetime.date(2026, 6, 1)
    parallel._start_worker(str(many), today)
    legacy, missing = git(many, "rev-parse", "HEAD:app/n.py"), "0" * 40
    chunk = (registry, [(legacy, ["app/n.py", "app/same.py"]), (missing, ["app/gone.py"])])
    assert [(d.task.path, [f.code for f in d.outcome.findings], d.outcome.problem, d.missing) for d in
            parallel._read_and_check(chunk)] == [
        ("app/n.py", ["SWS001"], None, False), ("app/same.py", ["SWS001"], None, False),
        ("app/gone.py", [], "missing from the object store (a partial or damaged clone)", True),
    ]  # fmt: skip
    assert parallel._WORKER is not None and parallel._WORKER.checker(registry) is parallel._WORKER.checker(registry)
    parallel._WORKER.reader.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "clock", "expected"),
    [
        pytest.param(io.StringIO(), [0, 5, 6], "", id="not a terminal: nothing"),
        pytest.param(_Terminal(), [0, 0.5, 0.9], "", id="a terminal, under a second: nothing"),
        pytest.param(_Terminal(), [0, 1.5, 1.55, 1.7],
                     "\r\x1b[Kssot-ws: sample 2 of 2 (2026-01-02, b): 1 of 10 files analysed"
                     "\r\x1b[Kssot-ws: sample 2 of 2 (2026-01-02, b): 3 of 10 files analysed\r\x1b[K",
                     id="after a second: at most ten lines a second, cleared at the end"),
    ],
)  # fmt: skip
def test_progress(monkeypatch, stream, clock, expected) -> None:
    times = iter(clock)
    monkeypatch.setattr(report_history.time, "monotonic", lambda: next(times))
    samples = [Sample(_commit(n, f"2026-01-0{d} 10:00"), 0, ()) for n, d in (("a", 1), ("b", 2))]
    samples = [sample._replace(clock=sample.commit.clock) for sample in samples]
    progress = report_history._Progress(stream, samples)
    update = progress.for_sample(1)
    for done in range(1, len(clock)):
        update(done, 10)
    progress.clear()
    assert stream.getvalue() == expected


def test_progress_of_a_real_run(many, capsys, monkeypatch) -> None:
    """On a terminal, a run that takes more than a second shows where it is (the clock is
    made to jump two seconds a tick)."""
    ticks = iter(range(0, 10_000, 2))
    monkeypatch.setattr(report_history.time, "monotonic", lambda: next(ticks))
    terminal = _Terminal()
    monkeypatch.setattr(report_history.sys, "stderr", terminal)
    assert main(["report", "--history", "--today", "2026-06-01", "--format", "json"]) == 0
    json.loads(capsys.readouterr().out)
    lines = terminal.getvalue().split("\r\x1b[K")
    assert lines[0] == "" and lines[-1].startswith("app/broken.py at ")
    assert lines[1:4] == [f"ssot-ws: sample 1 of 3 (2026-02-01, {git(many, 'rev-parse', 'HEAD~2')[:8]}): "
                          f"{n} of 32 files analysed" for n in (0, 1, 2)]  # fmt: skip


def test_blob_reader_after_git_was_killed(repo) -> None:
    """git gone between two reads (killed, out of memory): said for the blob it did not answer."""
    a = _blob(repo, "a.py")
    with BlobReader(Git(str(repo))) as reader:
        assert list(reader.read([a])) == [(a, Blob(LEGACY.encode()))]
        assert reader._process is not None
        reader._process.kill()
        reader._process.wait()
        assert list(reader.read([a, a])) == [
            (a, Blob(None, "cannot read from the object store: git cat-file exited")),
            (a, Blob(LEGACY.encode())),
        ]


def test_blob_reader_stopped_while_its_requests_wait(repo) -> None:
    """More requests than the pipes hold, and the caller stops after one answer: ending git
    frees the thread that writes them."""
    big, b = _blob(repo, "big.py"), _blob(repo, "b.py")
    with BlobReader(Git(str(repo))) as reader:
        answers = reader.read([big] * 5000)
        next(answers)
        answers.close()
        assert list(reader.read([b])) == [(b, Blob(CANONICAL.encode()))]


@pytest.mark.parametrize(
    ("every", "text"),
    [("day", "the last commit of each day"), ("week", "the last commit of each week"), (1, "every commit"),
     (2, "every 2nd commit"), (3, "every 3rd commit"), (4, "every 4th commit"), (11, "every 11th commit"),
     (12, "every 12th commit"), (13, "every 13th commit"), (21, "every 21st commit"), (22, "every 22nd commit"),
     (101, "every 101st commit"), (111, "every 111th commit")],
)  # fmt: skip
def test_describe_every(every, text) -> None:
    assert describe_every(every) == text


# A real `report --history` whose two workers each read a chunk (their own git cat-file is
# running) and then take 30 s over it: killed then, no worker and no worker's git may remain.
HISTORY_DRIVER = """\
import sys, time
from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.history import parallel

real = parallel._read_and_check

def slowly(chunk):
    done = real(chunk)
    time.sleep(30)
    return done

parallel._read_and_check = slowly
parallel.PARALLEL_THRESHOLD = 4
parallel.CHUNK_SIZE = 4
sys.exit(main(sys.argv[1:]))
"""


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_and_their_git_die_with_the_run(many, signum) -> None:
    argv = [sys.executable, "-c", HISTORY_DRIVER, "report", "--history", "--jobs", "2", "--today", "2026-06-01"]
    run = subprocess.Popen(argv, cwd=many, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(found) < 4 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            workers_now = _children(run.pid)
            gits = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
                    if (_stat(pid) or (0, ""))[0] in workers_now]  # fmt: skip
            found = [*workers_now, *gits]
        assert len(found) == 4, "two workers, each with its git cat-file, never showed"
        run.send_signal(signum)
        run.wait()
        gone_by = time.monotonic() + 3
        while any(_stat(pid) for pid in found) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert [pid for pid in found if _stat(pid)] == []
    finally:
        run.kill()
        run.wait()
        for pid in found:
            if _stat(pid):  # pragma: no cover (only when the test fails: leave nothing behind)
                os.kill(pid, signal.SIGKILL)


def test_pool_initializer_watches_the_parent(many, monkeypatch) -> None:
    watched: list[int] = []
    monkeypatch.setattr(workers, "die_with_parent", watched.append)
    parallel._start_worker(str(many), datetime.date(2026, 6, 1))  # in this process: no parent to watch
    parallel._start_worker(str(many), datetime.date(2026, 6, 1), 4242)
    assert watched == [4242]
    assert parallel._WORKER is not None
    parallel._WORKER.reader.close()


def test_each_commits_root_folder(tmp_path, capsys, monkeypatch) -> None:
    """A registry's `root` must name a folder: of that commit's tree. The same registry file is
    loaded again when the folders it asked about differ, and reused when they do not."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    registry = 'root = "sub"\n' + REGISTRY
    commit(root, "root not there yet", "2026-02-01T10:00:00+00:00", {"ssot-registry.toml": registry})
    commit(root, "sub", "2026-02-02T10:00:00+00:00", {"sub/app/a.py": LEGACY, "sub/app/b.py": CANONICAL})
    commit(root, "unrelated", "2026-02-03T10:00:00+00:00", {"notes.txt": "x\n"})
    shutil.rmtree(root / "sub")
    commit(root, "sub is a file", "2026-02-04T10:00:00+00:00", {"sub": "x\n"})
    commit(root, "root above the work tree", "2026-02-05T10:00:00+00:00", {
        "ssot-registry.toml": 'root = ".."\n' + REGISTRY, "sub": None, "app/a.py": CANONICAL,
    })  # fmt: skip
    commit(root, "root is its folder", "2026-02-06T10:00:00+00:00", {"ssot-registry.toml": 'root = "."\n' + REGISTRY})
    monkeypatch.chdir(root)
    rows = _csv(capsys, "--registry-at-commit")
    sub = root / "sub"
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("2026-02-01", f"invalid registry: ssot-registry.toml:1: root: no such folder: 'sub' ({sub})", ""),
        ("2026-02-02", "measured", "50.0"),
        ("2026-02-03", "measured", "50.0"),
        ("2026-02-04", f"invalid registry: ssot-registry.toml:1: root: not a folder: 'sub' ({sub})", ""),
        ("2026-02-05", "measured", "100.0"),
        ("2026-02-06", "measured", "100.0"),
    ]


def test_links_out_of_the_tree_are_not_counted(tmp_path, capsys, monkeypatch) -> None:
    """A link out of the repository leads where history cannot look (a checkout may or may not
    find a file there): not counted, where a dangling link or a loop inside it is an unreadable file."""
    from tests.git_history import Link

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "links", "2026-02-01T10:00:00+00:00", {
        "ssot-registry.toml": REGISTRY, "app/a.py": CANONICAL, "app/out.py": Link("../../outside.py"),
        "app/absolute.py": Link("/etc/hostname.py"), "app/dangling.py": Link("gone.py"),
        "app/loop.py": Link("loop.py"),
    })  # fmt: skip
    monkeypatch.chdir(root)
    ((scanned, unreadable),) = [(row[17], row[20]) for row in _csv(capsys)]
    assert (scanned, unreadable) == ("3", "2")
