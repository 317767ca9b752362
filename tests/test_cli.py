"""The ``ssot-ws`` dispatcher: one line per usage error, subcommands loaded lazily."""

from __future__ import annotations

import argparse
import errno
import importlib.metadata
import io
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands import cli
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


# What a pre-commit run (`check --no-cache FILES`) imports: its start-up is most of its cost
# (issue 12). A module added here needs a reason; the forbidden ones are each some
# milliseconds of every run that a check of a few files does not need.
CHECK_FILES_MODULES = [
    "flake8_ssot_ws", "flake8_ssot_ws.commands", "flake8_ssot_ws.commands.check", "flake8_ssot_ws.commands.cli",
    "flake8_ssot_ws.commands.formats", "flake8_ssot_ws.core", "flake8_ssot_ws.core.checks",
    "flake8_ssot_ws.core.checks.attribute_path", "flake8_ssot_ws.core.checks.construction",
    "flake8_ssot_ws.core.checks.dynamic_import", "flake8_ssot_ws.core.codes", "flake8_ssot_ws.core.context",
    "flake8_ssot_ws.core.expressions", "flake8_ssot_ws.core.findings", "flake8_ssot_ws.core.imports",
    "flake8_ssot_ws.core.locate",  # the full parse visits what the text points at
    "flake8_ssot_ws.core.noqa", "flake8_ssot_ws.core.outcome", "flake8_ssot_ws.core.prefilter",
    "flake8_ssot_ws.core.rules",
    "flake8_ssot_ws.core.selection", "flake8_ssot_ws.core.triggers", "flake8_ssot_ws.errors", "flake8_ssot_ws.fast",
    "flake8_ssot_ws.fast.lexer", "flake8_ssot_ws.fast.noqa", "flake8_ssot_ws.fast.shortcut",
    "flake8_ssot_ws.reading",  # the registry, read without waiting on a FIFO
    "flake8_ssot_ws.registry", "flake8_ssot_ws.registry.load", "flake8_ssot_ws.registry.model",
    "flake8_ssot_ws.registry.schema", "flake8_ssot_ws.scan", "flake8_ssot_ws.scan.cache",
    "flake8_ssot_ws.scan.checker", "flake8_ssot_ws.scan.discovery", "flake8_ssot_ws.scan.exempt_globs",
    "flake8_ssot_ws.scan.project", "flake8_ssot_ws.scan.runner",
]  # fmt: skip
NOT_FOR_A_FEW_FILES = [
    "configparser", "dataclasses", "difflib", "hashlib", "importlib.metadata", "inspect", "json", "multiprocessing",
    "subprocess", "tempfile", "tokenize", "tokenize_rt",
    # Python 3.9's bz2 imports threading, and argparse's help formatter imports it (via shutil).
    *(["threading"] if sys.version_info >= (3, 10) else []),
]  # fmt: skip
# Only what the run imports counts: not what the interpreter's start-up (site) already holds.
IMPORTS_PROBE = """
import sys
before = set(sys.modules)
from flake8_ssot_ws.commands.cli import main
code = main(sys.argv[1:])
print(code, sorted(m for m in sys.modules if m.startswith("flake8_ssot_ws")))
print(sorted(m for m in {forbidden!r} if m in sys.modules and m not in before))
"""


@pytest.mark.parametrize(
    ("paths", "code", "stderr", "tokenizes"),
    [
        pytest.param(["app/routes/clean.py"], 0, "", False, id="a clean file"),
        # A finding on a file that says "noqa": fast/noqa.py tokenizes the findings' lines.
        pytest.param(["app/routes/events.py", "app/services/agent_bridge.py"], 1, "", True, id="files with findings"),
        pytest.param(["app/services/agent_bridge.py"], 1, "", False, id="findings, no noqa: no tokenizer"),
        pytest.param(
            ["app/routes/clean.py", "ssot-registry.toml"], 0, "ssot-registry.toml: skipped: not a Python file\n",
            False, id="a file that is not Python too",
        ),
    ],
)  # fmt: skip
def test_check_of_a_few_files_imports_only_what_it_needs(
    paths: list[str], code: int, stderr: str, tokenizes: bool
) -> None:
    argv = ["check", "--registry", "ssot-registry.toml", "--no-cache", *paths]
    probe = IMPORTS_PROBE.format(forbidden=NOT_FOR_A_FEW_FILES)
    result = subprocess.run([sys.executable, "-c", probe, *argv], cwd="example", capture_output=True, text=True)
    # Python 3.9's aliases have no positions: their tokens give them (core/imports.py).
    tokenized = ["tokenize"] if tokenizes or sys.version_info < (3, 10) else []
    expected = [f"{code} {CHECK_FILES_MODULES}", str(tokenized)]
    assert (result.stdout.splitlines()[-2:], result.stderr) == (expected, stderr)


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
    assert capsys.readouterr() == (
        "",
        "ssot-ws: error: --force only applies to --write-baseline (see 'ssot-ws check --help')\n",
    )


