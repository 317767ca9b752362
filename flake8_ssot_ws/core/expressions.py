"""SWS005 and SWS007: the rules that look at expressions, not import statements.

Only called when the text can hold what they look for (see ``rules.analyze_tree``): a
full walk of the tree is the most expensive thing the core does.
"""
from __future__ import annotations

import ast
from typing import Callable
from typing import Iterable
from typing import Sequence

from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.core.imports import resolve_relative
from flake8_ssot_ws.registry import Registry

DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


def expression_findings(
    tree: ast.Module, registry: Registry, context: FileContext, bindings: dict[str, str]
) -> Iterable[Finding]:
    """SWS005 (dynamic imports) and, when ``bindings`` is given, SWS007 (attribute paths)."""
    for node in ast.walk(tree):
        finding = None
        if isinstance(node, ast.Call):
            finding = _dynamic_import(node, registry, context)
        elif bindings and isinstance(node, ast.Attribute):
            finding = _attribute_path(node, registry, bindings)
        if finding is not None:
            yield finding


def module_bindings(records: Sequence[ImportedName], group_of: Callable[[str], object]) -> dict[str, str]:
    """Local name -> dotted path, for the imports whose attributes SWS007 inspects.

    A tracked name (``group_of`` gives it a group) is a class or function the registry knows,
    not a module: its attributes (``WebSocketManager.get_websocket_manager()``) are members,
    not imports.
    """
    bindings: dict[str, str] = {}
    for record in records:
        path = record.bound_path
        if path is not None and (record.name is None or group_of(record.name) is None):
            bindings[record.bound] = path
    return bindings


def dynamic_import_target(node: ast.Call, context: FileContext) -> str | None:
    """The absolute module ``import_module("...")``/``__import__("...")`` names, if literal."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if called not in DYNAMIC_IMPORTERS:
        return None
    name_arg = _argument(node, 0, "name")
    target = _string_value(name_arg) if name_arg is not None else None
    if target is not None and target.startswith("."):
        target = _resolve_dynamic(target, node, context)
    return target


def attribute_reach(node: ast.Attribute, bindings: dict[str, str]) -> tuple[str, str] | None:
    """``(expression, module)`` for ``alias.x.Name`` where ``alias`` is bound by an import:
    the dotted expression before ``.Name`` as written, and the module path it reaches."""
    dotted = _dotted(node.value)
    if dotted is None:
        return None
    root, _, rest = dotted.partition(".")
    base = bindings.get(root)
    if base is None:
        return None
    return dotted, f"{base}.{rest}" if rest else base


def _dynamic_import(node: ast.Call, registry: Registry, context: FileContext) -> Finding | None:
    target = dynamic_import_target(node, context)
    watcher = registry.watched_modules.get(target) if target is not None else None
    if watcher is None:
        return None
    return Finding(node.lineno, node.col_offset, "SWS005", codes.SWS005.message(module=target), watcher.name)


def _resolve_dynamic(target: str, call: ast.Call, context: FileContext) -> str | None:
    """``import_module('.x', package)``: resolve against the literal or ``__package__``."""
    package_arg = _argument(call, 1, "package")
    if package_arg is None:
        return None
    package = _string_value(package_arg)
    if package is None and isinstance(package_arg, ast.Name) and package_arg.id == "__package__":
        package = context.package
    stripped = target.lstrip(".")
    return resolve_relative(len(target) - len(stripped), stripped or None, package)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """The argument passed at ``position`` or as ``keyword=``, if any."""
    if len(call.args) > position:
        return call.args[position]
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return None


def _string_value(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attribute_path(node: ast.Attribute, registry: Registry, bindings: dict[str, str]) -> Finding | None:
    """SWS007: ``alias.Tracked`` where ``alias`` is bound by an import."""
    group = registry.group_of(node.attr)
    if group is None:
        return None
    reach = attribute_reach(node, bindings)
    if reach is None:
        return None
    dotted, module = reach
    if (module, node.attr) in registry.canonical_by_import or not registry.tracks(group, module, node.attr):
        return None
    expr = f"{dotted}.{node.attr}"
    path = f"{module}.{node.attr}"
    candidates = [e.use for e in registry.legacy_by_import.get((module, node.attr), ())]
    candidates = candidates or list(registry.replacements_for(node.attr))
    if len(candidates) == 1:
        message = codes.SWS007.message(expr=expr, path=path, use=candidates[0].text)
    else:
        message = codes.SWS007.message("unknown", expr=expr, path=path)
    return Finding(node.lineno, node.col_offset, "SWS007", message, group.name)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
