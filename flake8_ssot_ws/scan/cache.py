"""The on-disk cache: a warm ``ssot-ws check`` reads only the files that changed.

One JSON file per *namespace* in the cache folder (``.ssot-ws-cache/`` at the project root by
default: scan/project.py; ``--cache-dir`` or ``SSOT_WS_CACHE_DIR`` elsewhere). The namespace
describes everything a result depends on besides the file itself: this format, the tool's
own code, the Python version (what parses differs), the registry's file name, bytes and
source folders, and the *deadline epoch* -- how many legacy deadlines are on or before
``today``. SWS101 becomes SWS001 only when ``today`` crosses a deadline, so results stay
valid between two. The file is named by a checksum of that description and holds the
description itself, so two namespaces whose checksums collide still never share results.

An entry maps a file's path (relative to the project root, absolute outside it) to its
stat signature (mtime_ns, size, inode), the SHA-1 of its content (kept only for files that
needed more than the byte prefilter: for the others re-checking costs no more than hashing)
and everything the scan reports for it (findings, those ``# noqa`` hides, canonical imports,
a parse problem). Same signature: the stored outcome, without reading the file. Otherwise
the file is read, and when its content hash is the stored one the outcome is reused -- also
in a cache restored into a checkout elsewhere, as CI does: nothing in it names the folder.

A warm run of a large repository is mostly this file being read and looked up, so the
format is flat: an entry is one array, and every string of the findings (codes, messages,
groups) is stored once in a table the findings index into -- the same few messages repeat
across thousands of findings. That keeps the file about a quarter of the size of plain
JSON objects, and parsing it with it.

Safety: writes go to a temporary file renamed over the old one (concurrent runs each leave
a complete file; the last one wins); an unreadable or malformed file, or entry, counts as
missing; a signature taken within two seconds of the run's start is not stored (the file
may change again within the file system's timestamp granularity), so the next run
compares content. A cache that cannot be written is skipped silently: it never fails a run.
"""

from __future__ import annotations

import bisect
import datetime
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any
from typing import Optional
from typing import Tuple

from flake8_ssot_ws.core.findings import CanonicalImport
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.findings import Fix
from flake8_ssot_ws.core.outcome import EMPTY
from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry

FORMAT = "v3"  # v3: a finding holds its UTF-16 column (SARIF) too
DIRECTORY = ".ssot-ws-cache"
RACY_NS = 2_000_000_000
STALE_SECONDS = 7 * 24 * 3600
Signature = Tuple[int, int, int]
_PACKAGE = Path(__file__).parent.parent  # flake8_ssot_ws/, whose code every result depends on
_NONE = -1  # an optional string's index when it is None


