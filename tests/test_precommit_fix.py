"""The ``ssot-ws-fix`` pre-commit hook, run for real with ``pre-commit try-repo``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_fix import MODULE_PATH
from tests.test_fix import REGISTRY
from tests.test_fix import WSM

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None or not PRE_COMMIT.exists(), reason="needs git and pre-commit")
def test_pre_commit_fix_hook(tmp_path: Path) -> None:
    """First run rewrites the file and fails (as fixers do); the second run passes."""
    project = tmp_path / "project"
    module = project / MODULE_PATH
    module.parent.mkdir(parents=True)
    (project / "ssot-registry.toml").write_text(REGISTRY, encoding="utf-8")
    module.write_text("from app.ws import WebSocketManager, other\n", encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    command = [str(PRE_COMMIT), "try-repo", str(ROOT), "ssot-ws-fix", "--all-files"]

    first = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert first.returncode == 1, first.stdout + first.stderr
    assert module.read_text(encoding="utf-8") == f"{WSM}\nfrom app.ws import other\n"
    assert "- files were modified by this hook" in first.stdout
    assert f"Rewriting {MODULE_PATH}\nfixed 1 finding in 1 file; 0 left (not fixable)\n" in first.stdout

    _git(project, "add", ".")
    second = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stdout + second.stderr
    assert module.read_text(encoding="utf-8") == f"{WSM}\nfrom app.ws import other\n"
