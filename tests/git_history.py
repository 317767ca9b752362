"""Real git repositories with dated histories, for the tests of ``report --history``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Mapping
from typing import Union

from tests.conftest import EXAMPLE_EXEMPT_FILES
from tests.conftest import EXAMPLE_REGISTRY

# Fixed names, dates and no user configuration: the same commits (and shas) on every machine.
ENVIRONMENT = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
OPTIONS = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.symlinks=true"]

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
CANONICAL = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
GETTER = "from app.websocket_core.unified_manager import get_websocket_manager\n"
# The registry grows a second group at C4: measured against the working tree's registry,
# every sample counts it; against each commit's own, the samples before C4 do not.
EVENTS_GROUP = '\n[[group]]\nname = "events"\ncanonical = ["from app.events.bus import EventBus"]\n'

Content = Union[str, bytes, "Link", None]  # None: delete


class Link(str):
    """A symbolic link's target."""


def git(cwd: Path, *args: str, when: str | None = None) -> str:
    environment = {**os.environ, **ENVIRONMENT}
    if when is not None:
        environment.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    completed = subprocess.run(
        ["git", *OPTIONS, *args], cwd=cwd, env=environment, check=True, capture_output=True, text=True
    )
    return completed.stdout.strip()


def write(root: Path, files: Mapping[str, Content]) -> None:
    for name, content in files.items():
        path = root / name
        if path.is_symlink() or path.exists():
            path.unlink()
        if content is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            path.symlink_to(str(content))
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit(root: Path, message: str, when: str, files: Mapping[str, Content] = {}) -> str:
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, when=when)
    return git(root, "rev-parse", "HEAD")


def build_history(root: Path) -> dict[str, str]:
    """The history the tests measure; returns each commit's sha by name.

    first parent:  C0 - C1 - C2 - C3 ------ C4 - M - C5 - C6
                                     \\          /
    side branch:                       S1 ------
    """
    root.mkdir(parents=True)
    git(root, "init", "-q")
    shas = {}
    shas["C0"] = commit(root, "readme, no registry yet", "2025-12-31T12:00:00+00:00", {
        "README.md": "# project\n",
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/a.py": CANONICAL,
    })  # fmt: skip
    shas["C1"] = commit(root, "registry, a legacy import in b", "2026-01-01T09:00:00+00:00", {
        "ssot-registry.toml": EXAMPLE_REGISTRY,
        **EXAMPLE_EXEMPT_FILES,
        "app/websocket_core/__init__.py": "",
        "app/services/b.py": LEGACY,
        "app/services/f.py": "from app.events import EventBus\n",
        "app/notes.txt": LEGACY,
    })  # fmt: skip
    shas["C2"] = commit(root, "canonical getter in c, a link to a", "2026-01-02T10:00:00+00:00", {
        "app/services/c.py": GETTER,
        "app/services/link.py": Link("a.py"),
        "app/services/dangling.py": Link("gone.py"),
    })  # fmt: skip
    shas["C3"] = commit(root, "d does not parse", "2026-01-02T18:00:00+00:00", {
        "app/services/d.py": LEGACY + "def broken(:\n",
    })  # fmt: skip
    git(root, "checkout", "-q", "-b", "side")
    shas["S1"] = commit(root, "side: legacy imports in e", "2026-01-03T08:00:00+00:00", {
        "app/routes/__init__.py": "",
        "app/routes/e.py": (
            "from app.websocket_core import WebSocketManager\nimport app.websocket_core.websocket_manager as m\n"
        ),
    })  # fmt: skip
    git(root, "checkout", "-q", "main")
    write(root, {"ssot-registry.toml": EXAMPLE_REGISTRY + EVENTS_GROUP})
    git(root, "mv", "app/services/b.py", "app/services/old_b.py")
    shas["C4"] = commit(root, "rename b, registry: events group", "2026-01-03T09:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "-m", "merge side", "side", when="2026-01-03T12:00:00+00:00")
    shas["M"] = git(root, "rev-parse", "HEAD")
    # 01:00 in India is still 2026-01-04 in UTC: the commit counts on the committer's day.
    shas["C5"] = commit(root, "d parses again", "2026-01-05T01:00:00+05:30", {"app/services/d.py": CANONICAL})
    shas["C6"] = commit(root, "migrate e and f", "2026-01-05T09:00:00+00:00", {
        "app/routes/e.py": CANONICAL,
        "app/services/f.py": "from app.events.bus import EventBus\n",
    })  # fmt: skip
    return shas


CHART_ARGUMENTS = ["--today", "2026-06-01", "--every", "1", "--fail-under", "80"]


def write_chart(path: Path) -> None:
    """The README's chart (docs/ssot-history.svg): this history, every commit, goal 80%."""
    import tempfile

    from flake8_ssot_ws.commands.cli import main

    path = path.absolute()
    with tempfile.TemporaryDirectory() as place:
        root = Path(place) / "repo"
        build_history(root)
        previous = os.getcwd()
        os.chdir(root)
        try:
            main(["report", "--history", "--format", "csv", "--chart", str(path), *CHART_ARGUMENTS])
        finally:
            os.chdir(previous)


if __name__ == "__main__":
    import sys

    write_chart(Path(sys.argv[1]))
