"""``ssot-ws init``: build the registry from the code.

1. Observe every import of a name matching ``--watch`` (scan/observe.py: the checker's own
   import records, attribute paths and dynamic imports, through its fast path).
2. Resolve each imported ``module.name`` statically (resolve/resolver.py) and propose the
   registry (resolve/propose.py); when the chosen canonical imports bind names no glob
   matches, observe the files that mention those names again, with them tracked.
3. Load the proposed TOML as ``check`` will (a registry that does not load is never shown),
   run the real scan with it, and count its findings and canonical imports per import form
   (resolve/tally.py): the summary is what ``check`` then reports.

Runs without a registry (cli.py: ``NEEDS_REGISTRY``); never overwrites one without ``--force``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.commands import check as check_command
from flake8_ssot_ws.commands import init_summary
from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.atomic import write_atomically
from flake8_ssot_ws.errors import UsageError
from flake8_ssot_ws.registry import PYPROJECT
from flake8_ssot_ws.registry import REGISTRY_FILE
from flake8_ssot_ws.registry import TOOL_TABLE
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import default_src
from flake8_ssot_ws.registry import loads_registry
from flake8_ssot_ws.registry import parse_import
from flake8_ssot_ws.registry.dump import append_table
from flake8_ssot_ws.registry.dump import dump_registry
from flake8_ssot_ws.registry.load import parse_toml
from flake8_ssot_ws.registry.model import with_lookup_tables
from flake8_ssot_ws.registry.schema import NOT_A_NAME_GLOB
from flake8_ssot_ws.registry.schema import name_glob
from flake8_ssot_ws.resolve.index import build_index
from flake8_ssot_ws.resolve.propose import Occurrence
from flake8_ssot_ws.resolve.propose import Proposal
from flake8_ssot_ws.resolve.propose import ProposalError
from flake8_ssot_ws.resolve.propose import occurrences
from flake8_ssot_ws.resolve.propose import propose
from flake8_ssot_ws.resolve.resolver import Resolver
from flake8_ssot_ws.resolve.tally import CANONICAL
from flake8_ssot_ws.resolve.tally import Seen
from flake8_ssot_ws.resolve.tally import tally
from flake8_ssot_ws.scan.discovery import DEFAULT_EXCLUDE
from flake8_ssot_ws.scan.discovery import excluder_of
from flake8_ssot_ws.scan.discovery import discover
from flake8_ssot_ws.scan.observe import FileObservations
from flake8_ssot_ws.scan.observe import observe_files
from flake8_ssot_ws.scan.observe import problem_of
from flake8_ssot_ws.scan.runner import ScanResult
from flake8_ssot_ws.scan.runner import scan

NAME = "init"
HELP = "propose a registry from the code: every import of the watched names, resolved to its definition"
NEEDS_REGISTRY = False


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH",  # checked after parsing (commands/cli.py)
        help="files and directories to look at (default: .)",
    )  # fmt: skip
    parser.add_argument(
        "--watch", action="append", required=True, type=_watch_glob, metavar="GLOB",
        help="imported names to track, as an fnmatch glob (repeatable; each gets one canonical import)",
    )  # fmt: skip
    parser.add_argument(
        "--canonical", action="append", type=_import, default=[], metavar="IMPORT",
        help="the canonical import of a glob's names, as 'from M import N [as L]' (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--deadline", type=check_command._date, metavar="YYYY-MM-DD", help="deadline of every legacy entry"
    )
    parser.add_argument("--group", metavar="NAME", help="the group's name (default: the first --watch glob)")
    parser.add_argument(
        "--src", action="append", metavar="DIR", help="a source root (repeatable; default: src and ., or .)"
    )
    parser.add_argument(
        "--output", type=check_command.path_option, metavar="FILE",
        help="write the registry to FILE (pyproject.toml: append the tool table) instead of stdout",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="let --output replace an existing registry")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    parser.add_argument(
        "--exclude", action="append", type=check_command._globs, metavar="GLOB",
        help=f"skip files and directories matching GLOB (replaces the default: {','.join(DEFAULT_EXCLUDE)})",
    )  # fmt: skip
    parser.add_argument(
        "--extend-exclude", action="append", type=check_command._globs, default=[], metavar="GLOB",
        help="skip these too, in addition to the --exclude list",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=check_command._positive, metavar="N", help="worker processes (default: one per CPU)"
    )


def _watch_glob(value: str) -> str:
    """A glob as a registry's ``watch`` reads it (``schema.name_glob``)."""
    glob = name_glob(value)
    if glob is None:
        raise argparse.ArgumentTypeError(NOT_A_NAME_GLOB.format(value))
    return glob


