"""A few real flake8 runs: registration, config file, noqa/select, stdin, encodings, errors.

flake8 prints 1-based columns (the plugin yields 0-based ones).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flake8.main.cli import main as flake8_main

from flake8_ssot_ws.plugin import Plugin
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

FLAKE8 = str(Path(sys.executable).with_name("flake8"))
# The example registry plus a legacy entry whose deadline is far away (SWS101).
LEGACY_ENTRY = """
[[group.legacy]]
import = "from app.websocket_core.manager import WebSocketManager"
deadline = 2099-12-31

# fix rewrites only legacy paths the registry names (issue 11, bug 7).
[[group.legacy]]
import = "from app.websocket_core import WebSocketManager"
"""
REGISTRY = EXAMPLE_REGISTRY + LEGACY_ENTRY
USE = "'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'"
FIXABLE = " (fixable with 'ssot-ws fix')"
SWS001_WSM = (
    "SWS001 'WebSocketManager' imported from non-canonical path 'app.websocket_core.websocket_manager'"
    f" - use {USE}; deadline 2026-03-31 passed; see issue 1182{FIXABLE}"
)
SWS001_CORE = f"SWS001 'WebSocketManager' imported from non-canonical path 'app.websocket_core' - use {USE}{FIXABLE}"
SWS003_MGR = (
    "SWS003 module 'app.websocket_core.manager' imported as a module - import names from their canonical path instead"
)
SWS101_MGR = (
    "SWS101 'WebSocketManager' imported from legacy path 'app.websocket_core.manager', allowed before 2099-12-31"
    f" - use {USE}{FIXABLE}"
)

BRIDGE = """\
import os

