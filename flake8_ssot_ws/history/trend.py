"""The compliance trend: one ``Report`` per sample, and what the renderers say about them
(the change from the previous sample, the interval with the largest drop). Pure data."""

from __future__ import annotations

import datetime
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.history.git import Commit
from flake8_ssot_ws.history.sampling import Every
from flake8_ssot_ws.history.sampling import Sample
from flake8_ssot_ws.report.compliance import Report


class Point(NamedTuple):
    """One sample measured. ``report`` is None when there was nothing to measure it
    against, and ``status`` says why (no registry at that commit, an unreadable tree)."""

    sample: Sample
    report: Report | None
    status: str | None = None
    missing: int = 0  # files whose blob is not in the object store (also counted as unreadable)


class Problem(NamedTuple):
    """A file version that could not be read or parsed, at the first sample that has it."""

    path: str
    reason: str
    commit: Commit


class Drop(NamedTuple):
    """The largest fall of the overall compliance between two measured samples."""

    before: int  # index of the point before it
    after: int  # index of the point after it
    tenths: int  # negative: tenths of a percentage point
    commits: tuple[Commit, ...]  # the first-parent commits in between, newest first (as git log lists them)


class Trend(NamedTuple):
    rev: str
    every: Every
    since: datetime.date | None
    until: datetime.date | None
    today: datetime.date
    registry: str  # the registry file, relative to the current directory
    registry_at_commit: bool
    points: tuple[Point, ...]
    problems: tuple[Problem, ...] = ()
    history_end: Commit | None = None  # the oldest commit a shallow clone has, when the range reaches it


def tenths(report: Report) -> int:
    """The overall compliance in tenths of a percent (exact: it is a multiple of 0.1)."""
    return round(report.overall.compliance * 10)


def changes(points: Sequence[Point]) -> list[int | None]:
    """Each point's change from the previous measured point, in tenths (None: nothing to
    compare with)."""
    result: list[int | None] = []
    previous: int | None = None
    for point in points:
        if point.report is None:
            result.append(None)
            continue
        current = tenths(point.report)
        result.append(None if previous is None else current - previous)
        previous = current
    return result


def largest_drop(points: Sequence[Point]) -> Drop | None:
    """The interval between two measured points where the compliance fell most (the
    earliest of equal ones); None when it never fell."""
    measured = [(index, tenths(point.report)) for index, point in enumerate(points) if point.report is not None]
    drop: Drop | None = None
    for (before, value_before), (after, value_after) in zip(measured, measured[1:]):
        change = value_after - value_before
        if change < 0 and (drop is None or change < drop.tenths):
            commits = tuple(c for point in points[before + 1 : after + 1] for c in point.sample.commits)[::-1]
            drop = Drop(before, after, change, commits)
    return drop


def signed(change: int | None) -> str:
    """A change in tenths as the renderers print it: ``+1.5``, ``-0.3``, ``0.0``; ``-`` for None."""
    if change is None:
        return "-"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return f"{sign}{abs(change) // 10}.{abs(change) % 10}"
