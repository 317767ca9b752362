"""The project root: where the cache goes and what ``fix`` may write through a symlink.

One definition for both, so that they cannot disagree: the top of the git work tree that
holds the checked folder; outside git, the registry's root when it holds that folder; else
the folder itself. The registry's folder alone would not do: one registry may serve several
repositories (passed with ``--registry ../shared/ssot-registry.toml``), and its folder is then
outside all of them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class ProjectRoot(NamedTuple):
    path: str  # absolute and normal
    kind: str  # how it was chosen, as a message names it

    def describe(self) -> str:
        return f"{self.kind} {self.path}"


def project_root(folder: str | os.PathLike[str], registry_root: Path) -> ProjectRoot:
    """The project root for ``folder`` (relative paths are from the current directory)."""
    folder = os.path.abspath(folder)
    directory = folder
    while True:
        # A `.git` folder, or the `.git` file of a worktree or submodule: a few stats, where
        # `git rev-parse --show-toplevel` would cost a process on every warm run.
        if os.path.lexists(os.path.join(directory, ".git")):
            return ProjectRoot(directory, "the git work tree")
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    root = os.path.abspath(registry_root)
    if folder == root or folder.startswith(os.path.join(root, "")):
        return ProjectRoot(root, "the registry's root")
    return ProjectRoot(folder, "the checked folder")
