"""``ssot-ws report``: the compliance report, from the same scan as ``check``.

The scan (scan/runner.py) and the baseline split (baseline/ratchet.py) are exactly those of ``check``;
report/compliance.py turns their per-file outcomes into numbers, report/render.py prints them.
Exit code 0, or 1 when ``--fail-under`` is given and the overall compliance is below it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Mapping

from flake8_ssot_ws.commands import check as check_command
from flake8_ssot_ws.commands import report_history
from flake8_ssot_ws.report.badge import badge_svg
from flake8_ssot_ws.baseline.store import entry_path
from flake8_ssot_ws.baseline.store import read_baseline
from flake8_ssot_ws.atomic import write_atomically
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.baseline.ratchet import split
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.report.compliance import FileFacts
from flake8_ssot_ws.report.compliance import build_report
from flake8_ssot_ws.report.render import render_json
from flake8_ssot_ws.report.render import render_markdown
from flake8_ssot_ws.report.render import render_text
from flake8_ssot_ws.core.rules import Finding

NAME = "report"
HELP = "report SSOT compliance: canonical vs non-canonical imports, per group, with legacy deadlines"
RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def configure(parser: argparse.ArgumentParser) -> None:
    check_command.add_scan_arguments(parser)
    check_command.add_output_format(parser, {**RENDERERS, **dict.fromkeys(report_history.FORMATS)}, "text")
    parser.add_argument(
        "--badge", type=check_command.path_option, metavar="PATH",
        help="also write an SVG badge of the overall compliance",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", type=check_command.path_option, metavar="FILE",
        help="count the findings this baseline knows in their own column",
    )  # fmt: skip
    parser.add_argument(
        "--top", type=_count, default=10, metavar="N", help="directories and files to rank (default: 10)"
    )
    parser.add_argument(
        "--fail-under",
        type=_percent,
        metavar="PCT",
        help="exit 1 when the overall compliance is below PCT (a ratchet for CI)",
    )
    report_history.configure(parser)


def run(args: argparse.Namespace, registry: Registry) -> int:
    if report_history.applies(args):
        return report_history.run(args, registry)
    today = args.today or datetime.date.today()
    baseline = read_baseline(Path(args.baseline)) if args.baseline else None
    result = check_command.run_scan(args, registry, all_canonical=True)  # compliance counts them all
    check_command.report_problems(result)
    known: Mapping[str, tuple[Finding, ...]] = {}
    if baseline is not None:
        applied = split(result, registry, baseline)  # keyed on every finding, then selected
        result, known = applied.result, applied.known
    # --select and friends: the codes not shown are not counted (as if they did not exist).
    verdicts = check_command.selection(args).verdicts()
    result = check_command.select_findings(result, verdicts)
    facts = [
        FileFacts(
            path=entry_path(file.relpath, file.path),
            reported=file.outcome.reported,
            noqa=file.outcome.noqa,
            baselined=tuple(finding for finding in known.get(file.path, ()) if verdicts[finding.code]),
            canonical=file.outcome.canonical,
        )
        for file in result.files
    ]
    report = build_report(
        facts,
        registry,
        today=today,
        registry_name=_display(registry.path),
        files_scanned=result.scanned,
        files_unreadable=len(result.problems),
        top=args.top,
    )
    if args.badge:  # first: a badge that cannot be written is an error, with nothing printed
        _write_badge(Path(args.badge), report.overall.compliance)
    sys.stdout.write(RENDERERS[args.output_format](report))
    if args.fail_under is not None and report.overall.compliance < args.fail_under:
        print(
            f"ssot-ws: compliance {report.overall.compliance:.1f}% is below --fail-under {args.fail_under:g}%",
            file=sys.stderr,
        )
        return 1
    return 0


def _write_badge(path: Path, compliance: float) -> None:
    try:
        write_atomically(str(path), badge_svg(compliance).encode("utf-8"))
    except OSError as error:
        raise UsageError(f"--badge {path}: cannot write: {error.strerror or type(error).__name__}") from None


def _display(path: Path) -> str:
    """The registry as the report names it: relative to the current directory."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # pragma: no cover (Windows: another drive)
        return path.as_posix()


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}")
    return int(value)


def _percent(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage from 0 to 100, got {value!r}")
    return number
