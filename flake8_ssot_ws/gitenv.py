"""The environment git runs in: the user's, less what changes how git reads our pathspecs."""

from __future__ import annotations

import os

# `*.py` is a glob matching at any depth only as git reads pathspecs by default: these variables
# would make it literal, or stop `*` at a `/` (then only the top folder's files were listed).
PATHSPEC_VARIABLES = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS")


def git_environment() -> dict[str, str] | None:
    """The environment for git: ours (None), less any variable that changes pathspecs."""
    if not any(name in os.environ for name in PATHSPEC_VARIABLES):
        return None
    return {name: value for name, value in os.environ.items() if name not in PATHSPEC_VARIABLES}
