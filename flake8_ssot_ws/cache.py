"""The on-disk cache: a warm ``ssot-ws check`` reads only the files that changed.

One JSON file per *namespace* in ``.ssot-ws-cache/`` at the registry root. The namespace
hashes everything a result depends on besides the file itself: this format, the tool's
own code, the Python version (what parses differs), the registry's path and bytes, and
the *deadline epoch* -- how many legacy deadlines are on or before ``today``. SWS101
becomes SWS001 only when ``today`` crosses a deadline, so results stay valid between two.

An entry maps a file's absolute path to its stat signature (mtime_ns, size, inode), the
SHA-1 of its content (kept only for files that needed more than the byte prefilter: for
the others re-checking costs no more than hashing) and everything the scan reports for it
(findings, those ``# noqa`` hides, canonical imports, a parse problem). Same signature:
the stored outcome, without reading the file. Otherwise the file is read, and when its
content hash is the stored one the outcome is reused.

Safety: writes go to a temporary file renamed over the old one (concurrent runs each leave
a complete file; the last one wins); an unreadable or malformed file, or entry, counts as
missing; a signature taken within two seconds of the run's start is not stored (the file
may change again within the file system's timestamp granularity), so the next run
compares content. A cache that cannot be written is skipped silently: it never fails a run.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from typing import Optional
from typing import Tuple

from flake8_ssot_ws.findings import CanonicalImport
from flake8_ssot_ws.findings import Finding
from flake8_ssot_ws.findings import Fix
from flake8_ssot_ws.outcome import EMPTY
from flake8_ssot_ws.outcome import Outcome
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry

FORMAT = "v1"
DIRECTORY = ".ssot-ws-cache"
RACY_NS = 2_000_000_000
STALE_SECONDS = 7 * 24 * 3600
Signature = Tuple[int, int, int]
_PACKAGE = Path(__file__).parent


def signature(stat: os.stat_result, started_ns: int) -> Signature | None:
    """The stat signature to store, or None when the file changed too recently to trust it."""
    if stat.st_mtime_ns >= started_ns - RACY_NS:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class Cache:
    def __init__(self, path: Path, entries: dict[str, list[Any]]) -> None:
        self.path = path
        self.entries = entries
        self.dirty = False

    @classmethod
    def open(cls, registry: Registry, today: datetime.date, *, fast: bool = True) -> Cache:
        path = registry.root / DIRECTORY / f"{FORMAT}-{namespace(registry, today, fast=fast)}.json"
        try:
            document = json.loads(path.read_bytes())
            entries = document["files"] if document["format"] == FORMAT else {}
        except (OSError, ValueError, TypeError, KeyError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def lookup(self, key: str, stat: os.stat_result) -> tuple[Outcome | None, str | None]:
        """(the stored outcome if the file is unchanged, else None; the stored content hash).
        Every file of a warm run passes here: it stays a few comparisons."""
        entry = self.entries.get(key)
        if entry is None:
            return None, None
        try:
            stored, content_hash, payload = entry
            fresh = (
                stored is not None
                and stored[0] == stat.st_mtime_ns
                and stored[1] == stat.st_size
                and stored[2] == stat.st_ino
            )
        except (TypeError, ValueError, KeyError, IndexError):
            return None, None
        known = content_hash if isinstance(content_hash, str) else None
        return (_decoded(payload) if fresh else None), known

    def reuse(self, key: str) -> Outcome | None:
        """The stored outcome, once the caller has seen the content hash match."""
        entry = self.entries.get(key)
        return _decoded(entry[2]) if isinstance(entry, list) and len(entry) == 3 else None

    def store(self, key: str, stat: Signature | None, content_hash: str | None, outcome: Outcome) -> None:
        self.entries[key] = [list(stat) if stat else None, content_hash, encode(outcome)]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        directory = self.path.parent
        try:
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                (directory / ".gitignore").write_text("# Created by ssot-ws.\n*\n")
            document = json.dumps({"format": FORMAT, "files": self.entries}, separators=(",", ":"))
            import tempfile  # only when writing

            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w") as stream:
                stream.write(document)
            os.replace(temporary, self.path)
            _prune(directory, keep=self.path)
        except OSError:
            return  # read-only checkout, full disk: the cache is an optimisation only
        self.dirty = False


def namespace(registry: Registry, today: datetime.date, *, fast: bool) -> str:
    hasher = hashlib.sha1(usedforsecurity=False)
    for part in (FORMAT, sys.version, str(fast), str(registry.path), str(_deadline_epoch(registry, today))):
        hasher.update(part.encode() + b"\0")
    hasher.update(_read(registry.path))
    for module in sorted(_PACKAGE.glob("*.py")):
        stat = module.stat()
        hasher.update(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return hasher.hexdigest()[:20]


def _deadline_epoch(registry: Registry, today: datetime.date) -> int:
    deadlines = sorted(
        {entry.deadline for group in registry.groups for entry in group.legacy if entry.deadline is not None}
    )
    return bisect.bisect_right(deadlines, today)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _prune(directory: Path, keep: Path) -> None:
    """Remove other namespaces' files untouched for a week (an old registry, Python, version)."""
    cutoff = time.time() - STALE_SECONDS
    for stale in directory.glob(f"{FORMAT}-*.json"):
        if stale != keep and stale.stat().st_mtime < cutoff:
            stale.unlink()


# --- outcome <-> JSON ------------------------------------------------------------------


def encode(outcome: Outcome) -> Any:
    if outcome == EMPTY:
        return None
    return {
        "r": [_finding(f) for f in outcome.reported],
        "n": [_finding(f) for f in outcome.noqa],
        "c": [[c.line, c.col, c.group] for c in outcome.canonical],
        "p": outcome.problem,
    }


def _finding(finding: Finding) -> list[Any]:
    fix = finding.fix
    fix_data = None
    if fix is not None:
        spec = fix.replacement
        fix_data = [
            fix.statement_line, fix.statement_col, fix.statement_end_line, fix.statement_end_col,
            fix.index, spec.module, spec.name, spec.asname,
        ]  # fmt: skip
    return [finding.line, finding.col, finding.code, finding.message, finding.group, finding.legacy, fix_data]


def _decoded(payload: Any) -> Outcome | None:
    """The outcome stored as ``payload``; None when it is malformed (then: a cache miss)."""
    if payload is None:
        return EMPTY
    try:
        return Outcome(
            tuple(_finding_from(item) for item in payload["r"]),
            tuple(_finding_from(item) for item in payload["n"]),
            tuple(CanonicalImport(int(line), int(col), str(group)) for line, col, group in payload["c"]),
            _optional_str(payload["p"]),
        )
    except (TypeError, ValueError, KeyError):
        return None


def _finding_from(item: list[Any]) -> Finding:
    line, col, code, message, group, legacy, fix_data = item
    fix = None
    if fix_data is not None:
        start_line, start_col, end_line, end_col, index, module, name, asname = fix_data
        replacement = ImportSpec(str(module), str(name), _optional_str(asname))
        fix = Fix(int(start_line), int(start_col), int(end_line), int(end_col), int(index), replacement)
    return Finding(int(line), int(col), str(code), str(message), str(group), fix, _optional_str(legacy))


def _optional_str(value: Optional[object]) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(value)
    return value
