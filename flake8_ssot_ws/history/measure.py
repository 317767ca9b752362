"""A sampled commit -> the ``Report`` that ``ssot-ws report`` gives on a checkout of it,
read from git instead of a checkout.

Exactly the same numbers, because every step is the one ``report`` takes: the files are those
discovery would find in that tree (PATH arguments and exclusions applied by
``scan.discovery.listed_python_files`` to the tree instead of ``git ls-files``), each is
analysed by ``FileChecker.check`` under the path ``report`` would give it (module names and
exemptions come from it, relative to the registry's folder), and ``build_report`` counts.

A blob is analysed once per path and registry: the next sample that has the same file
unchanged takes the outcome from memory, so a run costs about one cold check plus the
files that changed between samples.
"""

from __future__ import annotations

import datetime
import errno
import os
import posixpath
from pathlib import Path
from pathlib import PurePath
from typing import Callable
from typing import Mapping
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.core.outcome import EMPTY
from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.history.git import SYMLINK_MODE
from flake8_ssot_ws.history.git import BlobReader
from flake8_ssot_ws.history.git import Git
from flake8_ssot_ws.history.git import GitError
from flake8_ssot_ws.history.git import TreeEntry
from flake8_ssot_ws.history.parallel import Analyser
from flake8_ssot_ws.history.parallel import Task
from flake8_ssot_ws.history.sampling import Sample
from flake8_ssot_ws.history.trend import Point
from flake8_ssot_ws.history.trend import Problem
from flake8_ssot_ws.registry import TOOL_TABLE
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import registry_from_bytes
from flake8_ssot_ws.report.compliance import FileFacts
from flake8_ssot_ws.report.compliance import build_report
from flake8_ssot_ws.scan.discovery import Excluder
from flake8_ssot_ws.scan.discovery import listed_python_files

Tree = Mapping[str, TreeEntry]
_LINK_HOPS = 40  # as many symbolic links as Linux follows in one path


class OutsideRepository(Exception):
    """A path argument or registry that is not inside the repository; ``str()``: the path."""


class _Argument(NamedTuple):
    given: str  # as on the command line
    inside: str  # its path from the top of the repository ('' for the top)
    directory: bool


class Scope:
    """The files of a commit's tree that ``report PATH ...`` would look at in a checkout of
    it, displayed as it would display them. ``prefix`` is where the current directory sits in
    the work tree ('' or 'sub/dir/', see ``Git.prefix``)."""

    def __init__(self, prefix: str, paths: Sequence[str], excluder: Excluder) -> None:
        self.excluder = excluder
        self.arguments = []
        for given in paths:
            inside = inside_repository(prefix, given)
            self.arguments.append(_Argument(given, inside, os.path.isdir(given)))

    def files(self, tree: Tree) -> list[tuple[str, str]]:
        """(displayed path, path in the tree) of each file, as discovery orders them."""
        seen: set[str] = set()
        found = []
        for argument in self.arguments:
            if not argument.directory:  # named on the command line: checked whatever it is
                key = os.path.normpath(argument.given)
                if argument.inside in tree and key not in seen:
                    seen.add(key)
                    found.append((argument.given, argument.inside))
                continue  # pragma: >=3.10 cover (3.9 jumps over a lone continue: coverage never sees it run)
            below = f"{argument.inside}/" if argument.inside else ""
            listed = [path[len(below) :] for path in tree if path.startswith(below)]
            normal = os.path.normpath(argument.given)
            shown = "" if normal == "." else os.path.join(normal, "")  # what discovery prefixes
            for path in sorted(listed_python_files(argument.given, listed, self.excluder)):
                if path not in seen:
                    seen.add(path)
                    found.append((path, below + path[len(shown) :].replace(os.sep, "/")))
        return found


def inside_repository(prefix: str, path: str) -> str:
    """``path`` (from the current directory) as a path from the top of the work tree."""
    inside = posixpath.normpath(prefix + os.path.relpath(path).replace(os.sep, "/"))
    if inside == ".." or inside.startswith("../"):
        raise OutsideRepository(path)
    return "" if inside == "." else inside


