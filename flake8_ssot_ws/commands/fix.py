"""``ssot-ws fix``: ``check``'s scan finds the files with fixable findings; fix/rewrite.py's pure core
rewrites each of them (in worker processes when there are many).

stdout: the findings left in the files as written (``path:line:col: CODE message``);
with ``--diff`` the diff, with ``--check`` nothing. stderr: what was (or would be)
rewritten, what was not and why, and one summary line.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import difflib
import io
import multiprocessing
import os
import stat
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from flake8_ssot_ws.commands.check import add_scan_arguments
from flake8_ssot_ws.commands.check import report_problems
from flake8_ssot_ws.commands.check import run_scan
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


@dataclass(frozen=True)
class _Task:
    path: str
    before: Checked  # what check found in the file
    tree: ProjectRoot  # a symlink may lead to a file inside it only


@dataclass(frozen=True)
class _Report:
    """What fixing one file did; ``left``: the findings the file has afterwards."""

    left: tuple[Finding, ...]
    messages: tuple[str, ...] = ()  # for stderr
    diff: str = ""
    fixed: int = 0


def run(args: argparse.Namespace, registry: Registry) -> int:
    today = args.today or datetime.date.today()
    mode = "diff" if args.diff else "check" if args.check else "write"
    scanned = run_scan(args, registry)
    report_problems(scanned)
    tasks = []
    tree_of = _Trees(args.paths, registry.root)
    for result in scanned.files:
        outcome = result.outcome
        if any(finding.fix is not None for finding in outcome.reported):
            checked = Checked(outcome.reported, outcome.noqa, len(outcome.canonical))
            tasks.append(_Task(result.path, checked, tree_of(result.path)))
    reports = dict(zip((task.path for task in tasks), _fix_all(tasks, registry.path, today, mode, args.jobs)))
    fixed = files = not_fixable = not_fixed = 0
    for result in scanned.files:
        report = reports.get(result.path) or _Report(result.outcome.reported)
        for message in report.messages:
            print(message, file=sys.stderr)
        sys.stdout.write(report.diff)
        if mode == "write":  # positions are those of the file as written
            for finding in report.left:
                print(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.message}")
        fixed, files = fixed + report.fixed, files + bool(report.fixed)
        unfixable = sum(finding.fix is None for finding in report.left)
        not_fixable, not_fixed = not_fixable + unfixable, not_fixed + len(report.left) - unfixable
    verb = "fixed" if mode == "write" else "would fix"
    print(f"{verb} {fixed} findings in {files} files; {_left(not_fixable, not_fixed)}", file=sys.stderr)
    return 1 if files or not_fixable or not_fixed else 0


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
    left = task.before.reported
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        source = decode_source(data)  # as check decodes it; the encoding is kept for writing
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (OSError, SyntaxError, UnicodeDecodeError) as error:  # changed since the scan
        return _Report(left, (f"{path}: {describe(error)}",))

    def analyze(text: str) -> Checked:
        """check, exactly as 'ssot-ws check' runs it, on the text as it would be written."""
        try:
            new_data = text.encode(encoding)
        except UnicodeEncodeError as error:
            return Checked(problem=f"cannot be encoded as {encoding} ({error.reason})")
        outcome = checker.check_candidate(path, new_data)
        problem = f"does not parse ({outcome.problem})" if outcome.problem is not None else None
        return Checked(outcome.reported, outcome.noqa, len(outcome.canonical), problem)

    result = fix_source(source, task.before, analyze)
    messages = [f"{path}: not fixed: {result.problem}"] if result.problem is not None else []
    for refusal in result.refused:
        finding = refusal.finding
        messages.append(f"{path}:{finding.line}:{finding.col + 1}: {finding.code} not fixed: {refusal.reason}")
    if not result.changed:
        return _Report(result.left, tuple(messages))
    if mode == "diff":
        return _Report(result.left, tuple(messages), unified_diff(path, source, result.source), len(result.fixed))
    if mode == "check":
        return _Report(result.left, (*messages, f"Would rewrite {path}"), fixed=len(result.fixed))
    failure = _write(path, result.source.encode(encoding), task.tree)
    if failure is not None:  # nothing was written: the file keeps all its findings
        return _Report(result.findings, (*messages, f"{path}: not written: {failure}"))
    return _Report(result.left, (*messages, f"Rewriting {path}"), fixed=len(result.fixed))


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


def _write(path: str, data: bytes, tree: ProjectRoot) -> str | None:
    """Write atomically, keeping the file's mode; the reason on failure. A regular file is
    written where it is; a symlink's target is written (the link stays a link), but only
    inside ``tree``: a link may point at a file nobody asked us to change."""
    target = Path(path)
    if os.path.islink(path):
        target = Path(os.path.realpath(path))
        inside = Path(os.path.realpath(tree.path))
        if target != inside and inside not in target.parents:
            return f"symlink to {target} points outside {tree.describe()}"
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
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
