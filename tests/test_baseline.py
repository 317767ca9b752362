"""The baseline (pure): keys that survive edits, the file format, the shrink-only ratchet."""

from __future__ import annotations

import datetime

import pytest

from flake8_ssot_ws.baseline.store import EMPTY
from flake8_ssot_ws.baseline.store import Baseline
from flake8_ssot_ws.baseline.store import Entry
from flake8_ssot_ws.baseline.store import dumps
from flake8_ssot_ws.baseline.store import in_scope_stale
from flake8_ssot_ws.baseline.store import key_reported
from flake8_ssot_ws.baseline.store import keyed
from flake8_ssot_ws.baseline.store import loads
from flake8_ssot_ws.baseline.store import update
from flake8_ssot_ws.baseline.store import what
from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.core.rules import NO_CONTEXT
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import check_source

TODAY = datetime.date(2026, 1, 1)
W = "app.websocket_core"
USE = f"from {W}.unified_manager import UnifiedWebSocketManager as WebSocketManager"


def _finding(message: str, line: int = 1) -> Finding:
    return Finding(line, 0, message.split()[0], message, "g")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            f"SWS001 'WebSocketManager' imported from non-canonical path '{W}.manager' - use '{USE}'; "
            "see issue 1182 - or ask (fixable with 'ssot-ws fix')",
            f"'WebSocketManager' imported from non-canonical path '{W}.manager'",
            id="SWS001: advice, reason and fix note dropped",
        ),
        pytest.param(
            f"SWS101 'WebSocketManager' imported from legacy path '{W}.websocket_manager', allowed before "
            f"2026-03-31 - use '{USE}' (fixable with 'ssot-ws fix')",
            f"'WebSocketManager' imported from legacy path '{W}.websocket_manager'",
            id="SWS101: the deadline is dropped (moving it keeps entries)",
        ),
        pytest.param(
            f"SWS101 'WebSocketManager' imported from legacy path '{W}.websocket_manager', allowed until "
            f"2026-03-31 - use '{USE}' (fixable with 'ssot-ws fix')",
            f"'WebSocketManager' imported from legacy path '{W}.websocket_manager'",
            id="SWS101 in its earlier wording ('allowed until'): the same key",
        ),
        pytest.param(
            f"SWS001 'WebSocketManager' imported from non-canonical path '{W}.manager' - use '{USE}'; "
            "deadline 2026-03-31 passed; see issue 1182 (fixable with 'ssot-ws fix')",
            f"'WebSocketManager' imported from non-canonical path '{W}.manager'",
            id="SWS001 past a deadline: the same key as without it",
        ),
        pytest.param(
            f"SWS002 'UnifiedWebSocketManager' must be bound as 'WebSocketManager' - use '{USE}'",
            "'UnifiedWebSocketManager' must be bound as 'WebSocketManager'",
            id="SWS002",
        ),
        pytest.param(
            f"SWS002 'UnifiedWebSocketManager' imported as 'WSM' must be bound as 'WebSocketManager' - use '{USE}'",
            "'UnifiedWebSocketManager' imported as 'WSM' must be bound as 'WebSocketManager'",
            id="SWS002 naming its alias: the alias is part of the key (X as A and X as B are two findings)",
        ),
        pytest.param(
            f"SWS007 'wsc.WebSocketManager' reaches '{W}.WebSocketManager', which is not a canonical import - use "
            f"'{USE}'",
            f"'wsc.WebSocketManager' reaches '{W}.WebSocketManager', which is not a canonical import",
            id="SWS007: the expression as written",
        ),
        pytest.param("SWS999 no advice at all", "no advice at all", id="a message without advice"),
    ],
)
def test_what(message, expected) -> None:
    assert what(_finding(message)) == expected


def test_keyed_numbers_identical_findings_per_code_and_text() -> None:
    a1 = _finding("SWS001 'A' imported from non-canonical path 'x' - use 'y'", line=3)
    b1 = _finding("SWS001 'B' imported from non-canonical path 'x' - use 'y'", line=4)
    a2 = _finding("SWS001 'A' imported from non-canonical path 'x' - use 'y'", line=9)
    a3_other_code = _finding("SWS101 'A' imported from legacy path 'x', allowed before 2030-01-01 - use 'y'", line=9)
    assert keyed("p.py", [a1, b1, a2, a3_other_code]) == [
        (Entry("p.py", "SWS001", "'A' imported from non-canonical path 'x'", 0), a1),
        (Entry("p.py", "SWS001", "'B' imported from non-canonical path 'x'", 0), b1),
        (Entry("p.py", "SWS001", "'A' imported from non-canonical path 'x'", 1), a2),
        (Entry("p.py", "SWS101", "'A' imported from legacy path 'x'", 0), a3_other_code),
    ]


