"""The expression rules, one module per code, registered by the catalogue (``Code.rule``).

``expression_findings`` is the one walk: it runs only when a trigger of an active rule may
fire in the file (core/triggers.py) and hands each node to the rules it triggers.
"""

from __future__ import annotations

import ast
import importlib
from typing import Iterable

from flake8_ssot_ws.core import locate
from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import LOCATED_GATES
from flake8_ssot_ws.core.triggers import wanted
from flake8_ssot_ws.core.locate import Located


def _registered() -> tuple[ExpressionRule, ...]:
    rules = []
    for code in CATALOGUE.values():
        if code.rule:
            rule = importlib.import_module(f"{__name__}.{code.rule}").RULE
            assert isinstance(rule, ExpressionRule) and rule.code is code, code.id
            rules.append(rule)
    return tuple(rules)


RULES: tuple[ExpressionRule, ...] = _registered()


def expression_findings(
    facts: FileFacts, rules: Iterable[ExpressionRule] | None = None, *, located: Located | None = None
) -> list[Finding]:
    """Every finding of the expression rules (default: ``RULES``, looked up now) in
    ``facts.tree`` ([] without a walk when no trigger can fire). With ``located`` (the
    candidate lines of the text the tree was parsed from), only the statements holding a
    word of a wanted trigger are walked (core/locate.py)."""
    rules = RULES if rules is None else rules
    if located is None:
        by_type = wanted(rules, facts)
    else:
        by_type = wanted(rules, facts, LOCATED_GATES, locate.found_words(facts, located))
    findings: list[Finding] = []
    if not by_type:
        return findings
    if located is None:
        walked: Iterable[ast.AST] = ast.walk(facts.tree)
    else:
        triggers = {trigger for pairs in by_type.values() for trigger, _ in pairs}
        walked = locate.nodes(facts.tree, locate.expression_targets(facts, located, triggers), by_type.keys())
    for node in walked:
        for _, rule in by_type.get(type(node), ()):
            findings.extend(rule.check(node, facts))
    return findings
