"""``ssot-ws registry --verify``: an existing registry held against the code.

Every canonical and legacy import is resolved (resolver.py). A problem is a canonical import
that resolves to nothing or to competing definitions, or a legacy import that resolves to a
definition its ``use`` does not (the split state a registry exists to end: code importing the
legacy path gets another object than code importing the canonical one). A group's
``factory`` is a problem when it resolves to nothing, to competing definitions, or to a class
(SWS008 never flags a call of the factory, so naming the class there turns the rule off for
it). A legacy import that resolves to nothing is no problem: its module may be gone already.
An import of a module outside the paths (an installed package: ``Resolver.outside``), or of a
re-export of one, is not checked.
"""

from __future__ import annotations

from typing import NamedTuple

from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.resolve.resolver import Resolution
from flake8_ssot_ws.resolve.resolver import Resolver


class Verified(NamedTuple):
    problems: tuple[str, ...]  # "group[0].canonical[1]: ..." lines
    canonical: int  # how many canonical imports were resolved
    legacy: int
    outside: int  # imports (canonical, legacy or factory) of modules outside the paths, not checked
    factories: int = 0


def verify(registry: Registry, resolver: Resolver) -> Verified:
    problems: list[str] = []
    canonical = legacy = outside = factories = 0
    for group_index, group in enumerate(registry.groups):
        if group.factory is not None:
            factories += 1
            where = f"group[{group_index}].factory: {group.factory.text!r}"
            resolution = resolver.resolve(group.factory.module, group.factory.name)
            problem = _unresolved(resolver, resolution, group.factory, where)
            if resolution.definition is not None and resolution.definition.kind == "class":
                problem = (
                    f"{where} resolves to a class, {resolution.describe()}: a factory is what returns instances"
                    " (SWS008 never flags a call of the factory, so constructing this class is never flagged)"
                )
            outside += _is_outside(resolver, resolution, group.factory)
            if problem is not None:
                problems.append(problem)
        for index, spec in enumerate(group.canonical):
            canonical += 1
            resolution = resolver.resolve(spec.module, spec.name)
            problem = _unresolved(resolver, resolution, spec, f"group[{group_index}].canonical[{index}]: {spec.text!r}")
            outside += _is_outside(resolver, resolution, spec)
            if problem is not None:
                problems.append(problem)
        for entry in group.legacy:
            legacy += 1
            resolution = resolver.resolve(entry.spec.module, entry.spec.name)
            target = resolver.resolve(entry.use.module, entry.use.name)
            outside += _is_outside(resolver, resolution, entry.spec)
            if not resolution.definitions or not target.definitions or resolution.definitions == target.definitions:
                continue
            problems.append(
                f"{entry.key}: {entry.spec.text!r} resolves to {_definitions(resolution.describe())}, "
                f"but its use {entry.use.text!r} resolves to {_definitions(target.describe())}"
            )
    return Verified(tuple(problems), canonical, legacy, outside, factories)


def _unresolved(resolver: Resolver, resolution: Resolution, spec: ImportSpec, where: str) -> str | None:
    """The problem of an import that must resolve to one definition (a canonical import, the
    factory), or None: it does, or it is not checked (a module outside the paths)."""
    if _is_outside(resolver, resolution, spec):
        return None
    if not resolution.definitions:
        return f"{where} resolves to nothing: {resolution.reason}"
    if resolution.definition is None:
        return f"{where} is ambiguous: {_definitions(resolution.describe())}"
    return None


def _is_outside(resolver: Resolver, resolution: Resolution, spec: ImportSpec) -> bool:
    """Unresolved at a module outside the paths (an installed package, or a re-export of one)."""
    return not resolution.definitions and (resolution.outside or resolver.outside(spec.module))


def _definitions(described: str) -> str:
    return described.removeprefix("ambiguous: ")
