"""Which files ``ssot-ws check`` looks at.

Inside a git work tree, a directory's files are what ``git ls-files --cached --others
--exclude-standard`` lists, so everything git ignores is skipped without re-implementing
``.gitignore``; elsewhere a directory walk. Either way the usual virtualenv, build and cache
folders are skipped (``DEFAULT_EXCLUDE``, replaced by ``--exclude``, extended by
``--extend-exclude``) -- but beyond what flake8's defaults skip too (``ALWAYS_EXCLUDED``),
the default list never skips a file git tracks: that is the project's code wherever it sits
(pip's ``_internal/operations/build/``), and flake8, whose defaults do not name ``build`` or
``dist``, checks it. A file named on the command line is always checked when it is Python
(pre-commit passes exactly the files it wants checked): a Python suffix or, whatever its name,
a ``#!`` line naming python -- what pre-commit's ``types: [python]`` passes. Any other named
file (``ssot-registry.toml``, ``notes.txt``) is skipped, and listed as such.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.reading import is_special

PYTHON_SUFFIXES = (".py", ".pyi")
# A named file is Python with one of these suffixes (the ones pre-commit's `identify` tags
# python or pyi), or with a python shebang.
NAMED_PYTHON_SUFFIXES = (*PYTHON_SUFFIXES, ".pyw", ".pyt", ".tac", ".wsgi")
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache", ".ruff_cache",
    ".ssot-ws-cache", ".svn", ".tox", ".venv", "__pycache__", "__pypackages__", "_build", "buck-out",
    "build", "dist", "node_modules", "site-packages", "venv", "*.egg-info",
)  # fmt: skip
# Of those, what flake8's own defaults skip too: skipped even where git tracks it, so that check
# and flake8 agree. The rest (build output, virtualenvs) is skipped only where git does not track it.
ALWAYS_EXCLUDED = (".bzr", ".eggs", ".git", ".hg", ".nox", ".svn", ".tox", "__pycache__")


class Discovered(NamedTuple):
    """A file to check; ``explicit`` when it was named on the command line. (A NamedTuple:
    a warm run makes one per file of the repository.)"""

    path: str
    explicit: bool


def excluder_of(exclude: Iterable[str] | None, extend_exclude: Iterable[str] = ()) -> Excluder:
    """The excluder of ``--exclude`` (None: not given, so the default list, which spares the
    files git tracks) and ``--extend-exclude``."""
    if exclude is None:
        untracked = [glob for glob in DEFAULT_EXCLUDE if glob not in ALWAYS_EXCLUDED]
        return Excluder([*ALWAYS_EXCLUDED, *extend_exclude], untracked=untracked)
    return Excluder([*exclude, *extend_exclude])


class Excluder:
    """fnmatch globs. One without ``/`` matches the name of any file or directory below a
    path argument (``migrations``, ``*_pb2.py``); one with ``/`` matches the whole path as
    it is displayed, relative to the current directory (``app/legacy/*``). The ``untracked``
    ones skip only what git does not track (the default list: build output, virtualenvs)."""

    def __init__(self, patterns: Iterable[str], *, untracked: Iterable[str] = ()) -> None:
        patterns = list(patterns)
        # An absolute glob (`--exclude "$PWD/app/legacy"`, as flake8 takes them) is matched
        # against the absolute path, however the path arguments are spelt (`.`, `..`, absolute).
        absolute = [os.path.normpath(pattern) for pattern in patterns if os.path.isabs(pattern)]
        cleaned = [pattern.removeprefix("./").strip("/") for pattern in patterns if not os.path.isabs(pattern)]
        self._name = _combine(p for p in cleaned if "/" not in p)
        self._path = _combine(p for p in cleaned if "/" in p)
        self._absolute = _combine(absolute)
        self._dirs: dict[str, bool] = {}
        untracked = list(untracked)
        self.untracked = Excluder([*patterns, *untracked]) if untracked else self

    def excludes_name(self, name: str) -> bool:
        return self._name is not None and self._name.match(name) is not None

    def excludes_path(self, path: str) -> bool:
        posix = path.replace(os.sep, "/")
        if self._path is not None and self._path.match(posix.removeprefix("./")) is not None:
            return True
        return self._absolute is not None and self._absolute.match(os.path.abspath(path)) is not None

    def excludes_dir(self, root: str, relative_dir: str) -> bool:
        """Whether a directory below ``root`` (``relative_dir`` uses ``/``) is excluded."""
        if not relative_dir:
            return False
        key = f"{root}\0{relative_dir}"
        verdict = self._dirs.get(key)
        if verdict is None:
            parent, _, name = relative_dir.rpartition("/")
            verdict = (
                self.excludes_dir(root, parent)
                or self.excludes_name(name)
                or self.excludes_path(_join(root, relative_dir))
            )
            self._dirs[key] = verdict
        return verdict


def _combine(patterns: Iterable[str]) -> re.Pattern[str] | None:
    translated = [fnmatch.translate(pattern) for pattern in patterns]
    return re.compile("|".join(translated)) if translated else None


def _join(root: str, relative: str) -> str:
    """``relative`` (``/``-separated, normal) below ``root``, as discovery displays it."""
    return _display_prefix(root) + (relative if os.sep == "/" else relative.replace("/", os.sep))


def _display_prefix(root: str) -> str:
    """What the paths found below ``root`` start with: nothing for the current directory."""
    normal = os.path.normpath(root)
    return "" if normal == "." else os.path.join(normal, "")  # `/` stays `/`


def discover(paths: Sequence[str], excluder: Excluder) -> list[Discovered]:
    """Files under ``paths`` (explicit files as given), each once, in a stable order."""
    return PendingDiscovery(paths, excluder).result()


class PendingDiscovery:
    """``discover``, started: git lists each directory argument's files in the background
    (another process, on another core) until ``result()`` is asked for. A warm run parses
    its cache in the meantime, which takes as long as git does."""

    def __init__(self, paths: Sequence[str], excluder: Excluder) -> None:
        self.excluder = excluder
        self.skipped: list[str] = []  # named files that are not Python, filled by result()
        self.arguments = [(argument, _GitListing(argument) if os.path.isdir(argument) else None) for argument in paths]

    def result(self) -> list[Discovered]:
        """The files to check; ``self.skipped`` then holds the named files that are not Python."""
        seen: set[str] = set()
        found: list[Discovered] = []
        self.skipped.clear()
        # Arguments may overlap under other spellings (`..` and `.` from a subfolder, `app` and
        # `/repo/app/a.py`): then each file is known by its absolute path and checked once, under
        # the name it was first found by. One argument cannot overlap itself: its discovered
        # paths are already normal, and a warm run pays nothing more per file.
        overlapping = len(self.arguments) > 1
        for argument, listing in self.arguments:
            if listing is None:
                key = os.path.abspath(argument) if overlapping else os.path.normpath(argument)
                if key in seen:
                    continue
                seen.add(key)
                if is_python_file(argument):
                    found.append(Discovered(argument, True))
                else:
                    self.skipped.append(argument)
            else:
                listed, untracked = listing.files()
                for child in sorted(_directory_files(argument, listed, self.excluder, untracked)):
                    key = os.path.abspath(child) if overlapping else child
                    if key not in seen:
                        seen.add(key)
                        found.append(Discovered(child, False))
        return found


def is_python_file(path: str) -> bool:
    """Whether a file named on the command line is Python: its suffix, else a ``#!`` line
    naming python. One that cannot be read counts as Python: the scan reports why."""
    if path.endswith(NAMED_PYTHON_SUFFIXES):
        return True
    try:
        if is_special(os.stat(path).st_mode):
            return True  # a FIFO would block the read; the scan says it is not a regular file
        with open(path, "rb") as stream:
            first = stream.readline(256)
    except OSError:
        return True
    return first.startswith(b"#!") and b"python" in first


def _directory_files(
    root: str, listed: list[str] | None, excluder: Excluder, untracked: frozenset[str] = frozenset()
) -> list[str]:
    """The Python files below ``root``, as displayed, from git's list (None: walk, where
    nothing is tracked); ``untracked``: the listed files git does not track. This runs for
    every file of every warm run: each directory's verdict is taken once, and a file costs a
    few string tests."""
    if listed is None:
        relatives: Iterable[str] = _walk(root, excluder.untracked)
        untracked_all = True
    else:
        relatives, untracked_all = listed, False
    prefix = _display_prefix(root)  # _join, inlined: this loop is the hot path
    tracked_dirs: dict[str, bool] = {}
    untracked_dirs: dict[str, bool] = {}
    found = []
    for relative in relatives:
        if not relative.endswith(PYTHON_SUFFIXES):
            continue
        rules, verdicts = excluder, tracked_dirs
        if untracked_all or (untracked and relative in untracked):
            rules, verdicts = excluder.untracked, untracked_dirs
        directory, _, name = relative.rpartition("/")
        excluded = verdicts.get(directory)
        if excluded is None:
            excluded = verdicts[directory] = rules.excludes_dir(root, directory)
        if excluded or rules.excludes_name(name):
            continue
        path = prefix + relative if os.sep == "/" else prefix + relative.replace("/", os.sep)
        if not rules.excludes_path(path):
            found.append(path)
    return found


def listed_python_files(root: str, listed: list[str], excluder: Excluder) -> list[str]:
    """The files discovery would check below the directory ``root``, given a listing of what is
    below it that does not come from the work tree (``/``-separated, relative to ``root``;
    ``report --history`` lists a commit's tree, all of it tracked): the same filter, the same
    display paths."""
    return _directory_files(root, listed, excluder)


class _GitListing:
    """Files below ``root`` that git tracks or would track (``/``-separated, relative to
    ``root``), listed in the background; ``files()`` is None when ``root`` is not in a git
    work tree or git is unavailable."""

    def __init__(self, root: str) -> None:
        # Imported here: a run given only files (pre-commit's) starts no process or thread.
        import subprocess
        import threading

        from flake8_ssot_ws.gitenv import git_environment

        # Git filters by suffix itself: homeassistant's tree lists 36,508 files, 6,739 of them
        # Python, and reading the rest is most of a warm run's listing cost on our side.
        suffixes = [f"*{suffix}" for suffix in PYTHON_SUFFIXES]
        # -t tags each path: `? ` what git does not track, another letter what it does.
        command = [
            *("git", "-C", root, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard", "--"),
            *suffixes,
        ]
        self._output = b""
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_environment()
            )
        except OSError:
            self._process = None
            return
        # A thread drains the pipe: git would stop at a full pipe buffer (64 KiB, some
        # 2,000 paths) and do the rest only when we read.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        with self._process.stdout as stream:
            self._output = stream.read()

    def files(self) -> tuple[list[str] | None, frozenset[str]]:
        """The listed paths (None: not in git), and those of them git does not track."""
        if self._process is None:
            return None, frozenset()
        self._reader.join()
        if self._process.wait() != 0:
            return None, frozenset()
        tagged = [item for item in os.fsdecode(self._output).split("\0") if item]
        return [item[2:] for item in tagged], frozenset(item[2:] for item in tagged if item[0] == "?")


def _walk(root: str, excluder: Excluder) -> Iterator[str]:
    for directory, dirnames, filenames in os.walk(root):
        relative_dir = os.path.relpath(directory, root).replace(os.sep, "/")
        relative_dir = "" if relative_dir == "." else relative_dir
        prefix = f"{relative_dir}/" if relative_dir else ""
        # Pruning here keeps the walk out of excluded trees (a virtualenv can be huge).
        dirnames[:] = [d for d in dirnames if not excluder.excludes_dir(root, prefix + d)]
        for filename in filenames:
            yield prefix + filename


def iter_python_files(paths: Sequence[Path | str], exclude: Iterable[str] | None = None) -> Iterator[Path]:
    """The files ``ssot-ws check`` would check, minus files listed by git but deleted;
    ``exclude`` None: the default list."""
    for item in discover([os.fspath(p) for p in paths], excluder_of(exclude)):
        if item.explicit or os.path.lexists(item.path):
            yield Path(item.path)
