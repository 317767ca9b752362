"""A scan's findings as text (flake8's format), JSON, GitHub workflow commands or SARIF.

Pure: a ``ScanResult`` (the findings the run shows) and an ``Output`` (which of their codes are
warnings in this run, where the repository is) in, the text to print out. github and SARIF name
files relative to the repository root (``repository_path``), as GitHub resolves them; text and
JSON keep the paths as the run displays them (relative to the current directory). Columns: the core
keeps flake8's 0-based UTF-8 byte offsets; text, JSON and github show them 1-based, as flake8
prints them; SARIF counts UTF-16 code units, as its specification says.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any
from typing import Callable
from typing import NamedTuple

from flake8_ssot_ws.core.codes import CORE
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.scan.runner import ScanResult

TOOL = "ssot-ws"
INFORMATION_URI = "https://github.com/flake8-ssot-ws/flake8-ssot-ws"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# The formats whose paths are relative to the repository root: only their runs look for it (a
# walk up to the .git; a text run, pre-commit's, does not pay for it).
ROOTED = frozenset({"github", "sarif"})


class Output(NamedTuple):
    """What a renderer needs besides the findings."""

    warnings: frozenset[str] = frozenset()  # codes shown as warnings (they do not fail the run)
    root: str | None = None  # the repository root, absolute (SARIF's %SRCROOT%); None: the cwd

    def level(self, code: str) -> str:
        return "warning" if code in self.warnings else "error"

    def repository(self) -> str:
        return self.root if self.root is not None else os.getcwd()


DEFAULT = Output()


def describe_message(finding: Finding) -> str:
    """The message without its leading code."""
    return finding.message.partition(" ")[2]


def text(result: ScanResult, output: Output = DEFAULT) -> str:
    return "".join(f"{path}:{finding.line}:{finding.col + 1}: {finding.message}\n" for path, finding in result.findings)


def as_json(result: ScanResult, output: Output = DEFAULT) -> str:
    document = {
        "files_scanned": result.scanned,
        "findings": [
            {
                "path": path,
                "line": finding.line,
                "column": finding.col + 1,
                "code": finding.code,
                "message": describe_message(finding),
                "group": finding.group,
                "fixable": finding.fix is not None,
                "severity": output.level(finding.code),
            }
            for path, finding in result.findings
        ],
        "problems": [{"path": problem.path, "reason": problem.outcome.problem} for problem in result.problems],
    }
    import json  # only for this format: a text run (pre-commit's) does not import it

    return json.dumps(document, indent=2) + "\n"


def github(result: ScanResult, output: Output = DEFAULT) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the diff (a
    warning for a code that does not fail the run), and so does each file that could not be
    checked (a warning on the file: it does not fail the run either).

    ``file=`` is relative to the repository root, as SARIF's URIs: the runner passes a relative
    ``file`` on as a path in the repository, whatever the step's ``working-directory`` (paths
    relative to the current directory named files that do not exist when a job ran in
    ``services/a``). A file outside the root is named by its absolute path, which the runner
    makes relative when it is under the workspace."""
    root = output.repository()
    lines = []
    for path, finding in result.findings:
        where = _property(_github_file(path, root))
        properties = f"file={where},line={finding.line},col={finding.col + 1},title={finding.code}"
        lines.append(f"::{output.level(finding.code)} {properties}::{_data(finding.message)}\n")
    for problem in result.problems:
        properties = f"file={_property(_github_file(problem.path, root))},title={TOOL}"
        lines.append(f"::warning {properties}::{_data(f'not checked: {problem.outcome.problem}')}\n")
    return "".join(lines)


def _github_file(path: str, root: str) -> str:
    relative = repository_path(path, root)
    return relative if relative is not None else os.path.abspath(path)


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def sarif(result: ScanResult, output: Output = DEFAULT) -> str:
    """SARIF 2.1.0, as GitHub code scanning accepts it: URIs relative to the repository root
    (``%SRCROOT%``, whose absolute URI ``originalUriBaseIds`` gives), columns in UTF-16 code
    units (SARIF's default ``columnKind``)."""
    codes = [code.id for code in CORE]
    root = output.repository()
    results = [
        {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": output.level(finding.code),
            "message": {"text": describe_message(finding)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(path, root),
                        "region": {"startLine": finding.line, "startColumn": _utf16_column(finding) + 1},
                    }
                }
            ],
        }
        for path, finding in result.findings
    ]
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"{problem.path}: {problem.outcome.problem}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(problem.path, root)}}],
        }
        for problem in result.problems
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL,
                "version": _version(),
                "informationUri": INFORMATION_URI,
                "rules": [
                    {
                        "id": code.id,
                        "name": code.name,
                        "shortDescription": {"text": code.description},
                        "helpUri": f"{INFORMATION_URI}#{code.anchor}",
                        "defaultConfiguration": {"level": code.severity},
                    }
                    for code in CORE
                ],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(root)}},
        "columnKind": "utf16CodeUnits",
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    import json  # only for this format: a text run (pre-commit's) does not import it

    return json.dumps(document, indent=2) + "\n"


def _version() -> str:
    import importlib.metadata  # only here: importing it costs a CLI start ~30 ms

    return importlib.metadata.version("flake8-ssot-ws")


def _folder_uri(folder: str) -> str:
    uri = Path(folder).as_uri()
    return uri if uri.endswith("/") else f"{uri}/"  # a base URI must end in a slash


def _utf16_column(finding: Finding) -> int:
    return finding.col if finding.utf16_col is None else finding.utf16_col


def repository_path(path: str, root: str) -> str | None:
    """The file (as displayed, relative to the current directory) relative to the repository
    root, with ``/`` on every system; None outside it. SARIF's URIs and github's ``file=``."""
    absolute = os.path.abspath(path)
    if not absolute.startswith(os.path.join(root, "")):
        return None
    return Path(os.path.relpath(absolute, root)).as_posix()


def _artifact(path: str, root: str) -> dict[str, str]:
    """The file relative to the repository root; outside it, its absolute URI."""
    relative = repository_path(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    import urllib.parse  # here: only SARIF needs it, and it costs a text run 4 ms to import

    return {"uri": urllib.parse.quote(relative), "uriBaseId": SRCROOT}


def statistics(result: ScanResult) -> str:
    """flake8's ``--statistics``: per code, the count and the first message."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for _, finding in result.findings:
        counts[finding.code] += 1
        first.setdefault(finding.code, describe_message(finding))
    return "".join(f"{counts[code]:<5} {code} {first[code]}\n" for code in sorted(counts))


RENDERERS: dict[str, Callable[[ScanResult, Output], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
