"""Renderers of a ``Report``: text, markdown and JSON. Formatting only: every number
comes from report.build_report."""

from __future__ import annotations

import json
from typing import Sequence

from flake8_ssot_ws.report.compliance import CODES
from flake8_ssot_ws.report.compliance import OVERALL
from flake8_ssot_ws.report.compliance import Counts
from flake8_ssot_ws.report.compliance import LegacyStatus
from flake8_ssot_ws.report.compliance import Report

JSON_SCHEMA_VERSION = 1
_COUNT_HEADERS = ("compliance", "tracked", "canonical", "non-canonical", "noqa", "baseline", "files", "with findings")


def _count_cells(counts: Counts) -> list[str]:
    return [
        f"{counts.compliance:.1f}%",
        *(str(n) for n in (counts.tracked, counts.canonical, counts.non_canonical, counts.noqa, counts.baselined)),
        str(counts.files_tracked),
        str(counts.files_with_findings),
    ]


def _headline(report: Report) -> str:
    overall = report.overall
    return (
        f"SSOT compliance {overall.compliance:.1f}% "
        f"({overall.canonical} of {_plural(overall.tracked, 'tracked import')} canonical)"
    )


def _files_line(report: Report) -> str:
    return (
        f"{_plural(report.files_scanned, 'file')} scanned, {report.overall.files_tracked} with tracked imports, "
        f"{report.overall.files_with_findings} with findings, {report.files_unreadable} unreadable"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _days(status: LegacyStatus) -> str:
    if status.days_left is None:
        return "no deadline"
    if status.days_left == 0:
        return "due today"
    days = abs(status.days_left)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} overdue" if status.days_left < 0 else f"{days} {unit} left"


def _md_legacy_rows(report: Report) -> list[list[str]]:
    return [
        [
            _md_escape(status.group),
            status.key,
            str(status.remaining),
            status.deadline.isoformat() if status.deadline else "-",
            _days(status),
            f"`{status.import_text}`",
            f"`{status.use}`",
            _md_escape(status.reason or ""),
        ]
        for status in report.legacy
    ]


_LEGACY_HEADERS = ("group", "entry", "remaining", "deadline", "due", "legacy import", "use instead", "reason")
_LEGACY_LEFT = (0, 1, 3, 4, 5, 6, 7)


def _groups_and_overall(report: Report) -> tuple[Counts, ...]:
    return (*report.groups, report.overall)


def render_text(report: Report) -> str:
    rows = _groups_and_overall(report)
    out = [f"{_headline(report)} - {report.today.isoformat()}, registry {report.registry}", _files_line(report), ""]
    out += _text_table(("group", *_COUNT_HEADERS), [[c.name, *_count_cells(c)] for c in rows])
    out += ["", "non-canonical by code"]
    out += _text_table(("group", *CODES), [[c.name, *(str(c.by_code[code]) for code in CODES)] for c in rows])
    for title, ranked in (("top directories", report.top_directories), ("top files", report.top_files)):
        if ranked:
            out += ["", f"{title} by findings"]
            out += _text_table(("findings", "path"), [[str(r.findings), r.path] for r in ranked], left=(1,))
    if report.legacy:
        out += ["", "legacy imports"]
        for status in report.legacy:
            out += _text_legacy(status)
    return "\n".join(out) + "\n"


def _text_legacy(status: LegacyStatus) -> list[str]:
    """One legacy entry as a block: its import lines are too long for a table row."""
    due = "no deadline" if status.deadline is None else f"deadline {status.deadline.isoformat()}, {_days(status)}"
    lines = [
        f"  {status.key} ({status.group}): {status.remaining} remaining, {due}",
        f"    {status.import_text}",
        f"    -> {status.use}",
    ]
    if status.reason:
        lines.append(f"    reason: {status.reason}")
    return lines


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)) -> list[str]:
    """Columns padded to their widest cell; the ``left`` columns left-aligned, the rest
    (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
    lines = []
    for row in (headers, *rows):
        cells = [cell.ljust(w) if i in left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_markdown(report: Report) -> str:
    """GitHub-flavoured markdown: fits a job summary ($GITHUB_STEP_SUMMARY) or a PR comment."""
    rows = _groups_and_overall(report)
    out = [
        f"## {_headline(report)}",
        "",
        f"{_files_line(report)}. Date {report.today.isoformat()}, registry `{report.registry}`.",
        "",
    ]
    out += _md_table(("group", *_COUNT_HEADERS), [[_md_name(c), *_count_cells(c)] for c in rows])
    out += ["", "### Non-canonical by code", ""]
    out += _md_table(("group", *CODES), [[_md_name(c), *(str(c.by_code[code]) for code in CODES)] for c in rows])
    for title, ranked in (("Top directories", report.top_directories), ("Top files", report.top_files)):
        if ranked:
            out += ["", f"### {title} by findings", ""]
            out += _md_table(("path", "findings"), [[f"`{r.path}`", str(r.findings)] for r in ranked])
    if report.legacy:
        out += ["", "### Legacy imports", ""]
        out += _md_table(_LEGACY_HEADERS, _md_legacy_rows(report), left=_LEGACY_LEFT)
    return "\n".join(out) + "\n"


def _md_name(counts: Counts) -> str:
    return f"**{counts.name}**" if counts.name == OVERALL else _md_escape(counts.name)


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)) -> list[str]:
    align = ["---" if i in left else "--:" for i in range(len(headers))]
    return [f"| {' | '.join(row)} |" for row in (headers, align, *rows)]


def report_json(report: Report) -> dict[str, object]:
    """The stable JSON document (schema in README, "## ssot-ws report")."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "today": report.today.isoformat(),
        "registry": report.registry,
        "files": {"scanned": report.files_scanned, "unreadable": report.files_unreadable},
        "overall": counts_json(report.overall),
        "groups": [counts_json(counts) for counts in report.groups],
        "top_directories": [{"path": r.path, "findings": r.findings} for r in report.top_directories],
        "top_files": [{"path": r.path, "findings": r.findings} for r in report.top_files],
        "legacy": [
            {
                "group": s.group,
                "key": s.key,
                "import": s.import_text,
                "use": s.use,
                "deadline": s.deadline.isoformat() if s.deadline else None,
                "reason": s.reason,
                "remaining": s.remaining,
                "days_left": s.days_left,
            }
            for s in report.legacy
        ],
    }


def counts_json(counts: Counts) -> dict[str, object]:
    return {
        "name": counts.name,
        "compliance": counts.compliance,
        "tracked": counts.tracked,
        "canonical": counts.canonical,
        "non_canonical": counts.non_canonical,
        "by_code": dict(counts.by_code),
        "noqa": counts.noqa,
        "baselined": counts.baselined,
        "files_tracked": counts.files_tracked,
        "files_with_findings": counts.files_with_findings,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2) + "\n"
