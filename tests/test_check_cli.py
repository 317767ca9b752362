"""``ssot-ws check`` end to end through ``main([...])``: options, output, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.scan.checker import _with_utf16_columns
from tests.conftest import EXAMPLE_EXEMPT_FILES
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
SWS101 = (
    "SWS101 'WebSocketManager' imported from legacy path 'app.websocket_core.websocket_manager', allowed before "
    "2026-03-31 - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'; "
    "see issue 1182 (fixable with 'ssot-ws fix')"
)
SWS001 = SWS101.replace("SWS101", "SWS001").replace("legacy path", "non-canonical path")
SWS001 = SWS001.replace(", allowed before 2026-03-31", "").replace("'; see", "'; deadline 2026-03-31 passed; see")
CHECK = ["check", "--no-cache", "--today", "2026-04-01"]  # past the deadline: SWS001, an error
GRACE = ["check", "--no-cache", "--today", "2026-01-01"]  # before it: SWS101, a warning


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    write_tree(tmp_path, EXAMPLE_EXEMPT_FILES)
    app = tmp_path / "app"
    (app / "migrations").mkdir(parents=True)
    (app / "views.py").write_text("import os\n" + LEGACY)
    (app / "clean.py").write_text("import os\n")
    (app / "migrations/m1.py").write_text(LEGACY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_findings_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(CHECK) == 1
    assert capsys.readouterr() == (f"app/migrations/m1.py:1:50: {SWS001}\napp/views.py:2:50: {SWS001}\n", "")


def test_warnings_are_shown_and_exit_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A legacy import before its deadline: the same line as any finding, and no failure."""
    assert main(GRACE) == 0
    assert capsys.readouterr() == (f"app/migrations/m1.py:1:50: {SWS101}\napp/views.py:2:50: {SWS101}\n", "")


def test_clean_exit_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CHECK, "app/clean.py"]) == 0
    assert capsys.readouterr() == ("", "")


def test_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CHECK, "--exit-zero", "app/views.py"]) == 0
    assert capsys.readouterr().out == f"app/views.py:2:50: {SWS001}\n"


def test_today_moves_past_the_deadline(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--today", "2026-03-31", "app/views.py"]) == 1
    assert capsys.readouterr().out == f"app/views.py:2:50: {SWS001}\n"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(["--extend-exclude", "migrations"], ["app/views.py"], id="extend-exclude"),
        pytest.param(["--extend-exclude", "app/mig*,*.txt"], ["app/views.py"], id="comma-separated-path-glob"),
        pytest.param(["--exclude", "views.py", "--exclude", "x"], ["app/migrations/m1.py"], id="exclude"),
        pytest.param(
            ["--extend-exclude", "migrations", "app/migrations/m1.py"],
            ["app/migrations/m1.py"],
            id="named-file-despite-exclude",
        ),
    ],
)
def test_excludes(project: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: list[str]) -> None:
    assert main([*CHECK, *options]) == 1
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["nope.py"], "argument PATH: no such file or directory: 'nope.py'", id="missing-path"),
        pytest.param(
            ["--today", "2026-3-31"],
            "argument --today: expected a date like 2026-03-31, got '2026-3-31'",
            id="today-format",
        ),
        pytest.param(
            ["--today", "2026-02-30"],
            "argument --today: expected a date like 2026-03-31, got '2026-02-30'",
            id="today-no-such-day",
        ),
        pytest.param(["--jobs", "0"], "argument --jobs: expected a positive integer, got '0'", id="jobs"),
        pytest.param(
            ["--output-format", "xml"],
            "argument --output-format/--format: invalid choice: 'xml' (choose from 'github', 'json', 'sarif', 'text')",
            id="format",
        ),
    ],
)
def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(["check", *argv]) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message} (see 'ssot-ws check --help')\n")


def test_no_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert capsys.readouterr().err.startswith("ssot-ws: error: no registry found")


def test_problems_are_listed_and_counted_without_changing_the_exit_code(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "app/broken.py").write_text(LEGACY + "def f(:\n")
    (project / "app/bad.py").write_bytes(b"# coding: rot13\n" + LEGACY.encode())
    assert main([*CHECK, "app/broken.py", "app/bad.py", "app/clean.py"]) == 0
    assert capsys.readouterr().err == (
        "app/bad.py: LookupError: 'rot13' is not a text encoding; use codecs.decode() to handle arbitrary codecs\n"
        "app/broken.py: SyntaxError: invalid syntax (line 2)\n"
        "ssot-ws: 2 files could not be read or parsed\n"
    )
    assert main([*CHECK, "app/broken.py", "app/views.py"]) == 1
    assert capsys.readouterr() == (
        f"app/views.py:2:50: {SWS001}\n",
        "app/broken.py: SyntaxError: invalid syntax (line 2)\nssot-ws: 1 file could not be read or parsed\n",
    )


