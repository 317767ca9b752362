"""``ssot-ws check``: the findings of the flake8 plugin, fast, in four output formats.

Exit codes: 0 clean, 1 findings (0 with ``--exit-zero``), 2 usage or registry error (commands/cli.py).
Files that cannot be read or parsed are listed on stderr and counted; they do not change
the exit code (flake8 with ``--select SWS`` does not fail on them either).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from pathlib import Path

from flake8_ssot_ws.scan import exempt_globs
from flake8_ssot_ws.commands import formats
from flake8_ssot_ws.scan.discovery import DEFAULT_EXCLUDE
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.runner import ScanResult
from flake8_ssot_ws.scan.runner import scan

NAME = "check"
HELP = "report imports the registry does not allow"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ruff has RUFF_CACHE_DIR: a CI job can point every run at a folder it keeps, without a flag.
CACHE_DIR_VARIABLE = "SSOT_WS_CACHE_DIR"


def configure(parser: argparse.ArgumentParser) -> None:
    add_scan_arguments(parser)
    parser.add_argument("--output-format", choices=sorted(formats.RENDERERS), default="text", help="default: text")
    parser.add_argument("--statistics", action="store_true", help="count the findings of each code at the end")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument("--baseline", metavar="FILE", help="report only the findings this baseline does not hold")
    baseline.add_argument(
        "--write-baseline", metavar="FILE", help="record the findings in FILE instead (an existing one only shrinks)"
    )
    parser.add_argument("--force", action="store_true", help="let --write-baseline add new findings too")


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    """What to look at, and as of which day: shared by every command that scans (check, report)."""
    parser.add_argument(
        "paths", nargs="*", default=["."], type=_existing_path, metavar="PATH",
        help="files and directories to check (default: .); files named here are always checked",
    )  # fmt: skip
    parser.add_argument(
        "--exclude", action="append", type=_globs, metavar="GLOB",
        help=f"skip files and directories matching GLOB (repeatable or comma-separated; replaces the default: "
        f"{','.join(DEFAULT_EXCLUDE)})",
    )  # fmt: skip
    parser.add_argument(
        "--extend-exclude", action="append", type=_globs, default=[], metavar="GLOB",
        help="skip these too, in addition to the --exclude list",
    )  # fmt: skip
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--cache-dir", metavar="DIR",
        help=f"the cache folder (default: ${CACHE_DIR_VARIABLE}, else .ssot-ws-cache in the project root)",
    )  # fmt: skip
    parser.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: one per CPU)")
    parser.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="check legacy deadlines as of this day (default: today)"
    )


def run(args: argparse.Namespace, registry: Registry) -> int:
    if args.force and not args.write_baseline:
        raise UsageError("--force only applies to --write-baseline")
    if args.baseline or args.write_baseline:
        # Imported only here: most runs (pre-commit, editors, a warm CI run) use no baseline.
        from flake8_ssot_ws.baseline import ratchet
        from flake8_ssot_ws.baseline.store import read_baseline
    known = read_baseline(Path(args.baseline)) if args.baseline else None  # a bad file fails before the scan
    result = run_scan(args, registry)
    report_problems(result)
    if args.write_baseline:
        return ratchet.record(result, registry, Path(args.write_baseline), force=args.force)
    if known is not None:
        result = ratchet.apply(result, registry, known, Path(args.baseline))
    sys.stdout.write(formats.RENDERERS[args.output_format](result))
    if args.statistics:
        # Statistics would corrupt a machine-readable stdout: they go to stderr there.
        stream = sys.stdout if args.output_format == "text" else sys.stderr
        stream.write(formats.statistics(result))
    has_findings = any(True for _ in result.findings)
    return 1 if has_findings and not args.exit_zero else 0


def run_scan(args: argparse.Namespace, registry: Registry) -> ScanResult:
    """The scan the ``add_scan_arguments`` options ask for, then a warning for each exempt glob
    that matches no file, when the scan covered the whole project (see scan/exempt_globs.py)."""
    result = scan(
        args.paths,
        registry,
        today=args.today or datetime.date.today(),
        exclude=_flatten(args.exclude) if args.exclude is not None else DEFAULT_EXCLUDE,
        extend_exclude=_flatten(args.extend_exclude),
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir or os.environ.get(CACHE_DIR_VARIABLE) or None,
        jobs=args.jobs,
    )
    exempt_globs.warn_after_scan(registry, args.paths, result.paths)
    return result


def report_problems(result: ScanResult) -> None:
    problems = result.problems
    for problem in problems:
        print(f"{problem.path}: {problem.outcome.problem}", file=sys.stderr)
    if problems:
        noun = "file" if len(problems) == 1 else "files"
        print(f"ssot-ws: {len(problems)} {noun} could not be read or parsed", file=sys.stderr)


def _existing_path(value: str) -> str:
    if not os.path.lexists(value):
        raise argparse.ArgumentTypeError(f"no such file or directory: {value!r}")
    return value


def _globs(value: str) -> list[str]:
    return [glob.strip() for glob in value.split(",") if glob.strip()]


def _flatten(lists: list[list[str]]) -> list[str]:
    return [glob for globs in lists for glob in globs]


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return int(value)


def _date(value: str) -> datetime.date:
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-31, got {value!r}") from None
