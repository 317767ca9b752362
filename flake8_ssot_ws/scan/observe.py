"""Files -> what ``ssot-ws init`` observes in them (core/observe.py), over worker processes.

The twin of scan/checker.py: the same byte prefilter (a file whose bytes hold no needle
imports no tracked name), the same decoding, the same fast path (fast/shortcut.py: only the
import statements and the relevant expressions are parsed), else a full parse. The fast path
does not validate the whole file: ``check`` validates every file in which it finds something,
and ``init`` validates the others it observed with ``problem_of`` (the cost of validating each
file twice would be most of init's time). A file that cannot be read or parsed gives its
problem and no observation, as it gives ``check`` no finding.
"""

from __future__ import annotations

import ast
import os
import symtable
import warnings
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.reading import read_bytes
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.observe import NOTHING
from flake8_ssot_ws.core.observe import Observations
from flake8_ssot_ws.core.observe import observe_tree
from flake8_ssot_ws.core.outcome import describe
from flake8_ssot_ws.fast.shortcut import relevant_module
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.checker import decode_like_flake8
from flake8_ssot_ws.scan.checker import may_declare_encoding

# Below this many files, worker processes cost more than they save (as in scan/runner.py).
PARALLEL_THRESHOLD = 200
CHUNK_SIZE = 64
_DYNAMIC = (b"import_module", b"__import__")


class FileObservations(NamedTuple):
    path: str  # as discovered
    observations: Observations
    problem: str | None = None


class FileObserver:
    """Observes files for the names one registry tracks (``group_of``). A file (ASCII, no coding
    cookie) holding none of ``needles`` (default: the registry's) is skipped."""

    def __init__(self, registry: Registry, needles: Sequence[str] | None = None) -> None:
        self.registry = registry
        self.given = needles
        needles = registry.needles if needles is None else needles
        # Every dynamic import is observed: it may name a module init proposes to watch.
        self.needles = (*(n.encode("utf-8") for n in needles), *_DYNAMIC) if needles else ()

    def observe(self, path: str) -> FileObservations | None:
        """None when the prefilter proves the file has nothing to observe."""
        try:
            data = read_bytes(path)
        except OSError as error:
            return FileObservations(path, NOTHING, describe(error))
        if self.needles and data.isascii() and not may_declare_encoding(data):
            if not any(needle in data for needle in self.needles):
                return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
                observations = self._observe(decode_like_flake8(data), path)
        except (SyntaxError, ValueError, RecursionError, MemoryError, LookupError) as error:
            return FileObservations(path, NOTHING, describe(error))
        return FileObservations(path, observations)

    def _observe(self, source: str, path: str) -> Observations:
        context = file_context(self.registry, path)
        lines = source_lines(source)
        tree = relevant_module(source, self.registry)
        if tree is None:
            tree = ast.parse(source)
        return observe_tree(tree, lines, context, self.registry.group_of)


def problem_of(path: str) -> str | None:
    """Why the file cannot be read or parsed (as ``check`` says it), or None. The fast path
    parses only a file's import statements: its observations hold only for a file that parses."""
    try:
        source = decode_like_flake8(read_bytes(path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                symtable.symtable(source, "<ssot-ws>", "exec")  # CPython's parser, without the AST objects
            except Exception:  # any doubt: the full parse says exactly why, or that it parses
                ast.parse(source)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError, LookupError) as error:
        return describe(error)
    return None


def observe_files(
    paths: Sequence[str], registry: Registry, jobs: int | None, needles: Sequence[str] | None = None
) -> list[FileObservations]:
    """The observations of the ``paths`` the prefilter lets through, in the order of ``paths``."""
    observer = FileObserver(registry, needles)
    found = [result for result in _observe_all(paths, observer, jobs) if result is not None]
    order = {path: index for index, path in enumerate(paths)}
    return sorted(found, key=lambda result: order[result.path])


def _observe_all(paths: Sequence[str], observer: FileObserver, jobs: int | None) -> Iterator[FileObservations | None]:
    workers = min(jobs or _cpu_count(), -(-len(paths) // CHUNK_SIZE))
    if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
        yield from map(observer.observe, paths)
        return
    import multiprocessing  # only here, as in scan/runner.py

    chunks = [paths[start : start + CHUNK_SIZE] for start in range(0, len(paths), CHUNK_SIZE)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    initargs = (observer.registry, observer.given)
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        for done in pool.imap_unordered(_observe_chunk, chunks):
            yield from done


_WORKER: FileObserver | None = None


def _start_worker(registry: Registry, needles: Sequence[str] | None) -> None:
    global _WORKER
    _WORKER = FileObserver(registry, needles)


def _observe_chunk(chunk: Sequence[str]) -> list[FileObservations | None]:
    assert _WORKER is not None  # set by _start_worker
    return [_WORKER.observe(path) for path in chunk]


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):  # pragma: no branch (Linux)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover (not Linux)


__all__ = ["FileObservations", "FileObserver", "observe_files", "problem_of"]
