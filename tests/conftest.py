"""Shared fixtures: a registry written to a temporary project, and clean plugin state."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable
from typing import Iterator

import pytest

from flake8_ssot_ws import plugin as plugin_module
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
# The Python CI runs its slowest tests on (.ci/run's PRIMARY; tests/test_precommit.py checks it).
PRIMARY_PYTHON = (3, 11)
# For tests that build environments (pre-commit's, a wheel's venv): each costs tens of seconds, and
# what they prove does not depend on the Python version; CI runs them once, on the primary Python.
primary_python_only = pytest.mark.skipif(
    sys.version_info[:2] != PRIMARY_PYTHON,
    reason=f"slow (builds environments): run on the primary Python, {'.'.join(map(str, PRIMARY_PYTHON))}, only",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Property tests (hypothesis) run without coverage's tracer. Under it they cost about 2.3
    times as much CPU (every call of hypothesis, hypothesmith's grammar and flake8 is traced),
    and what they prove does not depend on it; the coverage gate is reached by the example
    tests alone, so it does not depend on which examples a run happens to draw either."""
    if not getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        yield
        return
    with _coverage_paused():
        yield


@contextlib.contextmanager
def _coverage_paused() -> Iterator[None]:
    """Stop every started coverage measurement of this process, then start them again in the
    same order. (pytest-cov's ``no_cover`` does not do it under xdist: a worker has a second
    started Coverage below pytest-cov's own, which resumes when the top one stops.)"""
    try:
        import coverage
    except ImportError:  # coverage is a test dependency, but the tests run without it too
        yield
        return
    paused = []
    while (current := coverage.Coverage.current()) is not None:
        current.stop()
        paused.append(current)
    try:
        yield
    finally:
        for measurement in reversed(paused):
            measurement.start()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def snapshot_of_this_repo(destination: Path) -> str:
    """This working tree (uncommitted and untracked, not ignored, files included) as a one-commit
    git repository on branch ``main``; returns its sha. (``pre-commit try-repo`` snapshots only
    tracked files, and cannot pass a hook its ``args``.)"""
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    git(destination, "init", "-q", "-b", "main")
    git(destination, "add", ".")
    git(destination, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "snapshot")
    return git(destination, "rev-parse", "HEAD").strip()


def write_tree(root: Path, files: dict[str, str] | dict[str, bytes] | dict[str, str | bytes]) -> None:
    """Create ``files`` (relative path -> text or bytes) under ``root``; text as UTF-8."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


# The registry of issue 2, in the standalone form (ssot-registry.toml: keys at top level).
EXAMPLE_REGISTRY = """\
exempt = ["app/websocket_core/unified_manager.py", "app/websocket_core/websocket_manager.py"]
src = ["."]

[[group]]
name = "websocket-manager"
watch = ["*WebSocketManager", "get_websocket_manager"]
watch-modules = ["app.websocket_core.websocket_manager", "app.websocket_core.manager"]
canonical = [
  "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
  "from app.websocket_core.unified_manager import get_websocket_manager",
]

[[group.legacy]]
import = "from app.websocket_core.websocket_manager import WebSocketManager"
use = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"
deadline = 2026-03-31
reason = "see issue 1182"
"""

# The files EXAMPLE_REGISTRY exempts, as a project has them. A run over a whole project warns
# about an exempt glob that matches no file, so a fixture that scans its whole tree writes these.
EXAMPLE_EXEMPT_FILES = {
    "app/websocket_core/unified_manager.py": "class UnifiedWebSocketManager:\n    pass\n",
    # A legacy shim: anywhere else, binding the canonical name under another name is SWS002.
    "app/websocket_core/websocket_manager.py": (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
        "WebSocketManager = UnifiedWebSocketManager\n"
    ),
}

MakeRegistry = Callable[..., Registry]


@pytest.fixture
def make_registry(tmp_path: Path) -> MakeRegistry:
    """Write TOML to ``tmp_path/<name>`` (default ssot-registry.toml) and load it."""

    def make(text: str, name: str = "ssot-registry.toml") -> Registry:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return load_registry(path)

    return make


@pytest.fixture
def example_registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(EXAMPLE_REGISTRY)


@pytest.fixture
def plugin_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """flake8 stores parsed options on the plugin class; undo that after the test. (And the
    plugin warns once per process: each test is a process of its own here.)"""
    for name in ("registry", "baseline", "today"):
        monkeypatch.setattr(Plugin, name, getattr(Plugin, name))
    monkeypatch.setattr(plugin_module, "_WARNED", set())
