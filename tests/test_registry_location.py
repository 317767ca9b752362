"""Where the registry is and what it is relative to (issue 11 bug 4, issue 13 items 3, 4, 8):
the ``root`` key, discovery upward from the checked paths, the "no registry found" message
with the folders searched and the near misses seen, broken pyproject.toml files met on the
way, and registry files saved with a byte order mark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import discover_registry
from flake8_ssot_ws.registry import discovery_start
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.registry import no_registry_message
from flake8_ssot_ws.registry import registries_below
from flake8_ssot_ws.registry import split_registries
from flake8_ssot_ws.registry.load import names_our_table
from tests.conftest import write_tree

ROOT = Path(__file__).resolve().parent.parent

FLAKE8 = Path(sys.executable).parent / "flake8"
GROUP = """\
[[group]]
name = "manager"
canonical = ["from app.new import Manager"]

[[group.legacy]]
import = "from app.old import Manager"
"""
TABLE = "[tool.flake8-ssot-ws]\n" + GROUP.replace("[[group", "[[tool.flake8-ssot-ws.group")
SWS001 = "SWS001 'Manager' imported from non-canonical path 'app.old' - use 'from app.new import Manager'"
FIXABLE = " (fixable with 'ssot-ws fix')"
# A project as a stranger lays it out: the registry in cfg/, named from setup.cfg, root "..".
PROJECT = {
    "setup.cfg": "[flake8]\nssot-registry = cfg/rules.toml\n",
    "cfg/rules.toml": 'root = ".."\nexempt = ["app/shim.py"]\n\n' + GROUP,
    "app/__init__.py": "",
    "app/shim.py": "from app.old import Manager\n",  # exempt
    "app/x.py": "from .old import Manager\n",  # relative: app.old, found only with the right root
}


# --- the root key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registry", "root", "file", "expected"),
    [
        pytest.param(
            "ssot-registry.toml", "", "app/x.py", ("app/x.py", "app.x", False), id="default: the registry's folder"
        ),
        pytest.param(
            "cfg/rules.toml", "", "app/x.py", (None, None, False), id="default in cfg/: the project is outside"
        ),
        pytest.param("cfg/rules.toml", 'root = ".."\n', "app/x.py", ("app/x.py", "app.x", False), id="root = '..'"),
        pytest.param(
            "cfg/rules.toml", 'root = ".."\nexempt = ["app/x.py"]\n', "app/x.py", ("app/x.py", "app.x", True),
            id="exempt is relative to root",
        ),
        pytest.param(
            "cfg/rules.toml", 'root = ".."\nsrc = ["app"]\n', "app/x.py", ("app/x.py", "x", False),
            id="src is relative to root",
        ),
        pytest.param("ssot-registry.toml", 'root = "."\n', "app/x.py", ("app/x.py", "app.x", False), id="root = '.'"),
        pytest.param(
            "ssot-registry.toml", 'root = "app"\n', "app/x.py", ("x.py", "x", False), id="root below the registry"
        ),
    ],
)  # fmt: skip
def test_root(tmp_path: Path, registry: str, root: str, file: str, expected: tuple[object, ...]) -> None:
    write_tree(tmp_path, {registry: root + GROUP, file: ""})
    loaded = load_registry(tmp_path / registry)
    context = file_context(loaded, tmp_path / file)
    assert (context.relpath, context.module, context.exempt) == expected


def test_root_is_the_folder_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"cfg/rules.toml": 'root = ".."\n' + GROUP})
    assert load_registry(tmp_path / "cfg/rules.toml").root == tmp_path


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        pytest.param('root = "nope"\n', "1: root: no such folder: 'nope' ({tmp}/cfg/nope)", id="missing folder"),
        pytest.param('root = "x.py"\n', "1: root: not a folder: 'x.py' ({tmp}/cfg/x.py)", id="a file"),
        pytest.param("root = 1\n", "1: root: expected a non-empty string, got int 1", id="not a string"),
        pytest.param('root = ""\n', "1: root: expected a non-empty string, got str ''", id="empty"),
        pytest.param(
            'root = ".."\nsrc = ["../lib"]\n', "2: src[0]: expected a path inside the root folder, got '../lib'",
            id="src outside root",
        ),
    ],
)  # fmt: skip
def test_root_errors(tmp_path: Path, root: str, expected: str) -> None:
    write_tree(tmp_path, {"cfg/rules.toml": root + GROUP, "cfg/x.py": ""})
    with pytest.raises(RegistryError) as caught:
        load_registry(tmp_path / "cfg/rules.toml")
    assert str(caught.value) == f"{tmp_path}/cfg/rules.toml:" + expected.format(tmp=tmp_path)


def test_root_error_is_one_line_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"cfg/rules.toml": 'root = "nope"\n' + GROUP})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--registry", "cfg/rules.toml"]) == 2
    assert capsys.readouterr() == (
        "",
        f"ssot-ws: error: {tmp_path}/cfg/rules.toml:1: root: no such folder: 'nope' ({tmp_path}/cfg/nope)\n",
    )


X_FINDING = f"app/x.py:1:18: {SWS001}{FIXABLE}\n"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(PROJECT["cfg/rules.toml"], X_FINDING, id="root = '..': shim exempt, relative import resolved"),
        pytest.param(
            PROJECT["cfg/rules.toml"].replace('root = ".."\n', ""),
            f"app/shim.py:1:21: {SWS001}{FIXABLE}\n",
            id="without root: the exemption misses, the relative import is not resolved",
        ),
    ],
)
def test_registry_in_cfg_named_from_setup_cfg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], rules: str, expected: str
) -> None:
    """The stranger's layout, through ``ssot-ws check`` and real flake8 (which finds the
    registry in setup.cfg): both see the project the same way."""
    write_tree(tmp_path, {**PROJECT, "cfg/rules.toml": rules})
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--registry", "cfg/rules.toml", "app"])
    assert capsys.readouterr() == (expected, "")
    flake8 = subprocess.run([str(FLAKE8), "--select", "SWS", "app"], cwd=tmp_path, capture_output=True, text=True)
    assert (flake8.stdout, flake8.stderr) == (expected, "")


# --- discovery from the checked paths ------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        pytest.param([], "{cwd}", id="no path: the current directory"),
        pytest.param(["."], "{cwd}", id="."),
        pytest.param(["proj/app/x.py"], "{cwd}/proj/app", id="a file: its folder"),
        pytest.param(["proj/app"], "{cwd}/proj/app", id="a folder"),
        pytest.param(["proj/app/x.py", "proj/lib"], "{cwd}/proj", id="several: their common folder"),
        pytest.param(["{cwd}/proj/lib/"], "{cwd}/proj/lib", id="absolute"),
        pytest.param(["proj/app/../lib"], "{cwd}/proj/lib", id="normalised"),
        pytest.param(["proj/app/gone.py"], "{cwd}/proj/app", id="a name that is not there (flake8's stdin name)"),
    ],
)
def test_discovery_start(tmp_path: Path, paths: list[str], expected: str) -> None:
    write_tree(tmp_path, {"proj/app/x.py": "", "proj/lib/y.py": ""})
    start = discovery_start([path.format(cwd=tmp_path) for path in paths], cwd=tmp_path)
    assert start == Path(expected.format(cwd=tmp_path))


@pytest.mark.parametrize(
    ("cwd", "argv"),
    [
        pytest.param("elsewhere", ["check", "{tmp}/proj/app/x.py"], id="check an absolute file from another folder"),
        pytest.param("elsewhere", ["check", "../proj"], id="check a relative folder from another folder"),
        pytest.param("proj/app", ["check", "x.py"], id="from a subfolder"),
        pytest.param("elsewhere", ["fix", "--check", "{tmp}/proj/app/x.py"], id="fix too"),
    ],
)
def test_registry_found_from_the_paths(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cwd: str,
    argv: list[str],
) -> None:
    write_tree(tmp_path, {"proj/ssot-registry.toml": GROUP, "proj/app/x.py": "from app.old import Manager\n"})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / cwd)
    assert main([*[arg.format(tmp=tmp_path) for arg in argv], "--no-cache"]) == 1
    out, err = capsys.readouterr()
    shown = os.path.relpath(tmp_path / "proj/app/x.py") if "../proj" in argv else argv[-1].format(tmp=tmp_path)
    if argv[0] == "check":
        assert (out, err) == (f"{shown}:1:21: {SWS001}{FIXABLE}\n", "")
    else:
        assert (out, err) == ("", f"Would rewrite {shown}\nwould fix 1 finding in 1 file; 0 left (not fixable)\n")


def test_nothing_above_the_paths_then_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As ruff falls back to the configuration found from the current directory."""
    write_tree(tmp_path, {"proj/ssot-registry.toml": GROUP, "other/y.py": "from app.old import Manager\n"})
    monkeypatch.chdir(tmp_path / "proj")
    assert main(["check", "--no-cache", "../other/y.py"]) == 1
    assert capsys.readouterr() == (f"../other/y.py:1:21: {SWS001}{FIXABLE}\n", "")