def test_main_reads_sys_argv_by_default(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir("example")
    monkeypatch.setattr(sys, "argv", ["ssot-ws", "check", "app/routes/clean.py"])
    assert main() == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["check", "--formt", "json"],
            "unknown option --formt, did you mean --format? (see 'ssot-ws check --help')",
            id="a near option is named; its value is not taken for a missing file",
        ),
        pytest.param(
            ["check", "--selct=SWS001"],
            "unknown option --selct, did you mean --select? (see 'ssot-ws check --help')",
            id="option=value",
        ),
        pytest.param(
            ["check", "--no-such-thing"], "unknown option --no-such-thing (see 'ssot-ws check --help')", id="none near"
        ),
        pytest.param(
            ["report", "--fail-undr", "80"],
            "unknown option --fail-undr, did you mean --fail-under? (see 'ssot-ws report --help')",
            id="report",
        ),
        pytest.param(
            ["registry", "docs/r.md"],
            "argument PATH: no such file or directory: 'docs/r.md' (see 'ssot-ws registry --help')",
            id="a stray argument: the subcommand's help",
        ),
        pytest.param(
            ["check", "nope.py"],
            "argument PATH: no such file or directory: 'nope.py' (see 'ssot-ws check --help')",
            id="a missing path is still a missing path",
        ),
        pytest.param(
            ["fix", "--check", "--diff"],
            "argument --diff: not allowed with argument --check (see 'ssot-ws fix --help')",
            id="argparse's own errors",
        ),
        pytest.param(
            ["check", "--select", "E501"],
            "argument --select: no code starts with 'E501' (the codes: SWS001-SWS008, SWS101, SWS900) "
            "(see 'ssot-ws check --help')",
            id="a code of another tool selects nothing: an error",
        ),
        pytest.param(
            ["fix", "--extend-ignore", "sws101"],
            "argument --extend-ignore: no code starts with 'sws101' (the codes: SWS001-SWS008, SWS101, SWS900) "
            "(see 'ssot-ws fix --help')",
            id="codes are case-sensitive, as in flake8",
        ),
    ],
)
def test_unknown_options_are_named(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir("example")
    assert main(argv) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message}\n")


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        pytest.param(["check", "--format", "json", "app/routes/clean.py"], "{", id="check --format"),
        pytest.param(["check", "--output-format", "json", "app/routes/clean.py"], "{", id="check --output-format"),
        pytest.param(["report", "--output-format", "json"], "{", id="report --output-format"),
        pytest.param(["report", "--format", "json"], "{", id="report --format"),
        pytest.param(["registry", "--output-format", "json"], "{", id="registry --output-format"),
        pytest.param(["registry", "--format", "json"], "{", id="registry --format"),
    ],
)
def test_both_spellings_of_the_output_format(
    argv: list[str], first_line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir("example")
    assert main([*argv, "--no-cache"] if argv[0] != "registry" else argv) == 0
    assert capsys.readouterr().out.splitlines()[0] == first_line


VERSION_PROBE = """
import sys
from flake8_ssot_ws.commands.cli import COMMANDS, main
try:
    main(sys.argv[1:])
finally:
    print(sorted(name for name, module in COMMANDS.items() if module in sys.modules))
"""


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--version"], id="alone"),
        pytest.param(["--version", "check"], id="before a command: it exits before the command is parsed"),
        pytest.param(["--version", "--no-such-option"], id="before an unknown option"),
    ],
)
def test_version(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    python = f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}"
    assert (exit_info.value.code, capsys.readouterr()) == (
        0,
        (f"ssot-ws {importlib.metadata.version('flake8-ssot-ws')} ({python})\n", ""),
    )


