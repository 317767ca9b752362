"""``ssot-ws report --history``: the compliance trend over the first-parent history, as a
table (text, markdown, JSON, CSV) and an SVG chart. The options and the glue; the work is
in history/ (imported only when ``--history`` is given)."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Callable
from typing import TextIO

from flake8_ssot_ws.commands import check as check_command
from flake8_ssot_ws.atomic import write_atomically
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import Registry

if TYPE_CHECKING:
    from flake8_ssot_ws.history.sampling import Every
    from flake8_ssot_ws.history.sampling import Sample
    from flake8_ssot_ws.history.trend import Trend

FORMATS = ("text", "markdown", "json", "csv")  # report's (tests/test_history.py keeps them in), and csv
_ONLY_WITH_HISTORY = ("since", "until", "every", "rev", "registry_at_commit", "chart")
_NOT_WITH_HISTORY = ("badge", "baseline")


def configure(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("history", "the trend over git history (see README)")
    group.add_argument("--history", action="store_true", help="one report per sample of the first-parent history")
    group.add_argument("--since", type=check_command._date, metavar="YYYY-MM-DD", help="first day to sample")
    group.add_argument("--until", type=check_command._date, metavar="YYYY-MM-DD", help="last day to sample")
    group.add_argument(
        "--every", type=_every, metavar="day|week|N", help="the last commit of each day (default) or week, or every Nth"
    )
    group.add_argument("--rev", metavar="REV", help="the commit whose history to walk (default: HEAD)")
    group.add_argument(
        "--registry-at-commit", action="store_true", help="measure each sample against its own registry file"
    )
    group.add_argument(
        "--chart", type=check_command.path_option, metavar="FILE.svg", help="also write the trend as an SVG line chart"
    )


def applies(args: argparse.Namespace) -> bool:
    """Whether the report asked for is the history; a history option without ``--history``,
    or a report option that means nothing for it, is a usage error."""
    if args.history:
        for name in _NOT_WITH_HISTORY:
            if getattr(args, name):
                raise UsageError(f"--{name} does not apply to --history")
        return True
    for name in _ONLY_WITH_HISTORY:
        if getattr(args, name):
            raise UsageError(f"--{name.replace('_', '-')} needs --history")
    if args.output_format == "csv":
        raise UsageError("--format csv needs --history")
    return False


def run(args: argparse.Namespace, registry: Registry) -> int:
    from flake8_ssot_ws.history.chart import chart_svg
    from flake8_ssot_ws.history.render import RENDERERS

    trend = _trend(args, registry)
    _report_problems(trend)
    if args.chart:  # first: a chart that cannot be written is an error, with nothing printed
        _write(Path(args.chart), chart_svg(trend, args.fail_under))
    sys.stdout.write(RENDERERS[args.output_format](trend))
    if trend.history_end is not None and args.output_format == "csv":  # the other formats say it themselves
        end = trend.history_end
        print(f"ssot-ws: history ends at {end.short} ({end.date}): the clone is shallow", file=sys.stderr)
    newest = trend.points[-1].report
    if args.fail_under is not None and newest is not None and newest.overall.compliance < args.fail_under:
        print(
            f"ssot-ws: compliance {newest.overall.compliance:.1f}% at {args.rev or 'HEAD'} "
            f"is below --fail-under {args.fail_under:g}%",
            file=sys.stderr,
        )
        return 1
    return 0


def _trend(args: argparse.Namespace, registry: Registry) -> Trend:
    from flake8_ssot_ws.history.git import BlobReader
    from flake8_ssot_ws.history.git import Git
    from flake8_ssot_ws.history.git import GitError
    from flake8_ssot_ws.history.measure import Links
    from flake8_ssot_ws.history.measure import Measurer
    from flake8_ssot_ws.history.measure import OutsideRepository
    from flake8_ssot_ws.history.measure import Registries
    from flake8_ssot_ws.history.measure import Scope
    from flake8_ssot_ws.history.measure import inside_repository
    from flake8_ssot_ws.history.parallel import Analyser
    from flake8_ssot_ws.history.sampling import DAY
    from flake8_ssot_ws.history.sampling import choose
    from flake8_ssot_ws.history.trend import Trend
    from flake8_ssot_ws.commands.report import _display  # commands/report.py imports this module
    from flake8_ssot_ws.scan.discovery import excluder_of

    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    rev = args.rev or "HEAD"
    every = args.every or DAY
    today = args.today or datetime.date.today()
    git = Git(os.getcwd())
    try:
        prefix = git.prefix()
    except GitError as error:
        raise UsageError(f"--history needs a git repository: {error}") from None
    try:
        commits = git.first_parent(git.resolve(rev))
    except GitError as error:
        raise UsageError(f"--rev {rev}: {error}") from None
    samples = choose(commits, every, args.since, args.until)
    if not samples:
        raise UsageError(
            f"no first-parent commit of {rev} {_range(args.since, args.until)} "
            f"(its history runs from {commits[-1].date} to {max(c.date for c in commits)})"
        )
    if args.chart:  # before the long part: a path it cannot write fails now (opened to append: nothing is lost)
        _write(Path(args.chart), "", mode="a")
    exclude = [g for globs in args.exclude for g in globs] if args.exclude is not None else None
    excluder = excluder_of(exclude, [g for globs in args.extend_exclude for g in globs])
    try:
        scope = Scope(prefix, args.paths, excluder)
    except OutsideRepository as error:
        raise UsageError(f"{error}: not inside the git repository") from None
    try:
        inside = inside_repository(prefix, str(registry.path)) if args.registry_at_commit else None
    except OutsideRepository:
        raise UsageError(
            f"--registry-at-commit: the registry {_display(registry.path)} is not inside the git repository"
        ) from None
    progress = _Progress(sys.stderr, samples)
    with BlobReader(git) as reader:
        links = Links(reader)
        analyser = Analyser(git, reader, today, args.jobs)
        measurer = Measurer(
            git,
            analyser,
            links,
            scope,
            Registries(registry, links, inside=inside, shown=_display(registry.path), top=_top(prefix)),
            today=today,
            registry_name=_display(registry.path),
            verdicts=check_command.selection(args).verdicts(),
        )
        try:
            points = tuple(measurer.measure(sample, progress.for_sample(n)) for n, sample in enumerate(samples))
        finally:
            analyser.close()
            progress.clear()
    oldest = commits[-1]
    reaches_start = samples[0].commits[0] == oldest
    end = oldest if reaches_start and oldest.sha in git.shallow_boundary() else None
    return Trend(
        rev, every, args.since, args.until, today, _display(registry.path), inside is not None, points,
        tuple(measurer.problems), end,
    )  # fmt: skip


def _top(prefix: str) -> Path:
    """The work tree's top folder, from the current directory and where it sits in the tree."""
    return Path(os.path.normpath(os.path.join(os.getcwd(), *[os.pardir] * prefix.count("/"))))


