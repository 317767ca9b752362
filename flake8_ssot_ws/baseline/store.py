"""The baseline: known findings a team accepts today, so CI fails only on new ones.

Pure: a ``Baseline`` is a frozen set of ``Entry`` keys; ``loads``/``dumps`` are text in,
text out, and ``read_baseline`` is the one file helper. An entry never names a line number, so it
survives edits that move code around:

    (path relative to the registry root, code, what, index)

``what`` is the finding's message without its code, its advice (everything from " - ")
and a legacy deadline: the import or expression that is wrong, not how to fix it, so
editing a ``use``, ``reason`` or ``deadline`` in the registry keeps entries matching.
``index`` numbers identical (code, what) findings of one file in source order. It is
computed from one file's findings alone (before ``# noqa``), which is all the flake8
plugin sees, so the plugin and ``ssot-ws check`` key every finding identically.

An SWS002 whose message names the file's alias also has its ``former`` key, the one a
version-1 baseline holds (written before the message named the alias: alias left out, indexed
among those). A version-1 file is matched, and rewritten, in former keys, so it still holds
what it held; a new file is version 2, which tells ``X as A`` from ``X as B`` and from a plain
``X``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Sequence

from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.reading import read_bytes
from flake8_ssot_ws.core.findings import Finding

FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_COMMENT = (
    "ssot-ws baseline: findings 'ssot-ws check --baseline' and flake8's ssot-baseline do not report. "
    "Shrink it with 'ssot-ws check --write-baseline FILE'."
)
_ENTRY_KEYS = ("path", "code", "what", "index")
_ADVICE = " - "
# A moved deadline keeps the key; "until" is how SWS101 said it before 0.1.0's last change.
_DEADLINE = re.compile(r", allowed (?:before|until) \d{4}-\d{2}-\d{2}$")
# SWS002 names the file's alias since then ("'X' imported as 'Y' must be bound as 'Z'"): the
# former key leaves it out.
_SWS002_ALIAS = re.compile(r"^('\w+') imported as '\w+' (?=must be bound as )")


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    code: str
    what: str
    index: int
    # The key a baseline written before held for the same finding (see the module docstring).
    former: Entry | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Baseline:
    entries: frozenset[Entry]
    version: int = FORMAT_VERSION

    def key(self, entry: Entry) -> Entry:
        """The key of the finding keyed ``entry`` in this baseline's version."""
        return entry.former if self.version == 1 and entry.former is not None else entry

    def match(self, entry: Entry) -> Entry | None:
        """The entry of this baseline that holds the finding keyed ``entry``, or None."""
        key = self.key(entry)
        return key if key in self.entries else None

    def split(self, path: str, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(new, known): ``findings`` are all of one file's findings, in the core's order."""
        new: list[Finding] = []
        known: list[Finding] = []
        for entry, finding in keyed(path, findings):
            (known if self.match(entry) is not None else new).append(finding)
        return new, known


EMPTY = Baseline(frozenset())


def entry_path(relpath: str | None, filename: str) -> str:
    """The path an entry names: relative to the registry root (``FileContext.relpath``),
    or the file name as given for a file outside the registry's folder."""
    return relpath if relpath is not None else Path(filename).as_posix()


def what(finding: Finding) -> str:
    """The part of the message that says what is wrong (see the module docstring)."""
    text = finding.message.partition(" ")[2]
    text = text.split(_ADVICE, 1)[0]
    return _DEADLINE.sub("", text) if finding.code != "SWS002" else text


def keyed(path: str, findings: Sequence[Finding]) -> list[tuple[Entry, Finding]]:
    """Each finding of one file with its baseline key."""
    seen: dict[tuple[str, str], int] = {}
    seen_formerly: dict[str, int] = {}
    result: list[tuple[Entry, Finding]] = []
    for finding in findings:
        identity = (finding.code, what(finding))
        index = seen.get(identity, 0)
        seen[identity] = index + 1
        former = None
        if finding.code == "SWS002":  # a version-1 key: the alias left out, indexed among those
            formerly = _SWS002_ALIAS.sub(r"\1 ", identity[1])
            former_index = seen_formerly.get(formerly, 0)
            seen_formerly[formerly] = former_index + 1
            former = Entry(path, finding.code, formerly, former_index)
        result.append((Entry(path, finding.code, identity[1], index, former), finding))
    return result


def key_reported(path: str, reported: Sequence[Finding], noqa: Sequence[Finding]) -> list[tuple[Entry, Finding]]:
    """Keys of the findings ``ssot-ws check`` reports (after ``# noqa``). Occurrence indices
    also count the ``noqa`` ones, as in the plugin, which runs before flake8 applies noqa."""
    everything = sorted([*reported, *noqa], key=lambda f: (f.line, f.col, f.code, f.message))  # the core's order
    wanted = {id(finding) for finding in reported}
    return [(entry, finding) for entry, finding in keyed(path, everything) if id(finding) in wanted]


# --- the file format: JSON, one entry per line, sorted --------------------------------


def dumps(entries: Iterable[Entry], version: int = FORMAT_VERSION) -> str:
    """Sorted, one entry per line: a reviewer sees exactly which findings changed."""
    lines = [json.dumps({key: getattr(entry, key) for key in _ENTRY_KEYS}) for entry in sorted(set(entries))]
    body = ",\n    ".join(lines)
    findings = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "comment": {json.dumps(_COMMENT)},\n  "version": {version},\n  "findings": {findings}\n}}\n'


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file (the one I/O helper: the commands and the plugin share it)."""
    try:
        text = read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such file (create it with 'ssot-ws check --write-baseline {path}')") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise BaselineError(f"{path}: cannot read: {reason}") from None
    return loads(text, str(path))


def loads(text: str, source: str) -> Baseline:
    """Parse a baseline file's text; ``source`` names it in error messages."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    except RecursionError:  # json recurses into nested arrays and objects
        raise BaselineError(f"{source}: invalid JSON: nested too deeply to read") from None
    if not isinstance(document, dict):
        raise BaselineError(f"{source}: expected a JSON object with 'version' and 'findings'")
    version = document.get("version")
    if version not in _READABLE_VERSIONS or isinstance(version, bool):
        raise BaselineError(f"{source}: version: expected 1 or 2, got {version!r}")
    raw = document.get("findings")
    if not isinstance(raw, list):
        raise BaselineError(f"{source}: findings: expected an array, got {type(raw).__name__}")
    entries = frozenset(_entry(item, f"{source}: findings[{index}]") for index, item in enumerate(raw))
    return Baseline(entries, version)


