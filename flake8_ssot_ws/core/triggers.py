"""Declared triggers: what each expression rule looks at, and the one gate over them.

An expression rule (core/checks/, one module per code) declares its triggers. The full
path walks a file's expressions only when a trigger of an active rule may fire there
(``wanted``), and hands each node to the rules whose trigger it is (``NODE_TYPES``); the
fast path (fast/shortcut.py) picks the spans to parse by the same declarations. A trigger
missing from either table is a KeyError in tests/test_triggers.py, so a new rule cannot be
skipped silently by one path.
"""

from __future__ import annotations

import ast
import enum
from typing import Callable
from typing import Iterable
from typing import Mapping
from typing import Sequence

from flake8_ssot_ws.core.codes import Code
from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.core.expressions import DYNAMIC_IMPORTERS
from flake8_ssot_ws.core.expressions import module_bindings
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.registry import Registry


class Trigger(enum.Enum):
    ATTRIBUTE = "an attribute of a module binding"  # alias.x.Tracked
    CALL = "a call of a tracked name"  # Tracked(...), alias.Tracked(...)
    DYNAMIC_IMPORT = "a dynamic-import call"  # import_module("..."), __import__("...")
    BASE = "a class's bases"  # class X(Tracked): ...


# The node type each trigger is found on.
NODE_TYPES: Mapping[Trigger, type[ast.AST]] = {
    Trigger.ATTRIBUTE: ast.Attribute,
    Trigger.CALL: ast.Call,
    Trigger.DYNAMIC_IMPORT: ast.Call,
    Trigger.BASE: ast.ClassDef,
}


class FileFacts:
    """What the rules of one file share, computed on first use."""

    def __init__(
        self, tree: ast.Module, records: Sequence[ImportedName], registry: Registry, context: FileContext, text: str
    ) -> None:
        self.tree = tree
        self.records = records
        self.registry = registry
        self.context = context
        self.text = text
        self.ascii = text.isascii()
        self._bindings: dict[str, str] | None = None
        self.cache: dict[str, object] = {}  # per rule, by code: what it computes once per file

    @property
    def bindings(self) -> dict[str, str]:
        """Local name -> dotted path of the imports binding modules (SWS007's)."""
        if self._bindings is None:
            self._bindings = module_bindings(self.records, self.registry.group_of)
        return self._bindings


class ExpressionRule:
    """One code found on expressions. Subclasses set ``code`` and ``triggers`` and define
    ``check``; ``active`` says whether the registry turns it on at all."""

    code: Code
    triggers: frozenset[Trigger]

    def active(self, registry: Registry) -> bool:
        return True

    def check(self, node: ast.AST, facts: FileFacts) -> Iterable[Finding]:  # pragma: no cover (abstract)
        raise NotImplementedError


def _attribute(facts: FileFacts) -> bool:
    # Only a file whose text can hold `x.<tracked name>` and whose imports bind a module.
    pattern = facts.registry.attribute_pattern
    if not facts.records:
        return False
    if facts.ascii and pattern is not None and pattern.search(facts.text) is None:
        return False
    return bool(facts.bindings)


def _dynamic_import(facts: FileFacts) -> bool:
    return not facts.ascii or any(name in facts.text for name in DYNAMIC_IMPORTERS)


def _bound_by_import(facts: FileFacts) -> bool:
    # A tracked name (or the module holding it) is reached only through a name an import binds.
    return any(record.bound_path is not None for record in facts.records)


# Trigger -> whether it may fire in this file (a superset: False only when it cannot).
GATES: Mapping[Trigger, Callable[[FileFacts], bool]] = {
    Trigger.ATTRIBUTE: _attribute,
    Trigger.CALL: _bound_by_import,
    Trigger.DYNAMIC_IMPORT: _dynamic_import,
    Trigger.BASE: _bound_by_import,
}


def _bindings(facts: FileFacts) -> bool:
    return bool(facts.records) and bool(facts.bindings)


def _always(facts: FileFacts) -> bool:
    return True


# The gates when only the statements holding a trigger's words are walked (core/locate.py):
# the text tests above are then answered by those words, and cost more than they save (a
# regex over every dot of a 50,000-line generated module).
LOCATED_GATES: Mapping[Trigger, Callable[[FileFacts], bool]] = {
    Trigger.ATTRIBUTE: _bindings,
    Trigger.CALL: _bound_by_import,
    Trigger.DYNAMIC_IMPORT: _always,
    Trigger.BASE: _bound_by_import,
}


class Word(enum.Enum):
    TRACKED = "a tracked name"
    # On its line, only blanks stand between it and a dot, or it begins the line (after a
    # line continuation or inside brackets): no comment fits between `x.` and the name.
    DOTTED = "a tracked name written after a dot (``x.Tracked``)"
    IMPORTER = "a dynamic-import function's name"
    ALIAS = "a local name an import binds a tracked name to (``as T``)"


# Trigger -> the words one of which the statement holding a node it fires on must contain,
# written in its text: core/locate.py visits only statements holding one.
WORDS: Mapping[Trigger, frozenset[Word]] = {
    Trigger.ATTRIBUTE: frozenset({Word.DOTTED}),  # the attribute itself: `x.Tracked`
    Trigger.CALL: frozenset({Word.TRACKED, Word.ALIAS}),  # the callee's last name, or `T()`
    Trigger.DYNAMIC_IMPORT: frozenset({Word.IMPORTER}),
    Trigger.BASE: frozenset({Word.TRACKED, Word.ALIAS}),
}


ByType = dict[type[ast.AST], list[tuple[Trigger, ExpressionRule]]]


def wanted(
    rules: Iterable[ExpressionRule],
    facts: FileFacts,
    gates: Mapping[Trigger, Callable[[FileFacts], bool]] = GATES,
    found: frozenset[Word] | None = None,
) -> ByType:
    """Node type -> the (trigger, rule) pairs that may fire in this file; empty: no walk.
    ``found``: the words the text holds (core/locate.py), when known: a trigger none of
    whose ``WORDS`` is there cannot fire, and its gate is not even asked."""
    by_type: ByType = {}
    answers: dict[Trigger, bool] = {}
    for rule in rules:
        if not rule.active(facts.registry):
            continue
        for trigger in sorted(rule.triggers, key=lambda t: t.name):
            if trigger not in answers:
                answers[trigger] = (found is None or not found.isdisjoint(WORDS[trigger])) and gates[trigger](facts)
            if answers[trigger]:
                by_type.setdefault(NODE_TYPES[trigger], []).append((trigger, rule))
    return by_type


def active_triggers(rules: Iterable[ExpressionRule], registry: Registry) -> frozenset[Trigger]:
    """The triggers of the rules the registry turns on (what the fast path looks for)."""
    return frozenset(trigger for rule in rules if rule.active(registry) for trigger in rule.triggers)
