"""``ssot-ws check`` end to end through ``main([...])``: options, output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from tests.conftest import EXAMPLE_EXEMPT_FILES
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
SWS101 = (
    "SWS101 'WebSocketManager' imported from legacy path 'app.websocket_core.websocket_manager', allowed until "
    "2026-03-31 - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'; "
    "see issue 1182 (fixable with 'ssot-ws fix')"
)
SWS001 = SWS101.replace("SWS101", "SWS001").replace("legacy path", "non-canonical path")
SWS001 = SWS001.replace(", allowed until 2026-03-31", "")
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


def test_readme_output_is_real(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT / "example")
    section = readme_section()
    assert main(["check", "--no-cache"]) == 1
    text = capsys.readouterr().out.splitlines()
    shown = section.split("$ cd example && ssot-ws check\n", 1)[1].split("\n...", 1)[0].splitlines()
    assert shown == text[: len(shown)]
    assert main(["check", "--no-cache", "--output-format", "github"]) == 1
    assert capsys.readouterr().out.splitlines()[0] in section
