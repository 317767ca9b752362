"""The trend as an SVG line chart: compliance % over time, a point per sample, dated ticks,
the ``--fail-under`` goal as a dashed line, and a title. Pure string building.

Time runs along x by each sample's committer clock (``Commit.clock``), so the ticks, at
midnight of the dates they name, fall where the dates in the table change. The value axis
spans the data (and the goal), at least 5 points, in whole-percent steps, within 0-100.
A sample with nothing to measure (no registry, an unreadable tree) breaks the line and
shows as a grey mark on the time axis.
"""

from __future__ import annotations

import datetime
import re
from typing import Iterator
from typing import Sequence

from flake8_ssot_ws.history.git import day_of
from flake8_ssot_ws.history.render import describe_every
from flake8_ssot_ws.history.trend import Point
from flake8_ssot_ws.history.trend import Trend
from flake8_ssot_ws.history.trend import tenths

WIDTH, HEIGHT = 800, 400
LEFT, RIGHT, TOP, BOTTOM = 72, 56, 56, 56  # margins around the plot area (room for the labels)
DAY = 86_400
_MAX_TICKS = 8
_VALUE_STEPS = (10, 20, 50, 100, 200, 250)  # tenths of a percent: 1% to 25%
_MIN_SPAN = 50  # tenths: the axis spans at least 5 points
# (step, unit): days, weeks (Mondays), months (the 1st)
_TIME_STEPS = ((1, "day"), (2, "day"), (7, "week"), (14, "week"), (1, "month"), (2, "month"), (3, "month"),
               (6, "month"), (12, "month"), (24, "month"), (60, "month"), (120, "month"))  # fmt: skip