def _range(since: datetime.date | None, until: datetime.date | None) -> str:
    if since and until:
        return f"from {since} to {until}"
    return f"since {since}" if since else f"until {until}"


def _report_problems(trend: Trend) -> None:
    for problem in trend.problems:
        print(f"{problem.path} at {problem.commit.short} ({problem.commit.date}): {problem.reason}", file=sys.stderr)
    if trend.problems:
        count = len(trend.problems)
        noun = "version" if count == 1 else "versions"
        print(f"ssot-ws: {count} file {noun} could not be read or parsed", file=sys.stderr)


class _Progress:
    """One line on stderr, rewritten in place: only on a terminal, and only once the run has
    taken a second (a short run shows nothing)."""

    def __init__(self, stream: TextIO, samples: list[Sample]) -> None:
        self.stream = stream
        self.samples = samples
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.written = 0.0  # when the line was last written; 0: never

    def for_sample(self, number: int) -> Callable[[int, int], None]:
        def update(done: int, todo: int) -> None:
            if not self.enabled:
                return
            now = time.monotonic()
            if now - self.started < 1 or now - self.written < 0.1:
                return
            self.written = now
            sample = self.samples[number]
            self.stream.write(
                f"\r\x1b[Kssot-ws: sample {number + 1} of {len(self.samples)} ({sample.date}, "
                f"{sample.commit.short}): {done:,} of {todo:,} files analysed"
            )
            self.stream.flush()

        return update

    def clear(self) -> None:
        if self.written:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _every(value: str) -> Every:
    if value in ("day", "week"):
        return value
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise argparse.ArgumentTypeError(f"expected day, week or a number of commits, got {value!r}")


def _write(path: Path, text: str, mode: str = "w") -> None:
    """``mode`` "a" with no text: whether the chart can be written, before the long part."""
    try:
        if mode == "a":
            with path.open(mode, encoding="utf-8"):
                pass
        else:
            write_atomically(str(path), text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"--chart {path}: cannot write: {error.strerror or type(error).__name__}") from None

