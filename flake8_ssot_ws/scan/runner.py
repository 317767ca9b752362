"""Files -> findings at scale: discovery, the cache, and worker processes for large inputs.

A run discovers the files (scan/discovery.py), stats each one and takes the outcome of every
unchanged file from the cache (scan/cache.py) without reading it, then checks the rest
(scan/checker.py): in this process when they are few -- pre-commit's usual case, where starting
processes costs more than it saves -- else in chunks over a pool of worker processes
(forked where the platform allows: they inherit the loaded registry).
"""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.scan.cache import DIRECTORY as CACHE_DIRECTORY
from flake8_ssot_ws.scan.cache import Cache
from flake8_ssot_ws.scan.cache import Signature
from flake8_ssot_ws.scan.cache import digest
from flake8_ssot_ws.scan.cache import signature
from flake8_ssot_ws.core.context import registry_relpath
from flake8_ssot_ws.reading import NotARegularFile
from flake8_ssot_ws.reading import is_special
from flake8_ssot_ws.scan.discovery import excluder_of
from flake8_ssot_ws.scan.discovery import PendingDiscovery
from flake8_ssot_ws.scan.discovery import iter_python_files
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.outcome import EMPTY
from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.core.outcome import describe
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import discovery_start
from flake8_ssot_ws.scan.project import project_root

if TYPE_CHECKING:  # imported when a file must be checked: a warm run parses nothing
    from flake8_ssot_ws.scan.checker import FileChecker

__all__ = ["FileResult", "Outcome", "ScanResult", "iter_python_files", "scan"]

# Below this many files to (re)check, worker processes cost more than they save.
PARALLEL_THRESHOLD = 200
CHUNK_SIZE = 64


class FileResult(NamedTuple):
    """One file with something to say. ``path`` is as displayed (as given, or below the
    directory argument); ``relpath`` is relative to the registry root (posix), None
    outside it."""

    path: str
    relpath: str | None
    outcome: Outcome


class ScanResult(NamedTuple):
    """``files``: the scanned files that have findings, canonical imports or a problem,
    sorted by path. ``scanned``: how many files were looked at."""

    files: list[FileResult]
    scanned: int = 0
    # Every file looked at, as displayed (the baseline needs the clean ones too: their
    # entries are fixed, while entries of files this run did not look at are not).
    paths: Sequence[str] = ()
    skipped: Sequence[str] = ()  # files named on the command line that are not Python

    @property
    def findings(self) -> Iterator[tuple[str, Finding]]:
        for result in self.files:
            for finding in result.outcome.reported:
                yield result.path, finding

    @property
    def problems(self) -> list[FileResult]:
        return [result for result in self.files if result.outcome.problem is not None]


class _Task(NamedTuple):
    number: int
    path: str
    known_hash: str | None  # the cached content hash, if any
    hashed: bool  # whether the content is hashed: only a cache needs it (--no-cache: not)
    signature: Signature | None  # what to store in the cache


class _Done(NamedTuple):
    number: int
    outcome: Outcome | None  # None: the content hash is the cached one; reuse that outcome
    content_hash: str | None
    readable: bool


def scan(
    paths: Sequence[str | os.PathLike[str]],
    registry: Registry,
    *,
    today: datetime.date,
    exclude: Iterable[str] | None = None,
    extend_exclude: Iterable[str] = (),
    use_cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    fast: bool = True,
    all_canonical: bool = True,
) -> ScanResult:
    """Check the files below ``paths``. The cache is ``cache_dir``, by default
    ``.ssot-ws-cache`` in the project root (scan/project.py), as ruff keeps ``.ruff_cache``.
    ``all_canonical`` False: canonical imports only of files with findings (FileChecker).
    ``exclude`` None: the default list, which spares the files git tracks."""
    started = time.time_ns()
    cwd = os.getcwd()
    names = [os.fspath(p) for p in paths]
    discovery = PendingDiscovery(names, excluder_of(exclude, extend_exclude))
    project = project_root(discovery_start(names), registry.root).path
    cache = None
    if use_cache:  # opened while git lists the files
        directory = Path(cache_dir) if cache_dir is not None else Path(project, CACHE_DIRECTORY)
        cache = Cache.open(registry, today, directory, fast=fast, all_canonical=all_canonical)
    items = discovery.result()
    outcomes: dict[int, Outcome] = {}
    keys: dict[int, str] = {}
    tasks: list[_Task] = []
    root = os.path.join(project, "")
    below_cwd = _cache_key(cwd, cwd, root)  # what a path relative to the cwd is prefixed with
    below_cwd = os.path.join(below_cwd, "") if below_cwd != "." else ""
    # A warm run does only this for each file of the repository: keep it a few operations.
    for index, (path, explicit) in enumerate(items):
        try:
            stat = os.stat(path)
        except OSError as error:
            # A broken symlink is there to be read (flake8 gives E902); a file git lists that
            # is gone was deleted from the work tree: nothing to say.
            if isinstance(error, FileNotFoundError) and os.path.islink(path):
                outcomes[index] = Outcome(problem=f"cannot read: a broken symlink to {os.readlink(path)}")
            elif explicit or not isinstance(error, FileNotFoundError):
                outcomes[index] = Outcome(problem=describe(error))
            continue
        if is_special(stat.st_mode):  # a FIFO would block the read until something writes to it
            outcomes[index] = Outcome(problem=describe(NotARegularFile(path)))
            continue
        known = None
        if cache is not None:
            # Discovered below the cwd: already normal. (`..` or an absolute folder: not.)
            relative = not explicit and not _is_absolute(path) and not path.startswith(os.pardir)
            key = keys[index] = below_cwd + path if relative else _cache_key(path, cwd, root)
            hit, known = cache.lookup(key, stat)
            if hit is not None:
                outcomes[index] = hit
                continue
        tasks.append(_Task(index, path, known, cache is not None, signature(stat, started)))
    if tasks:  # else (a warm run) nothing is parsed, and the parsing modules are not even imported
        from flake8_ssot_ws.scan.checker import FileChecker

        checker = FileChecker(registry, today, fast=fast, all_canonical=all_canonical)
        pending = {task.number: task for task in tasks}
        for done in _check_all(tasks, checker, jobs):
            task = pending[done.number]
            outcome = done.outcome
            if outcome is None:
                assert cache is not None  # a known hash comes from the cache
                outcome = cache.reuse(keys[done.number]) or checker.check(task.path, _read(task.path))
            if cache is not None and done.readable:
                cache.store(keys[done.number], task.signature, done.content_hash, outcome)
            outcomes[done.number] = outcome
    if cache is not None:
        cache.save()
    relpath = _Relpaths(registry)
    files = [
        FileResult(items[index].path, relpath(items[index].path), outcome)
        for index, outcome in outcomes.items()
        if outcome is not EMPTY and outcome != EMPTY
    ]
    files.sort(key=lambda result: result.path)
    looked_at = [items[index].path for index in sorted(outcomes)]
    return ScanResult(files, scanned=len(outcomes), paths=looked_at, skipped=discovery.skipped)


