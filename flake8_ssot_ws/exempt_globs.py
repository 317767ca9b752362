"""Exempt globs that match no file: one warning line each on stderr, never an error.

A dead exemption usually means its file was moved or renamed (the exemption silently stopped
covering it) or the pattern has a typo. Telling needs the project's whole file list, so the
warning comes from the runs that have it, and only from those:

- ``ssot-ws check``, ``fix`` and ``report``, when a directory argument is the registry's folder
  or above it (``ssot-ws check`` from the root, CI). A pre-commit run names a few files: a glob
  matching none of *those* is not dead, so such a run never warns. The scan's own file list is
  tried first (no second discovery when every glob matches one of its files, the usual case);
  only a glob that matches none of them is confirmed against a default discovery of the
  registry's folder, so an ``--exclude`` that hides the exempt files cannot make it warn.
- ``ssot-ws registry --check``: registry hygiene, the pre-commit hook that runs once per commit
  for the whole registry; it discovers the registry's folder itself.

The flake8 plugin never warns: flake8 runs it per file, so it never sees the whole project, and
a warning there would repeat on every run for nothing.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from typing import Iterable
from typing import Iterator
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.context import file_context
from flake8_ssot_ws.discovery import iter_python_files
from flake8_ssot_ws.registry import Registry


def warn_after_scan(registry: Registry, arguments: Sequence[str], scanned: Iterable[str]) -> None:
    """Warn about dead exempt globs when ``arguments`` covered the whole project; ``scanned``:
    every file the scan looked at, as displayed."""
    if not registry.exempt or not covers_project(registry, arguments):
        return
    candidates = dead_globs(dict(enumerate(registry.exempt)), _relpaths(registry, scanned))
    if candidates:
        _warn(registry, dead_globs(candidates, project_files(registry)))


def warn_for_project(registry: Registry) -> None:
    """Warn about dead exempt globs, discovering the registry's folder (``registry --check``)."""
    if registry.exempt:
        _warn(registry, dead_globs(dict(enumerate(registry.exempt)), project_files(registry)))


def _warn(registry: Registry, dead: Mapping[int, str]) -> None:
    for index, glob in dead.items():
        print(f"ssot-ws: warning: {registry.path}: exempt[{index}]: {glob!r} matches no Python file", file=sys.stderr)


def dead_globs(globs: Mapping[int, str], relpaths: Iterable[str]) -> dict[int, str]:
    """The ``globs`` (key: index in ``exempt``) that match none of ``relpaths``; stops reading
    ``relpaths`` as soon as every glob has matched."""
    pending = dict(globs)
    for relpath in relpaths:
        for index in [index for index, glob in pending.items() if fnmatch.fnmatchcase(relpath, glob)]:
            del pending[index]
        if not pending:
            break
    return pending


def covers_project(registry: Registry, arguments: Sequence[str]) -> bool:
    """Whether one of ``arguments`` is a directory at or above the registry's folder."""
    root = os.path.realpath(registry.root)
    for argument in arguments:
        if os.path.isdir(argument):
            directory = os.path.realpath(argument)
            if root == directory or root.startswith(directory.rstrip(os.sep) + os.sep):
                return True
    return False


def project_files(registry: Registry) -> Iterator[str]:
    """The Python files ``ssot-ws check`` finds in the registry's folder by default."""
    return _relpaths(registry, (os.fspath(path) for path in iter_python_files([registry.root])))


def _relpaths(registry: Registry, paths: Iterable[str]) -> Iterator[str]:
    """Each path relative to the registry's folder as exemptions see it (``file_context``);
    worked out once per directory. Paths outside the folder are skipped."""
    prefixes: dict[str, str | None] = {}
    for path in paths:
        directory, name = os.path.split(path)
        if directory not in prefixes:
            probe = file_context(registry, os.path.join(directory, "_")).relpath
            prefixes[directory] = None if probe is None else probe[:-1]
        prefix = prefixes[directory]
        if prefix is not None:
            yield prefix + name