@pytest.mark.parametrize(
    ("output_format", "starts"),
    [
        pytest.param("text", "app/views.py:2:50: SWS001", id="text"),
        pytest.param("github", "::error file=app/views.py,line=2,col=50,title=SWS001::SWS001", id="github"),
        pytest.param("json", "{", id="json"),
        pytest.param("sarif", "{", id="sarif"),
    ],
)
def test_output_formats_and_statistics(
    project: Path, capsys: pytest.CaptureFixture[str], output_format: str, starts: str
) -> None:
    assert main([*CHECK, "--output-format", output_format, "--statistics", "app/views.py"]) == 1
    out, err = capsys.readouterr()
    statistics = f"1     SWS001 {SWS001.partition(' ')[2]}\n"
    assert out.startswith(starts)
    if output_format == "text":
        assert (out, err) == (f"app/views.py:2:50: {SWS001}\n{statistics}", "")
    else:  # statistics would corrupt a machine-readable stdout
        assert err == statistics
        assert statistics not in out
    if output_format in ("json", "sarif"):
        json.loads(out)


def test_cache_is_used_by_default(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--today", "2026-04-01"]) == 1
    cold = capsys.readouterr()
    assert len(list((project / ".ssot-ws-cache").glob("v3-*.json"))) == 1
    assert main(["check", "--today", "2026-04-01"]) == 1
    assert capsys.readouterr() == cold


def test_jobs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CHECK, "--jobs", "2"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_python_dash_m(project: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8_ssot_ws", *CHECK, "app/views.py"], capture_output=True, text=True, check=False
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (1, f"app/views.py:2:50: {SWS001}\n", "")


# --- grace codes and selection ---------------------------------------------------------------

SWS003 = (
    "SWS003 module 'app.websocket_core.websocket_manager' imported as a module - import names from their "
    "canonical path instead"
)
MIXED = "import app.websocket_core.websocket_manager\n" + LEGACY  # an SWS003 (error) and an SWS101 (warning)


@pytest.mark.parametrize(
    ("argv", "code", "out"),
    [
        pytest.param([], 1, f"app/mixed.py:1:8: {SWS003}\napp/mixed.py:2:50: {SWS101}\n", id="default: both shown"),
        pytest.param(["--select", "SWS101"], 1, f"app/mixed.py:2:50: {SWS101}\n",
                     id="selected by name: the warning is an error (flake8 reports it)"),
        pytest.param(["--extend-ignore", "SWS003"], 0, f"app/mixed.py:2:50: {SWS101}\n",
                     id="only the warning left: exit 0"),
        pytest.param(["--extend-ignore", "SWS101"], 1, f"app/mixed.py:1:8: {SWS003}\n", id="warning hidden"),
        pytest.param(["--extend-select", "SWS101", "--extend-ignore", "SWS003"], 1, f"app/mixed.py:2:50: {SWS101}\n",
                     id="--extend-select makes the warning fail the run"),
        pytest.param(["--ignore", "SWS003"], 1, f"app/mixed.py:2:50: {SWS101}\n",
                     id="--ignore replaces the default ignore list, as in flake8: an error"),
        pytest.param(["--select", "SWS00"], 1, f"app/mixed.py:1:8: {SWS003}\n", id="a prefix"),
        pytest.param(["--select", "SWS001,SWS002", "--extend-select", "SWS9"], 0, "", id="nothing selected found"),
        pytest.param(["--select", " SWS003 , ,SWS005"], 1, f"app/mixed.py:1:8: {SWS003}\n",
                     id="spaces and empty items, as flake8 takes them"),
        pytest.param(["--extend-ignore", "SWS003", "--extend-ignore", "SWS101"], 0, "",
                     id="the --extend- options are repeatable"),
    ],
)  # fmt: skip
def test_selection(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, out: str) -> None:
    (project / "app/mixed.py").write_text(MIXED)
    assert main([*GRACE, *argv, "app/mixed.py"]) == code
    assert capsys.readouterr() == (out, "")


@pytest.mark.parametrize(
    ("output_format", "out"),
    [
        pytest.param(
            "github",
            f"::error file=app/mixed.py,line=1,col=8,title=SWS003::{SWS003}\n"
            f"::warning file=app/mixed.py,line=2,col=50,title=SWS101::{SWS101}\n",
            id="github: ::warning",
        ),
        pytest.param("json", ["error", "warning"], id="json: severity"),
        pytest.param("sarif", ["error", "warning"], id="sarif: result level"),
    ],
)
def test_warnings_in_every_format(project: Path, capsys: pytest.CaptureFixture[str], output_format, out) -> None:
    (project / "app/mixed.py").write_text(MIXED)
    assert main([*GRACE, "--output-format", output_format, "app/mixed.py"]) == 1
    printed = capsys.readouterr().out
    if output_format == "github":
        assert printed == out
    elif output_format == "json":
        assert [finding["severity"] for finding in json.loads(printed)["findings"]] == out
    else:
        assert [result["level"] for result in json.loads(printed)["runs"][0]["results"]] == out


def test_statistics_count_warnings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*GRACE, "--statistics"]) == 0
    assert capsys.readouterr() == (
        f"app/migrations/m1.py:1:50: {SWS101}\napp/views.py:2:50: {SWS101}\n2     {SWS101}\n",
        "",
    )


