"""`ssot-ws report` end to end: the hand-counted numbers through the real scan, the badge,
--baseline, --fail-under, and agreement with `ssot-ws check` on the same tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flake8_ssot_ws.report.badge import badge_svg
from flake8_ssot_ws.baseline.store import dumps
from flake8_ssot_ws.commands.cli import main
from tests.test_report import BASELINE
from tests.test_report import BASELINE_NUMBERS
from tests.test_report import FIXTURE
from tests.test_report import NUMBERS

TODAY = ["--today", "2026-06-01", "--no-cache"]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture tree plus a file that does not parse, as the current directory."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "broken.py").write_text("from pkg.ws import Manager\ndef (:\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _report(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["report", "--format", "json", *TODAY, *argv]) == 0
    out, err = capsys.readouterr()
    assert err == ("broken.py: SyntaxError: invalid syntax (line 2)\nssot-ws: 1 file could not be read or parsed\n")
    document: dict[str, object] = json.loads(out)
    return document


def _at(document: object, path: tuple[object, ...]) -> object:
    for key in path:
        document = document[key]  # type: ignore[index]
    return document


@pytest.mark.parametrize(("path", "expected"), NUMBERS)
def test_every_number_through_the_real_scan(tree, capsys, path, expected) -> None:
    assert _at(_report(capsys), path) == expected


def test_files_and_registry(tree, capsys) -> None:
    document = _report(capsys)
    # 9 fixture files (the exempt one included: it is looked at, and nothing in it counts) + broken.py
    assert document["files"] == {"scanned": 10, "unreadable": 1}
    assert (document["schema"], document["registry"]) == (1, "ssot-registry.toml")


@pytest.mark.parametrize(("path", "expected"), BASELINE_NUMBERS)
def test_baseline_column(tree, capsys, path, expected) -> None:
    (tree / "baseline.json").write_text(dumps(BASELINE.entries), encoding="utf-8")
    assert _at(_report(capsys, "--baseline", "baseline.json"), path) == expected


def test_report_agrees_with_check(tree, capsys) -> None:
    """check prints exactly the non-canonical imports that neither noqa nor the baseline hide."""
    (tree / "baseline.json").write_text(dumps(BASELINE.entries), encoding="utf-8")
    overall = _report(capsys, "--baseline", "baseline.json")["overall"]
    assert main(["check", *TODAY, "--baseline", "baseline.json"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert isinstance(overall, dict)
    assert len(printed) == overall["non_canonical"] - overall["noqa"] - overall["baselined"] == 8


@pytest.mark.parametrize(
    ("argv", "non_canonical", "by_code"),
    [
        pytest.param([], 11, None, id="control: every code"),
        pytest.param(["--select", "SWS003"], 1, {"SWS003": 1}, id="only the selected codes count"),
        pytest.param(["--extend-ignore", "SWS101"], 9, {"SWS101": 0}, id="grace codes count unless ignored"),
    ],
)
def test_selection(tree, capsys, argv, non_canonical, by_code) -> None:
    """--select and friends: the report counts what check would show, nothing else."""
    overall = _report(capsys, *argv)["overall"]
    assert isinstance(overall, dict)
    assert overall["non_canonical"] == non_canonical
    assert overall["tracked"] == overall["canonical"] + non_canonical
    if by_code is not None:
        assert {code: overall["by_code"][code] for code in by_code} == by_code
        assert sum(overall["by_code"].values()) == non_canonical


def test_a_named_file_that_is_not_python_is_not_counted(tree, capsys) -> None:
    (tree / "notes.txt").write_text("from pkg.old_ws import Manager\n", encoding="utf-8")
    assert main(["report", "--format", "json", *TODAY, "notes.txt", "app/a.py"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["files"] == {"scanned": 1, "unreadable": 0}
    assert err == "notes.txt: skipped: not a Python file\n"


def test_badge(tree, capsys) -> None:
    (tree / "docs").mkdir()
    _report(capsys, "--badge", "docs/badge.svg")
    assert (tree / "docs" / "badge.svg").read_text(encoding="utf-8") == badge_svg(15.3)


@pytest.mark.parametrize(
    ("fail_under", "code", "err"),
    [
        pytest.param("15.3", 0, "", id="at the threshold passes"),
        pytest.param("15.4", 1, "ssot-ws: compliance 15.3% is below --fail-under 15.4%\n", id="below fails"),
        pytest.param("90", 1, "ssot-ws: compliance 15.3% is below --fail-under 90%\n", id="whole number"),
    ],
)
def test_fail_under(tree, capsys, fail_under, code, err) -> None:
    (tree / "broken.py").unlink()
    assert main(["report", *TODAY, "--fail-under", fail_under]) == code
    assert capsys.readouterr().err == err


def test_markdown_and_top(tree, capsys) -> None:
    (tree / "broken.py").unlink()
    assert main(["report", *TODAY, "--format", "markdown", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## SSOT compliance 15.3% (2 of 13 tracked imports canonical)\n\n")
    assert (
        "| `app` | 6 |\n\n### Top files by findings\n\n| path | findings |\n| --- | --: |\n| `app/b.py` | 4 |\n" in out
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--top", "x"],
            "argument --top: expected a whole number, got 'x' (see 'ssot-ws report --help')",
            id="--top not a number",
        ),
        pytest.param(
            ["--fail-under", "101"],
            "argument --fail-under: expected a percentage from 0 to 100, got '101' (see 'ssot-ws report --help')",
            id="--fail-under above 100",
        ),
        pytest.param(
            ["--fail-under", "high"],
            "argument --fail-under: expected a percentage from 0 to 100, got 'high' (see 'ssot-ws report --help')",
            id="--fail-under not a number",
        ),
        pytest.param(
            ["--baseline", "nope.json"],
            "nope.json: no such file (create it with 'ssot-ws check --write-baseline nope.json')",
            id="missing baseline",
        ),
        pytest.param(
            ["--today", "2026-6-1"],
            "argument --today: expected a date like 2026-03-31, got '2026-6-1' (see 'ssot-ws report --help')",
            id="bad --today",
        ),
    ],
)
def test_usage_errors(tree, capsys, argv, message) -> None:
    assert main(["report", "--no-cache", *argv]) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message}\n")


# --- the README's sample report and the committed badge are real -----------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_readme_sample_report_is_real_output(monkeypatch, capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("<!-- sample report:", 1)[1].split("```console\n", 1)[1].split("```\n", 1)[0]
    command, expected = sample.split("\n", 1)
    assert command == "$ cd example && ssot-ws report --today 2026-06-01"
    monkeypatch.chdir(ROOT / "example")
    assert main(["report", "--today", "2026-06-01", "--no-cache"]) == 0
    assert capsys.readouterr() == (expected, "")


def test_committed_badge_is_the_example_badge(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.chdir(ROOT / "example")
    assert main(["report", "--no-cache", "--badge", str(tmp_path / "badge.svg")]) == 0
    committed = (ROOT / "docs" / "ssot-badge.svg").read_text(encoding="utf-8")
    assert committed == (tmp_path / "badge.svg").read_text(encoding="utf-8")
    assert "SSOT: 33.3%" in committed
    assert "](docs/ssot-badge.svg)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_unwritable_badge_is_a_usage_error(tree, capsys) -> None:
    (tree / "broken.py").unlink()
    assert main(["report", *TODAY, "--badge", "missing/badge.svg"]) == 2
    assert capsys.readouterr() == (
        "",
        "ssot-ws: error: --badge missing/badge.svg: cannot write: No such file or directory\n",
    )