def _import(value: str) -> ImportSpec:
    try:
        return parse_import(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    if args.force and not args.output:
        raise UsageError("--force only applies to --output")
    args.watch = list(dict.fromkeys(args.watch))  # `--watch Foo --watch Foo` watches Foo once
    output = Path(os.path.abspath(args.output)) if args.output else None
    root = _root(output, args.paths)
    existing = _existing_text(output, force=args.force)
    init = _Init(args, output if output is not None else root / REGISTRY_FILE, root, _src(args.src, root), existing)
    observed = init.observe()
    built = init.build(observed)
    result = init.scan(built.registry, observed)
    seen = _seen(result)
    # Observations of a file that does not parse do not count. check validated the files it
    # found something in, and reported those that fail; validate the others observed here.
    looked_at = {item.path for item in seen} | {problem.path for problem in result.problems}
    failed = {problem.path for problem in result.problems} & set(observed)
    unchecked = [path for path, file in observed.items() if file.observations.tracked and path not in looked_at]
    failed.update(path for path in unchecked if problem_of(path))
    if failed:
        observed = {path: file for path, file in observed.items() if path not in failed}
        rebuilt = init.build(observed)
        if rebuilt.text != built.text:
            result = init.scan(rebuilt.registry, observed)
            seen = _seen(result)
        built = rebuilt
    check_command.report_problems(result)
    found = _occurrences(observed, init.probe)
    counted = tally(found, seen)
    if counted.unmatched:  # files that mention only what the registry added (its modules): look at them too
        again = sorted({item.path for item in counted.unmatched})
        observed.update((fo.path, fo) for fo in observe_files(again, built.registry, args.jobs))
        found = _occurrences(observed, init.probe)
        counted = tally(found, seen)
    summary = init_summary.Summary(
        built.proposal, counted, init.resolver, found, len(init.paths), len(result.problems), built.text
    )
    if output is not None:
        _write(output, built.whole, shown=args.output)
    if args.format == "json":
        sys.stdout.write(init_summary.render_json(summary))
    else:
        sys.stderr.write(init_summary.render_text(summary))
        if output is None:
            sys.stdout.write(built.text)
    if output is not None:
        print(f"ssot-ws init: wrote the registry to {args.output}", file=sys.stderr)
    return 0


class _Built(NamedTuple):
    proposal: Proposal
    text: str  # the registry's TOML
    whole: str  # the file to write: the TOML, or the pyproject.toml holding it
    registry: Registry


class _Init:
    """One run's settings, and what it derives from the paths once (index, resolver)."""

    def __init__(
        self, args: argparse.Namespace, path: Path, root: Path, src: tuple[str, ...], existing: str | None
    ) -> None:
        self.args = args
        self.path = path
        self.root = root
        self.src = src
        self.existing = existing
        self.group = args.group or args.watch[0]
        self.probe = _probe(path, root, src, self.group, args.watch, args.canonical)
        exclude = check_command._flatten(args.exclude) if args.exclude is not None else None
        excluder = excluder_of(exclude, check_command._flatten(args.extend_exclude))
        discovered = discover(args.paths, excluder)
        self.paths = [item.path for item in discovered if item.explicit or os.path.lexists(item.path)]
        self.resolver = Resolver(build_index(self.paths, self.probe))

    def observe(self) -> dict[str, FileObservations]:
        return {fo.path: fo for fo in observe_files(self.paths, self.probe, self.args.jobs)}

    def build(self, observed: dict[str, FileObservations]) -> _Built:
        """Propose, render and load the registry (``observed`` grows by the files that mention
        the names the canonical imports bind, when no glob matches them)."""
        args = self.args
        try:
            found = _occurrences(observed, self.probe)
            given, deadline = args.canonical, args.deadline
            proposal = propose(self.group, args.watch, found, self.resolver, given=given, deadline=deadline)
            extra = sorted(proposal.extra_names)
            if extra:
                wider = _probe(self.path, self.root, self.src, self.group, [*args.watch, *extra], args.canonical)
                again = observe_files(self.paths, wider, args.jobs, extra)
                observed.update((fo.path, fo) for fo in again)
                found = _occurrences(observed, self.probe)
                chosen = proposal.choices
                proposal = propose(
                    self.group, args.watch, found, self.resolver, given=given, chosen=chosen, deadline=deadline
                )
        except ProposalError as error:
            # Nothing to propose may be because the files that hold the imports cannot be read.
            check_command.report_unreadable(
                sorted((path, file.problem) for path, file in observed.items() if file.problem is not None)
            )
            raise UsageError(str(error)) from None
        table = f"tool.{TOOL_TABLE}" if self.path.name == PYPROJECT else ""
        src = self.src if args.src else None
        # The registry's folder is its root by default; written elsewhere (cfg/ssot-registry.toml),
        # it names the folder init looked from, or its paths and module names would start there.
        root = None if self.root == self.path.parent else Path(os.path.relpath(self.root, self.path.parent)).as_posix()
        text = dump_registry([proposal.group], root=root, exempt=proposal.exempt, src=src, table=table)
        if self.existing is None:
            return _Built(proposal, text, text, loads_registry(text, self.path))
        whole = append_table(self.existing, text, self.path, replace=args.force)
        try:
            return _Built(proposal, text, whole, loads_registry(whole, self.path))
        except RegistryError:  # the table itself loads (see above): the file cannot take it
            loads_registry(text, self.path)
            raise UsageError(
                f"--output {PYPROJECT}: appending a [tool.{TOOL_TABLE}] table would make it invalid TOML "
                "(its tool table is written inline or as dotted keys): add the table by hand"
            ) from None

    def scan(self, registry: Registry, observed: dict[str, FileObservations]) -> ScanResult:
        """``check``'s scan with ``registry``, of the files where it can find something: those
        the observation's prefilter skipped (check's own prefilter looks at them again), and the
        observed ones whose observations hold what the registry tracks. The others were lexed
        once already, and the observations hold every position check could report."""
        watched, named = registry.watched_modules, registry.star_modules

        def relevant(file: FileObservations) -> bool:
            found = file.observations
            return (
                file.problem is not None
                or found.tracked
                or any(module.module in watched for module in found.modules)
                or any(star.module in named for star in found.stars)
            )

        paths = [path for path in self.paths if path not in observed or relevant(observed[path])]
        today = datetime.date.today()
        return scan(paths, registry, today=today, exclude=(), use_cache=False, jobs=self.args.jobs)


def _existing_text(output: Path | None, *, force: bool) -> str | None:
    """The pyproject.toml to append to (None: write a file of its own); refuses to replace a
    registry without ``force``."""
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"--output {output}: no such folder")
    if output is None or not output.exists():
        return None if output is None or output.name != PYPROJECT else ""
    if output.is_dir():
        raise UsageError(f"--output {output}: a folder, not a file")
    if output.name != PYPROJECT:
        if not force:
            raise UsageError(f"--output {output.name}: the file exists; pass --force to overwrite it")
        return None
    try:
        text = output.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise UsageError(f"--output {output.name}: cannot read: {reason}") from None
    tool = parse_toml(output, text).get("tool")
    if isinstance(tool, dict) and TOOL_TABLE in tool and not force:
        raise UsageError(
            f"--output {output.name}: it has a [tool.{TOOL_TABLE}] table already; pass --force to replace it"
        )
    return text


