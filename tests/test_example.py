"""The shipped example project: its findings are the README's first command's output."""
from __future__ import annotations

import pytest

from flake8_ssot_ws.commands.cli import main


def test_example_project_findings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir("example")
    assert main(["check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    codes = [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in lines]
    assert codes == [
        ("app/routes/events.py", "SWS003"),
        ("app/routes/events.py", "SWS004"),
        ("app/routes/events.py", "SWS006"),
        ("app/routes/events.py", "SWS005"),
        ("app/routes/events.py", "SWS007"),
        ("app/routes/events.py", "SWS007"),
        ("app/services/agent_bridge.py", "SWS001"),
        ("app/services/agent_bridge.py", "SWS001"),
        ("app/services/agent_bridge.py", "SWS101"),
        ("app/services/agent_bridge.py", "SWS002"),
    ]
