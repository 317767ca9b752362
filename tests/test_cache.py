"""The on-disk cache: what a warm run reads, what invalidates entries, and robustness
against corrupt files, concurrent writers and unwritable directories."""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from flake8_ssot_ws.scan import cache as cache_module
from flake8_ssot_ws.registry import load as registry_module
from flake8_ssot_ws.scan import runner as scan_module
from flake8_ssot_ws.scan.cache import Cache
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.checker import Outcome
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import CanonicalImport
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import Fix
from flake8_ssot_ws.scan.runner import scan
from tests.conftest import EXAMPLE_REGISTRY

TODAY = datetime.date(2026, 1, 1)
LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
OLD = time.time_ns() - 3_600_000_000_000  # an hour ago: signatures taken then are trusted


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (tmp_path / "app").mkdir()
    for name, text in {"a.py": LEGACY, "b.py": "import os\n", "c.py": LEGACY + "def f(:\n"}.items():
        write(tmp_path / "app" / name, text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str, mtime_ns: int = OLD) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


class Spy:
    """Which files a run reads and which it checks past the byte prefilter."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        self.checked: list[str] = []
        real_read, real_check = scan_module._read, FileChecker.check_candidate

        def read(path: str) -> bytes:
            self.read.append(path)
            return real_read(path)

        def check(checker: FileChecker, path: str, data: bytes) -> Outcome:
            self.checked.append(path)
            return real_check(checker, path, data)

        monkeypatch.setattr(scan_module, "_read", read)
        monkeypatch.setattr(FileChecker, "check_candidate", check)

    def reset(self) -> None:
        self.read.clear()
        self.checked.clear()


def registry_of(project: Path) -> Registry:
    return load_registry(project / "ssot-registry.toml")


def run(project: Path, today: datetime.date = TODAY, **options: object) -> scan_module.ScanResult:
    return scan(["app"], registry_of(project), today=today, **options)  # type: ignore[arg-type]


def test_warm_run_reads_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    cold = run(project)
    assert sorted(spy.read) == ["app/a.py", "app/b.py", "app/c.py"]
    assert sorted(spy.checked) == ["app/a.py", "app/c.py"]  # b.py: ruled out by its bytes
    spy.reset()
    warm = run(project)
    assert (spy.read, spy.checked) == ([], [])
    assert warm == cold
    assert [r.outcome.problem for r in warm.problems] == ["SyntaxError: invalid syntax (line 2)"]


def test_named_files_share_entries_with_discovered_ones(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    run(project)
    spy.reset()
    result = scan(["./app/a.py", "app/../app/c.py"], registry_of(project), today=TODAY)
    assert (spy.read, [r.path for r in result.files]) == ([], ["./app/a.py", "app/../app/c.py"])


@pytest.mark.parametrize(
    ("directory", "arguments"),
    [
        pytest.param("app", ["."], id="from a subfolder"),
        pytest.param("app", ["a.py", "../app/c.py"], id="named from a subfolder"),
        pytest.param("app", [".."], id="the parent folder from a subfolder"),
        pytest.param(".", ["ABSOLUTE/app"], id="an absolute folder"),
        pytest.param(".", ["ABSOLUTE/app/a.py"], id="an absolute file"),
    ],
)
def test_every_spelling_of_a_file_shares_its_entry(
    project: Path, monkeypatch: pytest.MonkeyPatch, directory: str, arguments: list[str]
) -> None:
    spy = Spy(monkeypatch)
    run(project)
    spy.reset()
    monkeypatch.chdir(project / directory)
    named = [arg.replace("ABSOLUTE", str(project)) for arg in arguments]
    result = scan(named, registry_of(project), today=TODAY)
    assert spy.read == []  # every file from the cache...
    assert result.files
    assert result == scan(named, registry_of(project), today=TODAY, use_cache=False)  # ...and the right results


def test_changed_and_touched_files(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    run(project)
    write(project / "app/a.py", "import os\n" + LEGACY)  # new content
    write(project / "app/c.py", LEGACY + "def f(:\n", OLD + 10**9)  # same content, new mtime
    spy.reset()
    result = run(project)
    assert sorted(spy.read) == ["app/a.py", "app/c.py"]
    assert spy.checked == ["app/a.py"]  # c.py's content hash matched: its outcome was reused
    assert [(r.path, [f.line for f in r.outcome.findings]) for r in result.files] == [
        ("app/a.py", [2]),
        ("app/c.py", []),
    ]


def test_file_changed_within_the_timestamp_granularity_is_compared_by_content(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    write(project / "app/a.py", LEGACY, time.time_ns())  # just written: its stat is not trusted
    run(project)
    spy.reset()
    run(project)
    assert spy.read == ["app/a.py"]
    assert spy.checked == []


@pytest.mark.parametrize(
    ("today", "same_namespace"),
    [
        pytest.param(TODAY, True, id="same-day"),
        pytest.param(datetime.date(2026, 3, 30), True, id="a-day-before-the-deadline"),
        pytest.param(datetime.date(2026, 3, 31), False, id="the-deadline-passed"),
    ],
)
def test_namespace_follows_the_deadlines(project: Path, today: datetime.date, same_namespace: bool) -> None:
    registry = registry_of(project)
    same = cache_module.namespace(registry, TODAY, fast=True) == cache_module.namespace(registry, today, fast=True)
    assert same is same_namespace


def test_namespace_follows_the_registry(project: Path) -> None:
    before = cache_module.namespace(registry_of(project), TODAY, fast=True)
    (project / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY + "# edited\n", encoding="utf-8")
    assert cache_module.namespace(registry_of(project), TODAY, fast=True) != before


def test_namespace_follows_the_default_source_folders(project: Path) -> None:
    """Without ``src`` in the registry, module names depend on whether src/ exists."""
    without_src = EXAMPLE_REGISTRY.replace('src = ["."]\n', "")
    assert without_src != EXAMPLE_REGISTRY
    (project / "ssot-registry.toml").write_text(without_src, encoding="utf-8")
    before = cache_module.namespace(registry_of(project), TODAY, fast=True)
    (project / "src").mkdir()
    registry_module._load_registry.cache_clear()  # (cached per file version)
    assert cache_module.namespace(registry_of(project), TODAY, fast=True) != before


def test_namespace_of_a_registry_file_gone_since_loading(project: Path) -> None:
    registry = registry_of(project)
    before = cache_module.namespace(registry, TODAY, fast=True)
    (project / "ssot-registry.toml").unlink()
    after = cache_module.namespace(registry, TODAY, fast=True)
    assert after != before
    assert before.startswith(after)  # the same, without the registry's text at the end


def test_colliding_file_names_never_share_results(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file name is a checksum; the description inside the file decides."""
    monkeypatch.setattr(cache_module, "_checksum", lambda description: "same")
    assert [f.code for _, f in run(project).findings] == ["SWS101"]
    assert [f.code for _, f in run(project, datetime.date(2026, 3, 31)).findings] == ["SWS001"]
    assert [f.code for _, f in run(project).findings] == ["SWS101"]
    assert sorted(p.name for p in (project / ".ssot-ws-cache").glob("*.json")) == ["v3-same.json"]