from ..websocket_core.websocket_manager import WebSocketManager
from app.websocket_core import manager  # why: legacy
from app.websocket_core.manager import (
    WebSocketManager as LegacyManager,
)
import app.websocket_core.manager as mgr  # noqa: SWS003
from app.websocket_core import WebSocketManager  # noqa
from app.websocket_core.manager import WebSocketManager as Other  # noqa: SWS001 (wrong code: still reported)
from app.websocket_core import WebSocketManager as Another  # noqa: SWS001
"""
BRIDGE_FINDINGS = [
    f"3:48: {SWS001_WSM}",
    f"4:32: {SWS003_MGR}",
    f"6:5: {SWS101_MGR}",
    f"10:40: {SWS101_MGR}",
]
PROJECT = {
    # A path with a separator in a config file is relative to that file (flake8 does that).
    "setup.cfg": "[flake8]\nssot-registry = ./ssot.toml\n",
    "ssot.toml": REGISTRY,
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/bridge.py": BRIDGE,
    "app/websocket_core/websocket_manager.py": "from app.websocket_core import WebSocketManager\n",  # exempt
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    write_tree(root, dict(PROJECT))
    return root


def flake8(cwd: Path, *args: str, stdin: str | bytes | None = None) -> tuple[list[str], str, int]:
    result = subprocess.run([FLAKE8, *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    return result.stdout.decode().splitlines(), result.stderr.decode(), result.returncode


def test_version_lists_the_plugin(project: Path) -> None:
    stdout, _, _ = flake8(project, "--version")
    assert f"flake8-ssot-ws: {Plugin.version}" in stdout[0]


def test_config_file_run(project: Path) -> None:
    expected = [f"app/services/bridge.py:{finding}" for finding in BRIDGE_FINDINGS]
    assert flake8(project, "--select", "SWS", "app") == (expected, "", 1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("--select", "SWS", "--extend-ignore", "SWS101"), BRIDGE_FINDINGS[:2], id="extend-ignore-SWS101"),
        pytest.param(("--select", "SWS003"), [BRIDGE_FINDINGS[1]], id="select-one-code"),
        # No --select (E, F and W ignored here only to keep the output to our codes): SWS101, a
        # legacy import before its deadline, is default-ignored; --extend-select shows it.
        pytest.param(("--extend-ignore", "E,F,W"), BRIDGE_FINDINGS[:2], id="SWS101-is-default-ignored"),
        pytest.param(
            ("--extend-ignore", "E,F,W", "--extend-select", "SWS101"), BRIDGE_FINDINGS, id="extend-select-SWS101"
        ),
        pytest.param(
            ("--select", "SWS", "--disable-noqa"),
            [
                *BRIDGE_FINDINGS[:3],
                f"8:8: {SWS003_MGR}",
                f"9:32: {SWS001_CORE}",
                BRIDGE_FINDINGS[3],
                f"11:32: {SWS001_CORE}",
            ],
            id="disable-noqa-shows-the-suppressed",
        ),
    ],
)
def test_select_and_ignore(project: Path, args: tuple[str, ...], expected: list[str]) -> None:
    stdout, stderr, _ = flake8(project, *args, "app/services/bridge.py")
    assert (stdout, stderr) == ([f"app/services/bridge.py:{line}" for line in expected], "")


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        pytest.param("app/services/bridge.py", BRIDGE_FINDINGS, id="same-as-on-disk-with-relative-import"),
        pytest.param("app/websocket_core/websocket_manager.py", [], id="exempt-by-display-name"),
    ],
)
def test_stdin(project: Path, display_name: str, expected: list[str]) -> None:
    stdout, stderr, _ = flake8(
        project, "--select", "SWS", "--stdin-display-name", display_name, "-", stdin=BRIDGE.encode()
    )
    assert (stdout, stderr) == ([f"{display_name}:{line}" for line in expected], "")


ENCODINGS: dict[str, str | bytes] = {
    "app/latin1.py": '# -*- coding: latin-1 -*-\ns = "\xe9"; from app.websocket_core import WebSocketManager\n'.encode(
        "latin-1"
    ),
    "app/bom.py": b"\xef\xbb\xbf# caf\xc3\xa9\nfrom app.websocket_core import WebSocketManager\n",
    "app/crlf.py": b"import os\r\nfrom app.websocket_core import (\r\n    WebSocketManager)\r\n",
    "app/broken.py": "from app.websocket_core import WebSocketManager\ndef (:\n",
    "app/formfeed.py": '"""\x0c"""\n\x0cfrom app.websocket_core import WebSocketManager\n',
}


def test_encodings_line_endings_and_syntax_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, {**PROJECT, **ENCODINGS})
    stdout, stderr, code = flake8(tmp_path, "--select", "SWS,E999", *sorted(ENCODINGS))
    assert (stdout, stderr, code) == (
        [
            "app/bom.py:2:32: " + SWS001_CORE,
            # The plugin is silent on a file that does not parse; the column is the parser's.
            f"app/broken.py:2:{5 if sys.version_info < (3, 10) else 6}: E999 SyntaxError: invalid syntax",
            "app/crlf.py:3:5: " + SWS001_CORE,
            "app/formfeed.py:2:33: " + SWS001_CORE,
            # UTF-8 byte columns, as for every flake8 AST plugin: 's = "é"; ' is 10 bytes.
            "app/latin1.py:2:42: " + SWS001_CORE,
        ],
        "",
        1,
    )


def test_no_registry_is_silent(tmp_path: Path) -> None:
    write_tree(tmp_path, {"x.py": "from app.websocket_core.websocket_manager import WebSocketManager\n"})
    assert flake8(tmp_path, "--isolated", "--select", "SWS", "x.py") == ([], "", 0)


def test_bad_registry_is_one_line_and_non_zero_exit(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"ssot-registry.toml": REGISTRY.replace("deadline = 2099-12-31", 'deadline = "soon"'), "x.py": "import os\n"},
    )
    stdout, stderr, code = flake8(tmp_path, "x.py")
    assert (stdout, stderr, code) == (
        [],
        (
            f"flake8-ssot-ws: {tmp_path / 'ssot-registry.toml'}:21: group[0].legacy[1].deadline:"
            " expected a TOML date like 2026-03-31, got str 'soon'\n"
        ),
        2,
    )


@pytest.mark.usefixtures("plugin_state")
def test_in_process(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    assert flake8_main(["--select", "SWS", "--jobs", "1", "app/services/bridge.py"]) == 1
    assert capsys.readouterr() == (
        "".join(f"app/services/bridge.py:{line}\n" for line in BRIDGE_FINDINGS),
        "",
    )


SPLIT_NOQA_CASES = [
    pytest.param(
        "from app.websocket_core import WebSocketManager, other_thing  # noqa: F401\n",
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager  # noqa: F401\n"
        "from app.websocket_core import other_thing  # noqa: F401\n",
        id="one-line import, fixed name first",
    ),
    pytest.param(
        "from app.websocket_core import (other_thing, WebSocketManager)  # noqa: F401,E501\n",
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"
        "  # noqa: F401,E501\n"
        "from app.websocket_core import (other_thing)  # noqa: F401,E501\n",
        id="parenthesised import, fixed name last",
    ),
    pytest.param(
        "from app.websocket_core import (  # noqa: F401\n    other_thing,\n    WebSocketManager,\n)\n",
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager  # noqa: F401\n"
        "from app.websocket_core import (  # noqa: F401\n    other_thing,\n)\n",
        id="multi-line import, noqa on its first line (where pyflakes reports it)",
    ),
]


@pytest.mark.parametrize(("before", "after"), SPLIT_NOQA_CASES)
def test_split_keeps_noqa_for_real_flake8(tmp_path: Path, before: str, after: str) -> None:
    """Issue 11, bug 9: the split-off import lost ``# noqa: F401`` and flake8 reported F401."""
    write_tree(tmp_path, {"ssot-registry.toml": REGISTRY, "app/__init__.py": "", "app/views.py": before})
    assert flake8(tmp_path, "--select", "F401", "app/views.py") == ([], "", 0)
    ssot_ws = str(Path(sys.executable).with_name("ssot-ws"))
    subprocess.run([ssot_ws, "fix", "app/views.py"], cwd=tmp_path, capture_output=True, check=False)
    assert (tmp_path / "app/views.py").read_text(encoding="utf-8") == after
    assert flake8(tmp_path, "--select", "F401", "app/views.py") == ([], "", 0)
