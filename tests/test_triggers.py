"""Declared triggers: a rule reached by the full walk is reached by the fast path and the located walk too.

Every expression rule declares what it looks at (core/triggers.py). The full path's gate
and node dispatch (``GATES``, ``NODE_TYPES``) and the fast path's span selection
(fast/shortcut.py) are tables over those declarations: a synthetic rule declared with each
trigger must be reached by both, with the same findings, so a new trigger (or a new rule)
that one path skips fails here.
"""

from __future__ import annotations

import ast
import datetime
from typing import Iterator

import pytest

from flake8_ssot_ws.core import checks
from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.rules import analyze_source
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.core.triggers import GATES
from flake8_ssot_ws.core.triggers import NODE_TYPES
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.fast import shortcut
from flake8_ssot_ws.registry import Registry
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import MakeRegistry

TODAY = datetime.date(2026, 1, 1)
PROBE = codes.Code("SWS999", "probe", "probe", "A probe.", {"": "reached {node}"}, False, "error", True)


class Probe(ExpressionRule):
    """Fires on every node of its trigger's type that names a tracked name."""

    code = PROBE

    def __init__(self, trigger: Trigger) -> None:
        self.triggers = frozenset({trigger})

    def check(self, node: ast.AST, facts: FileFacts) -> Iterator[Finding]:
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        if any(facts.registry.group_of(name) for name in names) or isinstance(node, (ast.Call, ast.ClassDef)):
            assert isinstance(node, (ast.expr, ast.stmt))
            yield Finding(node.lineno, node.col_offset, PROBE.id, PROBE.message(node=type(node).__name__), "probe")


# trigger -> a file where it fires, and the probe's finding there (line:col node type).
FIRES = {
    Trigger.ATTRIBUTE: ("import app.services.other as other\nx = other.WebSocketManager\n", "2:4 Attribute"),
    Trigger.CALL: (
        (
            "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
            "def f():\n    return WebSocketManager()\n"
        ),
        "3:11 Call",
    ),
    Trigger.DYNAMIC_IMPORT: (
        "import importlib\nimportlib.import_module('app.websocket_core.manager')\n",
        "2:0 Call",
    ),
    Trigger.BASE: (
        (
            "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
            "if True:\n    class Tenant(WebSocketManager):\n        x = 1\n"
        ),
        "3:4 ClassDef",
    ),
}


def test_every_trigger_has_a_gate_a_node_type_and_a_case() -> None:
    assert set(GATES) == set(NODE_TYPES) == set(FIRES) == set(Trigger)


def test_every_registered_rule_is_in_the_catalogue() -> None:
    assert [rule.code for rule in checks.RULES] == [code for code in codes.CATALOGUE.values() if code.rule]


@pytest.fixture
def registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(EXAMPLE_REGISTRY)


@pytest.mark.parametrize("trigger", list(Trigger), ids=[trigger.name for trigger in Trigger])
def test_a_rule_declared_with_a_trigger_is_reached_by_both_paths(
    trigger: Trigger, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "RULES", (Probe(trigger),))
    shortcut._plan.cache_clear()
    try:
        source, expected = FIRES[trigger]
        context = file_context(registry, registry.root / "app/services/views.py")
        full = analyze_source(source, registry, context, today=TODAY).findings  # the located walk
        walked = analyze_tree(ast.parse(source), source_lines(source), registry, context, today=TODAY).findings
        fast = shortcut.analyze_ascii(source, registry, context, today=TODAY)
        assert fast is not None, "the fast path gave up"
        reached = [f"{f.line}:{f.col} {f.message.rpartition(' ')[2]}" for f in full if f.code == PROBE.id]
        assert reached == [expected]
        assert fast.analysis.findings == full == walked
    finally:
        shortcut._plan.cache_clear()


@pytest.mark.parametrize("trigger", [Trigger.CALL, Trigger.BASE], ids=["CALL", "BASE"])
def test_a_tracked_name_bound_under_an_untracked_alias_is_not_missed(
    trigger: Trigger, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path finds calls and bases by the tracked name's text: ``as WSM`` hides
    them, so such a file is parsed (None) rather than missed."""
    monkeypatch.setattr(checks, "RULES", (Probe(trigger),))
    shortcut._plan.cache_clear()
    try:
        source = (
            "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WSM\n"
            "WSM()\nclass T(WSM):\n    pass\n"
        )
        context = file_context(registry, registry.root / "app/services/views.py")
        assert any(f.code == PROBE.id for f in analyze_source(source, registry, context, today=TODAY).findings)
        assert shortcut.analyze_ascii(source, registry, context, today=TODAY) is None
    finally:
        shortcut._plan.cache_clear()


def test_rules_sharing_a_trigger_are_all_reached(registry: Registry) -> None:
    source, _ = FIRES[Trigger.CALL]
    context = file_context(registry, registry.root / "app/services/views.py")
    facts = FileFacts(ast.parse(source), [], registry, context, source)
    assert len(checks.expression_findings(facts, (Probe(Trigger.CALL), Probe(Trigger.CALL)))) == 0  # no import: gated
    from flake8_ssot_ws.core.imports import imported_names

    tree = ast.parse(source)
    facts = FileFacts(tree, imported_names(tree, None, source_lines(source)), registry, context, source)
    assert len(checks.expression_findings(facts, (Probe(Trigger.CALL), Probe(Trigger.CALL)))) == 2
