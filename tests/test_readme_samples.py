"""README's samples are real output: every console block that shows ``$ command`` lines runs, in
order and in one shell, on a copy of the example project, and prints what README shows; the JSON
sample and the registry errors are compared with what the tool really prints.

A console sample: ``$ `` lines are commands (the first one starts from the repository root, so
``cd example &&``), the lines after each one its output (stdout and stderr as a terminal shows
them); a last line ``...`` stands for more output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MARKER = "@@sample-command-done@@ "


OWN_PROJECT = re.compile(r"<!-- sample \w+: (tests/test_\w+\.py) keeps it equal to the real output -->\n```console\n")


def console_samples() -> list[list[tuple[str, list[str]]]]:
    samples = []
    for block in re.findall(r"^```console\n(.*?)^```$", README, flags=re.DOTALL | re.MULTILINE):
        if not block.startswith("$ "):
            continue  # instructions to copy (install, tests, benchmark), not a sample with output
        if not block.startswith("$ cd example"):
            continue  # a project of its own, shown in README: its marker names the test that runs it
        commands: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
        samples.append(commands)
    return samples


SAMPLES = console_samples()


def test_the_samples_are_found() -> None:
    """The control: the README holds the samples this module is meant to run."""
    firsts = [sample[0][0] for sample in SAMPLES]
    assert "cd example && ssot-ws check" in firsts
    assert "cd example && ssot-ws report --today 2026-06-01" in firsts
    assert len(SAMPLES) == 7


def test_samples_of_other_projects_name_their_test() -> None:
    """A sample that does not run on the example says which test keeps it true, and that test
    exists and holds the sample's first command."""
    elsewhere = [
        block
        for block in re.findall(r"^```console\n(\$ .*?)^```$", README, flags=re.DOTALL | re.MULTILINE)
        if not block.startswith("$ cd example")
    ]
    tests = OWN_PROJECT.findall(README)
    assert len(tests) >= len(elsewhere) == 2  # ssot-ws init, ssot-ws report --history
    for test in tests:
        assert (ROOT / test).is_file()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "example", tmp_path / "example", ignore=shutil.ignore_patterns(".ssot-ws-cache"))
    return tmp_path


def _run(workspace: Path, commands: list[str]) -> list[tuple[list[str], int]]:
    """Each command's output lines and exit code, run one after the other in one shell."""
    script = "".join(f"{command}\nprintf '%s%s\\n' '{MARKER}' \"$?\"\n" for command in commands)
    bindir = Path(sys.executable).parent
    # Unbuffered: stdout and stderr interleave as on a terminal.
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run(
        ["bash", "-c", script], cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    results: list[tuple[list[str], int]] = []
    current: list[str] = []
    for line in completed.stdout.splitlines():
        before, marker, status = line.partition(MARKER)
        if not marker:
            current.append(line)
            continue
        if before:  # output that did not end its last line
            current.append(before)
        results.append((current, int(status)))
        current = []
    return results


@pytest.mark.parametrize("sample", SAMPLES, ids=[sample[0][0] for sample in SAMPLES])
def test_console_sample_is_real_output(workspace: Path, sample: list[tuple[str, list[str]]]) -> None:
    results = _run(workspace, [command for command, _ in sample])
    assert len(results) == len(sample)
    for (command, shown), (printed, status) in zip(sample, results):
        assert status in (0, 1), (command, printed)  # never a usage error, never a crash
        if shown[-1:] == ["..."]:
            assert printed[: len(shown) - 1] == shown[:-1], command
        else:
            assert printed == shown, command


# --- the JSON sample of check -----------------------------------------------------------------


def test_json_sample_is_the_examples_output(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    block = README.split("<!-- json sample:", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    sample = json.loads(block)
    monkeypatch.chdir(ROOT / "example")
    assert main(["check", "--no-cache", "--output-format", "json"]) == 1
    real = json.loads(capsys.readouterr().out)
    assert (sample["files_scanned"], sample["findings"][0]) == (real["files_scanned"], real["findings"][0])
    assert sorted(sample) == sorted(real)
    assert sorted(sample["problems"][0]) == ["path", "reason"]  # the example has none: its shape, then


# --- the registry errors ----------------------------------------------------------------------

BROKEN_REGISTRIES = {
    "expected exactly one imported name": (
        "ssot-registry.toml",
        '[[group]]\nname = "g"\ncanonical = ["from a import x", "from a import b, c"]\n',
    ),
    "invalid TOML": ("ssot-registry.toml", '[[group]]\nname = "g"\nx = [1, ?]\n'),
    "binds 'WebSocketManager'": (
        "pyproject.toml",
        (
            '[tool.flake8-ssot-ws]\n[[tool.flake8-ssot-ws.group]]\nname = "g"\n'
            'canonical = ["from a import WebSocketManager", "from b import WebSocketManager"]\n'
        ),
    ),
    "not one of this group's canonical imports": (
        "pyproject.toml",
        (
            '[tool.flake8-ssot-ws]\n[[tool.flake8-ssot-ws.group]]\nname = "g"\ncanonical = ["from a import Z"]\n'
            '[[tool.flake8-ssot-ws.group.legacy]]\nimport = "from w import Y"\nuse = "from x import Y"\n'
        ),
    ),
}
ERRORS = README.split("<!-- registry errors:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0].splitlines()


@pytest.mark.parametrize("line", ERRORS, ids=[line.split(": ", 3)[-1][:40] for line in ERRORS])
def test_registry_errors_are_real(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (name, text), = [registry for what, registry in BROKEN_REGISTRIES.items() if what in line]
    project = tmp_path / "project"
    project.mkdir()
    (project / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["check"]) == 2
    assert capsys.readouterr() == ("", line.replace("/home/me/project", str(project)) + "\n")