def test_searched_from_the_paths_then_from_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"proj/app/x.py": "", "other/y.py": ""})
    monkeypatch.chdir(tmp_path / "proj/app")
    assert main(["check", "../../other/y.py"]) == 2
    where = f"{searched(tmp_path / 'other')}, then {tmp_path / 'proj/app'} and its parent folder"
    assert capsys.readouterr() == ("", f"ssot-ws: error: {NO_REGISTRY.format(searched=where, option='--registry')}\n")


def test_registry_command_discovers_from_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "a/b/.keep": ""})
    monkeypatch.chdir(tmp_path / "a/b")
    assert main(["registry", "--format", "json"]) == 0
    assert '"registry": "ssot-registry.toml"' in capsys.readouterr().out


def searched(start: Path) -> str:
    return f"{start} and its {len(start.parents)} parent folders"


NO_REGISTRY = (
    "no registry found (searched {searched}): add [tool.flake8-ssot-ws] to pyproject.toml, "
    "create ssot-registry.toml, or pass {option} PATH"
)


@pytest.mark.parametrize(
    ("files", "hint"),
    [
        pytest.param({}, "", id="nothing near"),
        pytest.param(
            {"a/b/ssot_registry.toml": GROUP}, "ssot-registry.toml (found {tmp}/a/b/ssot_registry.toml)",
            id="ssot_registry.toml",
        ),
        pytest.param(
            {"a/.ssot-registry.toml": GROUP}, "ssot-registry.toml (found {tmp}/a/.ssot-registry.toml)",
            id=".ssot-registry.toml, in a parent folder",
        ),
        pytest.param(
            {"a/b/ssot-registry.yaml": ""}, "ssot-registry.toml (found {tmp}/a/b/ssot-registry.yaml)",
            id="ssot-registry.yaml",
        ),
        pytest.param(
            {"a/b/SSOT-Registry.yml": ""}, "ssot-registry.toml (found {tmp}/a/b/SSOT-Registry.yml)",
            id="another case, .yml",
        ),
        pytest.param({"a/b/ssot-ws.toml": ""}, "ssot-registry.toml (found {tmp}/a/b/ssot-ws.toml)", id="ssot-ws.toml"),
        pytest.param(
            {"a/b/ssot-registry.md": "", "a/b/ssot-registry.json": ""}, "",
            id="the generated documents are no near miss",
        ),
        pytest.param(
            {"a/pyproject.toml": TABLE.replace("flake8-ssot-ws", "flake8_ssot_ws")},
            "[tool.flake8-ssot-ws] (found [tool.flake8_ssot_ws] in {tmp}/a/pyproject.toml)", id="[tool.flake8_ssot_ws]",
        ),
        pytest.param(
            {"a/pyproject.toml": TABLE.replace("flake8-ssot-ws", "ssot-ws")},
            "[tool.flake8-ssot-ws] (found [tool.ssot-ws] in {tmp}/a/pyproject.toml)", id="[tool.ssot-ws]",
        ),
        pytest.param(
            {"a/pyproject.toml": TABLE.replace("flake8-ssot-ws", "ssot_ws")},
            "[tool.flake8-ssot-ws] (found [tool.ssot_ws] in {tmp}/a/pyproject.toml)", id="[tool.ssot_ws]",
        ),
        pytest.param(
            {"a/pyproject.toml": "[project]\nname = 'x'\n\n" + GROUP},
            "[[tool.flake8-ssot-ws.group]] (found [[group]] at the top level of {tmp}/a/pyproject.toml)",
            id="[[group]] at the top of pyproject.toml",
        ),
        pytest.param({"a/pyproject.toml": "[tool.black]\ngroup = 1\n"}, "", id="an unrelated pyproject.toml"),
        pytest.param(
            {"a/setup.cfg": "[flake8]\nssot-registry = cfg/rules.toml\n"},
            "--registry {tmp}/a/cfg/rules.toml (named by ssot-registry in {tmp}/a/setup.cfg)",
            id="a registry named in setup.cfg, which only flake8 reads",
        ),
        pytest.param({"a/tox.ini": "[flake8]\nmax-line-length = 1\n"}, "", id="a flake8 configuration without one"),
        pytest.param({"a/.flake8": "not ini"}, "", id="a broken flake8 configuration"),
        pytest.param(
            {"a/b/ssot_registry.toml": "", "a/pyproject.toml": TABLE.replace("flake8-ssot-ws", "ssot-ws")},
            "ssot-registry.toml (found {tmp}/a/b/ssot_registry.toml); "
            "or [tool.flake8-ssot-ws] (found [tool.ssot-ws] in {tmp}/a/pyproject.toml)",
            id="several: the files, nearest first, then the tables",
        ),
    ],
)  # fmt: skip
def test_no_registry_found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    hint: str,
) -> None:
    write_tree(tmp_path, {**files, "a/b/x.py": ""})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a/b/x.py"]) == 2
    message = NO_REGISTRY.format(searched=searched(tmp_path / "a/b"), option="--registry")
    did_you_mean = f"; did you mean {hint.format(tmp=tmp_path)}?" if hint else ""
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message}{did_you_mean}\n")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param("/", "/", id="the file system's root"),
        pytest.param("/tmp", "/tmp and its parent folder", id="one parent"),
    ],
)
def test_searched_folders_counted(start: str, expected: str) -> None:
    discovery = discover_registry(Path(start))
    assert discovery.path is None  # no registry at or above /tmp on a test machine
    assert no_registry_message(discovery, "--registry") == NO_REGISTRY.format(searched=expected, option="--registry")