@pytest.mark.parametrize(
    ("argv", "loaded"),
    [
        pytest.param(["--version"], [], id="--version loads no command"),
        pytest.param(["--version", "check"], [], id="--version before a command loads none either"),
        pytest.param(["check", "--version"], ["check"], id="after a command: its unknown option, the command loaded"),
    ],
)
def test_version_imports_no_command_module(argv: list[str], loaded: list[str]) -> None:
    result = subprocess.run([sys.executable, "-c", VERSION_PROBE, *argv], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == str(loaded)


def test_deleted_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert main(["check"]) == 2
    assert capsys.readouterr() == ("", "ssot-ws: error: the current directory does not exist any more (deleted?)\n")


class _FailingStdout(io.StringIO):
    """A stdout whose writes fail as a full disk (or a closed pipe) makes them fail."""

    def __init__(self, code: int, devnull: int) -> None:
        super().__init__()
        self.code, self.devnull = code, devnull

    def write(self, text: str) -> int:
        raise OSError(self.code, os.strerror(self.code))

    def fileno(self) -> int:
        return self.devnull


@pytest.mark.parametrize(
    ("code", "exit_code", "err"),
    [
        pytest.param(errno.ENOSPC, 2, "ssot-ws: error: cannot write the output: No space left on device\n", id="full"),
        pytest.param(errno.EPIPE, 1, "", id="closed pipe (| head): nothing to say"),
    ],
)
def test_output_that_cannot_be_written(
    code: int, exit_code: int, err: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir("example")
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        monkeypatch.setattr(sys, "stdout", _FailingStdout(code, devnull))
        assert main(["check", "--no-cache"]) == exit_code
    finally:
        os.close(devnull)
    assert capsys.readouterr().err == err


def test_other_os_errors_are_not_taken_for_output_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug stays visible (a traceback), not dressed up as an output problem."""
    monkeypatch.chdir("example")
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        monkeypatch.setattr(sys, "stdout", _FailingStdout(errno.EACCES, devnull))
        with pytest.raises(PermissionError):
            main(["check", "--no-cache"])
    finally:
        os.close(devnull)


@pytest.mark.parametrize(
    ("shell", "exit_code", "err"),
    [
        pytest.param("ssot-ws check > /dev/full", 2,
                     "ssot-ws: error: cannot write the output: No space left on device\n", id="a full disk"),
        pytest.param("ssot-ws check | head -c 0", 1, "", id="a reader that stops at once: quiet"),
    ],
)  # fmt: skip
def test_output_errors_as_a_shell_sees_them(shell: str, exit_code: int, err: str) -> None:
    """The real thing, in a process: no traceback at exit, when the interpreter flushes."""
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(
        ["bash", "-c", f"{shell}; exit ${{PIPESTATUS[0]}}"], cwd="example", env=env, capture_output=True, text=True
    )
    assert (completed.returncode, completed.stderr) == (exit_code, err)


@pytest.mark.parametrize(
    ("argv", "paths"),
    [
        pytest.param(["check", "--no-cache"], ["."], id="none given: the default"),
        pytest.param(["check", "--no-cache", "app/routes"], ["app/routes"], id="after the options"),
        pytest.param(["check", "app/routes", "--no-cache", "app/services"], ["app/routes", "app/services"],
                     id="before and after an option: all of them, as flake8 and ruff take them"),
        pytest.param(["check", "--no-cache", "app/routes", "--statistics", "app/services"],
                     ["app/routes", "app/services"], id="after two options"),
        pytest.param(["check", ".", "--no-cache", "app"], [".", "app"], id="an explicit '.' stays"),
        pytest.param(["registry", "--verify", "app", "--output-format", "json", "docs"], ["app", "docs"],
                     id="registry --verify"),
    ],
)  # fmt: skip
def test_paths_before_and_after_options(argv: list[str], paths: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("example")
    assert cli.parse(argv).paths == paths


def test_unrecognized_arguments_that_are_not_options() -> None:
    """A command without path arguments (none has one today) names the strays as argparse does."""
    parser = argparse.ArgumentParser(prog="x")
    assert cli._unknown(parser, ["a", "b"]) == "unrecognized arguments: a b"


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        pytest.param(["check", "--write-baseline="], "--write-baseline", id="check --write-baseline ''"),
        pytest.param(["check", "--baseline="], "--baseline", id="check --baseline ''"),
        pytest.param(["check", "--cache-dir="], "--cache-dir", id="check --cache-dir ''"),
        pytest.param(["fix", "--baseline="], "--baseline", id="fix --baseline ''"),
        pytest.param(["report", "--badge="], "--badge", id="report --badge ''"),
        pytest.param(["report", "--baseline="], "--baseline", id="report --baseline ''"),
        pytest.param(["report", "--history", "--chart="], "--chart", id="report --chart ''"),
        pytest.param(["init", "--watch", "X", "--output="], "--output", id="init --output ''"),
        pytest.param(["registry", "--check="], "--check", id="registry --check ''"),
    ],
)
def test_an_empty_path_option_is_a_usage_error(
    argv: list[str], option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by an eighth trial: `--write-baseline "$UNSET"` in a CI line wrote nothing, said
    nothing, and the job went on as a plain check."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr() == (
        "",
        f"ssot-ws: error: argument {option}: expected a path, got '' (see 'ssot-ws {argv[0]} --help')\n",
    )
