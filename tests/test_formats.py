"""The output formats, exactly: text (flake8's), JSON, GitHub workflow commands, SARIF
2.1.0 (checked against the fields the specification requires), and --statistics."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any

import pytest

from flake8_ssot_ws.commands import formats
from flake8_ssot_ws.scan.checker import Outcome
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.core.rules import CanonicalImport
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import Fix
from flake8_ssot_ws.scan.runner import FileResult
from flake8_ssot_ws.scan.runner import ScanResult

FIX = Fix(1, 0, 1, 40, 0, ImportSpec("app.new", "Manager", None))
SWS001 = Finding(1, 24, "SWS001", "SWS001 'Manager' imported from non-canonical path 'app.old' - use it", "ws", FIX)
SWS003 = Finding(3, 7, "SWS003", "SWS003 module 'app.old' imported as a module - 100% wrong, really", "ws")
SWS101 = Finding(2, 0, "SWS101", "SWS101 'Manager' imported from legacy path 'a,b:c' - use it", "ws")
HIDDEN = Finding(9, 0, "SWS001", "SWS001 hidden by noqa", "ws")
RESULT = ScanResult(
    files=[
        FileResult("app/a.py", "app/a.py", Outcome(reported=(SWS001, SWS003), noqa=(HIDDEN,))),
        FileResult("app/broken.py", "app/broken.py", Outcome(problem="SyntaxError: invalid syntax (line 2)")),
        FileResult("app/clean.py", "app/clean.py", Outcome(canonical=(CanonicalImport(1, 0, "ws"),))),
        FileResult("odd dir/b,c:d.py", "odd dir/b,c:d.py", Outcome(reported=(SWS101,))),
    ],
    scanned=7,
)
EMPTY = ScanResult(files=[], scanned=3)
# SWS101 is a warning in a run with the default options: shown, not failing.
GRACE = formats.Output(warnings=frozenset({"SWS101"}))


def test_text() -> None:
    assert formats.text(RESULT) == (
        "app/a.py:1:25: SWS001 'Manager' imported from non-canonical path 'app.old' - use it\n"
        "app/a.py:3:8: SWS003 module 'app.old' imported as a module - 100% wrong, really\n"
        "odd dir/b,c:d.py:2:1: SWS101 'Manager' imported from legacy path 'a,b:c' - use it\n"
    )
    assert formats.text(EMPTY) == ""


def test_json() -> None:
    assert json.loads(formats.as_json(RESULT, GRACE)) == {
        "files_scanned": 7,
        "findings": [
            {
                "path": "app/a.py",
                "line": 1,
                "column": 25,
                "code": "SWS001",
                "group": "ws",
                "fixable": True,
                "severity": "error",
                "message": "'Manager' imported from non-canonical path 'app.old' - use it",
            },
            {
                "path": "app/a.py",
                "line": 3,
                "column": 8,
                "code": "SWS003",
                "group": "ws",
                "fixable": False,
                "severity": "error",
                "message": "module 'app.old' imported as a module - 100% wrong, really",
            },
            {
                "path": "odd dir/b,c:d.py",
                "line": 2,
                "column": 1,
                "code": "SWS101",
                "group": "ws",
                "fixable": False,
                "severity": "warning",
                "message": "'Manager' imported from legacy path 'a,b:c' - use it",
            },
        ],
        "problems": [{"path": "app/broken.py", "reason": "SyntaxError: invalid syntax (line 2)"}],
    }
    assert formats.as_json(EMPTY) == '{\n  "files_scanned": 3,\n  "findings": [],\n  "problems": []\n}\n'


def test_github() -> None:
    """Warnings as ``::warning``; a file that could not be checked annotated as a warning too."""
    assert formats.github(RESULT, GRACE) == (
        "::error file=app/a.py,line=1,col=25,title=SWS001::"
        "SWS001 'Manager' imported from non-canonical path 'app.old' - use it\n"
        "::error file=app/a.py,line=3,col=8,title=SWS003::"
        "SWS003 module 'app.old' imported as a module - 100%25 wrong, really\n"
        "::warning file=odd dir/b%2Cc%3Ad.py,line=2,col=1,title=SWS101::"
        "SWS101 'Manager' imported from legacy path 'a,b:c' - use it\n"
        "::warning file=app/broken.py,title=ssot-ws::not checked: SyntaxError: invalid syntax (line 2)\n"
    )


def test_github_selected_warning_is_an_error() -> None:
    """``--extend-select SWS101``: the run fails on it, so it is annotated as an error."""
    assert formats.github(RESULT).splitlines()[2].startswith("::error file=odd dir/b%2Cc%3Ad.py,line=2,col=1,")


def test_github_escapes_line_breaks() -> None:
    finding = Finding(1, 0, "SWS001", "SWS001 a\r\nb", "ws")
    result = ScanResult([FileResult("a.py", "a.py", Outcome(reported=(finding,)))], scanned=1)
    assert formats.github(result) == "::error file=a.py,line=1,col=1,title=SWS001::SWS001 a%0D%0Ab\n"


@pytest.mark.parametrize(
    ("root", "cwd", "path", "file"),
    [
        pytest.param("", "", "app/a.py", "app/a.py", id="run from the root: the path as displayed"),
        pytest.param("", "sub", "app/a.py", "sub/app/a.py", id="from a subfolder: relative to the root, not the cwd"),
        pytest.param("", "sub", "../app/a.py", "app/a.py", id="a path through the parent"),
        pytest.param("repo", "", "../app/a.py", "OUTSIDE/app/a.py", id="outside the root: the absolute path"),
    ],
)
def test_github_files_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, cwd: str, path: str, file: str
) -> None:
    """GitHub reads a relative ``file=`` as a path in the repository, as SARIF's URIs are; the
    message keeps no path. A file that could not be checked is named the same way."""
    (tmp_path / root / cwd).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / root / cwd)
    finding = Finding(1, 0, "SWS004", "SWS004 star", "ws")
    broken = path.replace("a.py", "broken.py")
    result = ScanResult(
        [
            FileResult(path, None, Outcome(reported=(finding,))),
            FileResult(broken, None, Outcome(problem="SyntaxError: invalid syntax (line 2)")),
        ],
        scanned=2,
    )
    file = file.replace("OUTSIDE", str(tmp_path))
    assert formats.github(result, formats.Output(root=str(tmp_path / root))) == (
        f"::error file={file},line=1,col=1,title=SWS004::SWS004 star\n"
        f"::warning file={file.replace('a.py', 'broken.py')},title=ssot-ws::"
        "not checked: SyntaxError: invalid syntax (line 2)\n"
    )


def test_statistics() -> None:
    assert formats.statistics(RESULT) == (
        "1     SWS001 'Manager' imported from non-canonical path 'app.old' - use it\n"
        "1     SWS003 module 'app.old' imported as a module - 100% wrong, really\n"
        "1     SWS101 'Manager' imported from legacy path 'a,b:c' - use it\n"
    )
    twice = ScanResult([FileResult("a.py", "a.py", Outcome(reported=(SWS003, SWS003)))], scanned=1)
    assert formats.statistics(twice) == "2     SWS003 module 'app.old' imported as a module - 100% wrong, really\n"


# --- SARIF --------------------------------------------------------------------------------

LEVELS = {"none", "note", "warning", "error"}


def require(value: Any, kind: type, where: str) -> Any:
    assert isinstance(value, kind), f"{where}: expected {kind.__name__}, got {value!r}"
    return value


def check_message(message: Any, where: str) -> None:
    require(require(message, dict, where).get("text"), str, f"{where}.text")


def check_location(location: Any, where: str) -> None:
    physical = require(require(location, dict, where)["physicalLocation"], dict, f"{where}.physicalLocation")
    artifact = require(physical["artifactLocation"], dict, f"{where}.artifactLocation")
    require(artifact["uri"], str, f"{where}.uri")
    assert " " not in artifact["uri"], "URIs are percent-encoded"
    region = physical.get("region")
    if region is not None:
        assert require(region["startLine"], int, f"{where}.startLine") >= 1
        assert require(region["startColumn"], int, f"{where}.startColumn") >= 1


def validate_sarif(document: Any) -> None:
    """The properties SARIF 2.1.0 requires (sarif-schema-2.1.0.json) and GitHub code
    scanning reads: version, runs[].tool.driver.name, results[].message, rule references."""
    require(document, dict, "log")
    assert document["version"] == "2.1.0"
    require(document["$schema"], str, "$schema")
    for run in require(document["runs"], list, "runs"):
        driver = require(require(run["tool"], dict, "tool")["driver"], dict, "driver")
        require(driver["name"], str, "driver.name")
        rules = require(driver.get("rules", []), list, "rules")
        for rule in rules:
            require(rule["id"], str, "rule.id")
            check_message(rule["shortDescription"], "rule.shortDescription")
            assert rule["defaultConfiguration"]["level"] in LEVELS
        for index, result in enumerate(require(run["results"], list, "results")):
            where = f"results[{index}]"
            check_message(result["message"], where)
            assert result["level"] in LEVELS
            assert rules[require(result["ruleIndex"], int, where)]["id"] == require(result["ruleId"], str, where)
            for location in require(result["locations"], list, f"{where}.locations"):
                check_location(location, f"{where}.location")
        for invocation in require(run.get("invocations", []), list, "invocations"):
            require(invocation["executionSuccessful"], bool, "executionSuccessful")
            for notification in invocation.get("toolExecutionNotifications", []):
                check_message(notification["message"], "notification")
                assert notification["level"] in LEVELS
                for location in notification.get("locations", []):
                    check_location(location, "notification.location")


def test_sarif() -> None:
    document = json.loads(formats.sarif(RESULT, GRACE))
    validate_sarif(document)
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ssot-ws", importlib.metadata.version("flake8-ssot-ws"))
    assert [rule["id"] for rule in driver["rules"]] == [
        "SWS001",
        "SWS002",
        "SWS003",
        "SWS004",
        "SWS005",
        "SWS006",
        "SWS007",
        "SWS008",
        "SWS101",
    ]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    help_uri = {code: rule["helpUri"].partition("#")[2] for code, rule in rules.items()}
    assert help_uri["SWS001"] == "sws001-non-canonical-import-of-a-tracked-name"
    assert help_uri["SWS006"] == "sws006-tracked-name-with-no-single-canonical-import"
    assert [rule["defaultConfiguration"]["level"] for rule in driver["rules"]] == [*["error"] * 8, "warning"]
    assert run["results"][0] == {
        "ruleId": "SWS001",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "'Manager' imported from non-canonical path 'app.old' - use it"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app/a.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1, "startColumn": 25},
                }
            }
        ],
    }
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == [
        "app/a.py",
        "app/a.py",
        "odd%20dir/b%2Cc%3Ad.py",
    ]
    assert [result["level"] for result in run["results"]] == ["error", "error", "warning"]
    assert (run["columnKind"], run["originalUriBaseIds"]) == (
        "utf16CodeUnits",
        {"%SRCROOT%": {"uri": f"{Path.cwd().as_uri()}/"}},
    )
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "warning",
                    "message": {"text": "app/broken.py: SyntaxError: invalid syntax (line 2)"},
                    "locations": [
                        {"physicalLocation": {"artifactLocation": {"uri": "app/broken.py", "uriBaseId": "%SRCROOT%"}}}
                    ],
                }
            ],
        }
    ]


def test_sarif_absolute_paths_are_file_uris(tmp_path: Path) -> None:
    path = str(tmp_path / "a b.py")
    finding = Finding(1, 0, "SWS004", "SWS004 star", "ws")
    result = ScanResult([FileResult(path, None, Outcome(reported=(finding,)))], scanned=1)
    document = json.loads(formats.sarif(result))
    validate_sarif(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "a b.py").as_uri()}


@pytest.mark.parametrize(
    ("root", "cwd", "path", "location"),
    [
        pytest.param("", "", "app/a.py", {"uri": "app/a.py", "uriBaseId": "%SRCROOT%"}, id="run from the root"),
        pytest.param(
            "", "sub", "app/a.py", {"uri": "sub/app/a.py", "uriBaseId": "%SRCROOT%"}, id="run from a subfolder"
        ),
        pytest.param(
            "", "sub", "../app/a.py", {"uri": "app/a.py", "uriBaseId": "%SRCROOT%"}, id="a path through the parent"
        ),
        pytest.param("repo", "", "../a.py", {"uri": "OUTSIDE/a.py"}, id="outside the root: an absolute URI"),
    ],
)
def test_sarif_uris_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, cwd: str, path: str, location: dict[str, str]
) -> None:
    (tmp_path / root / cwd).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / root / cwd)
    finding = Finding(1, 0, "SWS004", "SWS004 star", "ws")
    result = ScanResult([FileResult(path, None, Outcome(reported=(finding,)))], scanned=1)
    output = formats.Output(root=str(tmp_path / root))
    (run,) = json.loads(formats.sarif(result, output))["runs"]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    expected = {key: value.replace("OUTSIDE", tmp_path.as_uri()) for key, value in location.items()}
    assert (artifact, run["originalUriBaseIds"]) == (expected, {"%SRCROOT%": {"uri": f"{(tmp_path / root).as_uri()}/"}})


def test_sarif_root_of_the_file_system() -> None:
    """A base URI ends in a slash, also when the root is '/' (whose URI already does)."""
    (run,) = json.loads(formats.sarif(EMPTY, formats.Output(root="/")))["runs"]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///"}}


@pytest.mark.parametrize(
    ("col", "utf16_col", "column"),
    [
        pytest.param(24, None, 25, id="ASCII before the finding: the same column"),
        pytest.param(26, 24, 25, id="two 2-byte characters before it: 2 units fewer"),
    ],
)
def test_sarif_columns_are_utf16_code_units(col: int, utf16_col: int | None, column: int) -> None:
    finding = SWS001._replace(col=col, utf16_col=utf16_col)
    result = ScanResult([FileResult("a.py", "a.py", Outcome(reported=(finding,)))], scanned=1)
    (run,) = json.loads(formats.sarif(result))["runs"]
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": column}
    assert formats.text(result) == f"a.py:1:{col + 1}: {SWS001.message}\n"  # flake8's column


def test_sarif_without_findings_is_valid() -> None:
    document = json.loads(formats.sarif(EMPTY))
    validate_sarif(document)
    assert document["runs"][0]["results"] == []


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda d: d.update(version="2.0.0"), id="version"),
        pytest.param(lambda d: d["runs"][0]["results"][0].pop("message"), id="result-without-message"),
        pytest.param(lambda d: d["runs"][0]["results"][0].update(ruleIndex=3), id="rule-index-of-another-rule"),
        pytest.param(lambda d: d["runs"][0]["tool"]["driver"].pop("name"), id="driver-without-name"),
        pytest.param(lambda d: d["runs"][0]["results"][0].update(level="fatal"), id="unknown-level"),
    ],
)
def test_the_validator_rejects_invalid_sarif(broken) -> None:
    """The validator above is not a formality: each of these breaks a requirement."""
    document = json.loads(formats.sarif(RESULT))
    broken(document)
    with pytest.raises((AssertionError, KeyError)):
        validate_sarif(document)
