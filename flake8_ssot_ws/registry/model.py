"""The registry as data: frozen entries, and the lookup tables derived from them once.

Everything a check needs per file is precomputed here, once per process, so the
per-file hot path only does dictionary lookups.
"""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any
from typing import Mapping

from flake8_ssot_ws.registry.schema import GLOB_WILDCARD
from flake8_ssot_ws.registry.schema import Group
from flake8_ssot_ws.registry.schema import ImportSpec
from flake8_ssot_ws.registry.schema import LegacyEntry


# Registry's constructor arguments, in order (pickling and ``_replace`` rebuild from them).
_ARGUMENTS = (
    "path",
    "root",
    "exempt",
    "src",
    "groups",
    "canonical_exact",
    "canonical_by_import",
    "canonical_by_binding",
    "canonical_by_name",
    "legacy_by_import",
    "literal_names",
    "star_modules",
    "watched_modules",
    "needles",
    "attribute_pattern",
)


_GLOBBED_MAX = 100_000


class Registry:
    """The validated registry. Immutable, and equal (and hashed) by what the TOML file says
    -- path, root, exempt, src, groups -- not by the lookup tables derived from it (dicts,
    which hash nothing): it is the key of ``functools`` caches.

    A plain class with ``__slots__``: a NamedTuple would compare its tables too, and a
    dataclass costs the ``dataclasses`` import (and ``inspect``'s) on every start.
    """

    __slots__ = (*_ARGUMENTS, "_key", "_hash", "_globbed")

    path: Path
    root: Path
    exempt: tuple[str, ...]
    src: tuple[str, ...]
    groups: tuple[Group, ...]
    # Lookup tables derived from ``groups`` (see ``with_lookup_tables``); not part of equality.
    canonical_exact: frozenset[tuple[str, str, str]]
    canonical_by_import: Mapping[tuple[str, str], ImportSpec]
    canonical_by_binding: Mapping[str, ImportSpec]
    canonical_by_name: Mapping[str, tuple[ImportSpec, ...]]
    legacy_by_import: Mapping[tuple[str, str], tuple[LegacyEntry, ...]]
    literal_names: Mapping[str, Group]
    star_modules: Mapping[str, Group]
    watched_modules: Mapping[str, Group]
    needles: tuple[str, ...]
    # Matches text that may hold ``something.<tracked name>``; None: cannot tell, walk.
    attribute_pattern: re.Pattern[str] | None
    _key: tuple[Path, Path, tuple[str, ...], tuple[str, ...], tuple[Group, ...]]
    _hash: int
    _globbed: dict[str, Group | None]

    def __init__(
        self,
        path: Path,
        root: Path,
        exempt: tuple[str, ...],
        src: tuple[str, ...],
        groups: tuple[Group, ...],
        canonical_exact: frozenset[tuple[str, str, str]] = frozenset(),
        canonical_by_import: Mapping[tuple[str, str], ImportSpec] | None = None,
        canonical_by_binding: Mapping[str, ImportSpec] | None = None,
        canonical_by_name: Mapping[str, tuple[ImportSpec, ...]] | None = None,
        legacy_by_import: Mapping[tuple[str, str], tuple[LegacyEntry, ...]] | None = None,
        literal_names: Mapping[str, Group] | None = None,
        star_modules: Mapping[str, Group] | None = None,
        watched_modules: Mapping[str, Group] | None = None,
        needles: tuple[str, ...] = (),
        attribute_pattern: re.Pattern[str] | None = None,
    ) -> None:
        # The tables default to fresh empty dicts (a dataclass's default_factory=dict).
        values = {
            "path": path,
            "root": root,
            "exempt": exempt,
            "src": src,
            "groups": groups,
            "canonical_exact": canonical_exact,
            "canonical_by_import": {} if canonical_by_import is None else canonical_by_import,
            "canonical_by_binding": {} if canonical_by_binding is None else canonical_by_binding,
            "canonical_by_name": {} if canonical_by_name is None else canonical_by_name,
            "legacy_by_import": {} if legacy_by_import is None else legacy_by_import,
            "literal_names": {} if literal_names is None else literal_names,
            "star_modules": {} if star_modules is None else star_modules,
            "watched_modules": {} if watched_modules is None else watched_modules,
            "needles": needles,
            "attribute_pattern": attribute_pattern,
            "_key": (path, root, exempt, src, groups),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        # Hashed once: the fast path looks its plan up by registry for every file.
        object.__setattr__(self, "_hash", hash(self._key))
        # Names matched against the watch globs, and their group: the walk asks for the same
        # attribute names again and again (fnmatch is ~1 us a pattern). Bounded, as the names
        # come from the checked files.
        object.__setattr__(self, "_globbed", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Registry is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Registry is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Registry):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        path, root, exempt, src, groups = self._key
        return f"Registry(path={path!r}, root={root!r}, exempt={exempt!r}, src={src!r}, groups={groups!r})"

    def __reduce__(self) -> tuple[type[Registry], tuple[object, ...]]:
        # pickle and copy would restore the slots by setattr, which __setattr__ forbids.
        return self.__class__, tuple(getattr(self, name) for name in _ARGUMENTS)

    def _replace(self, **changes: Any) -> Registry:
        """A copy with some arguments changed (as ``NamedTuple._replace``)."""
        arguments = {name: getattr(self, name) for name in _ARGUMENTS}
        arguments.update(changes)
        return Registry(**arguments)

    def group_of(self, name: str) -> Group | None:
        """The group that tracks an imported name, or None."""
        group = self.literal_names.get(name)
        if group is not None:
            return group
        globbed: dict[str, Group | None] = self._globbed
        if name in globbed:
            return globbed[name]
        found = None
        for group in self.groups:
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in group.watch):
                found = group
                break
        if len(globbed) < _GLOBBED_MAX:
            globbed[name] = found
        return found

    def tracks(self, group: Group, module: str, name: str) -> bool:
        """Whether ``from module import name`` (``name`` tracked by ``group``) is tracked:
        a canonical or legacy entry's module, or one the group's ``watch-from`` matches."""
        key = (module, name)
        return key in self.canonical_by_import or key in self.legacy_by_import or group.watches_from(module)

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
    runs = glob_runs(groups)
    return None if runs is None else {*literal_names, *runs}


