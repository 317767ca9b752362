"""Renderers of a ``Trend``: text, markdown, JSON and CSV. Formatting only: every number
comes from report.build_report (one per sample) and history/trend.py."""

from __future__ import annotations

import csv
import io
import json
from typing import Sequence

from flake8_ssot_ws.history.git import Commit
from flake8_ssot_ws.history.sampling import DAY
from flake8_ssot_ws.history.sampling import WEEK
from flake8_ssot_ws.history.sampling import Every
from flake8_ssot_ws.history.trend import Drop
from flake8_ssot_ws.history.trend import Point
from flake8_ssot_ws.history.trend import Trend
from flake8_ssot_ws.history.trend import changes
from flake8_ssot_ws.history.trend import largest_drop
from flake8_ssot_ws.history.trend import signed
from flake8_ssot_ws.report.compliance import CODES
from flake8_ssot_ws.report.render import JSON_SCHEMA_VERSION
from flake8_ssot_ws.report.render import counts_json



def _headers(codes: Sequence[str]) -> tuple[str, ...]:
    return ("date", "commit", "compliance", "change", "tracked", *codes, "with findings", "unreadable", "note")


def _left(codes: Sequence[str]) -> tuple[int, ...]:
    """The columns to align left (the others are numbers)."""
    return (0, 1, len(_headers(codes)) - 1)


def _codes(trend: Trend) -> list[str]:
    """The codes the table has a column for: those found at some sample (JSON and CSV have every one)."""
    return [code for code in CODES if any(p.report and p.report.overall.by_code[code] for p in trend.points)]


def describe_every(every: Every) -> str:
    if every == DAY:
        return "the last commit of each day"
    if every == WEEK:
        return "the last commit of each week"
    return "every commit" if every == 1 else f"every {_ordinal(int(every))} commit"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _rows(trend: Trend, codes: Sequence[str]) -> list[list[str]]:
    rows = []
    for point, change in zip(trend.points, changes(trend.points)):
        sample = point.sample
        cells = [sample.date.isoformat(), sample.commit.short]
        if point.report is None:
            rows.append([*cells, *(["-"] * (len(_headers(codes)) - 3)), point.status or ""])
            continue
        overall = point.report.overall
        cells += [f"{overall.compliance:.1f}%", signed(change), str(overall.tracked)]
        cells += [str(overall.by_code[code]) for code in codes]
        cells += [str(overall.files_with_findings), str(point.report.files_unreadable), _note(point)]
        rows.append(cells)
    return rows


def _note(point: Point) -> str:
    if not point.missing:
        return ""
    noun = "file" if point.missing == 1 else "files"
    return f"{point.missing} {noun} missing from the object store"


def _title(trend: Trend) -> str:
    points = trend.points
    span = f"{points[0].sample.date.isoformat()} to {points[-1].sample.date.isoformat()}"
    noun = "sample" if len(points) == 1 else "samples"
    return f"SSOT compliance history of {trend.rev}: {len(points)} {noun}, {describe_every(trend.every)}, {span}"


def _registry_line(trend: Trend) -> str:
    whose = "each sample's own" if trend.registry_at_commit else "the working tree's"
    return f"registry {trend.registry} ({whose}), deadlines as of {trend.today.isoformat()}"


def _drop_lines(trend: Trend, drop: Drop | None, code: str = "") -> list[str]:
    if drop is None:
        return ["no drop: the compliance never fell from one sample to the next"]
    before, after = trend.points[drop.before], trend.points[drop.after]
    log = f"{code}git log --first-parent {before.sample.commit.short}..{after.sample.commit.short}{code}"
    noun = "commit" if len(drop.commits) == 1 else "commits"
    return [
        f"largest drop: {signed(drop.tenths)} points, from {_where(before, code)} to {_where(after, code)}",
        f"its {len(drop.commits)} first-parent {noun} ({log}):",
    ]


def _where(point: Point, code: str) -> str:
    assert point.report is not None  # drops are between measured points
    commit = f"{code}{point.sample.commit.short}{code}"
    return f"{point.sample.date.isoformat()} ({commit}, {point.report.overall.compliance:.1f}%)"


def _commit_line(commit: Commit) -> str:
    return f"{commit.short} {commit.date.isoformat()} {commit.subject}"


def _end_lines(trend: Trend, code: str = "") -> list[str]:
    """Where a shallow clone's history ends, after a blank line; nothing when it does not."""
    end = trend.history_end
    if end is None:
        return []
    where = f"{code}{end.short}{code} ({end.date.isoformat()})"
    return ["", f"history ends at {where}: the clone is shallow ({code}git fetch --unshallow{code} fetches the rest)"]