def test_check_and_report_keep_their_own_results(project: Path) -> None:
    """check (all_canonical False) stores nothing for a file that imports only canonically;
    report, run after it on the same cache, must not reuse that and miss its imports."""
    write(project / "app" / "d.py", "from app.websocket_core.unified_manager import get_websocket_manager\n")
    assert [result.relpath for result in run(project, all_canonical=False).files] == ["app/a.py", "app/c.py"]
    counted = run(project, all_canonical=True).files
    assert [(result.relpath, len(result.outcome.canonical)) for result in counted] == [
        ("app/a.py", 0), ("app/c.py", 0), ("app/d.py", 1)
    ]
    assert len(list((project / ".ssot-ws-cache").glob("*.json"))) == 2


def test_results_change_with_the_deadline(project: Path) -> None:
    """SWS101 before the deadline, SWS001 from it on: never the cached code of another day."""
    assert [f.code for _, f in run(project).findings] == ["SWS101"]
    assert [f.code for _, f in run(project, datetime.date(2026, 3, 31)).findings] == ["SWS001"]
    assert [f.code for _, f in run(project).findings] == ["SWS101"]


def document(
    files: bytes = b"{}", strings: bytes = b"[]", namespace: bytes = b"NAMESPACE", form: bytes = b"v3"
) -> bytes:
    """A cache file; NAMESPACE, KEY, SIGNATURE and HASH are filled in by the test."""
    return b'{"format": "%s", "namespace": %s, "strings": %s, "files": %s}' % (form, namespace, strings, files)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00garbage", id="not-json"),
        pytest.param(b"[" * 100_000, id="nested too deeply for json"),
        pytest.param(b'["v3"]', id="not-a-table"),
        pytest.param(document(form=b"v2"), id="other-format"),
        pytest.param(document(namespace=b'"other"'), id="other-namespace"),
        pytest.param(document(files=b"[]"), id="files-not-a-table"),
        pytest.param(document(strings=b"{}"), id="strings-not-a-list"),
        pytest.param(document(strings=b"[1]"), id="not-a-string"),
        pytest.param(document().replace(b'"strings": [], ', b""), id="no-strings"),
        pytest.param(document(b'{"KEY": [1, 2]}'), id="short-entry"),
        pytest.param(document(b'{"KEY": 5}'), id="entry-not-a-list"),
        pytest.param(document(b'{"KEY": [5, 6, 7, null, null]}'), id="other-signature"),
        pytest.param(document(b'{"KEY": [SIGNATURE, null, [1]]}'), id="bad-outcome"),
        pytest.param(document(b'{"KEY": [SIGNATURE, null, [[], [], [], 3]]}'), id="bad-problem"),
        pytest.param(
            document(b'{"KEY": [SIGNATURE, null, [[[1, 0, 0, 5, 0, -1, null]], [], [], null]]}', b'["SWS101"]'),
            id="string-index-out-of-range",
        ),
        pytest.param(
            document(b'{"KEY": [SIGNATURE, null, [[[1, 0, 0, -2, 0, -1, null]], [], [], null]]}', b'["SWS101"]'),
            id="negative-string-index",
        ),
        pytest.param(
            document(
                b'{"KEY": [SIGNATURE, null, [[[1, 0, 0, 0, 0, -1, null, 1, 0, 1, 9, 0, -2, 0, -1]], [], [], null]]}',
                b'["x"]',
            ),
            id="negative-string-index-in-a-fix",
        ),
        pytest.param(
            document(b'{"KEY": [SIGNATURE, null, [[[1, 0, 0, 0, 0, -1, "x"]], [], [], null]]}', b'["x"]'),
            id="utf16-column-not-a-number",
        ),
        pytest.param(
            document(b'{"KEY": [SIGNATURE, null, [[[1, 0, 0, 0, 0, -1]], [], [], null]]}', b'["x"]'),
            id="finding-of-the-v2-format",
        ),
        pytest.param(
            document(b'{"KEY": [SIGNATURE, null, [[], [], [[1, 0, -1]], null]]}', b'["x"]'),
            id="negative-string-index-of-a-canonical-import",
        ),
        pytest.param(document(b'{"KEY": [null, null, null, "HASH", [[[1]], [], [], null]]}'), id="same-content-bad"),
    ],
)
def test_corrupt_cache_is_a_miss(project: Path, content: bytes) -> None:
    cold = run(project, use_cache=False)
    write_cache(project, content)
    assert run(project) == cold
    assert json.loads(cache_path(project).read_bytes())["format"] == "v3"  # rewritten whole


