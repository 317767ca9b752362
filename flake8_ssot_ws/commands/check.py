"""``ssot-ws check``: the findings of the flake8 plugin, fast, in four output formats.

Exit codes: 0 clean or only warnings, 1 findings (0 with ``--exit-zero``), 2 usage or registry
error (commands/cli.py). What fails the run is exactly what flake8 reports with the same
``--select``/``--ignore`` options; a code flake8 hides only because it is default-ignored
(SWS101, a legacy import before its deadline) is shown as a warning (core/selection.py).
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
from typing import TYPE_CHECKING
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.scan import exempt_globs
from flake8_ssot_ws.commands import formats
from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.codes import WARNINGS
from flake8_ssot_ws.core.codes import spans
from flake8_ssot_ws.core.selection import ERROR
from flake8_ssot_ws.core.selection import WARNING
from flake8_ssot_ws.core.selection import Selection
from flake8_ssot_ws.scan.discovery import DEFAULT_EXCLUDE
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.scan.runner import ScanResult
from flake8_ssot_ws.scan.runner import scan

if TYPE_CHECKING:  # the baseline modules load only when a baseline option is given
    from flake8_ssot_ws.baseline.store import Baseline

NAME = "check"
HELP = "report imports the registry does not allow"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# ruff has RUFF_CACHE_DIR: a CI job can point every run at a folder it keeps, without a flag.
CACHE_DIR_VARIABLE = "SSOT_WS_CACHE_DIR"


def configure(parser: argparse.ArgumentParser) -> None:
    add_scan_arguments(parser)
    add_output_format(parser, formats.RENDERERS, "text")
    parser.add_argument("--statistics", action="store_true", help="count the findings of each code at the end")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline", type=path_option, metavar="FILE", help="report only the findings this baseline does not hold"
    )
    baseline.add_argument(
        "--write-baseline", type=path_option, metavar="FILE",
        help="record the findings in FILE instead (an existing one only shrinks)",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="let --write-baseline add new findings too")


def add_output_format(parser: argparse.ArgumentParser, choices: Mapping[str, object], default: str) -> None:
    """``--output-format`` (ruff's name: flake8's ``--format`` takes a template), with
    ``--format`` as an alias: every command takes both spellings."""
    parser.add_argument(
        "--output-format", "--format", dest="output_format", choices=sorted(choices), default=default,
        help=f"default: {default}",
    )  # fmt: skip


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    """What to look at, and as of which day: shared by every command that scans (check, report)."""
    # Not checked here but after parsing (commands/cli.py): an unknown option's value
    # (`--formt json`) would otherwise be reported as a missing file.
    parser.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH",
        help="files and directories to check (default: .); Python files named here are always checked",
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
        "--cache-dir", type=path_option, metavar="DIR",
        help=f"the cache folder (default: ${CACHE_DIR_VARIABLE}, else .ssot-ws-cache in the project root)",
    )  # fmt: skip
    parser.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: one per CPU)")
    parser.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="check legacy deadlines as of this day (default: today)"
    )
    add_selection_arguments(parser)


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """flake8's four options, with its meaning (core/selection.py)."""
    warnings = ",".join(WARNINGS)
    parser.add_argument(
        "--select", type=_codes, metavar="CODES",
        help="comma-separated code prefixes to report, replacing the default (every code)",
    )  # fmt: skip
    parser.add_argument(
        "--ignore", type=_codes, metavar="CODES",
        help=f"code prefixes not to report, replacing the default ({warnings}, which is shown as a warning)",
    )  # fmt: skip
    parser.add_argument(
        "--extend-select", type=_codes, action="append", default=[], metavar="CODES",
        help=f"report these too (--extend-select {warnings} makes a warning fail the run, as in flake8)",
    )  # fmt: skip
    parser.add_argument(
        "--extend-ignore", type=_codes, action="append", default=[], metavar="CODES",
        help="do not report these either",
    )  # fmt: skip


def selection(args: argparse.Namespace) -> Selection:
    return Selection(
        select=args.select,
        ignore=args.ignore,
        extend_select=tuple(_flatten(args.extend_select)),
        extend_ignore=tuple(_flatten(args.extend_ignore)),
    )


def run(args: argparse.Namespace, registry: Registry) -> int:
    if args.force and not args.write_baseline:
        raise UsageError(f"--force only applies to --write-baseline (see 'ssot-ws {NAME} --help')")
    known = load_baseline(args)  # a bad file fails before the scan
    verdicts = selection(args).verdicts()
    shown = frozenset(code for code, verdict in verdicts.items() if verdict is not None)
    result = run_scan(args, registry, all_canonical=False)  # check reports findings only
    report_problems(result)
    if args.write_baseline:
        from flake8_ssot_ws.baseline import ratchet

        return ratchet.record(result, registry, Path(args.write_baseline), force=args.force, codes=shown)
    if known is not None:
        from flake8_ssot_ws.baseline import ratchet

        result = ratchet.apply(result, registry, known, Path(args.baseline), codes=shown)
    result = select_findings(result, verdicts)
    warnings = frozenset(code for code, verdict in verdicts.items() if verdict == WARNING)
    root = repository_root() if args.output_format in formats.ROOTED else None
    sys.stdout.write(formats.RENDERERS[args.output_format](result, formats.Output(warnings, root)))
    if args.statistics:
        # Statistics would corrupt a machine-readable stdout: they go to stderr there.
        stream = sys.stdout if args.output_format == "text" else sys.stderr
        stream.write(formats.statistics(result))
    failing = any(verdicts[finding.code] == ERROR for _, finding in result.findings)
    return 1 if failing and not args.exit_zero else 0