def glob_runs(groups: tuple[Group, ...]) -> set[str] | None:
    """The longest literal run of every watch glob; None when a glob has none."""
    runs: set[str] = set()
    for group in groups:
        for pattern in group.watch:
            run = glob_literal(pattern)
            if run is None:
                return None
            runs.add(run)
    return runs


def glob_literal(glob: str) -> str | None:
    """The longest literal run of a watch glob (the first of the longest), which every name
    it matches contains; None when the glob has none (``*``, ``?``)."""
    runs = [run for run in GLOB_WILDCARD.split(glob) if run]
    return max(runs, key=len) if runs else None


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
    """A regex any ASCII source holding ``x.<tracked name>`` matches. None: cannot tell.

    Between the dot and the name Python allows blanks, line continuations and, inside
    brackets, comments and line breaks. The pattern accepts a superset and stays linear in
    the text: the name on the dot's own line after blanks, or at the start of a later line
    (after blanks) when every line between is blank or only a comment, and the dot's line has
    no later dot. Such lines hold no dot, so no two dots scan the same lines: a run of
    comments, each with a dot (``# Done.``), costs one pass (issue 11, bug 1: the previous
    pattern let a comment of many '#' split in exponentially many ways, and let every dot
    rescan the comments after it). When a later comment between the dot and the name holds a
    dot, that dot is the one the match starts from.
    """
    fragments = name_fragments(groups, literal_names)
    if fragments is None:
        return None
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments))
    newline = r"(?:\r\n|\r|\n)"
    later_line = rf"[^\r\n.]*{newline}(?:[ \t\f\\]*(?:#[^\r\n.]*)?{newline})*[ \t\f]*"
    return re.compile(rf"\.(?:[ \t\f]*|{later_line})\w*(?:{alternatives})")
