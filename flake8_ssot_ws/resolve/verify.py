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

from flake8_ssot_ws.registry import Registry
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
            resolution = resolver.resolve(group.factory.module, group.factory.name)
            where = f"group[{group_index}].factory: {group.factory.text!r}"
            if not resolution.definitions and (resolution.outside or resolver.outside(group.factory.module)):
                outside += 1
            elif not resolution.definitions:
                problems.append(f"{where} resolves to nothing: {resolution.reason}")
            elif resolution.definition is None:
                problems.append(f"{where} is ambiguous: {_definitions(resolution.describe())}")
            elif resolution.definition.kind == "class":
                problems.append(
                    f"{where} resolves to a class, {resolution.describe()}: a factory is what returns instances"
                    " (SWS008 never flags a call of the factory, so constructing this class is never flagged)"
                )
        for index, spec in enumerate(group.canonical):
            canonical += 1
            resolution = resolver.resolve(spec.module, spec.name)
            where = f"group[{group_index}].canonical[{index}]: {spec.text!r}"
            if not resolution.definitions and (resolution.outside or resolver.outside(spec.module)):
                outside += 1
            elif not resolution.definitions:
                problems.append(f"{where} resolves to nothing: {resolution.reason}")
            elif resolution.definition is None:
                problems.append(f"{where} is ambiguous: {resolution.describe().removeprefix('ambiguous: ')}")
        for entry in group.legacy:
            legacy += 1
            resolution = resolver.resolve(entry.spec.module, entry.spec.name)
            target = resolver.resolve(entry.use.module, entry.use.name)
            if not resolution.definitions and (resolution.outside or resolver.outside(entry.spec.module)):
                outside += 1
            if not resolution.definitions or not target.definitions or resolution.definitions == target.definitions:
                continue
            problems.append(
                f"{entry.key}: {entry.spec.text!r} resolves to {_definitions(resolution.describe())}, "
                f"but its use {entry.use.text!r} resolves to {_definitions(target.describe())}"
            )
    return Verified(tuple(problems), canonical, legacy, outside, factories)


def _definitions(described: str) -> str:
    return described.removeprefix("ambiguous: ")
