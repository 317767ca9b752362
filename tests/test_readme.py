"""README's two commands stay true: CI runs the test command README gives, verbatim."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## The two commands", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.findall(r"```console\n(.+?)\n```", section)


def test_readme_gives_two_commands() -> None:
    example, tests = _readme_commands()
    assert "ssot-ws check" in example and "cd example" in example
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, tests = _readme_commands()
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8")
    (command,) = re.findall(r'^TEST_COMMAND="(.+)"$', ci, flags=re.MULTILINE)
    assert command == tests


def test_ci_runs_the_slow_fuzz_tests_on_the_primary_python() -> None:
    """Issue 11: the -m slow fuzz tests ran nowhere; CI runs them once, bounded."""
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8")
    primary = ci[ci.index('if [ "$version" = "$PRIMARY" ]; then') :]
    primary = primary[: primary.index("fi\n")]
    assert "SSOT_WS_SLOW_EXAMPLES=300 timeout 600 python -m pytest -q -n auto -m slow" in primary
