"""SWS005: ``import_module("watched")`` / ``__import__("watched")``."""

from __future__ import annotations

import ast
from typing import Iterator

from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.expressions import dynamic_import_target
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.registry import Registry


class DynamicImport(ExpressionRule):
    code = codes.SWS005
    triggers = frozenset({Trigger.DYNAMIC_IMPORT})

    def active(self, registry: Registry) -> bool:
        return bool(registry.watched_modules)

    def check(self, node: ast.AST, facts: FileFacts) -> Iterator[Finding]:
        assert isinstance(node, ast.Call)
        target = dynamic_import_target(node, facts.context)
        watcher = facts.registry.watched_modules.get(target) if target is not None else None
        if watcher is not None:
            message = self.code.message(module=target)
            yield Finding(node.lineno, node.col_offset, self.code.id, message, watcher.name)


RULE = DynamicImport()