def test_an_unreadable_folder_gives_no_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same folder as the ssot_registry.toml case above, but it cannot be listed."""
    write_tree(tmp_path, {"a/b/ssot_registry.toml": GROUP})
    discovery = discover_registry(tmp_path / "a/b")

    def unreadable(path: object) -> list[str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "listdir", unreadable)
    assert no_registry_message(discovery, "--registry") == NO_REGISTRY.format(
        searched=searched(tmp_path / "a/b"), option="--registry"
    )


# --- in one folder, and broken files met on the way -----------------------------------------

# It spells the tool's name (a dependency): a broken file that does not is passed over silently.
BROKEN = "[project\nname = 'x'\ndependencies = ['flake8-ssot-ws']\n"
BROKEN_AT = "1:9: invalid TOML: Expected ']' at the end of a table declaration"
PASSED_OVER = "(passed over while looking for the registry: it names no [tool.flake8-ssot-ws] table)"


@pytest.mark.parametrize(
    ("files", "found", "skipped"),
    [
        pytest.param(
            {"pyproject.toml": TABLE, "ssot-registry.toml": GROUP}, "ssot-registry.toml", [],
            id="ssot-registry.toml wins over a pyproject.toml table in the same folder",
        ),
        pytest.param(
            {"pyproject.toml": BROKEN, "ssot-registry.toml": GROUP}, "ssot-registry.toml", [],
            id="a broken pyproject.toml beside ssot-registry.toml is not even read",
        ),
        pytest.param(
            {"a/b/pyproject.toml": BROKEN, "ssot-registry.toml": GROUP}, "ssot-registry.toml",
            ["{tmp}/a/b/pyproject.toml:" + BROKEN_AT + " " + PASSED_OVER],
            id="a broken pyproject.toml without our table is passed over, with a warning",
        ),
        pytest.param(
            {"a/b/pyproject.toml": "[project\nname = 'x'\n", "ssot-registry.toml": GROUP}, "ssot-registry.toml", [],
            id="a broken pyproject.toml that never spells the tool's name is passed over silently (a project that "
            "does not use the tool hears nothing of it; found by an eighth trial)",
        ),
        pytest.param(
            {"a/b/pyproject.toml": b"[project]\nname = '\xff'\n# flake8-ssot-ws\n", "ssot-registry.toml": GROUP},
            "ssot-registry.toml",
            [
                "{tmp}/a/b/pyproject.toml: cannot read: 'utf-8' codec can't decode byte 0xff in position 18: "
                "invalid start byte " + PASSED_OVER
            ],
            id="so is one that is not UTF-8",
        ),
        pytest.param(
            {"a/pyproject.toml": TABLE + "[broken\n", "ssot-registry.toml": GROUP}, "a/pyproject.toml", [],
            id="a broken pyproject.toml that names our table is the registry (loading it says what is wrong)",
        ),
        pytest.param(
            {"a/pyproject.toml": "[[ tool . 'flake8-ssot-ws' . group ]]\n[broken\n"}, "a/pyproject.toml", [],
            id="our table spelt with spaces and quotes",
        ),
        pytest.param(
            {"a/pyproject.toml": 'tool."flake8-ssot-ws".exempt = []\n[broken\n'}, "a/pyproject.toml", [],
            id="a dotted key of our table",
        ),
        pytest.param(
            {"a/pyproject.toml": '[tool]\n"flake8-ssot-ws".group = []\n[broken\n'}, "a/pyproject.toml", [],
            id="a quoted key of our table under [tool]",
        ),
        pytest.param(
            {"a/pyproject.toml": "[ tool ] # x\nflake8-ssot-ws = {exempt = []}\n[broken\n"}, "a/pyproject.toml", [],
            id="our table as an inline table under [tool]",
        ),
        pytest.param(
            {"a/pyproject.toml": 'tool = {"flake8-ssot-ws" = {exempt = []}}\n[broken\n'}, "a/pyproject.toml", [],
            id="our table inside an inline tool table",
        ),
        pytest.param(
            {"a/pyproject.toml": b"\xef\xbb\xbf[tool.flake8-ssot-ws]\nexempt = [\n"}, "a/pyproject.toml", [],
            id="our table after a byte order mark",
        ),
        pytest.param(
            {"a/pyproject.toml": "[tool]\nm = [\n  [1, 2],\n]\nflake8-ssot-ws.exempt = []\nbroken =\n"},
            "a/pyproject.toml", [], id="an array value under [tool] is no table header",
        ),
        pytest.param(
            {"a/pyproject.toml": "tool = {black = {x = 1}, flake8-ssot-ws = {exempt = []}}\nbroken =\n"},
            "a/pyproject.toml", [], id="our table as a later key of an inline tool table",
        ),
        pytest.param(
            {"a/pyproject.toml": 'tool = {poetry = {dependencies = {flake8-ssot-ws = "*"}}}\n[broken\n',
             "ssot-registry.toml": GROUP},
            "ssot-registry.toml",
            ["{tmp}/a/pyproject.toml:2:8: invalid TOML: Expected ']' at the end of a table declaration " + PASSED_OVER],
            id="the package as a key nested deeper in an inline tool table is not our table",
        ),
        pytest.param(
            {"a/pyproject.toml": "[tool.poetry.dev-dependencies]\nflake8-ssot-ws = '^1'\n[broken\n",
             "ssot-registry.toml": GROUP},
            "ssot-registry.toml",
            ["{tmp}/a/pyproject.toml:3:8: invalid TOML: Expected ']' at the end of a table declaration " + PASSED_OVER],
            id="the package as a key of another tool's table is not our table",
        ),
        pytest.param(
            {"a/pyproject.toml": "# [tool.flake8-ssot-ws]\n[broken\n", "ssot-registry.toml": GROUP},
            "ssot-registry.toml",
            ["{tmp}/a/pyproject.toml:2:8: invalid TOML: Expected ']' at the end of a table declaration " + PASSED_OVER],
            id="nor is our table in a comment",
        ),
        pytest.param(
            {"a/pyproject.toml": '[project]\ndependencies = ["flake8-ssot-ws"]\n[broken\n',
             "ssot-registry.toml": GROUP},
            "ssot-registry.toml",
            ["{tmp}/a/pyproject.toml:3:8: invalid TOML: Expected ']' at the end of a table declaration " + PASSED_OVER],
            id="naming the package is not naming the table",
        ),
    ],
)  # fmt: skip
def test_discovery(tmp_path: Path, files: dict[str, str | bytes], found: str, skipped: list[str]) -> None:
    write_tree(tmp_path, files)
    (tmp_path / "a/b").mkdir(parents=True, exist_ok=True)
    discovery = discover_registry(tmp_path / "a/b")
    assert (discovery.path, list(discovery.skipped)) == (tmp_path / found, [s.format(tmp=tmp_path) for s in skipped])


def test_unreadable_pyproject_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads a chmod 000 file: the refusal is simulated."""
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "a/pyproject.toml": TABLE})
    from flake8_ssot_ws.registry import load

    real = load.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "pyproject.toml":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(load, "read_bytes", read_bytes)
    discovery = discover_registry(tmp_path / "a")
    assert (discovery.path, discovery.skipped) == (
        tmp_path / "ssot-registry.toml",
        (f"{tmp_path}/a/pyproject.toml: cannot read: Permission denied {PASSED_OVER}",),
    )


