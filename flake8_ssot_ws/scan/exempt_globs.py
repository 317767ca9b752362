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
import re
import sys
from typing import Iterable
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.scan.discovery import iter_python_files
from flake8_ssot_ws.registry import Registry


def warn_after_scan(registry: Registry, arguments: Sequence[str], scanned: Iterable[str]) -> None:
    """Warn about dead exempt globs when ``arguments`` covered the whole project; ``scanned``:
    every file the scan looked at, as displayed."""
    if not registry.exempt:
        return
    prefix = display_prefix(registry, arguments)
    if prefix is None:
        return
    candidates = dead_globs(dict(enumerate(registry.exempt)), scanned, prefix)
    if candidates:
        _warn(registry, dead_globs(candidates, *_project_files(registry)))


def warn_for_project(registry: Registry) -> None:
    """Warn about dead exempt globs, discovering the registry's folder (``registry --check``)."""
    if registry.exempt:
        _warn(registry, dead_globs(dict(enumerate(registry.exempt)), *_project_files(registry)))


def _warn(registry: Registry, dead: Mapping[int, str]) -> None:
    for index, glob in dead.items():
        print(f"ssot-ws: warning: {registry.path}: exempt[{index}]: {glob!r} matches no Python file", file=sys.stderr)


def dead_globs(globs: Mapping[int, str], paths: Iterable[str], prefix: str) -> dict[int, str]:
    """The ``globs`` (key: index in ``exempt``) that match no path of ``paths`` below
    ``prefix`` (the registry's folder as those paths spell it; ``/``-terminated or empty).

    One regular expression of all the globs still unmatched, one ``match`` per path, and no
    relative path built per file: this runs over every file of a warm ``check``. Stops
    reading ``paths`` as soon as every glob has matched.
    """
    pending = dict(globs)
    anchor = re.escape(prefix)
    files = iter(paths) if os.sep == "/" else (p.replace(os.sep, "/") for p in paths)
    while pending:
        pattern = re.compile("|".join(f"{anchor}{fnmatch.translate(glob)}" for glob in pending.values()))
        matched = next((path for path in files if pattern.match(path)), None)
        if matched is None:
            break
        relpath = matched[len(prefix) :]
        pending = {index: glob for index, glob in pending.items() if not fnmatch.fnmatchcase(relpath, glob)}
    return pending


def display_prefix(registry: Registry, arguments: Sequence[str]) -> str | None:
    """How discovery spells the registry's folder at the start of the paths it finds under
    the first directory argument at or above that folder (``''``, ``'proj/'``, ``'../'``,
    ``'/abs/'``, ``/``-separated); None when no argument is such a directory."""
    root = None  # resolved at the first directory argument: a run given files (pre-commit) has none
    for argument in arguments:
        if not os.path.isdir(argument):
            continue
        root = root or os.path.realpath(registry.root)
        relative = os.path.relpath(root, os.path.realpath(argument))
        # (Not `if below: continue`: Python 3.9's optimiser hides such a line from coverage.)
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            # scan/discovery.py: a path found under argument A is A/relative, normalised ('.' leaves it out)
            spelled = relative if argument in (".", "") else os.path.normpath(os.path.join(argument, relative))
            return _folder_prefix(spelled)
    return None


def _project_files(registry: Registry) -> tuple[Iterable[str], str]:
    """The Python files ``ssot-ws check`` finds in the registry's folder by default, and the
    prefix they start with."""
    files = (os.fspath(path) for path in iter_python_files([registry.root]))
    return files, _folder_prefix(os.path.normpath(registry.root))


def _folder_prefix(folder: str) -> str:
    posix = folder.replace(os.sep, "/")
    return "" if posix == "." else posix.rstrip("/") + "/"