def test_a_valid_entry_is_trusted(project: Path) -> None:
    """The control for the table above: the same kind of file, well formed, is used as it is
    (here an invented finding), so those entries were looked up and refused."""
    finding = b"[[[7, 3, 0, 1, 2, -1, null]], [], [], null]"
    write_cache(project, document(b'{"KEY": [SIGNATURE, null, %s]}' % finding, b'["SWS001", "invented", "g"]'))
    findings = [(path, f.line, f.col, f.code, f.message) for path, f in run(project).findings]
    assert [finding for finding in findings if finding[0] == "app/a.py"] == [("app/a.py", 7, 3, "SWS001", "invented")]


def cache_path(project: Path) -> Path:
    """Where a run from ``project`` (its own project root: no git, the registry's root) keeps its cache."""
    return Cache.open(registry_of(project), TODAY, project / cache_module.DIRECTORY).path


def write_cache(project: Path, content: bytes) -> None:
    """Write a cache file with an entry for app/a.py (placeholders: see ``document``)."""
    path = cache_path(project)
    path.parent.mkdir()
    module = project / "app/a.py"
    stat = module.stat()
    namespace = cache_module.namespace(registry_of(project), TODAY, fast=True)
    content = content.replace(b"NAMESPACE", json.dumps(namespace).encode())
    content = content.replace(b"KEY", b"app/a.py")  # keys are relative to the project root
    content = content.replace(b"SIGNATURE", f"{stat.st_mtime_ns}, {stat.st_size}, {stat.st_ino}".encode())
    path.write_bytes(content.replace(b"HASH", cache_module.digest(module.read_bytes()).encode()))


