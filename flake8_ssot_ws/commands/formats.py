"""A scan's findings as text (flake8's format), JSON, GitHub workflow commands or SARIF.

Pure: a ``ScanResult`` in, the text to print out. Columns: the core keeps flake8's 0-based
UTF-8 byte offsets; every format shows them 1-based, as flake8 prints them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from typing import Callable

from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.codes import CORE
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.scan.runner import ScanResult

TOOL = "ssot-ws"
INFORMATION_URI = "https://github.com/flake8-ssot-ws/flake8-ssot-ws"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def describe_message(finding: Finding) -> str:
    """The message without its leading code."""
    return finding.message.partition(" ")[2]


def text(result: ScanResult) -> str:
    return "".join(f"{path}:{finding.line}:{finding.col + 1}: {finding.message}\n" for path, finding in result.findings)


def as_json(result: ScanResult) -> str:
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
            }
            for path, finding in result.findings
        ],
        "problems": [{"path": problem.path, "reason": problem.outcome.problem} for problem in result.problems],
    }
    return json.dumps(document, indent=2) + "\n"


def github(result: ScanResult) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the diff."""
    lines = []
    for path, finding in result.findings:
        properties = f"file={_property(path)},line={finding.line},col={finding.col + 1},title={finding.code}"
        lines.append(f"::error {properties}::{_data(finding.message)}\n")
    return "".join(lines)


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def sarif(result: ScanResult) -> str:
    """SARIF 2.1.0, as GitHub code scanning accepts it (paths relative to the current
    directory, which is the repository root in a CI job)."""
    codes = [code.id for code in CORE]
    results = [
        {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": CATALOGUE[finding.code].severity,
            "message": {"text": describe_message(finding)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(path),
                        "region": {"startLine": finding.line, "startColumn": finding.col + 1},
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
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(problem.path)}}],
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
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def _version() -> str:
    import importlib.metadata  # only here: importing it costs a CLI start ~30 ms

    return importlib.metadata.version("flake8-ssot-ws")


def _artifact(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    import urllib.parse  # here: only SARIF needs it, and it costs a text run 4 ms to import

    return {"uri": urllib.parse.quote(Path(path).as_posix()), "uriBaseId": "%SRCROOT%"}


def statistics(result: ScanResult) -> str:
    """flake8's ``--statistics``: per code, the count and the first message."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for _, finding in result.findings:
        counts[finding.code] += 1
        first.setdefault(finding.code, describe_message(finding))
    return "".join(f"{counts[code]:<5} {code} {first[code]}\n" for code in sorted(counts))


RENDERERS: dict[str, Callable[[ScanResult], str]] = {"text": text, "json": as_json, "github": github, "sarif": sarif}