def signature(stat: os.stat_result, started_ns: int) -> Signature | None:
    """The stat signature to store, or None when the file changed too recently to trust it."""
    if stat.st_mtime_ns >= started_ns - RACY_NS:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def digest(data: bytes) -> str:
    import hashlib  # only for files that must be read: its import is 5 ms of a warm run

    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class Cache:
    """Entries are ``[mtime_ns, size, inode, content hash, payload]`` (the first three None
    when the signature is not trusted); ``strings`` is the table payloads index into."""

    def __init__(
        self, path: Path, entries: dict[str, list[Any]], strings: list[str] | None = None, description: str = ""
    ) -> None:
        self.path = path
        self.entries = entries
        self.strings = strings if strings is not None else []
        self.description = description
        self._index = {text: number for number, text in enumerate(self.strings)}
        self.dirty = False

    @classmethod
    def open(
        cls, registry: Registry, today: datetime.date, directory: Path, *, fast: bool = True, all_canonical: bool = True
    ) -> Cache:
        """The cache of ``registry``'s namespace in the folder ``directory``."""
        description = namespace(registry, today, fast=fast, all_canonical=all_canonical)
        path = directory / f"{FORMAT}-{_checksum(description)}.json"
        import json  # here, not at the top: a --no-cache run does not import it

        try:
            document = json.loads(path.read_bytes())
            entries, strings = document["files"], document["strings"]
            valid = (
                document["format"] == FORMAT
                and document["namespace"] == description
                and isinstance(entries, dict)
                and isinstance(strings, list)
                and all(isinstance(text, str) for text in strings)
            )
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            valid = False
        if not valid:
            entries, strings = {}, []
        return cls(path, entries, strings, description)

    def lookup(self, key: str, stat: os.stat_result) -> tuple[Outcome | None, str | None]:
        """(the stored outcome if the file is unchanged, else None; the stored content hash).
        Every file of a warm run passes here: it stays a few comparisons."""
        entry = self.entries.get(key)
        if entry is None:
            return None, None
        try:
            mtime_ns, size, inode, content_hash, payload = entry
        except (TypeError, ValueError):
            return None, None
        known = content_hash if isinstance(content_hash, str) else None
        if mtime_ns == stat.st_mtime_ns and size == stat.st_size and inode == stat.st_ino:
            return self._decoded(payload), known
        return None, known

    def reuse(self, key: str) -> Outcome | None:
        """The stored outcome, once the caller has seen the content hash match."""
        entry = self.entries.get(key)
        return self._decoded(entry[4]) if isinstance(entry, list) and len(entry) == 5 else None

    def store(self, key: str, stat: Signature | None, content_hash: str | None, outcome: Outcome) -> None:
        signature_fields: list[int | None] = list(stat) if stat else [None, None, None]
        self.entries[key] = [*signature_fields, content_hash, self._encoded(outcome)]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        directory = self.path.parent
        document = {"format": FORMAT, "namespace": self.description, "strings": self.strings, "files": self.entries}
        try:
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                (directory / ".gitignore").write_text("# Created by ssot-ws.\n*\n")
            import json
            import tempfile  # only when writing

            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w") as stream:
                stream.write(json.dumps(document, separators=(",", ":")))
            os.replace(temporary, self.path)
            _prune(directory, keep=self.path)
        except OSError:
            return  # read-only checkout, full disk: the cache is an optimisation only
        self.dirty = False

    # --- outcome <-> JSON ----------------------------------------------------------------
    # A payload is None for a file with nothing to say, else [reported, noqa, canonical,
    # problem]; a finding is [line, col, code, message, group, legacy, utf16 col or null]
    # with the strings as indexes into ``strings``, plus, when it is fixable, [start line,
    # start col, end line, end col, alias index, module, name, asname]; a canonical import
    # is [line, col, group].

    def _encoded(self, outcome: Outcome) -> Any:
        if outcome == EMPTY:
            return None
        return [
            [self._finding(finding) for finding in outcome.reported],
            [self._finding(finding) for finding in outcome.noqa],
            [[canonical.line, canonical.col, self._intern(canonical.group)] for canonical in outcome.canonical],
            outcome.problem,
        ]

    def _finding(self, finding: Finding) -> list[Any]:
        intern = self._intern
        item: list[int | None] = [finding.line, finding.col, intern(finding.code), intern(finding.message)]
        item += [intern(finding.group), intern(finding.legacy), finding.utf16_col]
        fix = finding.fix
        if fix is not None:
            spec = fix.replacement
            item += [fix.statement_line, fix.statement_col, fix.statement_end_line, fix.statement_end_col]
            item.append(fix.alias_index)
            item += [intern(spec.module), intern(spec.name), intern(spec.asname)]
        return item

    def _intern(self, text: str | None) -> int:
        if text is None:
            return _NONE
        number = self._index.get(text)
        if number is None:
            number = self._index[text] = len(self.strings)
            self.strings.append(text)
        return number

    def _decoded(self, payload: Any) -> Outcome | None:
        """The outcome stored as ``payload``; None when it is malformed (then: a cache miss)."""
        if payload is None:
            return EMPTY
        try:
            reported, noqa, canonical, problem = payload
            return Outcome(
                tuple(self._finding_from(item) for item in reported),
                tuple(self._finding_from(item) for item in noqa),
                tuple(CanonicalImport(int(line), int(col), self._string(group)) for line, col, group in canonical),
                _optional_str(problem),
            )
        except (TypeError, ValueError, IndexError):
            return None

    def _finding_from(self, item: list[Any]) -> Finding:
        """A finding from its array. A warm run decodes thousands: plain indexing, with
        the indexes checked once (a negative one would silently count from the end)."""
        strings = self.strings
        fix = None
        if len(item) == 7:
            line, col, code, message, group, legacy, utf16_col = item
        else:
            line, col, code, message, group, legacy, utf16_col, *fix_data = item
            start_line, start_col, end_line, end_col, index, module, name, asname = fix_data
            if min(module, name) < 0 or asname < _NONE:
                raise IndexError(min(module, name, asname))
            replacement = ImportSpec(strings[module], strings[name], None if asname == _NONE else strings[asname])
            fix = Fix(int(start_line), int(start_col), int(end_line), int(end_col), int(index), replacement)
        if min(code, message, group) < 0 or legacy < _NONE:
            raise IndexError(min(code, message, group, legacy))
        legacy_key = None if legacy == _NONE else strings[legacy]
        utf16 = None if utf16_col is None else int(utf16_col)
        return Finding(int(line), int(col), strings[code], strings[message], strings[group], fix, legacy_key, utf16)

    def _string(self, number: int) -> str:
        if number < 0:  # a negative index would count from the end of the table
            raise IndexError(number)
        return self.strings[number]


def namespace(registry: Registry, today: datetime.date, *, fast: bool, all_canonical: bool = True) -> str:
    """Everything results depend on besides the file, as text: equal texts, reusable
    results. The registry's bytes are in it whole (a registry is a few kilobytes)."""
    code = ",".join(_code_files(_PACKAGE, ""))
    parts = (
        FORMAT,
        sys.version,
        f"fast={fast}",
        f"all canonical={all_canonical}",  # check's results lack report's canonical-only files
        registry.path.name,  # not the folder: a cache restored into another checkout stays valid
        f"src {registry.src}",  # the default depends on whether a src/ folder exists
        f"deadline epoch {_deadline_epoch(registry, today)}",
        code,
        _read(registry.path).decode("utf-8", "surrogateescape"),
    )
    return "\n".join(parts)


def _code_files(directory: Path | str, prefix: str) -> list[str]:
    """``name:size:mtime`` of every module of the package, its subpackages included (an
    edited module anywhere must invalidate the cache), sorted by path."""
    described: list[str] = []
    for entry in sorted(os.scandir(directory), key=lambda entry: entry.name):
        if entry.name.endswith(".py"):
            stat = entry.stat()
            described.append(f"{prefix}{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
        elif entry.is_dir() and entry.name.isidentifier():  # a subpackage, not __pycache__'s kin
            described.extend(_code_files(entry.path, f"{prefix}{entry.name}/"))
    return described


def _checksum(text: str) -> str:
    """A short file name for a namespace (collisions are harmless: the file holds the
    description). zlib, not hashlib: hashlib's import is 5 ms of a warm run."""
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


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
    """Remove other namespaces' files untouched for a week (an old registry, Python, version
    or cache format)."""
    cutoff = time.time() - STALE_SECONDS
    for stale in directory.glob("v*-*.json"):
        if stale != keep and stale.stat().st_mtime < cutoff:
            stale.unlink()


def _optional_str(value: Optional[object]) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(value)
    return value