def test_moved_checkout_reuses_results_by_content(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys are relative to the project root: a cache restored into another checkout
    (a CI workspace) still saves the checks; the moved files' stat differs, their content not."""
    cold = run(project)
    moved = tmp_path_factory.mktemp("elsewhere") / "checkout"
    shutil.copytree(project, moved)
    monkeypatch.chdir(moved)
    spy = Spy(monkeypatch)
    assert run(moved) == cold
    assert sorted(spy.read) == ["app/a.py", "app/b.py", "app/c.py"]
    assert spy.checked == []


def test_outcomes_round_trip() -> None:
    replacement = ImportSpec("app.new", "Manager", "Old")
    fix = Fix(3, 0, 4, 12, 1, replacement)
    outcome = Outcome(
        reported=(Finding(3, 7, "SWS001", "SWS001 m", "g", fix, "group[0].legacy[0]"),),
        noqa=(Finding(5, 0, "SWS003", "SWS003 m", "g"), Finding(6, 9, "SWS003", "SWS003 m", "g", utf16_col=5)),
        canonical=(CanonicalImport(9, 4, "g"),),
        problem=None,
    )
    cache = Cache(Path("unused"), {})
    for value in (outcome, Outcome(problem="SyntaxError: x"), Outcome()):
        payload = json.loads(json.dumps(cache._encoded(value)))
        assert cache._decoded(payload) == value
    assert cache._encoded(Outcome()) is None
    assert cache.strings == [
        *("SWS001", "SWS001 m", "g", "group[0].legacy[0]"),  # the first finding
        *("app.new", "Manager", "Old"),  # its fix
        *("SWS003", "SWS003 m"),  # the second finding, its group already there
    ]


def test_no_cache_writes_nothing(project: Path) -> None:
    run(project, use_cache=False)
    assert not (project / ".ssot-ws-cache").exists()


def test_cache_directory_is_ignored_by_git(project: Path) -> None:
    run(project)
    assert (project / ".ssot-ws-cache/.gitignore").read_text() == "# Created by ssot-ws.\n*\n"


def test_unwritable_cache_is_skipped(project: Path) -> None:
    (project / ".ssot-ws-cache").write_text("a file where the directory would go")
    assert [f.code for _, f in run(project).findings] == ["SWS101"]


def test_stale_namespaces_are_pruned(project: Path) -> None:
    directory = project / ".ssot-ws-cache"
    directory.mkdir()
    stale, recent = directory / "v1-stale.json", directory / "v3-recent.json"
    for path in (stale, recent):
        path.write_text("{}")
    week = time.time() - cache_module.STALE_SECONDS - 60
    os.utime(stale, (week, week))
    run(project)
    assert sorted(p.name for p in directory.glob("v*-*.json")) == sorted(
        [cache_path(project).name, "v3-recent.json"]
    )


def _write_many(path: str, worker: int) -> None:
    cache = Cache(Path(path), {})
    for round_ in range(30):
        cache.store(f"/file-{worker}-{round_}", (1, 2, 3), None, Outcome(problem="x" * 2000))
        cache.save()


def test_concurrent_writers_leave_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / ".ssot-ws-cache" / "v3-x.json"
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    workers = [context.Process(target=_write_many, args=(str(path), worker)) for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    document = json.loads(path.read_bytes())  # whole: some writer's complete file
    assert len(document["files"]) == 30
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "v3-x.json"]  # no temporary left
