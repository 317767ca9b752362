"""The compliance report (pure): every number on the fixture tree, hand-counted.

tests/fixtures/report/ (today = 2026-06-01; comments in each file say what it holds):

    file          ws group                                   config group
    app/a.py      canonical 1; SWS001 (legacy[0]),          canonical 1
                  SWS101 (legacy[1])
    app/b.py      SWS003; SWS001 under noqa (legacy[0])      SWS001 (legacy[0]); SWS002
    app/sub/c.py  SWS006; SWS005; SWS101 (legacy[1])         -
    app/sub/d.py  SWS004; SWS007                             -
    pkg/*.py, plain.py: nothing tracked; pkg/shim.py: exempt (its legacy import is not counted)
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from flake8_ssot_ws.baseline.store import Baseline
from flake8_ssot_ws.baseline.store import Entry
from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.report.compliance import Counts
from flake8_ssot_ws.report.compliance import FileFacts
from flake8_ssot_ws.report.compliance import build_report
from flake8_ssot_ws.report.render import report_json
from flake8_ssot_ws.core.rules import CanonicalImport
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import analyze_source
from flake8_ssot_ws.core.rules import file_context

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "report"
TODAY = datetime.date(2026, 6, 1)
BY_CODE_ZERO = dict.fromkeys(
    ("SWS001", "SWS002", "SWS003", "SWS004", "SWS005", "SWS006", "SWS007", "SWS008", "SWS101"), 0
)

# (path into the JSON report, hand-counted value, why)
NUMBERS = [
    pytest.param(("today",), "2026-06-01", id="today"),
    # ws: canonical a:1; findings a:2 b:2 (1 noqa) c:3 d:2 = 9
    pytest.param(("groups", 0, "name"), "ws", id="groups in registry order"),
    pytest.param(("groups", 0, "canonical"), 1, id="ws canonical: a.py:1"),
    pytest.param(("groups", 0, "non_canonical"), 9, id="ws non-canonical: a2 b2 c3 d2"),
    pytest.param(("groups", 0, "tracked"), 10, id="ws tracked = 1 + 9"),
    pytest.param(("groups", 0, "compliance"), 10.0, id="ws compliance 1/10"),
    pytest.param(
        ("groups", 0, "by_code"),
        {**BY_CODE_ZERO, "SWS001": 2, "SWS003": 1, "SWS004": 1, "SWS005": 1, "SWS006": 1, "SWS007": 1, "SWS101": 2},
        id="ws by code: SWS001 a+b(noqa), SWS101 a+c",
    ),
    pytest.param(("groups", 0, "noqa"), 1, id="ws noqa: b.py:2"),
    pytest.param(("groups", 0, "baselined"), 0, id="ws baselined: no baseline"),
    pytest.param(("groups", 0, "files_tracked"), 4, id="ws files with tracked imports: a b c d"),
    pytest.param(("groups", 0, "files_with_findings"), 4, id="ws files with findings: a b c d"),
    # config: canonical a:1; findings b:2
    pytest.param(("groups", 1, "name"), "config", id="second group"),
    pytest.param(("groups", 1, "canonical"), 1, id="config canonical: a.py:4"),
    pytest.param(("groups", 1, "non_canonical"), 2, id="config non-canonical: b.py:3,4"),
    pytest.param(("groups", 1, "tracked"), 3, id="config tracked"),
    pytest.param(("groups", 1, "compliance"), 33.3, id="config compliance 1/3 rounded down"),
    pytest.param(("groups", 1, "by_code"), {**BY_CODE_ZERO, "SWS001": 1, "SWS002": 1}, id="config by code"),
    pytest.param(("groups", 1, "noqa"), 0, id="config noqa"),
    pytest.param(("groups", 1, "files_tracked"), 2, id="config files with tracked imports: a b"),
    pytest.param(("groups", 1, "files_with_findings"), 1, id="config files with findings: b"),
    # overall
    pytest.param(("overall", "name"), "overall", id="overall name"),
    pytest.param(("overall", "canonical"), 2, id="overall canonical"),
    pytest.param(("overall", "non_canonical"), 11, id="overall non-canonical"),
    pytest.param(("overall", "tracked"), 13, id="overall tracked"),
    pytest.param(("overall", "compliance"), 15.3, id="overall compliance 2/13=15.38 rounded down"),
    pytest.param(
        ("overall", "by_code"),
        {
            "SWS001": 3,
            "SWS002": 1,
            "SWS003": 1,
            "SWS004": 1,
            "SWS005": 1,
            "SWS006": 1,
            "SWS007": 1,
            "SWS008": 0,
            "SWS101": 2,
        },
        id="overall by code",
    ),
    pytest.param(("overall", "noqa"), 1, id="overall noqa"),
    pytest.param(("overall", "baselined"), 0, id="overall baselined"),
    pytest.param(("overall", "files_tracked"), 4, id="overall files tracked: distinct files, not a sum"),
    pytest.param(("overall", "files_with_findings"), 4, id="overall files with findings"),
    # rankings: findings per file and per directory, noqa included; ties by path
    pytest.param(
        ("top_files",),
        [
            {"path": "app/b.py", "findings": 4},
            {"path": "app/sub/c.py", "findings": 3},
            {"path": "app/a.py", "findings": 2},
            {"path": "app/sub/d.py", "findings": 2},
        ],
        id="top files",
    ),
    pytest.param(
        ("top_directories",),
        [{"path": "app", "findings": 6}, {"path": "app/sub", "findings": 5}],
        id="top directories: a+b, c+d",
    ),
    # legacy entries
    pytest.param(
        ("legacy", 0),
        {
            "group": "ws",
            "key": "group[0].legacy[0]",
            "import": "from pkg.old_ws import Manager",
            "use": "from pkg.ws import Manager",
            "deadline": "2026-03-31",
            "reason": "issue 7",
            "remaining": 2,
            "days_left": -62,
        },
        id="overdue legacy entry: a.py and b.py (noqa) remain, 62 days late",
    ),
    pytest.param(
        ("legacy", 1),
        {
            "group": "ws",
            "key": "group[0].legacy[1]",
            "import": "from pkg.compat import Manager",
            "use": "from pkg.ws import Manager",
            "deadline": "2030-01-01",
            "reason": None,
            "remaining": 2,
            "days_left": 1310,
        },
        id="future legacy entry: a.py and c.py remain",
    ),
    pytest.param(
        ("legacy", 2),
        {
            "group": "config",
            "key": "group[1].legacy[0]",
            "import": "from pkg.settings import settings",
            "use": "from pkg.config import settings",
            "deadline": None,
            "reason": None,
            "remaining": 1,
            "days_left": None,
        },
        id="legacy entry without deadline: b.py remains",
    ),
]
# A baseline holding a.py's SWS101 and b.py's SWS003: moved to the baseline column, still counted.
BASELINE = Baseline(
    frozenset(
        {
            Entry("app/a.py", "SWS101", "'Manager' imported from legacy path 'pkg.compat'", 0),
            Entry("app/b.py", "SWS003", "module 'pkg.old_ws' imported as a module", 0),
        }
    )
)
BASELINE_NUMBERS = [
    pytest.param(("groups", 0, "baselined"), 2, id="ws baselined"),
    pytest.param(("groups", 1, "baselined"), 0, id="config baselined"),
    pytest.param(("overall", "baselined"), 2, id="overall baselined"),
    pytest.param(("overall", "non_canonical"), 11, id="baselined findings still count"),
    pytest.param(("overall", "compliance"), 15.3, id="compliance unchanged by the baseline"),
    pytest.param(("top_files", 0), {"path": "app/b.py", "findings": 4}, id="rankings unchanged"),
]


def fixture_facts(baseline: Baseline | None = None) -> list[FileFacts]:
    """The fixture through the core, as the report command sees it."""
    registry = load_registry(FIXTURE / "ssot-registry.toml")
    facts = []
    for path in sorted(FIXTURE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        context = file_context(registry, path)
        analysis = analyze_source(source, registry, context, today=TODAY)
        kept, noqa = split_noqa(analysis.findings, source)
        known: list[Finding] = []
        if baseline is not None:
            assert context.relpath is not None
            kept, known = baseline.split(context.relpath, kept)
        facts.append(FileFacts(str(context.relpath), kept, noqa, known, analysis.canonical))
    return facts


def _at(document: object, path: tuple[object, ...]) -> object:
    for key in path:
        document = document[key]  # type: ignore[index]
    return document


@pytest.fixture(scope="module")
def fixture_report() -> dict[str, object]:
    registry = load_registry(FIXTURE / "ssot-registry.toml")
    report = build_report(fixture_facts(), registry, today=TODAY, registry_name="ssot-registry.toml", files_scanned=10)
    return report_json(report)


@pytest.mark.parametrize(("path", "expected"), NUMBERS)
def test_fixture_numbers(fixture_report, path, expected) -> None:
    assert _at(fixture_report, path) == expected


@pytest.mark.parametrize(("path", "expected"), BASELINE_NUMBERS)
def test_fixture_numbers_with_baseline(path, expected) -> None:
    registry = load_registry(FIXTURE / "ssot-registry.toml")
    facts = fixture_facts(BASELINE)
    report = build_report(facts, registry, today=TODAY, registry_name="r", files_scanned=10)
    assert _at(report_json(report), path) == expected


def test_every_legacy_entry_is_listed(fixture_report) -> None:
    assert len(fixture_report["legacy"]) == 3  # type: ignore[arg-type]


# --- the pure parts, one rule each ----------------------------------------------------------


def _counts(canonical: int, non_canonical: int) -> Counts:
    return Counts("g", canonical, {"SWS001": non_canonical}, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("canonical", "non_canonical", "expected"),
    [
        pytest.param(0, 0, 100.0, id="nothing tracked is fully compliant"),
        pytest.param(5, 0, 100.0, id="all canonical"),
        pytest.param(9999, 1, 99.9, id="one miss never shows 100.0"),
        pytest.param(2, 1, 66.6, id="two thirds rounded down"),
        pytest.param(0, 3, 0.0, id="none canonical"),
        pytest.param(872, 128, 87.2, id="the seed's 87.2%"),
    ],
)
def test_compliance(canonical, non_canonical, expected) -> None:
    assert _counts(canonical, non_canonical).compliance == expected


def test_top_is_limited_and_ties_sort_by_path(example_registry) -> None:
    finding = Finding(1, 0, "SWS001", "SWS001 x - y", "websocket-manager")
    facts = [FileFacts(f"d{i % 2}/f{i}.py", reported=[finding] * (1 + i // 3)) for i in range(6)]
    report = build_report(facts, example_registry, today=TODAY, registry_name="r", files_scanned=6, top=3)
    assert [(r.path, r.findings) for r in report.top_files] == [("d0/f4.py", 2), ("d1/f3.py", 2), ("d1/f5.py", 2)]
    assert [(r.path, r.findings) for r in report.top_directories] == [("d1", 5), ("d0", 4)]


def test_files_at_the_root_rank_as_directory_dot(example_registry) -> None:
    finding = Finding(1, 0, "SWS003", "SWS003 x - y", "websocket-manager")
    report = build_report(
        [FileFacts("top.py", reported=[finding])], example_registry, today=TODAY, registry_name="r", files_scanned=1
    )
    assert [(r.path, r.findings) for r in report.top_directories] == [(".", 1)]


def test_empty_scan(example_registry) -> None:
    report = build_report([], example_registry, today=TODAY, registry_name="r", files_scanned=0, files_unreadable=2)
    assert report.overall == Counts("overall", 0, dict(BY_CODE_ZERO), 0, 0, 0, 0)
    assert report.overall.compliance == 100.0
    assert (report.top_files, report.top_directories, report.files_unreadable) == ((), (), 2)
    assert [(s.key, s.remaining, s.days_left) for s in report.legacy] == [("group[0].legacy[0]", 0, -62)]


def test_canonical_only_file_is_tracked_without_findings(example_registry) -> None:
    facts = [FileFacts("a.py", canonical=[CanonicalImport(1, 0, "websocket-manager")])]
    report = build_report(facts, example_registry, today=TODAY, registry_name="r", files_scanned=1)
    assert (report.overall.files_tracked, report.overall.files_with_findings) == (1, 0)