def render_text(trend: Trend) -> str:
    drop = largest_drop(trend.points)
    codes = _codes(trend)
    out = [_title(trend), _registry_line(trend), ""]
    out += _text_table(_headers(codes), _rows(trend, codes), left=_left(codes))
    out += ["", *_drop_lines(trend, drop)]
    if drop is not None:
        out += [f"  {_commit_line(commit)}" for commit in drop.commits]
    out += _end_lines(trend)
    return "\n".join(out) + "\n"


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int]) -> list[str]:
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
    lines = []
    for row in (headers, *rows):
        cells = [cell.ljust(w) if i in left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_markdown(trend: Trend) -> str:
    """GitHub-flavoured markdown, for a job summary or a pull-request comment."""
    drop = largest_drop(trend.points)
    out = [f"## {_md(_title(trend))}", "", f"{_md(_registry_line(trend))}.", ""]
    codes = _codes(trend)
    headers, left = _headers(codes), _left(codes)
    align = ["---" if i in left else "--:" for i in range(len(headers))]
    rows = [[_md(cell) for cell in row] for row in _rows(trend, codes)]
    out += [f"| {' | '.join(row)} |" for row in (headers, align, *rows)]
    for line in _drop_lines(trend, drop, "`"):  # a paragraph each
        out += ["", _md(line)]
    if drop is not None:
        out += ["", *(f"- `{c.short}` {c.date.isoformat()} {_md(c.subject)}" for c in drop.commits)]
    out += _end_lines(trend, "`")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def trend_json(trend: Trend) -> dict[str, object]:
    """The stable JSON document (schema in README, "ssot-ws report --history")."""
    drop = largest_drop(trend.points)
    samples = []
    for point, change in zip(trend.points, changes(trend.points)):
        sample, report = point.sample, point.report
        samples.append(
            {
                "date": sample.date.isoformat(),
                "commit": sample.commit.sha,
                "subject": sample.commit.subject,
                "commits": len(sample.commits),
                "status": point.status or "measured",
                "compliance": None if report is None else report.overall.compliance,
                "change": None if change is None else change / 10,
                "files": None
                if report is None
                else {"scanned": report.files_scanned, "unreadable": report.files_unreadable, "missing": point.missing},
                "overall": None if report is None else counts_json(report.overall),
                "groups": [] if report is None else [counts_json(counts) for counts in report.groups],
            }
        )
    end = trend.history_end
    return {
        "schema": JSON_SCHEMA_VERSION,
        "rev": trend.rev,
        "every": trend.every,
        "since": None if trend.since is None else trend.since.isoformat(),
        "until": None if trend.until is None else trend.until.isoformat(),
        "today": trend.today.isoformat(),
        "registry": trend.registry,
        "registry_at_commit": trend.registry_at_commit,
        "samples": samples,
        "largest_drop": None
        if drop is None
        else {
            "from": trend.points[drop.before].sample.commit.sha,
            "to": trend.points[drop.after].sample.commit.sha,
            "change": drop.tenths / 10,
            "commits": [_commit_json(commit) for commit in drop.commits],
        },
        "history_ends": None if end is None else _commit_json(end),
    }


def _commit_json(commit: Commit) -> dict[str, str]:
    return {"commit": commit.sha, "date": commit.date.isoformat(), "subject": commit.subject}


def render_json(trend: Trend) -> str:
    return json.dumps(trend_json(trend), indent=2) + "\n"


_CSV_HEADERS = (
    "date", "commit", "status", "compliance", "change", "tracked", "canonical", "non_canonical", *CODES,
    "files_scanned", "files_tracked", "files_with_findings", "unreadable", "missing",
)  # fmt: skip


def render_csv(trend: Trend) -> str:
    """One row per sample: a spreadsheet or a plotting tool takes it as it is."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(_CSV_HEADERS)
    for point, change in zip(trend.points, changes(trend.points)):
        cells: list[object] = [point.sample.date.isoformat(), point.sample.commit.sha, point.status or "measured"]
        report = point.report
        if report is None:
            writer.writerow(cells + [""] * (len(_CSV_HEADERS) - len(cells)))
            continue
        overall = report.overall
        cells += [f"{overall.compliance:.1f}", "" if change is None else signed(change).lstrip("+")]
        cells += [overall.tracked, overall.canonical, overall.non_canonical, *(overall.by_code[c] for c in CODES)]
        cells += [report.files_scanned, overall.files_tracked, overall.files_with_findings]
        cells += [report.files_unreadable, point.missing]
        writer.writerow(cells)
    return stream.getvalue()


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json, "csv": render_csv}
