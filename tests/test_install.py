"""README's install, for real: build the wheel and the sdist from this tree (``python -m build``),
install the wheel into a fresh virtualenv, and run both entry points from there. Slow (an
isolated build environment, a venv, the dependencies): primary Python only."""

from __future__ import annotations

import importlib.metadata
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.conftest import primary_python_only
from tests.conftest import snapshot_of_this_repo

VERSION = importlib.metadata.version("flake8-ssot-ws")
WHEEL = f"flake8_ssot_ws-{VERSION}-py3-none-any.whl"
SDIST = f"flake8_ssot_ws-{VERSION}.tar.gz"
INSTALL = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("<!-- install:", 1)[1]
INSTALL = INSTALL.split("```console\n", 1)[1].split("```", 1)[0]


def test_readme_installs_what_the_build_makes() -> None:
    """README names the wheel the build below makes, and no release that does not exist."""
    assert f"python -m pip install dist/{WHEEL}\n" in INSTALL
    assert "python -m build" in INSTALL
    assert "pip install flake8-ssot-ws\n" not in INSTALL


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    completed = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@primary_python_only
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_build_and_install_the_wheel(tmp_path: Path) -> None:
    source = tmp_path / "flake8-ssot-ws"
    snapshot_of_this_repo(source)  # a clone, as README starts from
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", tmp_path / "dist", source], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    # setuptools announces what it will stop building (the license table did: by 2027-02-18).
    assert [line for line in (built.stdout + built.stderr).splitlines() if "deprecated" in line.lower()] == []
    assert sorted(path.name for path in (tmp_path / "dist").iterdir()) == [WHEEL, SDIST]
    with tarfile.open(tmp_path / "dist" / SDIST) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml", "flake8_ssot_ws/py.typed", "flake8_ssot_ws/core/selection.py"} <= names

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", tmp_path / "dist" / WHEEL)
    python = f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}"
    assert _run(venv / "bin" / "ssot-ws", "--version") == f"ssot-ws {VERSION} ({python})\n"
    assert f"flake8-ssot-ws: {VERSION}" in _run(venv / "bin" / "flake8", "--version")
    # ... and the installed tool works on the example, from outside this tree.
    shutil.copytree(ROOT / "example", tmp_path / "example", ignore=shutil.ignore_patterns(".ssot-ws-cache"))
    completed = subprocess.run(
        [venv / "bin" / "ssot-ws", "check", "--select", "SWS003"], cwd=tmp_path / "example", capture_output=True
    )
    assert (completed.returncode, completed.stdout.decode().split(":")[:2]) == (1, ["app/routes/events.py", "5"])
