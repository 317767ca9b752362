"""Which commits of a first-parent history to measure: the last of each day or week, or
every Nth. Pure: commits in, samples out.

A commit's day is its committer date in the committer's own time zone, so the same history
gives the same samples on every machine. Dates along a first-parent chain can go backwards
(a rebased or cherry-picked commit keeps an older date, a clock is wrong); a commit is
counted on the day of the latest date before it, so samples are in history order and their
days never go backwards.
"""

from __future__ import annotations

import datetime
from typing import Callable
from typing import Hashable
from typing import NamedTuple
from typing import Sequence
from typing import Union

from flake8_ssot_ws.history.git import Commit
from flake8_ssot_ws.history.git import day_of

Every = Union[str, int]  # "day", "week", or every Nth commit
DAY = "day"
WEEK = "week"


class Sample(NamedTuple):
    commit: Commit
    clock: int  # when it is counted (``Commit.clock``, never before an earlier commit's)
    # The first-parent commits since the previous sample, oldest first, this one last (the
    # first sample: since the start of the range).
    commits: tuple[Commit, ...]

    @property
    def date(self) -> datetime.date:
        return day_of(self.clock)


def choose(
    newest_first: Sequence[Commit],
    every: Every,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[Sample]:
    """The samples of a first-parent history (``git rev-list --first-parent`` order), oldest
    first; ``since`` and ``until`` are inclusive days."""
    dated: list[tuple[Commit, int]] = []
    latest = -(2**63)
    for commit in reversed(newest_first):
        latest = max(latest, commit.clock)
        day = day_of(latest)
        if (since is None or day >= since) and (until is None or day <= until):
            dated.append((commit, latest))
    if isinstance(every, int):
        last = len(dated) - 1
        chosen = {last - n for n in range(0, len(dated), every)}
    else:
        key = _BUCKETS[every]
        days = [key(day_of(clock)) for _, clock in dated]
        chosen = {i for i, day in enumerate(days) if i == len(days) - 1 or days[i + 1] != day}
    samples = []
    start = 0
    for index in sorted(chosen):
        commit, clock = dated[index]
        samples.append(Sample(commit, clock, tuple(c for c, _ in dated[start : index + 1])))
        start = index + 1
    return samples


def _iso_week(day: datetime.date) -> Hashable:
    year, week, _ = day.isocalendar()
    return (year, week)


_BUCKETS: dict[str, Callable[[datetime.date], Hashable]] = {DAY: lambda day: day, WEEK: _iso_week}