# --- across edits, through the real core ------------------------------------------------

BEFORE = f"""\
from {W}.websocket_manager import WebSocketManager
from {W}.unified_manager import UnifiedWebSocketManager


def f():
    from {W}.websocket_manager import WebSocketManager
    return WebSocketManager
"""
MOVED = f"""\
\"\"\"A docstring and new code push every line down.\"\"\"
import os


def g():
    return os.sep


from {W}.unified_manager import UnifiedWebSocketManager
from {W}.websocket_manager import WebSocketManager


def f():
    from {W}.websocket_manager import WebSocketManager
    return WebSocketManager
"""
ADDED = BEFORE + f"from {W}.manager import WebSocketManager as Other\n"
ADDED_SAME = BEFORE + f"from {W}.websocket_manager import WebSocketManager as Third\n"
REMOVED_ONE_OF_TWO = BEFORE.replace(f"    from {W}.websocket_manager import WebSocketManager\n", "")
REMOVED_ALL = f"from {W}.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"


@pytest.mark.parametrize(
    ("after", "new_lines", "stale"),
    [
        pytest.param(BEFORE, [], 0, id="unchanged: everything known"),
        pytest.param(MOVED, [], 0, id="lines moved and reordered: still known"),
        pytest.param(ADDED, [8], 0, id="a new finding of another kind is new"),
        pytest.param(ADDED_SAME, [8], 0, id="a third identical import is new (occurrence index 2)"),
        pytest.param(REMOVED_ONE_OF_TWO, [], 1, id="one of two identical imports removed: one entry fixed"),
        pytest.param(REMOVED_ALL, [], 3, id="all fixed: every entry stale"),
    ],
)
def test_baseline_across_edits(example_registry, after, new_lines, stale) -> None:
    before = check_source(BEFORE, example_registry, NO_CONTEXT, today=TODAY)
    assert [f.code for f in before] == ["SWS101", "SWS002", "SWS101"]
    baseline = loads(dumps(entry for entry, _ in keyed("app/x.py", before)), "b.json")

    findings = check_source(after, example_registry, NO_CONTEXT, today=TODAY)
    new, known = baseline.split("app/x.py", findings)
    assert [f.line for f in new] == new_lines
    assert len(known) == len(findings) - len(new)
    matched = [entry for entry, _ in keyed("app/x.py", findings) if entry in baseline.entries]
    assert len(in_scope_stale(baseline, matched, lambda entry: True)) == stale


SWS002_A = "SWS002 'X' imported as 'A' must be bound as 'Z' - use 'from m import X as Z'"
SWS002_B = "SWS002 'X' imported as 'B' must be bound as 'Z' - use 'from m import X as Z'"
SWS002_PLAIN = "SWS002 'X' must be bound as 'Z' - use 'from m import X as Z'"
PLAIN_KEY, A_KEY = "'X' must be bound as 'Z'", "'X' imported as 'A' must be bound as 'Z'"


def test_keyed_gives_each_sws002_its_version_1_key_too() -> None:
    a, b, plain = (_finding(m, line=n) for n, m in enumerate((SWS002_A, SWS002_B, SWS002_PLAIN), 1))
    pairs = keyed("p.py", [a, b, plain])
    assert [(entry, entry.former) for entry, _ in pairs] == [
        (Entry("p.py", "SWS002", A_KEY, 0), Entry("p.py", "SWS002", PLAIN_KEY, 0)),
        (Entry("p.py", "SWS002", "'X' imported as 'B' must be bound as 'Z'", 0), Entry("p.py", "SWS002", PLAIN_KEY, 1)),
        (Entry("p.py", "SWS002", PLAIN_KEY, 0), Entry("p.py", "SWS002", PLAIN_KEY, 2)),
    ]


@pytest.mark.parametrize(
    ("version", "held", "new_lines"),
    [
        pytest.param(
            2, [PLAIN_KEY], [1, 2],
            id="version 2: two aliased imports added above a baselined plain one are the new ones (found by a "
            "seventh trial: with the alias left out of the key, lines 2 and 3 were new)",
        ),
        pytest.param(2, [A_KEY], [2, 3], id="version 2: X as A is held, X as B and a plain X are new"),
        pytest.param(
            1, [PLAIN_KEY, PLAIN_KEY, PLAIN_KEY], [],
            id="version 1 (keys without the alias): all three held, as when the file was written",
        ),
        pytest.param(1, [PLAIN_KEY], [2, 3], id="version 1: the first of the three held, by its index"),
    ],
)  # fmt: skip
def test_sws002_keys_by_version(version: int, held: list[str], new_lines: list[int]) -> None:
    findings = [_finding(m, line=n) for n, m in enumerate((SWS002_A, SWS002_B, SWS002_PLAIN), 1)]
    baseline = Baseline(frozenset(Entry("p.py", "SWS002", w, i) for i, w in enumerate(held)), version)
    new, _ = baseline.split("p.py", findings)
    assert [f.line for f in new] == new_lines


