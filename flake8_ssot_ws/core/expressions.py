"""What the expression rules (core/checks/) and ``ssot-ws init``'s observations share:
the names imports bind, dynamic-import targets, attribute chains."""
from __future__ import annotations

import ast
from typing import Callable
from typing import Sequence

from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.core.imports import resolve_relative

DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})
# The most attributes the rules read between a chain's root and its last name (``a.b.c.Tracked``:
# 2, ``b`` and ``c``: ``dotted`` of ``a.b.c``; SWS008 reads a callee whole, its last name counted).
# Every Attribute node of a chain is looked at, and each reads its chain: without a bound, a
# chain of n tracked names costs n * n (and messages of n * n characters). Real code's chains
# have a handful of links.
MAX_CHAIN = 100


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
    chain = dotted(node.value)
    if chain is None:
        return None
    root, _, rest = chain.partition(".")
    base = bindings.get(root)
    if base is None:
        return None
    return chain, f"{base}.{rest}" if rest else base


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


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a plain name, else None (also for a chain of
    more than ``MAX_CHAIN`` links)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        if len(parts) == MAX_CHAIN:
            return None
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
