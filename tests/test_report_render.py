"""Renderers of the report (text, markdown, JSON) and the SVG badge: exact output."""

from __future__ import annotations

import dataclasses
import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from flake8_ssot_ws.report.badge import badge_svg
from flake8_ssot_ws.report.badge import colour
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.report.compliance import FileFacts
from flake8_ssot_ws.report.compliance import build_report
from flake8_ssot_ws.report.render import render_json
from flake8_ssot_ws.report.render import render_markdown
from flake8_ssot_ws.report.render import render_text
from flake8_ssot_ws.report.render import report_json
from tests.test_report import BASELINE
from tests.test_report import FIXTURE
from tests.test_report import TODAY
from tests.test_report import fixture_facts

TEXT = """\
SSOT compliance 15.3% (2 of 13 tracked imports canonical) - 2026-06-01, registry ssot-registry.toml
10 files scanned, 4 with tracked imports, 4 with findings, 1 unreadable

group    compliance  tracked  canonical  non-canonical  noqa  baseline  files  with findings
ws            10.0%       10          1              9     1         2      4              4
config        33.3%        3          1              2     0         0      2              1
overall       15.3%       13          2             11     1         2      4              4

non-canonical by code
group    SWS001  SWS002  SWS003  SWS004  SWS005  SWS006  SWS007  SWS008  SWS101
ws            2       0       1       1       1       1       1       0       2
config        1       1       0       0       0       0       0       0       0
overall       3       1       1       1       1       1       1       0       2

top directories by findings
findings  path
       6  app
       5  app/sub

top files by findings
findings  path
       4  app/b.py
       3  app/sub/c.py
       2  app/a.py
       2  app/sub/d.py

legacy imports
  group[0].legacy[0] (ws): 2 remaining, deadline 2026-03-31, 62 days overdue
    from pkg.old_ws import Manager
    -> from pkg.ws import Manager
    reason: issue 7
  group[0].legacy[1] (ws): 2 remaining, deadline 2030-01-01, 1310 days left
    from pkg.compat import Manager
    -> from pkg.ws import Manager
  group[1].legacy[0] (config): 1 remaining, no deadline
    from pkg.settings import settings
    -> from pkg.config import settings
"""

MARKDOWN = """\
## SSOT compliance 15.3% (2 of 13 tracked imports canonical)

10 files scanned, 4 with tracked imports, 4 with findings, 1 unreadable. Date 2026-06-01, registry `ssot-registry.toml`.

| group | compliance | tracked | canonical | non-canonical | noqa | baseline | files | with findings |
| --- | --: | --: | --: | --: | --: | --: | --: | --: |
| ws | 10.0% | 10 | 1 | 9 | 1 | 2 | 4 | 4 |
| config | 33.3% | 3 | 1 | 2 | 0 | 0 | 2 | 1 |
| **overall** | 15.3% | 13 | 2 | 11 | 1 | 2 | 4 | 4 |

### Non-canonical by code

| group | SWS001 | SWS002 | SWS003 | SWS004 | SWS005 | SWS006 | SWS007 | SWS008 | SWS101 |
| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |
| ws | 2 | 0 | 1 | 1 | 1 | 1 | 1 | 0 | 2 |
| config | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| **overall** | 3 | 1 | 1 | 1 | 1 | 1 | 1 | 0 | 2 |

### Top directories by findings

| path | findings |
| --- | --: |
| `app` | 6 |
| `app/sub` | 5 |

### Top files by findings

| path | findings |
| --- | --: |
| `app/b.py` | 4 |
| `app/sub/c.py` | 3 |
| `app/a.py` | 2 |
| `app/sub/d.py` | 2 |

### Legacy imports

| group | entry | remaining | deadline | due | legacy import | use instead | reason |
| --- | --- | --: | --- | --- | --- | --- | --- |
| ws | group[0].legacy[0] | 2 | 2026-03-31 | 62 days overdue | \
`from pkg.old_ws import Manager` | `from pkg.ws import Manager` | issue 7 |
| ws | group[0].legacy[1] | 2 | 2030-01-01 | 1310 days left | \
`from pkg.compat import Manager` | `from pkg.ws import Manager` |  |
| config | group[1].legacy[0] | 1 | - | no deadline | \
`from pkg.settings import settings` | `from pkg.config import settings` |  |
"""

EMPTY_TEXT = """\
SSOT compliance 100.0% (0 of 0 tracked imports canonical) - 2026-06-01, registry r
0 files scanned, 0 with tracked imports, 0 with findings, 0 unreadable

group              compliance  tracked  canonical  non-canonical  noqa  baseline  files  with findings
websocket-manager      100.0%        0          0              0     0         0      0              0
overall                100.0%        0          0              0     0         0      0              0

non-canonical by code
group              SWS001  SWS002  SWS003  SWS004  SWS005  SWS006  SWS007  SWS008  SWS101
websocket-manager       0       0       0       0       0       0       0       0       0
overall                 0       0       0       0       0       0       0       0       0

legacy imports
  group[0].legacy[0] (websocket-manager): 0 remaining, deadline 2026-03-31, 62 days overdue
    from app.websocket_core.websocket_manager import WebSocketManager
    -> from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager
    reason: see issue 1182
"""


@pytest.fixture(scope="module")
def report():
    registry = load_registry(FIXTURE / "ssot-registry.toml")
    facts = fixture_facts(BASELINE)
    return build_report(
        facts, registry, today=TODAY, registry_name="ssot-registry.toml", files_scanned=10, files_unreadable=1
    )


def test_text(report) -> None:
    assert render_text(report) == TEXT


