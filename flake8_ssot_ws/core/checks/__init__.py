"""The expression rules, one module per code, registered by the catalogue (``Code.rule``).

``expression_findings`` is the one walk: it runs only when a trigger of an active rule may
fire in the file (core/triggers.py) and hands each node to the rules it triggers.
"""

from __future__ import annotations

import ast
import importlib
from typing import Iterable

from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import wanted


def _registered() -> tuple[ExpressionRule, ...]:
    rules = []
    for code in CATALOGUE.values():
        if code.rule:
            rule = importlib.import_module(f"{__name__}.{code.rule}").RULE
            assert isinstance(rule, ExpressionRule) and rule.code is code, code.id
            rules.append(rule)
    return tuple(rules)


RULES: tuple[ExpressionRule, ...] = _registered()


def expression_findings(facts: FileFacts, rules: Iterable[ExpressionRule] | None = None) -> list[Finding]:
    """Every finding of the expression rules (default: ``RULES``, looked up now) in
    ``facts.tree`` ([] without a walk when no trigger can fire)."""
    by_type = wanted(RULES if rules is None else rules, facts)
    findings: list[Finding] = []
    if not by_type:
        return findings
    for node in ast.walk(facts.tree):
        for _, rule in by_type.get(type(node), ()):
            findings.extend(rule.check(node, facts))
    return findings
