"""``# noqa`` for the standalone commands: flake8's semantics, checked against flake8 itself."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from tests.conftest import EXAMPLE_REGISTRY


def finding(line: int, code: str = "SWS001") -> Finding:
    return Finding(line, 0, code, f"{code} message", "g")


# (source, findings as (line, code), the (line, code) pairs flake8 would still report)
SPLIT = [
    pytest.param("import a\n", [(1, "SWS001")], [(1, "SWS001")], id="no-noqa"),
    pytest.param("import a  # noqa\n", [(1, "SWS001"), (1, "SWS003")], [], id="blanket"),
    pytest.param("import a  # NOQA\n", [(1, "SWS001")], [], id="upper-case"),
    pytest.param("import a  #noqa\n", [(1, "SWS001")], [(1, "SWS001")], id="no-space-is-no-noqa"),
    pytest.param("import a  # noqa: SWS001\n", [(1, "SWS001"), (1, "SWS003")], [(1, "SWS003")], id="specific-code"),
    pytest.param("import a  # noqa:SWS003,SWS001\n", [(1, "SWS001"), (1, "SWS003")], [], id="code-list"),
    pytest.param("import a  # noqa: SWS003 SWS001\n", [(1, "SWS001")], [], id="space-separated"),
    pytest.param("import a  # noqa: SWS0\n", [(1, "SWS001"), (1, "SWS101")], [(1, "SWS101")], id="prefix-code"),
    pytest.param("import a  # noqa: E501\n", [(1, "SWS001")], [(1, "SWS001")], id="other-code"),
    pytest.param("import a  # noqa: sws001\n", [(1, "SWS001")], [(1, "SWS001")], id="codes-are-case-sensitive"),
    pytest.param("import a  # noqa: SWS\n", [(1, "SWS001")], [], id="code-without-digits-is-blanket"),
    pytest.param("import a\nimport b  # noqa\n", [(1, "SWS001"), (2, "SWS001")], [(1, "SWS001")], id="other-line"),
    pytest.param(
        "import a, \\\n    b  # noqa\n", [(1, "SWS001"), (2, "SWS001")], [], id="backslash-continuation-joins-lines"
    ),
    pytest.param(
        "import a, \\\r    b  # noqa\r", [(1, "SWS001"), (2, "SWS001")], [], id="lone-cr-line-endings-join-lines-too"
    ),
    pytest.param(
        "from a import (b,\n    c)  # noqa\n",
        [(1, "SWS001"), (2, "SWS001")],
        [(1, "SWS001")],
        id="parentheses-do-not-join-lines",
    ),
    pytest.param('import a; x = """\n# noqa"""\n', [(1, "SWS001")], [], id="multi-line-string-joins-its-lines"),
    pytest.param(
        '"""\x0c"""\nimport a  # noqa\nimport b\n',
        [(2, "SWS001"), (3, "SWS001")],
        [(3, "SWS001")],
        id="form-feed-does-not-shift-lines",
    ),
    pytest.param("# flake8: noqa\nimport a\n", [(2, "SWS001")], [], id="file-level"),
    pytest.param("  # FLAKE8= NOQA\nimport a\n", [(2, "SWS001")], [], id="file-level-variant"),
    pytest.param("import a  # flake8: noqa\n", [(1, "SWS001")], [(1, "SWS001")], id="file-level-after-code-is-not"),
    pytest.param('x = """\nimport a  # noqa\n', [(2, "SWS001")], [], id="untokenizable-uses-the-physical-line"),
    pytest.param("import a  # noqa\n", [(5, "SWS001")], [(5, "SWS001")], id="line-beyond-the-end"),
    pytest.param("import a  # noqa\n", [], [], id="no-findings"),
]


@pytest.mark.parametrize(("source", "findings", "expected"), SPLIT)
def test_split_noqa(source: str, findings: list[tuple[int, str]], expected: list[tuple[int, str]]) -> None:
    all_findings = [finding(line, code) for line, code in findings]
    kept, suppressed = split_noqa(all_findings, source)
    assert [(f.line, f.code) for f in kept] == expected
    assert sorted(kept + suppressed, key=all_findings.index) == all_findings


# --- the same answers as real flake8 -----------------------------------------------

LEGACY = "from app.websocket_core.websocket_manager import WebSocketManager"
MODULE = "import app.websocket_core.manager"
AGREE = {
    "case_blanket.py": f"{LEGACY}  # noqa\n{MODULE}\n",
    "case_specific.py": f"import app.websocket_core.manager, app.websocket_core.websocket_manager  # noqa: SWS003\n"
    f"{LEGACY}\n",
    "case_prefix.py": f"{LEGACY}  # noqa: SWS\n{MODULE}  # noqa: SWS00\n",
    "case_lowercase.py": f"{LEGACY}  # NoQA: sws001,sws101\n{MODULE}  # NOQA:SWS003\n",
    "case_other.py": f"{LEGACY}  # noqa: E501\n",
    "case_backslash.py": "from app.websocket_core.websocket_manager import helper, \\\n    WebSocketManager  # noqa\n",
    "case_backslash_cr.py": (
        "from app.websocket_core.websocket_manager import WebSocketManager, \\\r    helper  # noqa\r"
    ),
    "case_parens.py": "from app.websocket_core.websocket_manager import (WebSocketManager,\n    helper)  # noqa\n",
    "case_string.py": f'{LEGACY}; x = """\n# noqa: SWS"""\n{MODULE}\n',
    "case_filelevel.py": f"# flake8: noqa: SWS001\n{LEGACY}\n",
}


@pytest.fixture(scope="module")
def flake8_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Registry, dict[str, list[tuple[int, str]]]]:
    root = tmp_path_factory.mktemp("noqa")
    (root / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    for name, source in AGREE.items():
        (root / name).write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "SWS", "--format", "%(path)s|%(row)d|%(code)s", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stderr == ""
    reported: dict[str, list[tuple[int, str]]] = {name: [] for name in AGREE}
    for line in result.stdout.splitlines():
        path, row, code = line.split("|")
        reported[Path(path).name].append((int(row), code))
    return load_registry(root / "ssot-registry.toml"), reported


@pytest.mark.parametrize("name", sorted(AGREE))
def test_same_as_flake8(flake8_output: tuple[Registry, dict[str, list[tuple[int, str]]]], name: str) -> None:
    registry, reported = flake8_output
    source = AGREE[name]
    findings = check_source(source, registry, file_context(registry, registry.root / name), today=datetime.date.today())
    assert findings  # every case has something for noqa to act on
    kept, _ = split_noqa(findings, source)
    assert [(f.line, f.code) for f in kept] == reported[name]
