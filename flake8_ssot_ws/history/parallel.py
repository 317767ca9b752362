"""Blobs at paths -> outcomes, through the per-file checker ``check`` uses
(``FileChecker.check``): in this process when they are few, else over worker processes (as
scan/runner.py does, forked where the platform allows).

The workers are sent blob ids, and each reads its blobs through its own ``git cat-file
--batch``: git's inflating then runs on every core. Measured against the alternative (this
process reads every blob, drops what the byte prefilter rules out, and sends the rest's bytes
to the workers) on benchmarks/history.py's repository, on 2 cores: 44 s against 51 s median
wall time, 21.7 s against 23.3 s CPU (and the same order in two runs out of three).
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.history.git import Blob
from flake8_ssot_ws.history.git import BlobReader
from flake8_ssot_ws.history.git import Git
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.runner import CHUNK_SIZE
from flake8_ssot_ws.scan.runner import PARALLEL_THRESHOLD

if TYPE_CHECKING:
    from multiprocessing.pool import Pool


class Task(NamedTuple):
    path: str  # as ``report`` displays it (what ``FileChecker.check`` is given)
    blob: str


class Done(NamedTuple):
    task: Task
    outcome: Outcome
    missing: bool  # git could not give the blob (not in the object store, or corrupt)


class _Checkers:
    """One ``FileChecker`` per registry (``--registry-at-commit`` may bring several)."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self._checkers: dict[Registry, FileChecker] = {}

    def __call__(self, registry: Registry) -> FileChecker:
        checker = self._checkers.get(registry)
        if checker is None:
            checker = self._checkers[registry] = FileChecker(registry, self.today)
        return checker


class Analyser:
    """Outcomes of tasks; holds the worker pool (started on first need) and the checkers."""

    def __init__(self, git: Git, reader: BlobReader, today: datetime.date, jobs: int | None) -> None:
        self.git = git
        self.reader = reader
        self.today = today
        self.jobs = jobs or _cpu_count()
        self.checker = _Checkers(today)
        self._pool: Pool | None = None

    def outcomes(self, registry: Registry, tasks: Sequence[Task]) -> Iterator[Done]:
        """Each task's outcome, in no particular order."""
        by_blob: dict[str, list[str]] = {}
        for task in tasks:
            by_blob.setdefault(task.blob, []).append(task.path)
        workers = min(self.jobs, -(-len(tasks) // CHUNK_SIZE))
        if workers <= 1 or len(tasks) < PARALLEL_THRESHOLD:
            checker = self.checker(registry)
            for blob, content in self.reader.read(list(by_blob)):
                for path in by_blob[blob]:
                    yield _check(checker, Task(path, blob), content)
            return
        pool = self._start_pool()
        items = list(by_blob.items())
        chunks = [(registry, items[start : start + CHUNK_SIZE]) for start in range(0, len(items), CHUNK_SIZE)]
        for done in pool.imap_unordered(_read_and_check, chunks):
            yield from done

    def _start_pool(self) -> Pool:
        if self._pool is None:
            import multiprocessing  # only here: a small history needs no workers

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            initargs = (self.git.cwd, self.today, os.getpid())
            self._pool = context.Pool(self.jobs, initializer=_start_worker, initargs=initargs)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _check(checker: FileChecker, task: Task, content: Blob) -> Done:
    if content.data is None:
        return Done(task, Outcome(problem=content.problem), missing=True)
    return Done(task, checker.check(task.path, content.data), missing=False)


class _Worker:
    """A worker process's state: its checkers, and its own blob reader."""

    def __init__(self, cwd: str, today: datetime.date) -> None:
        self.reader = BlobReader(Git(cwd))
        self.checker = _Checkers(today)


_WORKER: _Worker | None = None


def _start_worker(cwd: str, today: datetime.date, parent: int | None = None) -> None:
    """A pool worker's initializer; ``parent``: the pid of the run, whose death ends the worker
    (and with it its git cat-file, whose requests then end)."""
    global _WORKER
    if parent is not None:
        from flake8_ssot_ws.scan import workers

        workers.die_with_parent(parent)
    _WORKER = _Worker(cwd, today)


def _read_and_check(chunk: tuple[Registry, Sequence[tuple[str, list[str]]]]) -> list[Done]:
    assert _WORKER is not None  # set by _start_worker
    registry, items = chunk
    checker = _WORKER.checker(registry)
    paths = dict(items)
    return [
        _check(checker, Task(path, blob), content)
        for blob, content in _WORKER.reader.read(list(paths))
        for path in paths[blob]
    ]


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):  # pragma: no branch (Linux)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover (not Linux)


