"""AST -> every import of one module that a registry could track, in every form the checker
knows: ``from M import N [as L]`` of a tracked name, ``alias.N`` reaching ``M.N`` (SWS007),
modules imported as modules (``import M``, ``from P import m``, SWS003), star imports (SWS004)
and ``import_module("M")`` strings (SWS005).

``ssot-ws init`` builds a registry from these, so they are found by the very functions the
rules use (``imported_names``, ``module_bindings``, ``attribute_reach``,
``dynamic_import_target``): what init counts is what ``check`` then sees.
"""

from __future__ import annotations

import ast
from typing import Callable
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.core.expressions import attribute_reach
from flake8_ssot_ws.core.expressions import dynamic_import_target
from flake8_ssot_ws.core.expressions import module_bindings
from flake8_ssot_ws.core.imports import imported_names


class NameImport(NamedTuple):
    """``from module import name [as asname]`` of a tracked name, relative imports resolved."""

    module: str
    name: str
    asname: str | None
    line: int
    col: int


class AttributeImport(NamedTuple):
    """``expression.name`` where the expression's root is bound by an import to ``module``."""

    module: str
    name: str
    expression: str
    line: int
    col: int


class ModuleImport(NamedTuple):
    """What may import a module as a module. ``how``: "import" (``import M``), "from" (``from P
    import m``, recorded for every name: ``P.m`` may be a module the registry watches, whether or
    not it is under the paths) or "dynamic" (a literal string)."""

    module: str
    how: str
    line: int
    col: int


class StarImport(NamedTuple):
    module: str
    line: int
    col: int


class Observations(NamedTuple):
    names: tuple[NameImport, ...] = ()
    attributes: tuple[AttributeImport, ...] = ()
    modules: tuple[ModuleImport, ...] = ()
    stars: tuple[StarImport, ...] = ()

    @property
    def tracked(self) -> bool:
        """Whether a tracked name is imported (by statement or attribute)."""
        return bool(self.names or self.attributes)


NOTHING = Observations()


def observe_tree(
    tree: ast.Module, lines: Sequence[str], context: FileContext, group_of: Callable[[str], object]
) -> Observations:
    """The observations of one parsed module (or of the fast path's module of just its import
    statements and relevant expressions). ``group_of`` is truthy for tracked names (as
    ``Registry.group_of``). They hold every position at which ``check`` could report something
    with a registry tracking those names, whatever modules it names."""
    records = imported_names(tree, context.package, lines)
    names: list[NameImport] = []
    modules: list[ModuleImport] = []
    stars: list[StarImport] = []
    for record in records:
        if record.module is None:
            continue  # a relative import outside any known package: the checker skips it too
        if record.name is None:
            modules.append(ModuleImport(record.module, "import", record.line, record.col))
        elif record.name == "*":
            stars.append(StarImport(record.module, record.line, record.col))
        else:
            # Both: the checker's SWS003 (a watched module) comes before its name rules.
            modules.append(ModuleImport(f"{record.module}.{record.name}", "from", record.line, record.col))
            if group_of(record.name) is not None:
                names.append(NameImport(record.module, record.name, record.asname, record.line, record.col))
    bindings = module_bindings(records, group_of)
    attributes: list[AttributeImport] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if group_of(node.attr) is None:
                continue
            reach = attribute_reach(node, bindings)
            if reach is not None:
                attributes.append(AttributeImport(reach[1], node.attr, reach[0], node.lineno, node.col_offset))
        elif isinstance(node, ast.Call):
            target = dynamic_import_target(node, context)
            if target is not None:
                modules.append(ModuleImport(target, "dynamic", node.lineno, node.col_offset))
    if not (names or attributes or modules or stars):
        return NOTHING
    return Observations(
        tuple(sorted(names, key=_position)),
        tuple(sorted(attributes, key=_position)),
        tuple(sorted(modules, key=_position)),
        tuple(sorted(stars, key=_position)),
    )


def _position(item: NameImport | AttributeImport | ModuleImport | StarImport) -> tuple[int, int]:
    return item.line, item.col
