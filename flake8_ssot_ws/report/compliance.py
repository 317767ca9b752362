"""The compliance report: per-file facts from the scan + registry + today -> a ``Report``.

Pure: every number is computed here, once, from the same findings ``check`` reports
(the renderers in report/render.py only format them). What is counted:

- *canonical*: tracked imports that are exactly canonical (``Analysis.canonical``);
- *non-canonical*: every finding, whatever its code. That includes SWS005 (a dynamic
  import by string) and SWS007 (a tracked name reached through a module attribute): each
  is a place where the code reaches a tracked name other than through its canonical
  import. Findings hidden by ``# noqa`` or the baseline count too (the report measures
  the code, not what CI shows) and also appear in their own columns;
- *tracked* = canonical + non-canonical, so the codes always add up;
- *compliance* = canonical / tracked, 100.0 when nothing is tracked, rounded *down* to
  0.1 so that 100.0 means no non-canonical import at all.

Exempt files are not counted: the core does not look inside them.
"""

from __future__ import annotations

import datetime
import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Iterable
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.codes import COUNTED
from flake8_ssot_ws.core.rules import CanonicalImport
from flake8_ssot_ws.core.rules import Finding

CODES = COUNTED  # the report's per-code columns: every code that counts
OVERALL = "overall"


@dataclass(frozen=True)
class FileFacts:
    """One scanned file. ``path`` is relative to the registry root (posix). ``reported``
    are the findings ``check`` prints; ``noqa`` and ``baselined`` those it hides."""

    path: str
    reported: Sequence[Finding] = ()
    noqa: Sequence[Finding] = ()
    baselined: Sequence[Finding] = ()
    canonical: Sequence[CanonicalImport] = ()

    @property
    def non_canonical(self) -> tuple[Finding, ...]:
        return (*self.reported, *self.noqa, *self.baselined)


@dataclass(frozen=True)
class Counts:
    """The numbers of one group, or of all groups (``name == OVERALL``)."""

    name: str
    canonical: int
    by_code: Mapping[str, int]
    noqa: int
    baselined: int
    files_tracked: int
    files_with_findings: int

    @property
    def non_canonical(self) -> int:
        return sum(self.by_code.values())

    @property
    def tracked(self) -> int:
        return self.canonical + self.non_canonical

    @property
    def compliance(self) -> float:
        """Percent canonical, rounded down to 0.1 (integer arithmetic: no float surprises)."""
        if not self.tracked:
            return 100.0
        return (self.canonical * 1000 // self.tracked) / 10


@dataclass(frozen=True)
class LegacyStatus:
    """A registry legacy entry and how far its migration is."""

    group: str
    key: str
    import_text: str
    use: str
    deadline: datetime.date | None
    reason: str | None
    remaining: int
    days_left: int | None  # negative: overdue; 0: due today (already SWS001)


@dataclass(frozen=True)
class Ranked:
    path: str
    findings: int


@dataclass(frozen=True)
class Report:
    today: datetime.date
    registry: str
    files_scanned: int
    files_unreadable: int
    overall: Counts
    groups: tuple[Counts, ...]
    top_directories: tuple[Ranked, ...]
    top_files: tuple[Ranked, ...]
    legacy: tuple[LegacyStatus, ...]


def build_report(
    facts: Iterable[FileFacts],
    registry: Registry,
    *,
    today: datetime.date,
    registry_name: str,
    files_scanned: int,
    files_unreadable: int = 0,
    top: int = 10,
) -> Report:
    """Every number of the report; ``files_scanned`` counts the files the scan looked at
    (most of them have nothing tracked and appear in no other number)."""
    facts = list(facts)
    names = [group.name for group in registry.groups]
    groups = tuple(_counts(name, facts, only=name) for name in names)
    overall = _counts(OVERALL, facts, only=None)
    per_file = Counter({f.path: len(f.non_canonical) for f in facts if f.non_canonical})
    per_directory: Counter[str] = Counter()
    for path, count in per_file.items():
        per_directory[posixpath.dirname(path) or "."] += count
    return Report(
        today=today,
        registry=registry_name,
        files_scanned=files_scanned,
        files_unreadable=files_unreadable,
        overall=overall,
        groups=groups,
        top_directories=_top(per_directory, top),
        top_files=_top(per_file, top),
        legacy=_legacy(facts, registry, today),
    )


def _counts(name: str, facts: Sequence[FileFacts], *, only: str | None) -> Counts:
    """The numbers of group ``only``, or of every group when None."""

    def selects(group: str) -> bool:
        return only is None or group == only

    canonical = files_tracked = files_with_findings = noqa = baselined = 0
    by_code = dict.fromkeys(CODES, 0)
    for file in facts:
        file_canonical = sum(1 for c in file.canonical if selects(c.group))
        file_findings = [f for f in file.non_canonical if selects(f.group)]
        canonical += file_canonical
        for finding in file_findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        noqa += sum(1 for f in file.noqa if selects(f.group))
        baselined += sum(1 for f in file.baselined if selects(f.group))
        files_tracked += bool(file_canonical or file_findings)
        files_with_findings += bool(file_findings)
    return Counts(name, canonical, by_code, noqa, baselined, files_tracked, files_with_findings)


def _top(counter: Mapping[str, int], limit: int) -> tuple[Ranked, ...]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Ranked(path, count) for path, count in ranked[:limit])


def _legacy(facts: Sequence[FileFacts], registry: Registry, today: datetime.date) -> tuple[LegacyStatus, ...]:
    remaining = Counter(f.legacy for file in facts for f in file.non_canonical if f.legacy is not None)
    return tuple(
        LegacyStatus(
            group=group.name,
            key=entry.key,
            import_text=entry.spec.text,
            use=entry.use.text,
            deadline=entry.deadline,
            reason=entry.reason,
            remaining=remaining[entry.key],
            days_left=(entry.deadline - today).days if entry.deadline is not None else None,
        )
        for group in registry.groups
        for entry in group.legacy
    )
