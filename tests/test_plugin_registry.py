"""The flake8 plugin and the registry it did not find, or found broken (issue 13 items 3, 4).

The plugin is installed for projects that do not use it too: nothing found is silence, a
discovered file that cannot be read or parsed is one warning, and neither breaks a flake8 run
(``flake8 --select E``) -- unless ``--ssot-require-registry`` asks for a check (the
``ssot-ws-flake8`` hook does). A registry named with ``--ssot-registry`` must work.

Real flake8, in a subprocess: the exit code and both streams are what a user sees.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.plugin import Plugin
from tests.conftest import write_tree
from tests.test_registry_location import GROUP
from tests.test_registry_location import NO_REGISTRY
from tests.test_registry_location import PASSED_OVER
from tests.test_registry_location import SWS001
from tests.test_registry_location import searched

FLAKE8 = str(Path(sys.executable).with_name("flake8"))
LEGACY = "from app.old import Manager\n"
FINDING = f"app/x.py:1:21: {SWS001} (fixable with 'ssot-ws fix')\n"
BROKEN_REGISTRY = "{tmp}/ssot-registry.toml:1:7: invalid TOML: Expected ']' at the end of a table declaration"
BROKEN_PYPROJECT = "{tmp}/pyproject.toml:1:9: invalid TOML: Expected ']' at the end of a table declaration"
NOT_A_STATEMENT_END = (
    "Expected newline or end of document after a statement"
    " (a deadline is a TOML date, YYYY-MM-DD with leading zeros, like 2026-03-31, unquoted)"
)
BROKEN_APP_PYPROJECT = BROKEN_PYPROJECT.replace("{tmp}", "{tmp}/app")
MENTIONS_US = "[project\ndependencies = ['flake8-ssot-ws']\n"  # broken at 1:9, spelling the tool's name
NAMED_BY_SETUP_CFG = "--ssot-registry {tmp}/cfg/rules.toml (named by ssot-registry in {tmp}/setup.cfg)"
NEAR_MISS = "ssot-registry.toml (found {tmp}/ssot_registry.toml)"
REQUIRE = "--ssot-require-registry"


def flake8(cwd: Path, *args: str) -> tuple[str, str, int]:
    result = subprocess.run([FLAKE8, "--isolated", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return result.stdout, result.stderr, result.returncode


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        pytest.param({}, ["--select", "SWS"], ("", "", 0), id="no registry: silent"),
        pytest.param(
            {}, ["--select", "SWS", REQUIRE],
            ("", "flake8-ssot-ws: " + NO_REGISTRY + "\n", 2),
            id="no registry, required: the ssot-ws message, exit 2",
        ),
        pytest.param(
            {"ssot_registry.toml": GROUP}, ["--select", "SWS", REQUIRE],
            ("", f"flake8-ssot-ws: {NO_REGISTRY}; did you mean {NEAR_MISS}?\n", 2),
            id="required: the near miss is named",
        ),
        pytest.param(
            {"setup.cfg": "[flake8]\nssot-registry = cfg/rules.toml\n"}, ["--select", "SWS", REQUIRE],
            ("", f"flake8-ssot-ws: {NO_REGISTRY}; did you mean {NAMED_BY_SETUP_CFG}?\n", 2),
            id="required: a registry named by a flake8 configuration flake8 did not read, as the plugin's option",
        ),
        pytest.param(
            {"ssot-registry.toml": "[group\n"}, ["--select", "E,SWS"],
            ("", f"flake8-ssot-ws: {BROKEN_REGISTRY}\n", 2),
            id="a discovered registry that does not parse: the project uses the tool, so exit 2, not a silent pass",
        ),
        pytest.param(
            {"ssot-registry.toml": "[group\n"}, ["--select", "SWS", REQUIRE],
            ("", f"flake8-ssot-ws: {BROKEN_REGISTRY}\n", 2),
            id="... and required: the same error",
        ),
        pytest.param(
            {"pyproject.toml": "[tool.flake8-ssot-ws]\nexempt = [\n"}, ["--select", "E"],
            ("", "flake8-ssot-ws: {tmp}/pyproject.toml:3:1: invalid TOML: Invalid value\n", 2),
            id="a broken pyproject.toml that names the table: the registry, exit 2",
        ),
        pytest.param(
            {"ssot-registry.toml": "[[group]]\nname = 'g'\ncanonical = ['from a import B']\n[[group.legacy]]\n"
             "import = 'from c import B'\ndeadline = 2026-3-31\n"}, ["--select", "E"],
            ("", f"flake8-ssot-ws: {{tmp}}/ssot-registry.toml:6:16: invalid TOML: {NOT_A_STATEMENT_END}\n", 2),
            id="a deadline that is not a TOML date: exit 2 (it used to pass flake8 silently)",
        ),
        pytest.param(
            {"ssot-registry.toml": "[group\n"}, ["--select", "SWS", "--ssot-registry", "{tmp}/ssot-registry.toml"],
            ("", f"flake8-ssot-ws: {BROKEN_REGISTRY}\n", 2),
            id="named with --ssot-registry: a hard error, exit 2",
        ),
        pytest.param(
            {"ssot-registry.toml": GROUP}, ["--select", "SWS", "--ssot-registry="],
            ("", "flake8-ssot-ws: --ssot-registry: expected a path, got ''\n", 2),
            id="an empty --ssot-registry is an error, as ssot-ws's (found by a ninth trial: it meant discovery)",
        ),
        pytest.param(
            {"ssot-registry.toml": GROUP}, ["--select", "SWS", "--ssot-baseline="],
            ("", "flake8-ssot-ws: --ssot-baseline: expected a path, got ''\n", 2),
            id="an empty --ssot-baseline too (an unset CI variable: no baseline, silently)",
        ),
        pytest.param(
            {"ssot-registry.toml": "exempt = 1\n" + GROUP}, ["--select", "E"],
            ("", "flake8-ssot-ws: {tmp}/ssot-registry.toml:1: exempt: expected an array of strings, got int 1\n", 2),
            id="a registry that parses but is invalid is the project's own configuration: exit 2",
        ),
        pytest.param(
            {"pyproject.toml": "[project\n"}, ["--select", "E"], ("", "", 0),
            id="a broken pyproject.toml of a project that does not use the plugin: silent, flake8 runs (found by an "
            "eighth trial: every flake8 run warned)",
        ),
        pytest.param(
            {"pyproject.toml": MENTIONS_US}, ["--select", "E"],
            ("", f"flake8-ssot-ws: warning: {BROKEN_PYPROJECT} {PASSED_OVER}\n", 0),
            id="one that spells the tool's name (a dependency): a warning, flake8 runs",
        ),
        pytest.param(
            {"pyproject.toml": MENTIONS_US}, ["--select", "SWS", REQUIRE],
            ("", f"flake8-ssot-ws: warning: {BROKEN_PYPROJECT} {PASSED_OVER}\nflake8-ssot-ws: {NO_REGISTRY}\n", 2),
            id="... required: the warning, then no registry found",
        ),
        pytest.param(
            {"pyproject.toml": "[project\n"}, ["--select", "SWS", REQUIRE], ("", f"flake8-ssot-ws: {NO_REGISTRY}\n", 2),
            id="... required, not spelling it: no registry found",
        ),
        pytest.param(
            {"ssot-registry.toml": GROUP}, ["--select", "SWS", REQUIRE], (FINDING, "", 1), id="found: checked"
        ),
    ],
)  # fmt: skip
def test_registry_not_found_or_broken(
    tmp_path: Path, files: dict[str, str], args: list[str], expected: tuple[str, str, int]
) -> None:
    write_tree(tmp_path, {**files, "app/x.py": LEGACY})
    out, err, code = expected
    message = err.format(tmp=tmp_path, searched=searched(tmp_path / "app"), option="--ssot-registry")
    assert flake8(tmp_path, *[arg.format(tmp=tmp_path) for arg in args], "app/x.py") == (out, message, code)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["{tmp}/proj/app/x.py"], id="an absolute file"),
        pytest.param(["--stdin-display-name", "{tmp}/proj/app/x.py", "-"], id="stdin, as editors run it"),
    ],
)
def test_registry_found_from_the_checked_file(tmp_path: Path, args: list[str]) -> None:
    """flake8 run from another folder (an editor's) finds the registry above the file."""
    write_tree(tmp_path, {"proj/ssot-registry.toml": GROUP, "proj/app/x.py": LEGACY})
    (tmp_path / "elsewhere").mkdir()
    argv = [FLAKE8, "--isolated", "--select", "SWS", REQUIRE, *[a.format(tmp=tmp_path) for a in args]]
    result = subprocess.run(argv, cwd=tmp_path / "elsewhere", input=LEGACY, capture_output=True, text=True)
    expected = f"{tmp_path}/proj/app/x.py:1:21: {SWS001} (fixable with 'ssot-ws fix')\n"
    assert (result.stdout, result.stderr, result.returncode) == (expected, "", 1)


@pytest.mark.usefixtures("plugin_state")
def test_warned_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """flake8 parses options again in each worker on spawn platforms, and tests run it twice."""
    (tmp_path / "pyproject.toml").write_text(MENTIONS_US, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    options = argparse.Namespace(ssot_registry=None, ssot_baseline=None, filenames=["-"], stdin_display_name="stdin")
    for _ in range(2):
        Plugin.parse_options(options)
        assert Plugin.registry is None
        assert list(Plugin(ast.parse(LEGACY), "x.py", [LEGACY]).run()) == []
    warning = f"flake8-ssot-ws: warning: {BROKEN_PYPROJECT.format(tmp=tmp_path)} {PASSED_OVER}\n"
    assert capsys.readouterr() == ("", warning)


def test_require_registry_from_the_config_file(tmp_path: Path) -> None:
    """parse_from_config: ``ssot-require-registry = true`` in setup.cfg is the option."""
    write_tree(tmp_path, {"setup.cfg": "[flake8]\nssot-require-registry = true\n", "app/x.py": LEGACY})
    result = subprocess.run([FLAKE8, "--select", "SWS", "app"], cwd=tmp_path, capture_output=True, text=True)
    message = NO_REGISTRY.format(searched=searched(tmp_path / "app"), option="--ssot-registry")
    assert (result.stdout, result.stderr, result.returncode) == ("", f"flake8-ssot-ws: {message}\n", 2)


SPLIT = (
    "no registry found for all the paths together: the paths are under different registries: "
    "app/ssot-registry.toml (app/x.py), lib/ssot-registry.toml (lib/y.py); check each registry's paths "
    "in a run of their own, or pass --ssot-registry PATH"
)


@pytest.mark.usefixtures("plugin_state")
@pytest.mark.parametrize(
    ("files", "filenames", "display", "require", "expected"),
    [
        pytest.param({}, ["app/x.py"], "stdin", False, (None, ""), id="nothing found: silent"),
        pytest.param({}, ["app/x.py"], "stdin", True, (2, "flake8-ssot-ws: " + NO_REGISTRY + "\n"), id="required"),
        pytest.param(
            {"ssot-registry.toml": "[group\n"}, ["app/x.py"], "stdin", True,
            (2, f"flake8-ssot-ws: {BROKEN_REGISTRY}\n"), id="unreadable, required",
        ),
        pytest.param(
            {"app/pyproject.toml": MENTIONS_US, "ssot-registry.toml": GROUP}, ["app/x.py"], "stdin", False,
            ("ssot-registry.toml", f"flake8-ssot-ws: warning: {BROKEN_APP_PYPROJECT} {PASSED_OVER}\n"),
            id="a broken pyproject.toml below the registry: passed over",
        ),
        pytest.param(
            {"app/ssot-registry.toml": GROUP}, ["-"], "app/x.py", False, ("app/ssot-registry.toml", ""),
            id="stdin: from the display name's folder",
        ),
        pytest.param(
            {"ssot-registry.toml": GROUP, "app/ssot-registry.toml": "[group\n"}, ["-"], "stdin", False,
            ("ssot-registry.toml", ""), id="stdin without a name: from the current directory",
        ),
        pytest.param(
            {"app/ssot-registry.toml": GROUP, "lib/ssot-registry.toml": GROUP, "lib/y.py": ""},
            ["app/x.py", "lib/y.py"], "stdin", False,
            (2, f"flake8-ssot-ws: {SPLIT}\n"),
            id="files under two registries and none above both: an error, not a silent pass",
        ),
    ],
)  # fmt: skip
def test_parse_options_in_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    filenames: list[str],
    display: str,
    require: bool,
    expected: tuple[str | int | None, str],
) -> None:
    """The table above in this process (where coverage sees it), through parse_options."""
    write_tree(tmp_path, {**files, "app/x.py": LEGACY})
    monkeypatch.chdir(tmp_path)
    found, err = expected
    message = err.format(tmp=tmp_path, searched=searched(tmp_path / "app"), option="--ssot-registry")
    assert (_parse_options(tmp_path, filenames, display, require), capsys.readouterr().err) == (found, message)


def _parse_options(root: Path, filenames: list[str], display: str, require: bool) -> str | int | None:
    """The registry parse_options found (relative to ``root``), None, or the exit code."""
    options = argparse.Namespace(
        ssot_registry=None, ssot_baseline=None, ssot_require_registry=require, filenames=filenames,
        stdin_display_name=display,
    )  # fmt: skip
    try:
        Plugin.parse_options(options)
    except SystemExit as stop:
        return int(str(stop.code))
    registry = Plugin.registry
    return None if registry is None else registry.path.relative_to(root).as_posix()


BELOW = (
    "no registry found for all the paths together: registries below the paths: svc/ssot-registry.toml; "
    "check each registry's paths in a run of their own"
)


@pytest.mark.usefixtures("plugin_state")
@pytest.mark.parametrize(
    ("require", "expected"),
    [
        pytest.param(
            False,
            (None, f"flake8-ssot-ws: warning: nothing checked: {BELOW}\n"),
            id="flake8 . at a monorepo's top: a warning (fixture registries must not fail a run)",
        ),
        pytest.param(
            True,
            (2, f"flake8-ssot-ws: {BELOW}, or pass --ssot-registry PATH\n"),
            id="with --ssot-require-registry: the error names them",
        ),
    ],
)  # fmt: skip
def test_registries_below_the_checked_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    require: bool,
    expected: tuple[int | None, str],
) -> None:
    write_tree(tmp_path, {"svc/ssot-registry.toml": GROUP, "svc/x.py": LEGACY})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    assert (_parse_options(tmp_path, ["."], "stdin", require), capsys.readouterr().err) == expected