def _cache_key(path: str, cwd: str, root: str) -> str:
    """A file's key in the cache: its normal path relative to the project root (``root``,
    ending in a separator), absolute outside it. Relative keys keep a cache valid where the
    checkout moves (a CI runner's workspace): the content hashes still match."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    if absolute.startswith(root):
        return absolute[len(root) :]
    return "." if absolute == root[:-1] else absolute


def _is_absolute_posix(path: str) -> bool:
    return path.startswith("/")  # what os.path.isabs does on POSIX, minus three calls per file


_is_absolute = _is_absolute_posix if os.name == "posix" else os.path.isabs


class _Relpaths:
    """``registry_relpath(registry, path)``, computed once per directory."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.prefixes: dict[str, str | None] = {}

    def __call__(self, path: str) -> str | None:
        directory, name = os.path.split(path)
        if directory not in self.prefixes:
            probe = registry_relpath(self.registry, os.path.join(directory, "_"))
            self.prefixes[directory] = None if probe is None else probe[:-1]
        prefix = self.prefixes[directory]
        return None if prefix is None else prefix + name


_READ_SIZE = 1 << 20  # one read takes a whole source file but the largest
# O_BINARY: Windows' os.open would translate line endings; O_CLOEXEC: no worker inherits it.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _read(path: str) -> bytes:
    """The file's bytes through os.read: no buffered file object, no fstat, no seek (Django's
    2,788 files: 16 ms of CPU against open().read()'s 26). Reads until EOF, so a short read
    (a network file system's) loses nothing."""
    descriptor = os.open(path, _READ_FLAGS)
    try:
        chunks = []
        while chunk := os.read(descriptor, _READ_SIZE):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)



def _check_one(checker: FileChecker, task: _Task) -> _Done:
    try:
        data = _read(task.path)
    except OSError as error:
        return _Done(task.number, Outcome(problem=describe(error)), None, readable=False)
    if checker.fast and checker.cannot_have_findings(task.path, data):
        return _Done(task.number, EMPTY, None, readable=True)
    content_hash = digest(data) if task.hashed else None
    if content_hash is not None and content_hash == task.known_hash:
        return _Done(task.number, None, content_hash, readable=True)
    return _Done(task.number, checker.check_candidate(task.path, data), content_hash, readable=True)


def _check_all(tasks: Sequence[_Task], checker: FileChecker, jobs: int | None) -> Iterator[_Done]:
    workers = min(jobs or _cpu_count(), -(-len(tasks) // CHUNK_SIZE))
    if workers <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        for task in tasks:
            yield _check_one(checker, task)
        return
    chunks = [tasks[start : start + CHUNK_SIZE] for start in range(0, len(tasks), CHUNK_SIZE)]
    import multiprocessing  # only here: a warm or pre-commit run does not pay for it

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # The registry itself, not its path: ``ssot-ws init`` scans with one that has no file yet.
    # Forked workers inherit it; spawned ones unpickle it (Registry.__reduce__).
    initargs = (checker.registry, checker.today, checker.fast, checker.all_canonical, os.getpid())
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        for done in pool.imap_unordered(_check_chunk, chunks):
            yield from done


_WORKER_CHECKER: FileChecker | None = None


def _start_worker(
    registry: Registry, today: datetime.date, fast: bool, all_canonical: bool, parent: int | None = None
) -> None:
    """A pool worker's initializer; ``parent``: the pid of the scan, whose death ends the worker."""
    global _WORKER_CHECKER
    from flake8_ssot_ws.scan.checker import FileChecker

    if parent is not None:
        from flake8_ssot_ws.scan import workers

        workers.die_with_parent(parent)
    _WORKER_CHECKER = FileChecker(registry, today, fast=fast, all_canonical=all_canonical)


def _check_chunk(chunk: Sequence[_Task]) -> list[_Done]:
    assert _WORKER_CHECKER is not None  # set by _start_worker
    return [_check_one(_WORKER_CHECKER, task) for task in chunk]


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):  # pragma: no branch (Linux)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover (not Linux)
