"""The flake8 plugin in-process: Plugin(tree, filename, lines).run() after parse_options.

Columns are 0-based here (flake8 adds 1 when it prints). Real flake8 runs are in
test_flake8_e2e.py.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.metadata
from pathlib import Path

import pytest
from flake8.options.parse_args import parse_args

from flake8_ssot_ws import plugin as plugin_module
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import Registry
from tests.conftest import EXAMPLE_REGISTRY

pytestmark = pytest.mark.usefixtures("plugin_state")

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager\n"
SWS001_LEGACY = (
    "SWS001 'WebSocketManager' imported from non-canonical path 'app.websocket_core.websocket_manager'"
    " - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager';"
    " deadline 2026-03-31 passed; see issue 1182 (fixable with 'ssot-ws fix')"
)
SWS003_MANAGER = (
    "SWS003 module 'app.websocket_core.manager' imported as a module - import names from their canonical path instead"
)


def options(registry: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(ssot_registry=registry, ssot_baseline=None)


def run(filename: str, source: str) -> list[str]:
    lines = source.splitlines(keepends=True)
    results = list(Plugin(ast.parse(source), filename, lines).run())
    assert all(kind is Plugin for *_, kind in results)
    return [f"{line}:{col}: {message}" for line, col, message, _ in results]


@pytest.fixture
def loaded(example_registry: Registry, monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The example registry, passed as --ssot-registry; the cwd is its folder."""
    monkeypatch.chdir(example_registry.root)
    Plugin.parse_options(options(str(example_registry.path)))
    Plugin.today = datetime.date(2027, 1, 1)  # after the legacy deadline: SWS001
    return example_registry


def test_metadata() -> None:
    assert Plugin.name == "flake8-ssot-ws"
    assert Plugin.version == importlib.metadata.version("flake8-ssot-ws")


@pytest.mark.parametrize(
    ("filename", "source", "expected"),
    [
        pytest.param("app/services/x.py", LEGACY, [f"1:49: {SWS001_LEGACY}"], id="finding"),
        pytest.param(
            "./app/services/x.py",
            "from ..websocket_core import manager\nfrom ..websocket_core.websocket_manager import (\n"
            "    WebSocketManager)\n",
            [f"1:29: {SWS003_MANAGER}", f"3:4: {SWS001_LEGACY}"],
            id="relative-imports-resolved-from-the-filename",
        ),
        pytest.param("app/websocket_core/websocket_manager.py", LEGACY, [], id="exempt-file"),
        pytest.param("app/services/x.py", "import os\n", [], id="prefilter-no-needle"),
        pytest.param("stdin", LEGACY, [f"1:49: {SWS001_LEGACY}"], id="stdin-without-display-name"),
        pytest.param("/elsewhere/x.py", "from .websocket_manager import WebSocketManager\n", [], id="outside-root"),
    ],
)
def test_run(loaded: Registry, filename: str, source: str, expected: list[str]) -> None:
    assert run(filename, source) == expected


def test_no_registry_found_is_silent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Plugin.parse_options(options())
    assert Plugin.registry is None
    assert run("app/x.py", LEGACY) == []


def test_registry_discovered_from_the_cwd(example_registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    (example_registry.root / "app/services").mkdir(parents=True)
    monkeypatch.chdir(example_registry.root / "app/services")
    Plugin.parse_options(options())
    assert Plugin.registry is example_registry


def test_relative_registry_option_is_from_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf/rules.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    Plugin.parse_options(options("conf/rules.toml"))
    assert Plugin.registry is not None
    assert (Plugin.registry.path, Plugin.registry.root) == (tmp_path / "conf/rules.toml", tmp_path / "conf")


def test_parse_options_refreshes_today(loaded: Registry) -> None:
    Plugin.today = datetime.date(2000, 1, 1)
    Plugin.parse_options(options(str(loaded.path)))
    assert Plugin.today == datetime.date.today()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("exempt = []\n", "{file}: group: no [[group]] defined: nothing to check", id="invalid"),
        pytest.param(
            "[[group]\n", "{file}:1:8: invalid TOML: Expected ']]' at the end of an array declaration", id="not-TOML"
        ),
    ],
)
def test_bad_registry_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "ssot-registry.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        Plugin.parse_options(options(str(path)))
    assert caught.value.code == 2
    assert capsys.readouterr() == ("", f"flake8-ssot-ws: {expected.format(file=path)}\n")


