"""The ``ssot-ws`` and ``ssot-ws-flake8`` pre-commit hooks, run for real with
``pre-commit try-repo`` on a staged violating file in a temporary git repository.

Slow (pre-commit builds the hook's virtualenv once; both hooks share it): one run per hook.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
REGISTRY = """\
[[group]]
name = "websocket-manager"
canonical = ["from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"]
"""
VIOLATION = "from app.websocket_core.websocket_manager import WebSocketManager\n"
FINDING = (
    "app/views.py:1:50: SWS001 'WebSocketManager' imported from non-canonical path "
    "'app.websocket_core.websocket_manager' - use "
    "'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager' "
    "(fixable with 'ssot-ws fix')"
)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app/views.py").write_text(VIOLATION, encoding="utf-8")
    (tmp_path / "app/clean.py").write_text("import os\n", encoding="utf-8")
    for command in (["init", "-q"], ["add", "."]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def try_repo(repository: Path, pre_commit_home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo`` of this checkout (its committed and tracked files) in ``repository``."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook], cwd=repository, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("hook", ["ssot-ws", "ssot-ws-flake8"])
def test_hook_fails_on_the_staged_violation(staged: Path, pre_commit_home: Path, hook: str) -> None:
    completed = try_repo(staged, pre_commit_home, hook)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "- hook id: " + hook in completed.stdout
    assert "- exit code: 1" in completed.stdout
    assert FINDING + "\n" in completed.stdout
    assert "app/clean.py" not in completed.stdout.split("- exit code: 1", 1)[1]


@pytest.mark.parametrize(
    ("hook", "prefix", "option"),
    [
        pytest.param("ssot-ws", "ssot-ws: error: ", "--registry", id="ssot-ws"),
        pytest.param("ssot-ws-flake8", "flake8-ssot-ws: ", "--ssot-registry", id="ssot-ws-flake8: not silent any more"),
    ],
)
def test_hook_fails_without_a_registry(
    staged: Path, pre_commit_home: Path, hook: str, prefix: str, option: str
) -> None:
    """A hook is a request to check: no registry is the same one-line error from both, naming
    the near miss (a misspelt file name)."""
    subprocess.run(["git", "mv", "ssot-registry.toml", "ssot_registry.toml"], cwd=staged, check=True)
    completed = try_repo(staged, pre_commit_home, hook)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "- exit code: 2" in completed.stdout
    start = staged.resolve() / "app"
    message = (
        f"{prefix}no registry found (searched {start} and its {len(start.parents)} parent folders): "
        f"add [tool.flake8-ssot-ws] to pyproject.toml, create ssot-registry.toml, or pass {option} PATH; "
        f"did you mean ssot-registry.toml (found {staged.resolve()}/ssot_registry.toml)?\n"
    )
    assert message in completed.stdout