def test_cli_warns_about_a_passed_over_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "sub/pyproject.toml": BROKEN, "sub/x.py": "import os\n"})
    monkeypatch.chdir(tmp_path / "sub")
    assert main(["check", "--no-cache"]) == 0
    assert capsys.readouterr() == ("", f"ssot-ws: warning: {tmp_path}/sub/pyproject.toml:{BROKEN_AT} {PASSED_OVER}\n")


def test_cli_stops_at_a_broken_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken pyproject.toml that holds our table is the registry the user meant: an error."""
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "sub/pyproject.toml": TABLE + "[broken\n"})
    monkeypatch.chdir(tmp_path / "sub")
    assert main(["check", "--no-cache"]) == 2
    error = f"{tmp_path}/sub/pyproject.toml:8:8: invalid TOML: Expected ']' at the end of a table declaration"
    assert capsys.readouterr() == ("", f"ssot-ws: error: {error}\n")


@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(
            lambda path: path.symlink_to("gone.toml"), "cannot read: a broken symlink to gone.toml",
            id="a broken symlink named ssot-registry.toml is the registry meant, and an error",
        ),
        pytest.param(
            lambda path: path.mkdir(), "cannot read: Is a directory",
            id="so is a folder of that name",
        ),
    ],
)
def test_cli_stops_at_a_registry_that_is_not_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], None], error: str,
) -> None:
    """Not the parent folder's registry instead: that one would be used without a word."""
    write_tree(tmp_path, {"ssot-registry.toml": GROUP, "sub/x.py": "import os\n"})
    make(tmp_path / "sub" / "ssot-registry.toml")
    monkeypatch.chdir(tmp_path / "sub")
    assert main(["check", "--no-cache"]) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {tmp_path}/sub/ssot-registry.toml: {error}\n")