def test_the_cache_holds_every_finding_whatever_the_selection(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Selection is applied after the cache: a run with --select stores all findings, and the
    next run (cached, another selection) reports what an uncached run reports."""
    (project / "app/mixed.py").write_text(MIXED)
    cached = ["check", "--today", "2026-01-01", "app/mixed.py"]
    assert main([*cached, "--select", "SWS003"]) == 1
    assert capsys.readouterr().out == f"app/mixed.py:1:8: {SWS003}\n"
    assert main([*cached, "--extend-ignore", "SWS003"]) == 0
    warm = capsys.readouterr()
    assert main([*GRACE, "--extend-ignore", "SWS003", "app/mixed.py"]) == 0
    assert warm == capsys.readouterr() == (f"app/mixed.py:2:50: {SWS101}\n", "")


# --- what is (not) checked ------------------------------------------------------------------------

NO_FILES = (
    "ssot-ws: warning: no Python files found under the given paths (git-ignored, excluded and non-Python files "
    "are skipped)\n"
)


def test_a_named_file_that_is_not_python_is_skipped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "notes.txt").write_text(LEGACY)
    (project / "manage").write_text("#!/usr/bin/env python\n" + LEGACY)  # pre-commit passes it: Python
    assert main([*CHECK, "ssot-registry.toml", "notes.txt", "manage"]) == 1
    assert capsys.readouterr() == (
        f"manage:2:50: {SWS001}\n",
        "ssot-registry.toml: skipped: not a Python file\nnotes.txt: skipped: not a Python file\n",
    )
    assert main([*CHECK, "notes.txt"]) == 0
    assert capsys.readouterr() == ("", f"notes.txt: skipped: not a Python file\n{NO_FILES}")


def test_a_run_that_checks_no_file_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An explicitly named folder that git ignores: git lists nothing in it."""
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("generated/\n")
    (project / "generated").mkdir()
    (project / "generated/m.py").write_text(LEGACY)
    assert main([*CHECK, "generated"]) == 0
    assert capsys.readouterr() == ("", NO_FILES)


# --- SARIF: UTF-16 columns, the repository root -----------------------------------------------------

NON_ASCII = "x = 'é𝄞'; " + LEGACY  # 'é' is 2 bytes and 1 unit, '𝄞' 4 bytes and 2 units


@pytest.mark.parametrize("cached", [pytest.param(False, id="checked"), pytest.param(True, id="from the cache")])
def test_sarif_columns_are_utf16_text_columns_flake8s(
    project: Path, capsys: pytest.CaptureFixture[str], cached: bool
) -> None:
    (project / "app/wide.py").write_text(NON_ASCII, encoding="utf-8")
    run = ["check", "--today", "2026-04-01", "app/wide.py"]
    if cached:
        assert main(run) == 1  # fills the cache
        capsys.readouterr()
    assert main([*run, "--output-format", "sarif"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    byte_column = len("x = 'é𝄞'; from app.websocket_core.websocket_manager import ".encode()) + 1
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": byte_column - 3}
    assert main(run) == 1
    assert capsys.readouterr().out == f"app/wide.py:1:{byte_column}: {SWS001}\n"  # flake8's column


@pytest.mark.parametrize(
    ("positions", "utf16"),
    [
        pytest.param([(1, 12), (1, 14)], [9, 11], id="findings along a line: each counted on from the one before"),
        pytest.param([(1, 14), (1, 12)], [11, 9], id="out of order: counted from the line's start again"),
        pytest.param([(2, 3), (1, 14)], [None, 11], id="an ASCII line: no UTF-16 column"),
        pytest.param([(1, 3), (1, 12)], [None, 9], id="before the wide characters: no UTF-16 column"),
    ],
)
def test_utf16_columns(positions: list[tuple[int, int]], utf16: list[int | None]) -> None:
    lines = ["x = 'é𝄞'; a; b\n", "y = 1\n"]  # 'x = 'é𝄞'' is 12 bytes, 9 UTF-16 units
    findings = [Finding(line, col, "SWS001", "SWS001 m", "g") for line, col in positions]
    assert [finding.utf16_col for finding in _with_utf16_columns(findings, lines)] == utf16


def test_sarif_uris_from_a_subfolder_are_relative_to_the_work_tree(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    monkeypatch.chdir(project / "app")
    assert main([*CHECK, "--output-format", "sarif", "views.py"]) == 1
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert (artifact, run["originalUriBaseIds"]) == (
        {"uri": "app/views.py", "uriBaseId": "%SRCROOT%"},
        {"%SRCROOT%": {"uri": f"{project.as_uri()}/"}},
    )


def test_github_annotates_files_that_could_not_be_checked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "app/broken.py").write_text(LEGACY + "def f(:\n")
    assert main([*CHECK, "--output-format", "github", "app/broken.py"]) == 0
    assert capsys.readouterr().out == (
        "::warning file=app/broken.py,title=ssot-ws::not checked: SyntaxError: invalid syntax (line 2)\n"
    )


@pytest.mark.parametrize(
    ("git", "cwd", "paths", "file", "shown"),
    [
        pytest.param(True, "app", ["views.py", "broken.py"], "app/", "", id="from a subfolder of a git repository"),
        pytest.param(True, "", ["app/views.py", "app/broken.py"], "app/", "app/", id="from the top of the repository"),
        pytest.param(False, "app", ["views.py", "broken.py"], "", "", id="outside git: relative to the cwd, as SARIF"),
    ],
)
def test_github_files_are_relative_to_the_work_tree(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    git: bool,
    cwd: str,
    paths: list[str],
    file: str,
    shown: str,
) -> None:
    """``file=`` is what GitHub resolves: relative to the repository root (a job whose
    ``working-directory`` is a service's folder annotates the right files); stderr keeps the
    paths as the user gave them."""
    if git:
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "app/broken.py").write_text(LEGACY + "def f(:\n")
    monkeypatch.chdir(project / cwd)
    assert main([*CHECK, "--output-format", "github", *paths]) == 1
    out = (
        f"::error file={file}views.py,line=2,col=50,title=SWS001::{SWS001}\n"
        f"::warning file={file}broken.py,title=ssot-ws::not checked: SyntaxError: invalid syntax (line 2)\n"
    )
    err = f"{shown}broken.py: SyntaxError: invalid syntax (line 2)\nssot-ws: 1 file could not be read or parsed\n"
    assert capsys.readouterr() == (out, err)


# --- the README's section is true -------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def readme_section() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8").split("## ssot-ws check\n", 1)[1].split("\n## ", 1)[0]


def test_readme_documents_every_option() -> None:
    from flake8_ssot_ws.commands.cli import build_parser

    parser = build_parser()
    (subparsers,) = [action for action in parser._actions if action.dest == "command"]
    check = subparsers.choices["check"]  # type: ignore[attr-defined]
    options = [o for action in check._actions for o in action.option_strings if o.startswith("--") and o != "--help"]
    section = readme_section()
    assert [option for option in options if f"`{option}" not in section] == []


def test_readme_output_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run where README says, in example/ of a repository (a copy: github's paths depend on where
    the work tree's top is, and this checkout may not be one)."""
    shutil.copytree(ROOT / "example", tmp_path / "example", ignore=shutil.ignore_patterns(".ssot-ws-cache"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path / "example")
    section = readme_section()
    assert main(["check", "--no-cache"]) == 1
    text = capsys.readouterr().out.splitlines()
    shown = section.split("$ cd example && ssot-ws check\n", 1)[1].split("\n...", 1)[0].splitlines()
    assert shown == text[: len(shown)]
    assert main(["check", "--no-cache", "--output-format", "github"]) == 1
    assert capsys.readouterr().out.splitlines()[0] in section