def test_missing_registry_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        Plugin.parse_options(options(str(tmp_path / "nope.toml")))
    assert (
        capsys.readouterr().err == f"flake8-ssot-ws: {tmp_path / 'nope.toml'}: cannot read: No such file or directory\n"
    )


# --- a crash in the core is one finding, not a flake8 traceback ------------------------


@pytest.mark.parametrize(
    ("error", "described"),
    [
        pytest.param(ValueError("boom\n  on two lines"), "ValueError: boom on two lines", id="bug"),
        pytest.param(
            RecursionError("maximum recursion depth exceeded"),
            "RecursionError: maximum recursion depth exceeded",
            id="RecursionError",
        ),
        pytest.param(MemoryError(), "MemoryError", id="MemoryError-without-message"),
    ],
)
def test_internal_error_is_SWS900(
    loaded: Registry, monkeypatch: pytest.MonkeyPatch, error: BaseException, described: str
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise error

    monkeypatch.setattr(plugin_module, "check_parsed", broken)
    assert run("app/x.py", LEGACY) == [
        f"1:0: SWS900 internal error in flake8-ssot-ws: {described} - please report this bug"
    ]


# --- flake8's own option parsing (config file, normalised paths) ------------------------


def test_options_from_flake8_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf/rules.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (tmp_path / "setup.cfg").write_text("[flake8]\nssot-registry = conf/rules.toml\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")  # a relative path in a config file is from that file's folder
    _, opts = parse_args(["x.py"])
    assert opts.ssot_registry == str(tmp_path / "conf/rules.toml")
    assert Plugin.registry is not None
    assert Plugin.registry.path == tmp_path / "conf/rules.toml"


def test_option_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, opts = parse_args(["--isolated", "--ssot-registry", "rules.toml", "x.py"])
    assert opts.ssot_registry == "rules.toml"  # flake8 leaves a path without separator alone
    assert Plugin.registry is not None
    assert Plugin.registry.path == tmp_path / "rules.toml"


def test_bare_file_name_in_a_config_above_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (tmp_path / "tox.ini").write_text("[flake8]\nssot-registry = rules.toml\n", encoding="utf-8")
    (tmp_path / "app/services").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "app/services")
    parse_args(["x.py"])
    assert Plugin.registry is not None
    assert Plugin.registry.path == tmp_path / "rules.toml"


def test_bare_file_name_found_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        Plugin.parse_options(options("nowhere-to-be-found.toml"))
    assert capsys.readouterr().err == (
        f"flake8-ssot-ws: {tmp_path / 'nowhere-to-be-found.toml'}: cannot read: No such file or directory\n"
    )


@pytest.mark.usefixtures("plugin_state")
@pytest.mark.parametrize(
    ("registry", "baseline", "option"),
    [
        pytest.param("", None, "--ssot-registry", id="an empty registry option"),
        pytest.param(None, "", "--ssot-baseline", id="an empty baseline option"),
    ],
)
def test_an_empty_path_option_stops_flake8(
    registry: str | None, baseline: str | None, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process twin of the subprocess rows in test_plugin_registry.py."""
    with pytest.raises(SystemExit) as stopped:
        Plugin.parse_options(argparse.Namespace(ssot_registry=registry, ssot_baseline=baseline))
    assert (stopped.value.code, capsys.readouterr().err) == (2, f"flake8-ssot-ws: {option}: expected a path, got ''\n")