# --- encodings and values as the user wrote them -------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("ssot-registry.toml", GROUP, id="ssot-registry.toml"),
        pytest.param("pyproject.toml", TABLE, id="pyproject.toml"),
    ],
)
def test_byte_order_mark_is_stripped(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert [group.name for group in load_registry(tmp_path / name).groups] == ["manager"]
    assert discover_registry(tmp_path).path == tmp_path / name


@pytest.mark.parametrize(
    ("deadline", "shown"),
    [
        pytest.param("2026-03-31T10:00:00", "datetime 2026-03-31 10:00:00", id="local datetime"),
        pytest.param("2026-03-31T10:00:00Z", "datetime 2026-03-31 10:00:00+00:00", id="offset datetime"),
        pytest.param("10:00:00", "time 10:00:00", id="local time"),
        pytest.param('"2026-03-31"', "str '2026-03-31'", id="a string"),
        pytest.param("20260331", "int 20260331", id="a number"),
    ],
)
def test_deadline_shown_as_written(tmp_path: Path, deadline: str, shown: str) -> None:
    path = tmp_path / "ssot-registry.toml"
    path.write_text(GROUP + f"deadline = {deadline}\n", encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    expected = f"{path}:7: group[0].legacy[0].deadline: expected a TOML date like 2026-03-31, got {shown}"
    assert str(caught.value) == expected


def test_readme_sample_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The README's "no registry found" line, run in /work/proj/app of a temporary folder."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## The registry\n", 1)[1]
    (sample,) = [line for line in readme.splitlines() if line.startswith("ssot-ws: error: no registry found")]
    write_tree(tmp_path, {"work/proj/ssot_registry.toml": GROUP, "work/proj/app/x.py": ""})
    monkeypatch.chdir(tmp_path / "work/proj/app")
    assert main(["check"]) == 2
    err = capsys.readouterr().err.replace(str(tmp_path), "")
    assert err == sample.replace("its 3 parent", f"its {len(tmp_path.parents) + 3} parent") + "\n"


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        pytest.param(
            ["a/x.py", "b/y.py"],
            "the paths are under different registries: a/ssot-registry.toml (a/x.py), b/ssot-registry.toml (b/y.py)",
            id="two services, a registry each",
        ),
        pytest.param(
            ["a/x.py", "a/sub/z.py", "a/sub", "top.py"],
            "the paths are under different registries: a/ssot-registry.toml (3 paths), no registry (top.py)",
            id="a folder counts as a path; a file under none",
        ),
        pytest.param(["a/x.py", "a/sub/z.py"], None, id="all under one registry: nothing to say"),
        pytest.param(["top.py", "other.py"], None, id="under none at all: the plain message"),
        pytest.param(["a/x.py"], None, id="one path: discovery already started there"),
    ],
)
def test_split_registries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[str], expected: str | None
) -> None:
    write_tree(tmp_path, {"a/ssot-registry.toml": GROUP, "b/ssot-registry.toml": GROUP, "a/sub/z.py": "", "top.py": ""})
    monkeypatch.chdir(tmp_path)
    hint = split_registries(paths)
    assert hint == (None if expected is None else f"{expected}; check each registry's paths in a run of their own")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(b"tool = {'flake8-ssot-ws' = {}}\n", True, id="inline: a quoted key"),
        pytest.param(b"tool = {a = [1, {b = 2}], flake8-ssot-ws = {}}\n", True, id="inline: after an array"),
        pytest.param(b"tool = {a = 'x}', flake8-ssot-ws = {}}\n", True, id="inline: a brace in a string"),
        pytest.param(b'tool = {a = "x\\"}", flake8-ssot-ws = {}}\n', True,
                     id="inline: an escaped quote in a string (missed, found by the fifth trial)"),
        pytest.param(b"tool = {a = '''it's''', flake8-ssot-ws = {}}\n", True, id="inline: a triple-quoted string"),
        pytest.param(b"tool = {a = 1} # flake8-ssot-ws = 1\n", False, id="inline: after the table closes"),
        pytest.param(b"tool = {a = 'never closed, flake8-ssot-ws = 1\n", False, id="inline: an unclosed string"),
        pytest.param(b"tool = {a = {flake8-ssot-ws = 1\n", False, id="inline: one level down, never closed"),
        pytest.param(b"tool = {a = 1, = flake8-ssot-ws\n", False, id="inline: a value, not a key"),
        pytest.param(b"tool = {a = ]flake8-ssot-ws = 1\n", False, id="inline: a stray bracket ends it"),
        pytest.param(b"x = '''\n[tool]\nflake8-ssot-ws = 1\n", False, id="a header inside a multi-line string"),
        pytest.param(
            b'[project]\ndescription = """\n[tool.flake8-ssot-ws]\n"""\nversion = 1.2.3\n',
            False,
            id="a description that spells our header (it stopped flake8, found by the day's second trial)",
        ),
        pytest.param(b'x = """a"""\n[tool.flake8-ssot-ws]\n', True, id="after a string closed on its line"),
        pytest.param(b'x = """\na\n"""\n[tool.flake8-ssot-ws]\n', True, id="after a multi-line string closed"),
        pytest.param(b"x = 1  # '''\n[tool.flake8-ssot-ws]\n", True, id="triple quotes in a comment open nothing"),
        pytest.param(
            b'[project]\ndescription = "uses \'\'\' quotes"\n[tool.flake8-ssot-ws]\n',
            True,
            id="triple quotes inside a one-line string open nothing (found by the fourth trial)",
        ),
        pytest.param(b"x = 'a \"\"\" b'\n[tool.flake8-ssot-ws]\n", True, id="inside a literal string: nothing"),
        pytest.param(b'x = """a \\""" b\n[tool.flake8-ssot-ws]\n"""\n', False, id="an escaped quote closes nothing"),
        pytest.param(b"x = '''a\nb''''\n[tool.flake8-ssot-ws]\n", True, id="four quotes close one holding a quote"),
        pytest.param(b'x = "never closed\n[tool.flake8-ssot-ws]\n', True, id="an unclosed one-line string ends there"),
        pytest.param(b'x = """a""" + """\n[tool.flake8-ssot-ws]\n', False, id="the second string on a line opens"),
    ],
)
def test_names_our_table(text: bytes, expected: bool) -> None:
    """The reading of a pyproject.toml that does not parse."""
    assert names_our_table(text) is expected