class Registries:
    """The registry each sample is measured against: the working tree's for all, or (``at
    commit``) the file at the same path in each sample's own tree. ``at()`` gives the
    registry, or None and why there is none.

    A registry's meaning can depend on the folders around it (its ``root`` key must name a
    folder; without a ``src`` key, a ``src`` folder changes its source roots), so a registry
    file is loaded once for each answer to those questions: what it asked of one tree is
    asked of the next, and the registry reused when the answers are the same.
    """

    def __init__(self, registry: Registry, links: Links, *, inside: str | None, shown: str = "", top: Path) -> None:
        self.registry = registry
        self.links = links
        self.inside = inside  # the registry's path in the tree; None: the working tree's for every sample
        self.shown = shown  # what messages call it (relative to the current directory)
        self.top = top  # the work tree's top folder: where the tree's paths start
        self._loaded: dict[str, list[tuple[dict[Path, bool | None], tuple[Registry | None, str | None]]]] = {}

    def at(self, tree: Tree) -> tuple[Registry | None, str | None]:
        if self.inside is None:
            return self.registry, None
        blob = self.links.blob_of(tree, self.inside)
        if blob is None:
            return None, f"no registry ({self.shown})"
        folders = _TreeFolders(tree, self.top)
        for answers, loaded in self._loaded.get(blob, ()):
            if all(folders(path) == answer for path, answer in answers.items()):
                return loaded
        asked: dict[Path, bool | None] = {}

        def folder(path: Path) -> bool | None:
            asked[path] = folders(path)
            return asked[path]

        result = self._load(blob, folder)
        self._loaded.setdefault(blob, []).append((asked, result))
        return result

    def _load(self, blob: str, folder: Callable[[Path], bool | None]) -> tuple[Registry | None, str | None]:
        ((_, content),) = self.links.reader.read([blob])
        if content.data is None:
            return None, f"registry unreadable: {self.shown}: {content.problem}"
        try:
            registry = registry_from_bytes(self.registry.path, content.data, folder=folder, shown=self.shown)
        except RegistryError as error:
            return None, f"invalid registry: {error}"
        if registry is None:
            return None, f"no registry (no [tool.{TOOL_TABLE}] table in {self.shown})"
        return registry, None


class _TreeFolders:
    """What is at a path of the work tree in a commit's tree: True a folder, False a file,
    None nothing (outside the work tree: what is on disk, which history does not know)."""

    def __init__(self, tree: Tree, top: Path) -> None:
        self.tree = tree
        self.top = top

    def __call__(self, path: Path) -> bool | None:
        inside = os.path.relpath(path, self.top).replace(os.sep, "/")
        if inside == ".." or inside.startswith("../"):
            return path.is_dir() if path.exists() else None
        if inside == ".":
            return True
        if inside in self.tree:
            return False
        below = f"{inside}/"
        return True if any(name.startswith(below) for name in self.tree) else None


class Links:
    """Where symbolic links point: their targets, read once per blob."""

    def __init__(self, reader: BlobReader) -> None:
        self.reader = reader
        self._targets: dict[str, str] = {}

    def resolve(self, tree: Tree, path: str) -> tuple[str | None, str | None]:
        """Where ``path`` leads in the tree, in one walk of its links: (its blob, None) for a
        file, or a link that leads to one inside the tree; else (None, what a checkout's scan
        says of it) when history can know that -- a broken link, named by its own target as
        ``os.readlink`` gives it, or a loop; else (None, None): a path not in the tree, or
        links that lead out of it (a checkout may find a file there; history does not have it)."""
        first: str | None = None  # the first link's own target
        for _ in range(_LINK_HOPS):
            entry = tree.get(path)
            if entry is None:
                return None, None if first is None else f"cannot read: a broken symlink to {first}"
            if entry.mode != SYMLINK_MODE:
                return entry.blob, None
            target = self._target(entry.blob)
            first = target if first is None else first
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if target.startswith("/") or path == ".." or path.startswith("../"):
                return None, None
        entry = tree.get(path)  # after as many links as Linux follows
        if entry is None:
            return None, f"cannot read: a broken symlink to {first}"
        return None, f"cannot read: {os.strerror(errno.ELOOP)}" if entry.mode == SYMLINK_MODE else None

    def blob_of(self, tree: Tree, path: str) -> str | None:
        """``resolve``'s blob."""
        return self.resolve(tree, path)[0]

    def _target(self, blob: str) -> str:
        if blob not in self._targets:
            ((_, content),) = self.reader.read([blob])
            self._targets[blob] = os.fsdecode(content.data or b"/")  # an unreadable link leads nowhere
        return self._targets[blob]


Progress = Callable[[int, int], None]  # (files analysed, files to analyse) in this sample