def load_baseline(args: argparse.Namespace) -> Baseline | None:
    """The ``--baseline FILE``, read (imported only then: most runs -- pre-commit, editors,
    a warm CI run -- use no baseline)."""
    if not args.baseline:
        return None
    from flake8_ssot_ws.baseline.store import read_baseline

    return read_baseline(Path(args.baseline))


def select_findings(result: ScanResult, verdicts: Mapping[str, str | None]) -> ScanResult:
    """The scan with only the findings of the codes the run shows (``Selection.verdicts``).
    The scan, its cache and the baseline keys always hold every finding: selecting is the
    last step, so a run with ``--select`` never changes what another run sees."""
    if all(verdicts.values()):
        return result
    files = []
    for file in result.files:
        outcome = file.outcome
        reported = tuple(finding for finding in outcome.reported if verdicts[finding.code])
        noqa = tuple(finding for finding in outcome.noqa if verdicts[finding.code])
        files.append(file._replace(outcome=outcome._replace(reported=reported, noqa=noqa)))
    return result._replace(files=files)


def repository_root() -> str:
    """What github's and SARIF's paths are relative to (SARIF's ``%SRCROOT%``): the top of the
    git work tree holding the current directory (a ``.git`` folder, or a worktree's ``.git``
    file), else the current directory."""
    cwd = directory = os.getcwd()
    while not os.path.lexists(os.path.join(directory, ".git")):
        parent = os.path.dirname(directory)
        if parent == directory:
            return cwd
        directory = parent
    return directory


def run_scan(args: argparse.Namespace, registry: Registry, *, all_canonical: bool) -> ScanResult:
    """The scan the ``add_scan_arguments`` options ask for; on stderr the named files that are
    not Python, a warning when no file was checked, and one for each exempt glob that matches
    no file, when the scan covered the whole project (see scan/exempt_globs.py).
    ``all_canonical``: whether the canonical imports of files without findings are wanted."""
    result = scan(
        args.paths,
        registry,
        today=args.today or datetime.date.today(),
        exclude=_flatten(args.exclude) if args.exclude is not None else None,
        extend_exclude=_flatten(args.extend_exclude),
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir or os.environ.get(CACHE_DIR_VARIABLE) or None,
        jobs=args.jobs,
        all_canonical=all_canonical,
    )
    for path in result.skipped:
        print(f"{path}: skipped: not a Python file", file=sys.stderr)
    if not result.scanned:
        print(
            "ssot-ws: warning: no Python files found under the given paths "
            "(git-ignored, excluded and non-Python files are skipped)",
            file=sys.stderr,
        )
    exempt_globs.warn_after_scan(registry, args.paths, result.paths)
    return result


def report_problems(result: ScanResult) -> None:
    report_unreadable([(problem.path, problem.outcome.problem or "") for problem in result.problems])


def report_unreadable(problems: Sequence[tuple[str, str]]) -> None:
    """One line per file that could not be read or parsed (path, reason), then their count."""
    for path, reason in problems:
        print(f"{path}: {reason}", file=sys.stderr)
    if problems:
        noun = "file" if len(problems) == 1 else "files"
        print(f"ssot-ws: {len(problems)} {noun} could not be read or parsed", file=sys.stderr)


def _codes(value: str) -> tuple[str, ...]:
    """Comma-separated code prefixes, as flake8 takes them; each must begin some code (a
    typo, a lowercase code or another tool's code would otherwise select nothing, silently)."""
    prefixes = tuple(prefix.strip() for prefix in value.split(",") if prefix.strip())
    for prefix in prefixes:
        if not any(code.startswith(prefix) for code in CATALOGUE):
            known = spans(tuple(CATALOGUE)).replace("`", "")
            raise argparse.ArgumentTypeError(f"no code starts with {prefix!r} (the codes: {known})")
    return prefixes


def _globs(value: str) -> list[str]:
    return [glob.strip() for glob in value.split(",") if glob.strip()]


def _flatten(lists: Sequence[Sequence[str]]) -> list[str]:
    return [glob for globs in lists for glob in globs]


def path_option(value: str) -> str:
    """A file or folder option: ``--write-baseline ""`` (an unset variable in a CI line) must
    not pass as if the option were not there."""
    if not value:
        raise argparse.ArgumentTypeError("expected a path, got ''")
    return value


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