def _entry(item: Any, where: str) -> Entry:
    if not isinstance(item, dict) or sorted(item) != sorted(_ENTRY_KEYS):
        raise BaselineError(f"{where}: expected an object with exactly the keys {', '.join(_ENTRY_KEYS)}")
    for key in ("path", "code", "what"):
        if not isinstance(item[key], str) or not item[key]:
            raise BaselineError(f"{where}.{key}: expected a non-empty string, got {item[key]!r}")
    index = item["index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise BaselineError(f"{where}.index: expected an integer >= 0, got {index!r}")
    return Entry(item["path"], item["code"], item["what"], index)


# --- the ratchet ----------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    """What ``--write-baseline`` would write, and how it differs from the old baseline."""

    entries: frozenset[Entry]
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    version: int = FORMAT_VERSION  # the old file's: its keys are written as it holds them


def in_scope_stale(baseline: Baseline, matched: Iterable[Entry], in_scope: Callable[[Entry], bool]) -> list[Entry]:
    """Entries this run could have matched and did not (``matched``: the baseline's entries
    that held a finding): the fixed (or changed) findings."""
    matched = set(matched)
    return sorted(e for e in baseline.entries if e not in matched and in_scope(e))


def update(old: Baseline | None, current: Iterable[Entry], in_scope: Callable[[Entry], bool]) -> Update:
    """The new baseline: ``current`` findings (in the old file's version of their keys: the
    entries of files a run did not look at stay as they are, so the file cannot mix two), plus
    the old entries this run did not look at: of other paths, or of codes it did not select (a
    run over part of the tree, or with ``--select``, must not forget the rest)."""
    if old is None:
        keys = frozenset(current)
        return Update(keys, tuple(sorted(keys)), ())
    keys = frozenset(old.key(entry) for entry in current)
    kept = {entry for entry in old.entries if not in_scope(entry)}
    return Update(
        frozenset(kept | keys),
        tuple(sorted(keys - old.entries)),
        tuple(in_scope_stale(old, keys, in_scope)),
        old.version,
    )