_MONDAY = datetime.date(1970, 1, 5)
# What XML 1.0 cannot hold even escaped (control characters; git subjects may have them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def chart_svg(trend: Trend, goal: float | None = None) -> str:
    points = trend.points
    measured = [point for point in points if point.report is not None]
    values = [tenths(point.report) for point in measured if point.report is not None]  # (mypy: narrowed)
    if goal is not None:
        values.append(round(goal * 10))
    low, high, step = value_axis(values)
    start = points[0].sample.clock // DAY * DAY
    end = (points[-1].sample.clock // DAY + 1) * DAY
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(clock: int) -> float:
        return LEFT + (clock - start) / (end - start) * plot_width

    def y(value: int) -> float:
        return TOP + plot_height - (value - low) / (high - low) * plot_height

    span = f"{points[0].sample.date.isoformat()} to {points[-1].sample.date.isoformat()}"
    title = f"SSOT compliance of {trend.rev}: {describe_every(trend.every)}, {span}"
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{_text(title)}" '
            'font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        ),
        f"<title>{_text(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        (
            f'<text class="title" x="{WIDTH / 2:.2f}" y="28" text-anchor="middle" font-size="15" fill="#222">'
            f"{_text(title)}</text>"
        ),
    ]
    for value in range(low, high + 1, step):
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.2f}" y2="{y(value):.2f}" stroke="#e4e4e4"/>'
        )
        out.append(
            f'<text class="y-tick" data-value="{value // 10}" x="{LEFT - 8}" y="{y(value):.2f}" '
            f'text-anchor="end" dominant-baseline="middle" fill="#555">{value // 10}%</text>'
        )
    for day in date_ticks(day_of(start), day_of(end)):
        at = x((day - _EPOCH).days * DAY)
        out.append(f'<line x1="{at:.2f}" x2="{at:.2f}" y1="{TOP}" y2="{HEIGHT - BOTTOM + 5}" stroke="#e4e4e4"/>')
        out.append(
            f'<text class="x-tick" data-date="{day.isoformat()}" x="{at:.2f}" y="{HEIGHT - BOTTOM + 20}" '
            f'text-anchor="middle" fill="#555">{day.isoformat()}</text>'
        )
    bottom = HEIGHT - BOTTOM
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#888"/>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#888"/>')
    out.append(
        f'<text x="18" y="{TOP + plot_height / 2:.2f}" text-anchor="middle" fill="#555" '
        f'transform="rotate(-90 18 {TOP + plot_height / 2:.2f})">compliance (%)</text>'
    )
    if goal is not None:
        at = y(round(goal * 10))
        out.append(
            f'<line class="goal" data-value="{goal:g}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.2f}" '
            f'y2="{at:.2f}" stroke="#d9534f" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{WIDTH - RIGHT}" y="{at - 6:.2f}" text-anchor="end" fill="#d9534f">goal {goal:g}%</text>'
        )
    for run in _runs(points):
        coordinates = " ".join(f"{x(p.sample.clock):.2f},{y(tenths(p.report)):.2f}" for p in run if p.report)
        out.append(f'<polyline points="{coordinates}" fill="none" stroke="#2a7ab8" stroke-width="2"/>')
    for point in points:
        sample, at = point.sample, x(point.sample.clock)
        label = f"{sample.date.isoformat()} {sample.commit.short}"
        if point.report is None:
            out.append(
                f'<rect class="unmeasured" data-commit="{sample.commit.sha}" x="{at - 3:.2f}" y="{bottom - 3}" '
                f'width="6" height="6" fill="#aaa"><title>{_text(f"{label}: {point.status}")}</title></rect>'
            )
            continue
        compliance = point.report.overall.compliance
        out.append(
            f'<circle class="sample" data-commit="{sample.commit.sha}" data-compliance="{compliance:.1f}" '
            f'cx="{at:.2f}" cy="{y(tenths(point.report)):.2f}" r="3.5" fill="#2a7ab8">'
            f"<title>{_text(f'{label}: {compliance:.1f}% - {sample.commit.subject}')}</title></circle>"
        )
    if measured:  # the newest value, written out: what a reader looks for first
        newest = measured[-1]
        assert newest.report is not None  # measured
        out.append(
            f'<text class="newest" x="{x(newest.sample.clock) + 7:.2f}" y="{y(tenths(newest.report)):.2f}" '
            'dominant-baseline="middle" fill="#2a7ab8" font-weight="bold">'
            f"{newest.report.overall.compliance:.1f}%</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def value_axis(values: Sequence[int]) -> tuple[int, int, int]:
    """(lowest, highest, step) of the value axis, in tenths of a percent."""
    low, high = (min(values), max(values)) if values else (1000, 1000)
    if high - low < _MIN_SPAN:
        pad = _MIN_SPAN - (high - low)
        low, high = low - pad // 2, high + pad - pad // 2
        shift = max(0, -low) - max(0, high - 1000)  # back inside 0-100
        low, high = low + shift, high + shift
    step = next(s for s in _VALUE_STEPS if (high - low) / s <= 6 or s == _VALUE_STEPS[-1])
    return low // step * step, -(-high // step) * step, step


_EPOCH = datetime.date(1970, 1, 1)


def date_ticks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """At most eight round dates from ``start`` to ``end`` (inclusive): days, Mondays or
    first days of months, in the smallest step that fits."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    for step, unit in _TIME_STEPS:
        ticks = [day for day in days if _on_step(day, step, unit)]
        if len(ticks) <= _MAX_TICKS:
            return ticks
    return [start, end]  # pragma: no cover (more than 80 years of history)


def _on_step(day: datetime.date, step: int, unit: str) -> bool:
    if unit == "day":
        return (day - _EPOCH).days % step == 0
    if unit == "week":
        return (day - _MONDAY).days % step == 0
    return day.day == 1 and (day.year * 12 + day.month - 1) % step == 0


def _runs(points: Sequence[Point]) -> Iterator[list[Point]]:
    """The stretches of consecutive measured points (the line breaks at the others)."""
    run: list[Point] = []
    for point in points:
        if point.report is None:
            if run:
                yield run
            run = []
        else:
            run.append(point)
    if run:
        yield run


def _text(text: str) -> str:
    """``text`` as XML character data or a double-quoted attribute value."""
    text = _NOT_XML.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