class Measurer:
    """Measures samples one after the other, remembering every outcome it computed."""

    def __init__(
        self,
        git: Git,
        analyser: Analyser,
        links: Links,
        scope: Scope,
        registries: Registries,
        *,
        today: datetime.date,
        registry_name: str,
        verdicts: Mapping[str, object] | None = None,
    ) -> None:
        self.git = git
        self.analyser = analyser
        self.links = links
        self.scope = scope
        self.registries = registries
        self.today = today
        self.registry_name = registry_name
        # --select and friends (commands/check.py's verdicts): as in report, the codes not shown
        # are not counted. None: every code is.
        self.verdicts = None if verdicts is None or all(verdicts.values()) else verdicts
        self.problems: list[Problem] = []
        self._registry_numbers: dict[Registry, int] = {}
        self._outcomes: dict[tuple[int, Task], Outcome] = {}
        self._unreadable_blobs: set[str] = set()
        self._reported: set[tuple[str, str]] = set()
        self._relpaths: dict[tuple[int, str], str | None] = {}

    def measure(self, sample: Sample, progress: Progress) -> Point:
        try:
            tree = self.git.tree(sample.commit.sha)
        except GitError as error:
            return Point(sample, None, f"tree unreadable: {error}")
        registry, status = self.registries.at(tree)
        if registry is None:
            return Point(sample, None, status)
        number = self._registry_numbers.setdefault(registry, len(self._registry_numbers))
        tasks = []
        broken = []  # links that lead to no path of the tree: a checkout has a broken link there
        for path, inside in self.scope.files(tree):
            blob, problem = self.links.resolve(tree, inside)
            if blob is not None:
                tasks.append(Task(path, blob))
            elif problem is not None:  # else out of the tree: what a checkout finds there is unknown
                broken.append((path, problem))
        self._analyse(registry, number, [task for task in tasks if (number, task) not in self._outcomes], progress)
        facts = []
        unreadable, missing = len(broken), 0
        for path, problem in broken:  # as the scan reports one (scan/runner.py)
            if (path, problem) not in self._reported:
                self._reported.add((path, problem))
                self.problems.append(Problem(path, problem, sample.commit))
        for task in tasks:
            outcome = self._outcomes[(number, task)]
            if outcome is EMPTY:
                continue
            if outcome.problem is not None:
                unreadable += 1
                missing += task.blob in self._unreadable_blobs
                if (task.path, task.blob) not in self._reported:
                    self._reported.add((task.path, task.blob))
                    self.problems.append(Problem(task.path, outcome.problem, sample.commit))
                continue  # pragma: >=3.10 cover (3.9 jumps over a lone continue: coverage never sees it run)
            reported, noqa = outcome.reported, outcome.noqa
            if self.verdicts is not None:
                reported = tuple(finding for finding in reported if self.verdicts[finding.code])
                noqa = tuple(finding for finding in noqa if self.verdicts[finding.code])
            path = self._entry_path(registry, number, task.path)
            facts.append(FileFacts(path=path, reported=reported, noqa=noqa, canonical=outcome.canonical))
        report = build_report(
            facts,
            registry,
            today=self.today,
            registry_name=self.registry_name,
            files_scanned=len(tasks) + len(broken),
            files_unreadable=unreadable,
            top=0,
        )
        return Point(sample, report, None, missing)

    def _analyse(self, registry: Registry, number: int, tasks: list[Task], progress: Progress) -> None:
        progress(0, len(tasks))
        for done, result in enumerate(self.analyser.outcomes(registry, tasks), 1):
            outcome = result.outcome
            # Outcomes from workers are copies: keep the one EMPTY, which the loop above tests by identity.
            self._outcomes[(number, result.task)] = EMPTY if outcome == EMPTY else outcome
            if result.missing:
                self._unreadable_blobs.add(result.task.blob)
            progress(done, len(tasks))

    def _entry_path(self, registry: Registry, number: int, path: str) -> str:
        """The path the report names a file by: relative to the registry's folder, else as
        displayed (baseline/store.py's ``entry_path``), computed once per folder."""
        folder, name = os.path.split(path)
        key = (number, folder)
        if key not in self._relpaths:
            probe = file_context(registry, os.path.join(folder, "_")).relpath
            self._relpaths[key] = None if probe is None else probe[:-1]
        prefix = self._relpaths[key]
        return PurePath(path).as_posix() if prefix is None else prefix + name