@pytest.mark.parametrize(
    ("services", "git", "paths", "expected"),
    [
        pytest.param(
            "ab", True, ["."],
            "registries below the paths: services/a/ssot-registry.toml, services/b/ssot-registry.toml",
            id="a monorepo's top: its services' registries, as git lists them",
        ),
        pytest.param(
            "abcde", True, ["services"],
            "registries below the paths: services/a/ssot-registry.toml, services/b/ssot-registry.toml, "
            "services/c/ssot-registry.toml and 2 more",
            id="many: the first three",
        ),
        pytest.param("ab", True, ["top.py"], None, id="a file: under none of them"),
        pytest.param("ab", False, ["."], None, id="outside git: not looked for (a walk could be huge)"),
        pytest.param("", True, ["."], None, id="none below"),
    ],
)  # fmt: skip
def test_registries_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services: str, git: bool, paths: list[str], expected: str | None
) -> None:
    write_tree(tmp_path, {"top.py": "", **{f"services/{name}/ssot-registry.toml": GROUP for name in services}})
    if git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
        subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    hint = registries_below(paths)
    assert hint == (None if expected is None else f"{expected}; check each registry's paths in a run of their own")


def test_registries_below_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git work tree with a registry below, but no git on PATH: nothing to name, no traceback."""
    write_tree(tmp_path, {"svc/ssot-registry.toml": GROUP})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    assert registries_below([str(tmp_path)]) is not None  # the control: with git, it is named
    monkeypatch.setenv("PATH", "")
    assert registries_below([str(tmp_path)]) is None


def test_check_at_a_monorepos_top_names_the_registries_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"services/a/ssot-registry.toml": GROUP, "services/a/x.py": "import os\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache"]) == 2
    assert capsys.readouterr().err == (
        "ssot-ws: error: no registry found for all the paths together: registries below the paths: "
        "services/a/ssot-registry.toml; check each registry's paths in a run of their own, or pass --registry PATH\n"
    )


def test_a_symlinked_registry_is_rooted_where_it_was_found(tmp_path: Path) -> None:
    """One shared file linked into two projects serves each as its own registry (the README's
    `root`): module names and exempt paths are relative to the link's folder."""
    write_tree(tmp_path, {"shared/rules.toml": 'exempt = ["app/shim.py"]\n' + GROUP})
    for project in ("one", "two"):
        (tmp_path / project).mkdir()
        (tmp_path / project / "ssot-registry.toml").symlink_to(tmp_path / "shared" / "rules.toml")
    roots = [load_registry(tmp_path / project / "ssot-registry.toml").root for project in ("one", "two")]
    assert discover_registry(tmp_path / "one").path == tmp_path / "one" / "ssot-registry.toml"
    assert roots == [tmp_path / "one", tmp_path / "two"]
