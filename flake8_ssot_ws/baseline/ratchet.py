"""The baseline over a whole scan, for ``check`` and ``report``: split the known findings
off, find the entries that no longer match, and rewrite the file (shrink only).

A run only speaks for the files it looked at: pre-commit passes a few staged files, and
an entry of any other file is neither matched nor fixed. An entry is *in scope* when this
run read its file, or when its file no longer exists (then it is fixed for good), and when
the run shows its code (``--select``/``--ignore``: an entry of a code the run hides is kept,
and never reported fixed). Files that could not be read or parsed are out of scope: their
entries are kept. Entries are matched against all of a file's findings, whatever the run
shows: the occurrence index counts them all.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable
from typing import Container
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
from flake8_ssot_ws.atomic import write_atomically
from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.runner import FileResult
from flake8_ssot_ws.scan.runner import ScanResult


class Split(NamedTuple):
    result: ScanResult  # the scan with the known findings taken out of ``reported``
    known: Mapping[str, tuple[Finding, ...]]  # display path -> its known findings
    stale: tuple[Entry, ...]  # in-scope entries nothing matched: fixed (or changed)


def split(result: ScanResult, registry: Registry, baseline: Baseline, codes: Container[str] | None = None) -> Split:
    """``codes``: the codes this run shows (None: every code)."""
    files: list[FileResult] = []
    known: dict[str, tuple[Finding, ...]] = {}
    matched: list[Entry] = []
    for file in result.files:
        pairs = key_reported(entry_path(file.relpath, file.path), file.outcome.reported, file.outcome.noqa)
        matches = [(baseline.match(entry), finding) for entry, finding in pairs]
        new = tuple(finding for match, finding in matches if match is None)
        hits = [(match, finding) for match, finding in matches if match is not None]
        if hits:
            known[file.path] = tuple(finding for _, finding in hits)
            matched.extend(match for match, _ in hits)
        files.append(file._replace(outcome=file.outcome._replace(reported=new)))
    stale = in_scope_stale(baseline, matched, _scope(result, registry, codes))
    return Split(result._replace(files=files), known, tuple(stale))


def rewrite(
    result: ScanResult, registry: Registry, path: Path, *, force: bool, codes: Container[str] | None = None
) -> Update:
    """Write this run's findings (of ``codes``; None: every code) to the baseline ``path``. An
    existing baseline only shrinks: a finding it does not hold is refused (BaselineError)
    unless ``force``."""
    if path.is_dir():  # read_baseline would say "cannot read": the file is to be written
        raise BaselineError(f"{path}: cannot write: is a directory")
    old = read_baseline(path) if path.exists() else None
    in_scope = _scope(result, registry, codes)
    current = [
        entry
        for file in result.files
        for entry, _ in key_reported(entry_path(file.relpath, file.path), file.outcome.reported, file.outcome.noqa)
        if codes is None or entry.code in codes
    ]
    change = update(old, current, in_scope)
    if change.added and old is not None and not force:
        first = change.added[0]
        count = len(change.added)
        raise BaselineError(
            f"{path}: refusing to add {count} new finding{'s' if count != 1 else ''} to the baseline "
            f"(first: {first.path}: {first.code} {first.what}); fix them, or pass --force to accept them"
        )
    try:
        write_atomically(str(path), dumps(change.entries, change.version).encode("utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot write: {error.strerror or type(error).__name__}") from None
    return change


def _scope(result: ScanResult, registry: Registry, codes: Container[str] | None) -> Callable[[Entry], bool]:
    unreadable = {entry_path(file.relpath, file.path) for file in result.problems}

    @functools.cache
    def looked_at() -> frozenset[str]:
        # Built on first use: a CI run where every entry still matches never pays for it.
        return frozenset(entry_path(file_context(registry, p).relpath, p) for p in result.paths) - unreadable

    def in_scope(entry: Entry) -> bool:
        if codes is not None and entry.code not in codes:
            return False
        path = entry.path
        return path in looked_at() or (path not in unreadable and not (registry.root / path).exists())

    return in_scope


# --- what check prints around the scan ---------------------------------------------------


def apply(
    result: ScanResult, registry: Registry, baseline: Baseline, path: Path, codes: Container[str] | None = None
) -> ScanResult:
    """``check --baseline``: the scan without the known findings; fixed entries counted on stderr."""
    outcome = split(result, registry, baseline, codes)
    if outcome.stale:
        count = len(outcome.stale)
        if next(outcome.result.findings, None) is None:
            said = f"fixed, run 'ssot-ws check --write-baseline {path}' to shrink it"
        else:
            # An entry may have changed into one of the new findings (a passed deadline turns
            # SWS101 into SWS001): "fixed" would be wrong, and --write-baseline refuses for now.
            said = (
                f"no longer {'matches' if count == 1 else 'match'} (fixed, or changed into a new finding); "
                f"'ssot-ws check --write-baseline {path}' shrinks it once the new findings are fixed, "
                "or accepts them with --force"
            )
        print(f"baseline: {count} {_entries(count)} {said}", file=sys.stderr)
    return outcome.result


def record(
    result: ScanResult, registry: Registry, path: Path, *, force: bool, codes: Container[str] | None = None
) -> int:
    """``check --write-baseline``: write the file, say what changed; exit code 0."""
    change = rewrite(result, registry, path, force=force, codes=codes)
    total = len(change.entries)
    print(
        f"baseline: wrote {total} {_entries(total)} to {path} "
        f"({len(change.added)} added, {len(change.removed)} fixed and removed)",
        file=sys.stderr,
    )
    return 0


def _entries(count: int) -> str:
    return "entry" if count == 1 else "entries"