def test_markdown(report) -> None:
    assert render_markdown(report) == MARKDOWN


def test_json_is_the_documented_document(report) -> None:
    text = render_json(report)
    assert json.loads(text) == report_json(report)
    assert text.startswith('{\n  "schema": 1,\n  "today": "2026-06-01",\n')
    assert list(json.loads(text)) == [
        "schema",
        "today",
        "registry",
        "files",
        "overall",
        "groups",
        "top_directories",
        "top_files",
        "legacy",
    ]


def test_empty_report_text_has_no_rankings(example_registry) -> None:
    report = build_report([], example_registry, today=TODAY, registry_name="r", files_scanned=0)
    assert render_text(report) == EMPTY_TEXT


@pytest.mark.parametrize(
    ("days_left", "text", "markdown_cell"),
    [
        pytest.param(0, "deadline 2026-06-01, due today", "| due today |", id="due today"),
        pytest.param(1, "deadline 2026-06-01, 1 day left", "| 1 day left |", id="tomorrow"),
        pytest.param(-1, "deadline 2026-06-01, 1 day overdue", "| 1 day overdue |", id="yesterday"),
    ],
)
def test_deadline_wording(example_registry, days_left, text, markdown_cell) -> None:
    report = build_report([], example_registry, today=TODAY, registry_name="r", files_scanned=0)
    status = dataclasses.replace(
        report.legacy[0], deadline=datetime.date(2026, 6, 1), days_left=days_left, reason="a|b"
    )
    report = dataclasses.replace(report, legacy=(status,))
    assert f"group[0].legacy[0] (websocket-manager): 0 remaining, {text}\n" in render_text(report)
    assert f"| 2026-06-01 {markdown_cell} `from app" in render_markdown(report)
    assert render_markdown(report).endswith("| a\\|b |\n")


# --- the badge -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("compliance", "expected"),
    [
        pytest.param(100.0, "#4c1", id="100 brightgreen"),
        pytest.param(99.9, "#97ca00", id="99.9 green"),
        pytest.param(95.0, "#97ca00", id="95 green"),
        pytest.param(94.9, "#a4a61d", id="94.9 yellowgreen"),
        pytest.param(90.0, "#a4a61d", id="90 yellowgreen"),
        pytest.param(87.2, "#dfb317", id="the seed's 87.2 yellow"),
        pytest.param(80.0, "#dfb317", id="80 yellow"),
        pytest.param(60.0, "#fe7d37", id="60 orange"),
        pytest.param(59.9, "#e05d44", id="59.9 red"),
        pytest.param(0.0, "#e05d44", id="0 red"),
    ],
)
def test_badge_colour(compliance, expected) -> None:
    assert colour(compliance) == expected


def test_badge_svg() -> None:
    svg = badge_svg(87.2)
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.get("aria-label") == "SSOT: 87.2%"
    assert root.get("width") == "88"  # "SSOT" 31px and "87.2%" 37px of Verdana, plus padding
    assert [t.text for t in root.iterfind(".//svg:text", ns)] == ["SSOT", "SSOT", "87.2%", "87.2%"]
    fills = [r.get("fill") for r in root.iterfind(".//svg:g/svg:rect", ns)]
    assert fills == ["#555", "#dfb317", "url(#s)"]


def test_badge_escapes_its_label() -> None:
    root = ET.fromstring(badge_svg(100.0, label="A&B <x>"))
    assert root.get("aria-label") == "A&B <x>: 100.0%"


EMPTY_MARKDOWN_NO_LEGACY = """\
## SSOT compliance 100.0% (0 of 0 tracked imports canonical)

0 files scanned, 0 with tracked imports, 0 with findings, 0 unreadable. Date 2026-06-01, registry `r`.

| group | compliance | tracked | canonical | non-canonical | noqa | baseline | files | with findings |
| --- | --: | --: | --: | --: | --: | --: | --: | --: |
| a\\|b | 100.0% | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| **overall** | 100.0% | 0 | 0 | 0 | 0 | 0 | 0 | 0 |

### Non-canonical by code

| group | SWS001 | SWS002 | SWS003 | SWS004 | SWS005 | SWS006 | SWS007 | SWS008 | SWS101 |
| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |
| a\\|b | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| **overall** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
"""


def test_registry_without_legacy_has_no_legacy_section(make_registry) -> None:
    registry = make_registry('[[group]]\nname = "a|b"\ncanonical = ["from m import X"]\n')
    report = build_report([], registry, today=TODAY, registry_name="r", files_scanned=0)
    assert render_markdown(report) == EMPTY_MARKDOWN_NO_LEGACY
    assert render_text(report).endswith("overall" + "       0" * 9 + "\n")


@pytest.mark.parametrize(
    ("scanned", "tracked", "headline", "files_line"),
    [
        pytest.param(1, 1, "(0 of 1 tracked import canonical)", "1 file scanned,", id="one of each: singular"),
        pytest.param(2, 2, "(0 of 2 tracked imports canonical)", "2 files scanned,", id="plural"),
    ],
)
def test_counts_agree_with_their_nouns(example_registry, scanned, tracked, headline, files_line) -> None:
    finding = Finding(1, 0, "SWS003", "SWS003 module 'm' imported as a module - x", "websocket-manager")
    facts = [FileFacts(path=f"a{n}.py", reported=(finding,)) for n in range(tracked)]
    report = build_report(facts, example_registry, today=TODAY, registry_name="r", files_scanned=scanned)
    first, second = render_text(report).splitlines()[:2]
    assert (first.split(" - ")[0].split("% ")[1], second.split(" ")[:3]) == (headline, files_line.split(" "))
