"""SWS008: a tracked class constructed (``Tracked()``) or subclassed (``class X(Tracked)``)
outside its group's ``factory``.

A callee or base counts when it resolves, through this file's imports and Python's scopes,
to a tracked name of a group with a ``factory``: a local rebinding of the name (a class,
def, assignment or parameter) shadows the import. Files matching the group's
``construct-in`` globs, and the factory's own module, may construct directly.
"""

from __future__ import annotations

import ast
import fnmatch
from typing import Iterator
from typing import Union

from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.expressions import dotted
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.imports import resolve_relative
from flake8_ssot_ws.core.triggers import ExpressionRule
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class Construction(ExpressionRule):
    code = codes.SWS008
    triggers = frozenset({Trigger.CALL, Trigger.BASE})

    def active(self, registry: Registry) -> bool:
        return any(group.factory is not None for group in registry.groups)

    def check(self, node: ast.AST, facts: FileFacts) -> Iterator[Finding]:
        targets = [node.func] if isinstance(node, ast.Call) else node.bases if isinstance(node, ast.ClassDef) else []
        for target in targets:
            chain = dotted(target)
            if chain is None:
                continue
            root, _, rest = chain.partition(".")
            if root not in _imported_names(facts):
                continue  # cheap: only a name some import binds can resolve to a tracked one
            path = _scopes(facts).resolve(_root(target))
            if path is None:
                continue
            full = f"{path}.{rest}" if rest else path
            module, _, name = full.rpartition(".")
            group = facts.registry.group_of(name)
            factory = group.factory if group is not None else None
            if group is None or factory is None or _is_the_factory(group, factory, module, name):
                continue
            if not facts.registry.tracks(group, module, name):
                continue  # a namesake from a module outside the group's ``watch-from``
            if not _may_construct(group, facts):
                message = self.code.message(name=chain, factory=factory.bound, use=factory.text)
                yield Finding(target.lineno, target.col_offset, self.code.id, message, group.name)


def _is_the_factory(group: Group, factory: ImportSpec, module: str, name: str) -> bool:
    """Whether ``module.name`` is the factory: its own path, its name reached through
    another module (a legacy path, which SWS001 reports where it is imported), or a legacy
    name whose replacement is the factory. Calling the factory is what the rule asks for."""
    if name == factory.name:
        return True
    return any(
        (entry.use.module, entry.use.name) == (factory.module, factory.name)
        and (entry.spec.module, entry.spec.name) == (module, name)
        for entry in group.legacy
    )


def _root(node: ast.expr) -> ast.Name:
    while isinstance(node, ast.Attribute):
        node = node.value
    assert isinstance(node, ast.Name)  # dotted() was not None
    return node


def _may_construct(group: Group, facts: FileFacts) -> bool:
    factory = group.factory
    assert factory is not None
    context = facts.context
    if context.module == factory.module:
        return True
    relpath = context.relpath
    return relpath is not None and any(fnmatch.fnmatchcase(relpath, glob) for glob in group.construct_in)


def _imported_names(facts: FileFacts) -> set[str]:
    names = facts.cache.get("SWS008 names")
    if names is None:
        names = facts.cache["SWS008 names"] = {record.bound for record in facts.records}
    assert isinstance(names, set)
    return names


def _scopes(facts: FileFacts) -> _Scopes:
    scopes = facts.cache.get("SWS008 scopes")
    if scopes is None:
        scopes = facts.cache["SWS008 scopes"] = _Scopes(facts.tree, _imported_names(facts), facts.context.package)
    assert isinstance(scopes, _Scopes)
    return scopes


class _Scope:
    """One Python scope: what its imports bind, and every other name bound in it."""

    def __init__(self, parent: _Scope | None, is_class: bool = False) -> None:
        self.parent = parent
        self.is_class = is_class
        self.imports: dict[str, tuple[tuple[int, int], str | None]] = {}  # name -> (position, path)
        self.stores: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()


