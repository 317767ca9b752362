"""The registry as data: frozen entries, and the lookup tables derived from them once.

Everything a check needs per file is precomputed here, once per process, so the
per-file hot path only does dictionary lookups.
"""
from __future__ import annotations

import datetime
import fnmatch
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Mapping

# Wildcards and bracket sets of an fnmatch glob: what is left between them is literal.
_GLOB_WILDCARD = re.compile(r"\[!?\]?[^\]]*\]|[*?]")


@dataclass(frozen=True)
class ImportSpec:
    """One ``from MODULE import NAME [as ALIAS]`` statement of the registry."""

    module: str
    name: str
    asname: str | None

    @property
    def bound(self) -> str:
        """The local name the import binds."""
        return self.asname or self.name

    @property
    def text(self) -> str:
        alias = f" as {self.asname}" if self.asname and self.asname != self.name else ""
        return f"from {self.module} import {self.name}{alias}"


@dataclass(frozen=True)
class LegacyEntry:
    key: str
    spec: ImportSpec
    use: ImportSpec
    deadline: datetime.date | None
    reason: str | None


@dataclass(frozen=True)
class Group:
    name: str
    watch: tuple[str, ...]
    watch_modules: tuple[str, ...]
    canonical: tuple[ImportSpec, ...]
    legacy: tuple[LegacyEntry, ...]

    @property
    def modules(self) -> frozenset[str]:
        """Every module the group names: canonical, legacy and watched."""
        named = {spec.module for spec in self.canonical}
        named.update(entry.spec.module for entry in self.legacy)
        named.update(self.watch_modules)
        return frozenset(named)


@dataclass(frozen=True)
class Registry:
    path: Path
    root: Path
    exempt: tuple[str, ...]
    src: tuple[str, ...]
    groups: tuple[Group, ...]
    # Lookup tables derived from ``groups`` (see ``with_lookup_tables``); not part of equality.
    canonical_exact: frozenset[tuple[str, str, str]] = field(compare=False, default=frozenset())
    canonical_by_import: Mapping[tuple[str, str], ImportSpec] = field(compare=False, default_factory=dict)
    canonical_by_binding: Mapping[str, ImportSpec] = field(compare=False, default_factory=dict)
    canonical_by_name: Mapping[str, tuple[ImportSpec, ...]] = field(compare=False, default_factory=dict)
    legacy_by_import: Mapping[tuple[str, str], tuple[LegacyEntry, ...]] = field(compare=False, default_factory=dict)
    literal_names: Mapping[str, Group] = field(compare=False, default_factory=dict)
    star_modules: Mapping[str, Group] = field(compare=False, default_factory=dict)
    watched_modules: Mapping[str, Group] = field(compare=False, default_factory=dict)
    needles: tuple[str, ...] = field(compare=False, default=())
    # Matches text that may hold ``something.<tracked name>``; None: cannot tell, walk.
    attribute_pattern: re.Pattern[str] | None = field(compare=False, default=None)

    def group_of(self, name: str) -> Group | None:
        """The group that tracks an imported name, or None."""
        group = self.literal_names.get(name)
        if group is not None:
            return group
        for group in self.groups:
            for pattern in group.watch:
                if fnmatch.fnmatchcase(name, pattern):
                    return group
        return None

    def replacements_for(self, name: str) -> tuple[ImportSpec, ...]:
        """Canonical imports that could replace an import of ``name``: the one binding it,
        else every one importing it (one: the replacement; several: ambiguous)."""
        bound = self.canonical_by_binding.get(name)
        if bound is not None:
            return (bound,)
        return self.canonical_by_name.get(name, ())

    def is_exempt(self, relpath: str) -> bool:
        return any(fnmatch.fnmatchcase(relpath, pattern) for pattern in self.exempt)


def with_lookup_tables(registry: Registry) -> Registry:
    """Fill the derived lookup tables of a validated registry."""
    literal_names: dict[str, Group] = {}
    star_modules: dict[str, Group] = {}
    watched_modules: dict[str, Group] = {}
    by_name: dict[str, list[ImportSpec]] = {}
    legacy: dict[tuple[str, str], list[LegacyEntry]] = {}
    for group in registry.groups:
        for spec in group.canonical:
            literal_names.setdefault(spec.name, group)
            literal_names.setdefault(spec.bound, group)
            by_name.setdefault(spec.name, []).append(spec)
        for entry in group.legacy:
            literal_names.setdefault(entry.spec.name, group)
            literal_names.setdefault(entry.spec.bound, group)
            legacy.setdefault((entry.spec.module, entry.spec.name), []).append(entry)
        for module in group.modules:
            star_modules.setdefault(module, group)
        for module in group.watch_modules:
            watched_modules.setdefault(module, group)
    canonical = [spec for group in registry.groups for spec in group.canonical]
    return Registry(
        path=registry.path,
        root=registry.root,
        exempt=registry.exempt,
        src=registry.src,
        groups=registry.groups,
        canonical_exact=frozenset((c.module, c.name, c.bound) for c in canonical),
        canonical_by_import={(c.module, c.name): c for c in canonical},
        canonical_by_binding={c.bound: c for c in canonical},
        canonical_by_name={name: tuple(specs) for name, specs in by_name.items()},
        legacy_by_import={key: tuple(entries) for key, entries in legacy.items()},
        literal_names=literal_names,
        star_modules=star_modules,
        watched_modules=watched_modules,
        needles=_needles(registry.groups, literal_names),
        attribute_pattern=_attribute_pattern(registry.groups, literal_names),
    )


def name_fragments(groups: tuple[Group, ...], literal_names: Mapping[str, Group]) -> set[str] | None:
    """Substrings one of which every tracked name contains: the literal names and the
    longest literal run of each watch glob. None when a glob has no literal run."""
    fragments = set(literal_names)
    for group in groups:
        for pattern in group.watch:
            runs = [run for run in _GLOB_WILDCARD.split(pattern) if run]
            if not runs:
                return None
            fragments.add(max(runs, key=len))
    return fragments


def _needles(groups: tuple[Group, ...], literal_names: Mapping[str, Group]) -> tuple[str, ...]:
    """Substrings at least one of which any ASCII file with a finding must contain.

    Tracked-name fragments, the last component of every named module, and the dynamic
    import functions. An empty tuple means "no safe prefilter": parse every file.
    """
    needles = name_fragments(groups, literal_names)
    if needles is None:
        return ()
    for group in groups:
        needles.update(module.rpartition(".")[2] for module in group.modules)
        if group.watch_modules:
            # A string literal can spell a module with escapes; parse every dynamic import.
            needles.update(("import_module", "__import__"))
    # A needle containing a shorter one adds nothing: the shorter one already matches.
    kept: list[str] = []
    for needle in sorted(needles, key=len):
        if not any(other in needle for other in kept):
            kept.append(needle)
    return tuple(sorted(kept))


def _attribute_pattern(groups: tuple[Group, ...], literal_names: Mapping[str, Group]) -> re.Pattern[str] | None:
    """A regex any ASCII source holding ``x.<tracked name>`` matches (whitespace, comments
    and line continuations may sit between the dot and the name). None: cannot tell."""
    fragments = name_fragments(groups, literal_names)
    if fragments is None:
        return None
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments))
    return re.compile(rf"\.(?:\s|\\|#[^\n]*)*\w*(?:{alternatives})")
