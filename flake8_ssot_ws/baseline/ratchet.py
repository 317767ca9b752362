"""The baseline over a whole scan, for ``check`` and ``report``: split the known findings
off, find the entries that no longer match, and rewrite the file (shrink only).

A run only speaks for the files it looked at: pre-commit passes a few staged files, and
an entry of any other file is neither matched nor fixed. An entry is *in scope* when this
run read its file, or when its file no longer exists (then it is fixed for good). Files
that could not be read or parsed are out of scope: their entries are kept.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable
from typing import Mapping
from typing import NamedTuple

from flake8_ssot_ws.baseline.store import Baseline
from flake8_ssot_ws.baseline.store import Entry
from flake8_ssot_ws.baseline.store import Update
from flake8_ssot_ws.baseline.store import dumps
from flake8_ssot_ws.baseline.store import entry_path
from flake8_ssot_ws.baseline.store import in_scope_stale
from flake8_ssot_ws.baseline.store import key_reported
from flake8_ssot_ws.baseline.store import read_baseline
from flake8_ssot_ws.baseline.store import update
from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.runner import FileResult
from flake8_ssot_ws.scan.runner import ScanResult


class Split(NamedTuple):
    result: ScanResult  # the scan with the known findings taken out of ``reported``
    known: Mapping[str, tuple[Finding, ...]]  # display path -> its known findings
    stale: tuple[Entry, ...]  # in-scope entries nothing matched: fixed (or changed)


def split(result: ScanResult, registry: Registry, baseline: Baseline) -> Split:
    files: list[FileResult] = []
    known: dict[str, tuple[Finding, ...]] = {}
    matched: list[Entry] = []
    for file in result.files:
        pairs = key_reported(entry_path(file.relpath, file.path), file.outcome.reported, file.outcome.noqa)
        new = tuple(finding for entry, finding in pairs if entry not in baseline.entries)
        hits = [(entry, finding) for entry, finding in pairs if entry in baseline.entries]
        if hits:
            known[file.path] = tuple(finding for _, finding in hits)
            matched.extend(entry for entry, _ in hits)
        files.append(file._replace(outcome=file.outcome._replace(reported=new)))
    stale = in_scope_stale(baseline, matched, _scope(result, registry))
    return Split(result._replace(files=files), known, tuple(stale))


def rewrite(result: ScanResult, registry: Registry, path: Path, *, force: bool) -> Update:
    """Write this run's findings to the baseline ``path``. An existing baseline only
    shrinks: a finding it does not hold is refused (BaselineError) unless ``force``."""
    old = read_baseline(path) if path.exists() else None
    current = [
        entry
        for file in result.files
        for entry, _ in key_reported(entry_path(file.relpath, file.path), file.outcome.reported, file.outcome.noqa)
    ]
    change = update(old, current, _scope(result, registry))
    if change.added and old is not None and not force:
        first = change.added[0]
        count = len(change.added)
        raise BaselineError(
            f"{path}: refusing to add {count} new finding{'s' if count != 1 else ''} to the baseline "
            f"(first: {first.path}: {first.code} {first.what}); fix them, or pass --force to accept them"
        )
    try:
        path.write_text(dumps(change.entries), encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write: {error.strerror or type(error).__name__}") from None
    return change


def _scope(result: ScanResult, registry: Registry) -> Callable[[str], bool]:
    unreadable = {entry_path(file.relpath, file.path) for file in result.problems}

    @functools.cache
    def looked_at() -> frozenset[str]:
        # Built on first use: a CI run where every entry still matches never pays for it.
        return frozenset(entry_path(file_context(registry, p).relpath, p) for p in result.paths) - unreadable

    def in_scope(path: str) -> bool:
        return path in looked_at() or (path not in unreadable and not (registry.root / path).exists())

    return in_scope


# --- what check prints around the scan ---------------------------------------------------


def apply(result: ScanResult, registry: Registry, baseline: Baseline, path: Path) -> ScanResult:
    """``check --baseline``: the scan without the known findings; fixed entries counted on stderr."""
    outcome = split(result, registry, baseline)
    if outcome.stale:
        count = len(outcome.stale)
        print(
            f"baseline: {count} {_entries(count)} fixed, run 'ssot-ws check --write-baseline {path}' to shrink it",
            file=sys.stderr,
        )
    return outcome.result


def record(result: ScanResult, registry: Registry, path: Path, *, force: bool) -> int:
    """``check --write-baseline``: write the file, say what changed; exit code 0."""
    change = rewrite(result, registry, path, force=force)
    total = len(change.entries)
    print(
        f"baseline: wrote {total} {_entries(total)} to {path} "
        f"({len(change.added)} added, {len(change.removed)} fixed and removed)",
        file=sys.stderr,
    )
    return 0


def _entries(count: int) -> str:
    return "entry" if count == 1 else "entries"
