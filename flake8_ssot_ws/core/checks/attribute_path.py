"""SWS007: ``alias.x.Tracked`` where ``alias`` is bound by an import, reaching a path that
is not a canonical import."""

from __future__ import annotations

import ast
from typing import Iterator

from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.expressions import attribute_reach
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Trigger


class AttributePath(ExpressionRule):
    code = codes.SWS007
    triggers = frozenset({Trigger.ATTRIBUTE})

    def check(self, node: ast.AST, facts: FileFacts) -> Iterator[Finding]:
        assert isinstance(node, ast.Attribute)
        registry = facts.registry
        group = registry.group_of(node.attr)
        if group is None:
            return
        reach = attribute_reach(node, facts.bindings)
        if reach is None:
            return
        dotted, module = reach
        if (module, node.attr) in registry.canonical_by_import:
            return
        expr = f"{dotted}.{node.attr}"
        path = f"{module}.{node.attr}"
        candidates = [e.use for e in registry.legacy_by_import.get((module, node.attr), ())]
        candidates = candidates or list(registry.replacements_for(node.attr))
        if len(candidates) == 1:
            message = self.code.message(expr=expr, path=path, use=candidates[0].text)
        else:
            message = self.code.message("unknown", expr=expr, path=path)
        yield Finding(node.lineno, node.col_offset, self.code.id, message, group.name)


RULE = AttributePath()