class _Scopes:
    """Which import each load of ``names`` resolves to, by Python's scoping rules: the
    innermost enclosing function binding the name wins, class bodies are not seen from
    the functions inside them, and any non-import binding in a scope shadows the import.
    One iterative pass (deeply nested expressions do not recurse)."""

    def __init__(self, tree: ast.Module, names: set[str], package: str | None) -> None:
        self.names = names
        self.package = package
        self.module = _Scope(None)
        self.scopes = [self.module]
        self.loads: dict[int, tuple[str, _Scope]] = {}
        stack: list[tuple[ast.AST, _Scope]] = [(tree, self.module)]
        while stack:
            node, scope = stack.pop()
            stack.extend(self._visit(node, scope))
        # A scope's statements are visited in no particular order: `global` applies after.
        for scope in self.scopes[1:]:
            self.module.stores |= scope.stores & scope.globals
            scope.stores -= scope.globals | scope.nonlocals

    def resolve(self, node: ast.Name) -> str | None:
        entry = self.loads.get(id(node))
        if entry is None:  # pragma: no cover (every load of an imported name is recorded)
            return None
        name, scope = entry
        current: _Scope | None = scope
        while current is not None:
            if current.is_class and current is not scope:
                current = current.parent  # a class body is not seen from the functions in it
            elif name in current.globals:
                current = self.module
                scope = current
            elif name in current.nonlocals:
                current = current.parent
            elif name in current.stores:
                return None  # shadowed
            else:
                found = current.imports.get(name)
                if found is not None:
                    return found[1]
                current = current.parent
        return None

    def _visit(self, node: ast.AST, scope: _Scope) -> list[tuple[ast.AST, _Scope]]:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if node.id in self.names:
                    self.loads[id(node)] = (node.id, scope)
            else:
                self._store(scope, node.id)
            return []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return self._function(node, scope)
        if isinstance(node, ast.ClassDef):
            self._store(scope, node.name)
            inner = self._scope(scope, is_class=True)
            outer: list[ast.AST] = [*node.decorator_list, *node.bases, *node.keywords]
            return [*((n, scope) for n in outer), *((n, inner) for n in node.body)]
        if isinstance(node, _COMPREHENSIONS):
            inner = self._scope(scope)
            first, *others = node.generators
            parts: list[ast.AST] = [first.target, *first.ifs]
            for generator in others:
                parts += [generator.target, generator.iter, *generator.ifs]
            parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return [(first.iter, scope), *((n, inner) for n in parts)]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope)
            return []
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
            return []
        if isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
            return []
        bound = _bound_name(node)
        if bound is not None:
            self._store(scope, bound)
        return [(child, scope) for child in ast.iter_child_nodes(node)]

    def _store(self, scope: _Scope, name: str) -> None:
        scope.stores.add(name)

    def _scope(self, parent: _Scope, is_class: bool = False) -> _Scope:
        scope = _Scope(parent, is_class)
        self.scopes.append(scope)
        return scope

    def _function(self, node: _Function, scope: _Scope) -> list[tuple[ast.AST, _Scope]]:
        inner = self._scope(scope)
        arguments = node.args
        outer: list[ast.AST] = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for param in params:
            inner.stores.add(param.arg)
        if isinstance(node, ast.Lambda):
            return [*((n, scope) for n in outer), (node.body, inner)]
        self._store(scope, node.name)
        outer += [*node.decorator_list, *(p.annotation for p in params if p.annotation is not None)]
        if node.returns is not None:
            outer.append(node.returns)
        return [*((n, scope) for n in outer), *((n, inner) for n in node.body)]

    def _import(self, node: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
        module = None
        if isinstance(node, ast.ImportFrom):
            module = resolve_relative(node.level, node.module, self.package) if node.level else node.module
        for alias in node.names:
            if alias.name == "*":
                continue
            if isinstance(node, ast.Import):
                bound = alias.asname or alias.name.partition(".")[0]
                path: str | None = alias.name if alias.asname else bound
            else:
                bound = alias.asname or alias.name
                path = f"{module}.{alias.name}" if module is not None else None
            position = (node.lineno, node.col_offset)
            previous = scope.imports.get(bound)
            if previous is None or previous[0] < position:  # the later import wins
                scope.imports[bound] = (position, path)


# The nodes binding a name in a field of their own, by class name: Python 3.9 has no match
# patterns (ast.MatchAs and its kin appear in 3.10).
_NAME_FIELDS = {"ExceptHandler": "name", "MatchAs": "name", "MatchStar": "name", "MatchMapping": "rest"}


def _bound_name(node: ast.AST) -> str | None:
    """The name an except clause or a match pattern binds (other nodes: None)."""
    field = _NAME_FIELDS.get(type(node).__name__)
    name = getattr(node, field) if field is not None else None
    assert name is None or isinstance(name, str)
    return name


RULE = Construction()
