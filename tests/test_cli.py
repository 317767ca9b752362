"""The ``ssot-ws`` dispatcher: one line per usage error, subcommands loaded lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flake8_ssot_ws.commands.cli import main

LAZY_PROBE = """
import sys
from flake8_ssot_ws.commands.cli import main
code = main(["check", "--registry", "ssot-registry.toml", "app/routes/clean.py"])
lazy = ("flake8_ssot_ws.fix.rewrite", "flake8_ssot_ws.report.compliance", "tokenize_rt", "difflib")
loaded = sorted(m for m in lazy if m in sys.modules)
print(code, loaded)
"""


def test_check_does_not_import_the_other_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], cwd="example", capture_output=True, text=True, check=True
    )
    assert result.stdout == "0 []\n"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param([], "ssot-ws: error: the following arguments are required: COMMAND", id="no command"),
        # argparse quotes the choices differently across Python versions: compare the stable part.
        pytest.param(["chek"], "ssot-ws: error: argument COMMAND: invalid choice: 'chek'", id="unknown command"),
    ],
)
def test_usage_errors_are_one_line(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected)
    assert err.endswith(" (see 'ssot-ws --help')\n")
    assert err.count("\n") == 1


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("check", "fix", "report", "registry"):
        assert f"    {name} " in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["check", "--registry", "nope.toml"],
            "ssot-ws: error: --registry nope.toml: no such file\n",
            id="missing registry file",
        ),
    ],
)
def test_registry_usage_errors(
    argv: list[str],
    expected: str,
    tmp_path: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr().err == expected


def test_no_registry_found_is_a_usage_error(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"ssot-ws: error: no registry found (searched {tmp_path} and its {len(tmp_path.parents)} parent folders): "
        "add [tool.flake8-ssot-ws] to pyproject.toml, create ssot-registry.toml, or pass --registry PATH\n"
    )


def test_force_without_write_baseline_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not silently ignored: the user meant to record a baseline."""
    monkeypatch.chdir("example")
    assert main(["check", "--force", "app/routes/clean.py"]) == 2
    assert capsys.readouterr() == ("", "ssot-ws: error: --force only applies to --write-baseline\n")


def test_main_reads_sys_argv_by_default(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir("example")
    monkeypatch.setattr(sys, "argv", ["ssot-ws", "check", "app/routes/clean.py"])
    assert main() == 0
    assert capsys.readouterr() == ("", "")