@pytest.mark.parametrize(
    ("old", "written"),
    [
        pytest.param(
            Baseline(frozenset({Entry("p.py", "SWS002", PLAIN_KEY, 0), Entry("p.py", "SWS002", PLAIN_KEY, 1)}), 1),
            '{"path": "p.py", "code": "SWS002", "what": "\'X\' must be bound as \'Z\'", "index": 1}',
            id="version 1 stays version 1: its keys, nothing added (entries of files not looked at stay readable)",
        ),
        pytest.param(
            Baseline(frozenset({Entry("p.py", "SWS002", PLAIN_KEY, 0), Entry("p.py", "SWS002", A_KEY, 0)})),
            '{"path": "p.py", "code": "SWS002", "what": "\'X\' imported as \'A\' must be bound as \'Z\'", '
            '"index": 0}',
            id="version 2: the alias in the key",
        ),
    ],
)
def test_a_rewrite_keeps_the_version(old: Baseline, written: str) -> None:
    findings = [_finding(m, line=n) for n, m in enumerate((SWS002_A, SWS002_PLAIN), 1)]
    change = update(old, [entry for entry, _ in keyed("p.py", findings)], lambda entry: True)
    assert (change.added, change.removed, change.entries) == ((), (), old.entries)
    text = dumps(change.entries, change.version)
    assert f'"version": {old.version},' in text.splitlines()[2]
    assert written in text
    assert loads(text, "b.json") == old


def test_baseline_is_per_path() -> None:
    finding = _finding("SWS003 module 'm' imported as a module - import names instead")
    baseline = Baseline(frozenset({Entry("a.py", "SWS003", "module 'm' imported as a module", 0)}))
    assert baseline.split("a.py", [finding]) == ([], [finding])
    assert baseline.split("b.py", [finding]) == ([finding], [])
    assert EMPTY.split("a.py", [finding]) == ([finding], [])


def test_deadline_passing_makes_a_baselined_legacy_import_new(example_registry) -> None:
    """SWS101 turns into SWS001 on its deadline: a baseline must not silence a missed deadline."""
    source = f"from {W}.websocket_manager import WebSocketManager\n"
    early = check_source(source, example_registry, NO_CONTEXT, today=datetime.date(2026, 3, 30))
    late = check_source(source, example_registry, NO_CONTEXT, today=datetime.date(2026, 3, 31))
    baseline = Baseline(frozenset(entry for entry, _ in keyed("x.py", early)))
    assert [f.code for f in early] == ["SWS101"]
    assert baseline.split("x.py", late) == (late, [])


# --- the file format ---------------------------------------------------------------------

ENTRIES = [
    Entry("b.py", "SWS001", "'A' imported from non-canonical path 'x'", 1),
    Entry("a.py", "SWS003", "module 'm' imported as a module", 0),
    Entry("b.py", "SWS001", "'A' imported from non-canonical path 'x'", 0),
    Entry("a.py", "SWS003", "module 'm' imported as a module", 0),
]
DUMPED = """\
{
  "comment": "ssot-ws baseline: findings 'ssot-ws check --baseline' and flake8's ssot-baseline do not report. \
Shrink it with 'ssot-ws check --write-baseline FILE'.",
  "version": 2,
  "findings": [
    {"path": "a.py", "code": "SWS003", "what": "module 'm' imported as a module", "index": 0},
    {"path": "b.py", "code": "SWS001", "what": "'A' imported from non-canonical path 'x'", "index": 0},
    {"path": "b.py", "code": "SWS001", "what": "'A' imported from non-canonical path 'x'", "index": 1}
  ]
}
"""
DUMPED_EMPTY = """\
{
  "comment": "ssot-ws baseline: findings 'ssot-ws check --baseline' and flake8's ssot-baseline do not report. \
Shrink it with 'ssot-ws check --write-baseline FILE'.",
  "version": 2,
  "findings": []
}
"""


