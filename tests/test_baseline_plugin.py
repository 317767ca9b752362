"""The flake8 plugin honours ``ssot-baseline = FILE``: in process, and through real flake8."""

from __future__ import annotations

import argparse
import ast
import datetime
import subprocess
import sys
import textwrap

import pytest

from flake8_ssot_ws.baseline.store import dumps
from flake8_ssot_ws.baseline.store import keyed
from flake8_ssot_ws.baseline.store import loads
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from tests.conftest import EXAMPLE_REGISTRY

TODAY = datetime.date(2026, 1, 1)
W = "app.websocket_core"
KNOWN = f"""\
from {W}.websocket_manager import WebSocketManager
import {W}.manager as m
"""
# The known imports moved down by two lines, and one new finding.
EDITED = f"""\
import os

from {W}.unified_manager import UnifiedWebSocketManager
from {W}.websocket_manager import WebSocketManager
import {W}.manager as m
"""


@pytest.fixture
def baseline_state(monkeypatch: pytest.MonkeyPatch, plugin_state: None) -> None:
    monkeypatch.setattr(Plugin, "baseline", Plugin.baseline)


def _run(filename: str, source: str) -> list[str]:
    plugin = Plugin(ast.parse(source), filename, source.splitlines(keepends=True))
    return [f"{line}:{col}: {message.split()[0]}" for line, col, message, _ in plugin.run()]


@pytest.mark.parametrize(
    ("filename", "source", "expected"),
    [
        pytest.param("app/x.py", KNOWN, [], id="all findings known"),
        pytest.param("app/x.py", EDITED, ["3:47: SWS002"], id="moved lines still known, the new one reported"),
        pytest.param("app/other.py", KNOWN, ["1:49: SWS101", "2:7: SWS003"], id="another file: nothing known"),
    ],
)
def test_plugin_drops_baselined_findings(
    baseline_state, example_registry, monkeypatch, filename, source, expected
) -> None:
    monkeypatch.chdir(example_registry.root)
    context = file_context(example_registry, "app/x.py")
    findings = check_source(KNOWN, example_registry, context, today=TODAY)
    monkeypatch.setattr(Plugin, "registry", example_registry)
    monkeypatch.setattr(Plugin, "today", TODAY)
    monkeypatch.setattr(Plugin, "baseline", loads(dumps(e for e, _ in keyed("app/x.py", findings)), "b"))
    assert _run(filename, source) == expected


def test_plugin_without_baseline_reports_everything(baseline_state, example_registry, monkeypatch) -> None:
    monkeypatch.chdir(example_registry.root)
    monkeypatch.setattr(Plugin, "registry", example_registry)
    monkeypatch.setattr(Plugin, "today", TODAY)
    monkeypatch.setattr(Plugin, "baseline", None)
    assert _run("app/x.py", KNOWN) == ["1:49: SWS101", "2:7: SWS003"]


def _options(registry: str, baseline: str | None) -> argparse.Namespace:
    return argparse.Namespace(ssot_registry=registry, ssot_baseline=baseline)


def test_parse_options_reads_the_baseline(baseline_state, example_registry, tmp_path) -> None:
    (tmp_path / "b.json").write_text(dumps([]), encoding="utf-8")
    Plugin.parse_options(_options(str(example_registry.path), str(tmp_path / "b.json")))
    assert Plugin.baseline is not None and Plugin.baseline.entries == frozenset()
    Plugin.parse_options(_options(str(example_registry.path), None))
    assert Plugin.baseline is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "{b}: no such file (create it with 'ssot-ws check --write-baseline {b}')", id="missing"),
        pytest.param(b"{", "{b}:1:2: invalid JSON: Expecting property name enclosed in double quotes", id="bad JSON"),
        pytest.param(
            b"\xff",
            "{b}: cannot read: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            id="not UTF-8",
        ),
        pytest.param("dir", "{b}: cannot read: Is a directory", id="a directory"),
    ],
)
def test_bad_baseline_is_a_one_line_error(baseline_state, example_registry, tmp_path, capsys, content, message):
    path = tmp_path / "b.json"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        Plugin.parse_options(_options(str(example_registry.path), str(path)))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == "flake8-ssot-ws: " + message.format(b=path) + "\n"


def test_real_flake8_with_baseline_in_config(tmp_path) -> None:
    """setup.cfg's ``ssot-baseline`` is read (relative to the config file) and honoured."""
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text(EDITED, encoding="utf-8")
    (tmp_path / "app" / "y.py").write_text(KNOWN, encoding="utf-8")
    (tmp_path / "ci").mkdir()
    registry = load_registry(tmp_path / "ssot-registry.toml")
    today = datetime.date.today()  # what flake8 runs with
    known = check_source(KNOWN, registry, file_context(registry, tmp_path / "app" / "x.py"), today=today)
    (tmp_path / "ci" / "ssot-baseline.json").write_text(dumps(e for e, _ in keyed("app/x.py", known)))
    (tmp_path / "setup.cfg").write_text(
        textwrap.dedent(
            """\
            [flake8]
            select = SWS
            ssot-registry = ssot-registry.toml
            ssot-baseline = ci/ssot-baseline.json
            """
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "app"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    legacy = "SWS101" if today < datetime.date(2026, 3, 31) else "SWS001"
    assert [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] for line in result.stdout.splitlines()] == [
        "app/x.py:3:48 SWS002",
        f"app/y.py:1:50 {legacy}",
        "app/y.py:2:8 SWS003",
    ]
    assert result.stderr == ""


def test_real_flake8_bare_baseline_name_from_a_subdirectory(tmp_path) -> None:
    """flake8 leaves a bare ``ssot-baseline = name.json`` relative; it is found next to the
    config file above the current directory, like a bare ``ssot-registry``."""
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text(KNOWN, encoding="utf-8")
    registry = load_registry(tmp_path / "ssot-registry.toml")
    known = check_source(
        KNOWN, registry, file_context(registry, tmp_path / "app" / "x.py"), today=datetime.date.today()
    )
    (tmp_path / "baseline.json").write_text(dumps(e for e, _ in keyed("app/x.py", known)), encoding="utf-8")
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nselect = SWS\nssot-registry = ssot-registry.toml\nssot-baseline = baseline.json\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "x.py"], cwd=tmp_path / "app", capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
