"""One module's module-level bindings, read from its AST: what ``module.name`` can mean.

Every statement block at module level counts (``if``, ``try``, ``with``, loops, ``match``),
not function or class bodies. A name can have several bindings:

- a binding directly in the module body replaces the bindings before it (straight-line
  code: the later statement wins);
- bindings in an ``except`` handler, or in the ``else`` of ``if TYPE_CHECKING:``, are
  *fallbacks*: they count only when none of the others resolves
  (``try: from ._speedups import X`` / ``except ImportError: from ._pure import X``);
- the rest compete: the resolver reports two that reach different definitions as ambiguous.

Explicit bindings come before star imports (``from a import *``), whose names resolve in
the star-imported module, the last star import first.
"""

from __future__ import annotations

import ast
from typing import Any
from typing import NamedTuple
from typing import cast
from typing import Sequence

from flake8_ssot_ws.core.imports import imported_names
from flake8_ssot_ws.core.outcome import describe
from flake8_ssot_ws.reading import read_bytes

# Kinds of binding. The first four are definitions in the module itself.
CLASS, FUNCTION, VARIABLE, TYPE_ALIAS = "class", "function", "variable", "type alias"
IMPORT = "import"  # from M import Y [as X]: module, attribute = M, Y
MODULE = "module"  # import M [as X]: module = M
ALIAS = "alias"  # X = Y, X = a.b.Y: attribute = the dotted expression
DEFINITIONS = frozenset({CLASS, FUNCTION, VARIABLE, TYPE_ALIAS})


class Binding(NamedTuple):
    name: str
    kind: str
    line: int
    module: str | None = None  # IMPORT, MODULE; None: a relative import beyond the top package
    attribute: str | None = None  # IMPORT, ALIAS
    fallback: bool = False


class ModuleBindings(NamedTuple):
    names: dict[str, tuple[Binding, ...]]
    stars: tuple[str | None, ...]  # star-imported modules, in order (None: unresolvable relative)
    all_names: frozenset[str] | None  # a static __all__, else None
    loads: frozenset[str]  # every name the module reads somewhere
    problem: str | None = None  # why the file could not be read or parsed


def read_bindings(path: str, package: str | None) -> ModuleBindings:
    """The bindings of the module in ``path``; ``package`` resolves its relative imports."""
    try:
        tree = ast.parse(read_bytes(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return ModuleBindings({}, (), None, frozenset(), describe(error))
    return module_bindings(tree, package)


def module_bindings(tree: ast.Module, package: str | None) -> ModuleBindings:
    collector = _Collector(package)
    collector.block(tree.body, top=True, fallback=False)
    loads = frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    )
    names = {name: tuple(bindings) for name, bindings in collector.names.items()}
    all_names = None
    if collector.all_names is not None and not collector.all_computed:
        all_names = frozenset(collector.all_names)
    return ModuleBindings(names, tuple(collector.stars), all_names, loads)


class _Collector:
    def __init__(self, package: str | None) -> None:
        self.package = package
        self.names: dict[str, list[Binding]] = {}
        self.stars: list[str | None] = []
        self.all_names: set[str] | None = None  # None: no __all__ (yet)
        self.all_computed = False

    def bind(self, binding: Binding, top: bool) -> None:
        if top:
            self.names[binding.name] = [binding]
        else:
            self.names.setdefault(binding.name, []).append(binding)

    def block(self, body: Sequence[ast.stmt], top: bool, fallback: bool) -> None:
        for statement in body:
            self.statement(statement, top, fallback)

    def statement(self, node: ast.stmt, top: bool, fallback: bool) -> None:
        if isinstance(node, ast.ClassDef):
            self.bind(Binding(node.name, CLASS, node.lineno, fallback=fallback), top)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.bind(Binding(node.name, FUNCTION, node.lineno, fallback=fallback), top)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports(node, top, fallback)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.assign(target, node.value, node.lineno, top, fallback)
        elif isinstance(node, ast.AnnAssign):
            # `X: TypeAlias = Y` and `X: type[Base] = Y` bind like `X = Y`; `X: int` binds nothing.
            if node.value is not None:
                self.assign(node.target, node.value, node.lineno, top, fallback)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name) and node.target.id == "__all__":
                self.set_all(node.value, extend=True)
        elif isinstance(node, ast.If):
            type_checking = _is_type_checking(node.test)
            self.block(node.body, False, fallback)
            self.block(node.orelse, False, fallback or type_checking)
        elif isinstance(node, _TRY):
            attempt = cast(ast.Try, node)  # or ast.TryStar (3.11+), which has the same fields
            self.block(attempt.body, False, fallback)
            for handler in attempt.handlers:
                self.block(handler.body, False, True)
            self.block(attempt.orelse, False, fallback)
            self.block(attempt.finalbody, False, fallback)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.block(node.body, False, fallback)
            self.block(node.orelse, False, fallback)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body, top, fallback)  # a with body always runs
        elif isinstance(node, _MATCH):  # pragma: >=3.10 cover
            for case in cast(ast.Match, node).cases:
                self.block(case.body, False, fallback)
        elif _TYPE_ALIAS is not None and isinstance(node, _TYPE_ALIAS):  # pragma: >=3.12 cover
            name = cast(Any, node).name  # ast.TypeAlias: unknown to the typeshed of Python < 3.12
            assert isinstance(name, ast.Name)  # `type X = ...` always names X
            self.bind(Binding(name.id, TYPE_ALIAS, node.lineno, fallback=fallback), top)

    def imports(self, node: ast.Import | ast.ImportFrom, top: bool, fallback: bool) -> None:
        # The checker's own import records: relative imports resolved, `import a.b` binding `a`.
        for record in imported_names(ast.Module(body=[node], type_ignores=[]), self.package, ()):
            if record.name == "*":
                self.stars.append(record.module)
            elif record.name is None:
                self.bind(Binding(record.bound, MODULE, node.lineno, record.bound_path, fallback=fallback), top)
            else:
                binding = Binding(record.bound, IMPORT, node.lineno, record.module, record.name, fallback)
                self.bind(binding, top)

    def assign(self, target: ast.expr, value: ast.expr, line: int, top: bool, fallback: bool) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:  # `X, Y = a, b`: values, not aliases
                self.assign(element, ast.Constant(None), line, top, fallback)
            return
        if not isinstance(target, ast.Name):
            return  # `a.b = ...`, `a[0] = ...` bind no module-level name
        if target.id == "__all__":
            self.set_all(value, extend=False)
            return
        dotted = _dotted(value)
        if dotted is None:
            self.bind(Binding(target.id, VARIABLE, line, fallback=fallback), top)
        else:
            self.bind(Binding(target.id, ALIAS, line, attribute=dotted, fallback=fallback), top)

    def set_all(self, value: ast.expr, extend: bool) -> None:
        names = _strings(value)
        if names is None:
            self.all_computed = True  # `__all__ = base.__all__ + [...]`: not known statically
            return
        if self.all_names is None or not extend:
            self.all_names = set()
        self.all_names.update(names)


def _strings(node: ast.expr) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return values if len(values) == len(node.elts) else None


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    dotted = _dotted(test)
    return dotted is not None and dotted.rpartition(".")[2] == "TYPE_CHECKING"


_TRY: tuple[type[ast.stmt], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_MATCH: tuple[type[ast.stmt], ...] = (ast.Match,) if hasattr(ast, "Match") else ()
_TYPE_ALIAS: type[ast.stmt] | None = getattr(ast, "TypeAlias", None)
