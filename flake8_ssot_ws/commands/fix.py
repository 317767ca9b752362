"""``ssot-ws fix``: ``check``'s scan finds the files with fixable findings; fix/rewrite.py's pure core
rewrites each of them (in worker processes when there are many).

stdout: the findings left in the files as written (``path:line:col: CODE message``);
with ``--diff`` the diff, with ``--check`` nothing. stderr: what was (or would be)
rewritten, what was not and why, and one summary line.

Exit code 1 exactly when a file was rewritten (or, with ``--diff``/``--check``, would be), as
pre-commit's fixers do: what is left to a person is the check hook's business, and a fix can
itself leave an SWS002 (``... as Foo``), which would fail a fix hook on every commit. A
``--baseline`` holds findings the team accepts for now: they are neither fixed nor listed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import difflib
import io
import multiprocessing
import os
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.atomic import write_atomically
from flake8_ssot_ws.commands.check import add_scan_arguments
from flake8_ssot_ws.commands.check import load_baseline
from flake8_ssot_ws.commands.check import path_option
from flake8_ssot_ws.commands.check import report_problems
from flake8_ssot_ws.commands.check import run_scan
from flake8_ssot_ws.commands.check import selection
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.workers import die_with_parent
from flake8_ssot_ws.scan.project import ProjectRoot
from flake8_ssot_ws.scan.project import project_root
from flake8_ssot_ws.scan.checker import decode_source
from flake8_ssot_ws.scan.checker import describe
from flake8_ssot_ws.fix.rewrite import Checked
from flake8_ssot_ws.fix.rewrite import fix_source
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import Finding

if TYPE_CHECKING:
    from flake8_ssot_ws.baseline.store import Baseline

NAME = "fix"
HELP = "rewrite legacy imports to their canonical imports, keeping every local name"
# Below this many files to fix, worker processes cost more than they save.
PARALLEL_THRESHOLD = 32


def configure(parser: argparse.ArgumentParser) -> None:
    # Same paths, discovery, cache, workers and --today as check: fix rewrites what check finds.
    add_scan_arguments(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff on stdout; write nothing")
    mode.add_argument("--check", action="store_true", help="exit 1 if any file would change; write nothing")
    parser.add_argument(
        "--baseline", type=path_option, metavar="FILE",
        help="neither fix nor list the findings this baseline holds (as check hides them)",
    )  # fmt: skip


@dataclass(frozen=True)
class _Task:
    path: str
    before: Checked  # what check found in the file
    wanted: frozenset[Finding]  # the fixable findings to fix: selected, not in the baseline
    tree: ProjectRoot  # a symlink may lead to a file inside it only
    # A file fixed under another name already (a symlink to it, a folder linked twice): only
    # checked again under this name, as written.
    recheck: bool = False


@dataclass(frozen=True)
class _Report:
    """What fixing one file did; ``left``: the findings the file has afterwards."""

    left: tuple[Finding, ...]
    hidden: tuple[Finding, ...]  # what noqa hides afterwards (baseline keys count those too)
    messages: tuple[str, ...] = ()  # for stderr
    diff: str = ""
    fixed: int = 0
    unwritten: bool = False  # a rewrite was refused by the file system: the run fails


def run(args: argparse.Namespace, registry: Registry) -> int:
    today = args.today or datetime.date.today()
    mode = "diff" if args.diff else "check" if args.check else "write"
    baseline = load_baseline(args)  # a bad file fails before the scan
    verdicts = selection(args).verdicts()
    scanned = run_scan(args, registry, all_canonical=False)  # fix reads only files with findings
    report_problems(scanned)
    tasks = []
    tree_of = _Trees(args.paths, registry.root)
    for result in scanned.files:
        outcome = result.outcome
        shown = _shown(result.path, result.relpath, outcome.reported, outcome.noqa, verdicts, baseline)
        wanted = frozenset(finding for finding in shown if finding.fix is not None)
        if wanted:
            checked = Checked(outcome.reported, outcome.noqa, len(outcome.canonical))
            tasks.append(_Task(result.path, checked, wanted, tree_of(result.path)))
    tasks, again = _one_task_a_file(tasks)
    reports = dict(zip((task.path for task in tasks), _fix_all(tasks, registry.path, today, mode, args.jobs)))
    if mode == "write":  # the file changed under the other name: what is left under this one
        rechecked = _fix_all([task for task, _ in again], registry.path, today, mode, 1)
        reports.update(zip((task.path for task, _ in again), rechecked))
    else:  # nothing was written: the other name's verdict stands for this one
        reports.update((task.path, _Report(reports[first].left, reports[first].hidden)) for task, first in again)
    fixed = files = not_fixable = not_fixed = unwritten = 0
    for result in scanned.files:
        report = reports.get(result.path) or _Report(result.outcome.reported, result.outcome.noqa)
        for message in report.messages:
            print(message, file=sys.stderr)
        sys.stdout.write(report.diff)
        left = _shown(result.path, result.relpath, report.left, report.hidden, verdicts, baseline)
        if mode == "write":  # positions are those of the file as written
            for finding in left:
                print(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.message}")
        fixed, files, unwritten = fixed + report.fixed, files + bool(report.fixed), unwritten + report.unwritten
        unfixable = sum(finding.fix is None for finding in left)
        not_fixable, not_fixed = not_fixable + unfixable, not_fixed + len(left) - unfixable
    verb = "fixed" if mode == "write" else "would fix"
    summary = f"{verb} {_count(fixed, 'finding')} in {_count(files, 'file')}; {_left(not_fixable, not_fixed)}"
    print(summary, file=sys.stderr)
    return 1 if files or unwritten else 0


def _one_task_a_file(tasks: list[_Task]) -> tuple[list[_Task], list[tuple[_Task, str]]]:
    """The tasks of distinct files, and the others (to be checked again), each with the path
    its file is fixed under: one file under two names would be rewritten twice, the second
    time from a stale check ("the finding does not match the source"). A file is fixed under
    a name that is not a symlink when it has one."""
    first_of: dict[str, str] = {}
    unique: list[_Task] = []
    again: list[tuple[_Task, str]] = []
    for task in sorted(tasks, key=lambda task: os.path.islink(task.path)):  # stable: links last
        # Not the inode: hard links are rewritten each (the atomic rewrite gives each name a
        # file of its own), a symlink is only a second name.
        first = first_of.setdefault(os.path.realpath(task.path), task.path)
        if first == task.path:
            unique.append(task)
        else:
            again.append((dataclasses.replace(task, recheck=True), first))
    return unique, again


def _shown(
    path: str,
    relpath: str | None,
    reported: Sequence[Finding],
    hidden: Sequence[Finding],
    verdicts: Mapping[str, str | None],
    baseline: Baseline | None,
) -> list[Finding]:
    """The findings of one file that ``check`` (same options) would show: of a selected code,
    not in the baseline (whose keys count every finding of the file, noqa'd ones included)."""
    if baseline is None:
        return [finding for finding in reported if verdicts[finding.code]]
    from flake8_ssot_ws.baseline.store import entry_path
    from flake8_ssot_ws.baseline.store import key_reported

    keyed = key_reported(entry_path(relpath, path), reported, hidden)
    return [finding for entry, finding in keyed if verdicts[finding.code] and baseline.match(entry) is None]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _left(not_fixable: int, not_fixed: int) -> str:
    """What is left, and why: no fix exists, or one exists but was refused (said above)."""
    if not not_fixed:
        return f"{not_fixable} left (not fixable)"
    if not not_fixable:
        return f"{not_fixed} left (not fixed, see above)"
    return f"{not_fixable + not_fixed} left ({not_fixable} not fixable, {not_fixed} not fixed, see above)"


def _fix_all(
    tasks: Sequence[_Task], registry_path: Path, today: datetime.date, mode: str, jobs: int | None
) -> list[_Report]:
    workers = min(jobs or _cpu_count(), len(tasks) // 8)
    if workers <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        _start_worker(registry_path, today, mode)
        return [_fix_one(task) for task in tasks]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    initargs = (registry_path, today, mode, os.getpid())
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        return pool.map(_fix_one, tasks, chunksize=8)


_WORKER: tuple[FileChecker, str] | None = None


def _start_worker(registry_path: Path, today: datetime.date, mode: str, parent: int | None = None) -> None:
    """A pool worker's initializer (and the serial path's); ``parent``: the pid of the fix
    run, whose death ends the worker (scan/workers.py)."""
    global _WORKER
    if parent is not None:
        die_with_parent(parent)
    # Forked workers find the registry in load_registry's cache; spawned ones load it.
    _WORKER = (FileChecker(load_registry(registry_path), today), mode)


def _fix_one(task: _Task) -> _Report:
    assert _WORKER is not None  # set by _start_worker
    checker, mode = _WORKER
    path = task.path
    left, hidden = task.before.reported, task.before.hidden
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        source = decode_source(data)  # as check decodes it; the encoding is kept for writing
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (OSError, SyntaxError, UnicodeDecodeError) as error:  # changed since the scan
        return _Report(left, hidden, (f"{path}: {describe(error)}",))

    def analyze(text: str) -> Checked:
        """check, exactly as 'ssot-ws check' runs it, on the text as it would be written."""
        try:
            new_data = text.encode(encoding)
        except UnicodeEncodeError as error:
            return Checked(problem=f"cannot be encoded as {encoding} ({error.reason})")
        outcome = checker.check_candidate(path, new_data)
        problem = f"does not parse ({outcome.problem})" if outcome.problem is not None else None
        return Checked(outcome.reported, outcome.noqa, len(outcome.canonical), problem)

    if task.recheck:
        checked = analyze(source)
        return _Report(checked.reported, checked.hidden)
    if not _reads_back(source, encoding, data):
        # UTF-7 writes `+AOk-` back as `+AOk`: the text would be the same, the bytes of lines
        # the fix never touched would not.
        return _Report(left, hidden, (f"{path}: not fixed: its encoding ({encoding}) does not give back its bytes",))
    result = fix_source(source, task.before, analyze, task.wanted)
    messages = [f"{path}: not fixed: {result.problem}"] if result.problem is not None else []
    for refusal in result.refused:
        finding = refusal.finding
        messages.append(f"{path}:{finding.line}:{finding.col + 1}: {finding.code} not fixed: {refusal.reason}")
    after = (result.left, result.hidden)
    if not result.changed:
        return _Report(*after, tuple(messages))
    # Decided before the mode: --check and --diff promise exactly what fix then does.
    target, outside = _target(path, task.tree)
    if outside is not None:  # not ours to change: said, and the run goes on
        return _Report(left, hidden, (*messages, f"{path}: not written: {outside}"))
    # The rewrite replaces the file, which its folder's permissions allow: a read-only file
    # would be replaced too, where black and ruff, writing in place, stop (and fail).
    if not os.access(target, os.W_OK):
        return _Report(left, hidden, (*messages, f"{path}: not written: the file is read-only"), unwritten=True)
    if mode == "diff":
        return _Report(*after, tuple(messages), unified_diff(path, source, result.source), len(result.fixed))
    if mode == "check":
        return _Report(*after, (*messages, f"Would rewrite {path}"), fixed=len(result.fixed))
    failure = _write(target, result.source.encode(encoding))
    if failure is not None:  # nothing was written: the file keeps all its findings
        return _Report(left, hidden, (*messages, f"{path}: not written: {failure}"), unwritten=True)
    return _Report(*after, (*messages, f"Rewriting {path}"), fixed=len(result.fixed))


def _reads_back(source: str, encoding: str, data: bytes) -> bool:
    """Whether encoding the decoded ``source`` again gives exactly the file's ``data``."""
    try:
        return source.encode(encoding) == data
    except UnicodeEncodeError:  # pragma: no cover (text a codec decoded, it encodes)
        return False


class _Trees:
    """The tree a symlink found under a path argument may point into: the project root
    (scan/project.py) of that argument -- the git work tree holding it, else the registry's
    root when it holds it, else the argument itself. A file named on the command line is
    its own argument: its folder's."""

    def __init__(self, arguments: Sequence[str], registry_root: Path) -> None:
        self.registry_root = registry_root
        self.folders = [
            (os.path.join(os.path.abspath(argument), ""), argument) for argument in arguments if os.path.isdir(argument)
        ]
        self.roots: dict[str, ProjectRoot] = {}

    def __call__(self, path: str) -> ProjectRoot:
        absolute = os.path.abspath(path)
        folder = next((argument for prefix, argument in self.folders if absolute.startswith(prefix)), None)
        folder = os.path.dirname(absolute) if folder is None else folder
        root = self.roots.get(folder)
        if root is None:
            root = self.roots[folder] = project_root(folder, self.registry_root)
        return root


def _target(path: str, tree: ProjectRoot) -> tuple[Path, str | None]:
    """The file a rewrite of ``path`` writes, or why none may be written. A regular file is
    written where it is; a symlink's target is written (the link stays a link), but only
    inside ``tree``: a link may point at a file nobody asked us to change."""
    if not os.path.islink(path):
        target = Path(path)
    else:
        target = Path(os.path.realpath(path))
        inside = Path(os.path.realpath(tree.path))
        if target != inside and inside not in target.parents:
            return target, f"symlink to {target} points outside {tree.describe()}"
    return target, None


def _write(target: Path, data: bytes) -> str | None:
    """Write atomically, keeping the file's mode; the reason on failure."""
    try:
        target.stat()  # a file that vanished since it was read is not created again
        write_atomically(str(target), data)
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    return None


def unified_diff(path: str, old: str, new: str) -> str:
    """``diff -u`` of two versions of ``path`` (marks a missing final newline like diff)."""
    parts: list[str] = []
    for line in difflib.unified_diff(source_lines(old), source_lines(new), path, path):
        parts.append(line)
        if not line.endswith(("\n", "\r")):
            parts.append("\n\\ No newline at end of file\n")
    return "".join(parts)


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):  # pragma: no branch (Linux)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover (not Linux)