def _src(given: Sequence[str] | None, root: Path) -> tuple[str, ...]:
    if not given:
        return default_src(root)
    for directory in given:
        if os.path.isabs(directory) or os.path.normpath(directory).split(os.sep)[0] == os.pardir:
            raise UsageError(f"--src {directory}: expected a folder inside {root}")
    return tuple(os.path.normpath(directory).replace(os.sep, "/") for directory in given)


def _root(output: Path | None, paths: Sequence[str]) -> Path:
    """The proposed registry's root: the registry's own folder when it holds every path (its
    default root, no key written), else the folder that holds the current one and the paths
    (``--output cfg/ssot-registry.toml``: ``root = ".."``)."""
    absolute = [os.path.abspath(path) for path in paths]
    if output is not None and all(Path(path).is_relative_to(output.parent) for path in absolute):
        return output.parent
    return Path(os.path.commonpath([os.getcwd(), *absolute]))


def _probe(
    path: Path, root: Path, src: tuple[str, ...], name: str, watch: Sequence[str], given: Sequence[ImportSpec]
) -> Registry:
    """A registry that tracks what init looks for: the globs and the given canonical imports."""
    group = Group(name=name, watch=tuple(watch), watch_modules=(), canonical=tuple(given), legacy=())
    return with_lookup_tables(Registry(path=path, root=root, exempt=(), src=src, groups=(group,)))


def _occurrences(observed: dict[str, FileObservations], probe: Registry) -> list[Occurrence]:
    found: list[Occurrence] = []
    for path in sorted(observed):
        file = observed[path]
        if file.problem is None:
            found += occurrences(path, _relpath(probe, path), file.observations)
    return found


def _relpath(registry: Registry, path: str) -> str | None:
    return file_context(registry, path).relpath


def _seen(result: ScanResult) -> list[Seen]:
    seen: list[Seen] = []
    for file in result.files:
        outcome = file.outcome
        seen += [Seen(file.path, f.line, f.col, f.code) for f in outcome.reported]
        seen += [Seen(file.path, f.line, f.col, f.code, hidden=True) for f in outcome.noqa]
        seen += [Seen(file.path, c.line, c.col, CANONICAL) for c in outcome.canonical]
    return seen


def _write(path: Path, text: str, *, shown: str) -> None:
    """Atomically: a temporary file beside it, then a rename (a crash leaves the old file);
    ``shown``: the path as the user gave it."""
    try:
        write_atomically(str(path), text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"--output {shown}: cannot write: {error.strerror or type(error).__name__}") from None


__all__ = ["HELP", "NAME", "NEEDS_REGISTRY", "configure", "run"]