@pytest.mark.parametrize(
    ("entries", "text"),
    [
        pytest.param(ENTRIES, DUMPED, id="sorted, deduplicated, one entry per line"),
        pytest.param([], DUMPED_EMPTY, id="empty"),
    ],
)
def test_dumps_and_round_trip(entries, text) -> None:
    assert dumps(entries) == text
    assert loads(text, "b.json") == Baseline(frozenset(entries))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "{\n  oops",
            "b.json:2:3: invalid JSON: Expecting property name enclosed in double quotes",
            id="bad JSON names line and column",
        ),
        pytest.param("[" * 100_000, "b.json: invalid JSON: nested too deeply to read", id="nested too deeply"),
        pytest.param("[]", "b.json: expected a JSON object with 'version' and 'findings'", id="not an object"),
        pytest.param('{"findings": []}', "b.json: version: expected 1 or 2, got None", id="no version"),
        pytest.param('{"version": 3, "findings": []}', "b.json: version: expected 1 or 2, got 3", id="future version"),
        pytest.param('{"version": true, "findings": []}', "b.json: version: expected 1 or 2, got True", id="a boolean"),
        pytest.param('{"version": 1}', "b.json: findings: expected an array, got NoneType", id="no findings"),
        pytest.param(
            '{"version": 1, "findings": [{"path": "a.py", "code": "X", "what": "w"}]}',
            "b.json: findings[0]: expected an object with exactly the keys path, code, what, index",
            id="missing key",
        ),
        pytest.param(
            '{"version": 1, "findings": ["a.py"]}',
            "b.json: findings[0]: expected an object with exactly the keys path, code, what, index",
            id="not an object entry",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"path": "", "code": "X", "what": "w", "index": 0}]}',
            "b.json: findings[0].path: expected a non-empty string, got ''",
            id="empty path",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"path": "a", "code": 1, "what": "w", "index": 0}]}',
            "b.json: findings[0].code: expected a non-empty string, got 1",
            id="code not a string",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"path": "a", "code": "X", "what": "w", "index": -1}]}',
            "b.json: findings[0].index: expected an integer >= 0, got -1",
            id="negative index",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"path": "a", "code": "X", "what": "w", "index": true}]}',
            "b.json: findings[0].index: expected an integer >= 0, got True",
            id="boolean index",
        ),
        pytest.param(
            '{"version": 1, "findings": [{"path": "a", "code": "X", "what": "w", "index": "0"}]}',
            "b.json: findings[0].index: expected an integer >= 0, got '0'",
            id="string index",
        ),
    ],
)
def test_loads_errors(text, message) -> None:
    with pytest.raises(BaselineError) as error:
        loads(text, "b.json")
    assert str(error.value) == message


# --- the ratchet ---------------------------------------------------------------------------

A0 = Entry("a.py", "SWS001", "x", 0)
A1 = Entry("a.py", "SWS001", "x", 1)
B0 = Entry("b.py", "SWS003", "y", 0)
C0 = Entry("c.py", "SWS002", "z", 0)


@pytest.mark.parametrize(
    ("old", "current", "scope", "entries", "added", "removed"),
    [
        pytest.param(None, {A0, B0}, {"a.py", "b.py"}, {A0, B0}, (A0, B0), (), id="no baseline yet: all added"),
        pytest.param({A0, A1, B0}, {A0, B0}, {"a.py", "b.py"}, {A0, B0}, (), (A1,), id="a fix shrinks it"),
        pytest.param({A0, B0}, {A0, B0}, {"a.py", "b.py"}, {A0, B0}, (), (), id="unchanged"),
        pytest.param({A0}, {A0, C0}, {"a.py", "c.py"}, {A0, C0}, (C0,), (), id="a new finding is an addition"),
        pytest.param({A0, B0}, {A0}, {"a.py"}, {A0, B0}, (), (), id="paths outside this run are kept"),
        pytest.param({A0, B0}, set(), {"a.py", "b.py"}, set(), (), (A0, B0), id="everything fixed"),
    ],
)
def test_update(old, current, scope, entries, added, removed) -> None:
    baseline = None if old is None else Baseline(frozenset(old))
    result = update(baseline, current, lambda entry: entry.path in scope)
    assert (set(result.entries), result.added, result.removed) == (entries, added, removed)


def test_key_reported_counts_noqa_findings_like_the_plugin() -> None:
    """The plugin keys findings before flake8's noqa; check keys the same way."""
    first = _finding("SWS003 module 'm' imported as a module - x", line=1)
    hidden = _finding("SWS003 module 'm' imported as a module - x", line=2)
    last = _finding("SWS003 module 'm' imported as a module - x", line=3)
    plugin_keys = keyed("a.py", [first, hidden, last])
    assert key_reported("a.py", [last, first], [hidden]) == [plugin_keys[0], plugin_keys[2]]
