"""TOML registry of canonical imports -> one frozen, validated ``Registry``.

Everything a check needs per file is precomputed here, once per process, so the
per-file hot path only does dictionary lookups.
"""
from __future__ import annotations

import ast
import datetime
import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Mapping

if sys.version_info >= (3, 11):  # pragma: >=3.11 cover
    import tomllib
else:  # pragma: <3.11 cover
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
REGISTRY_FILE = "ssot-registry.toml"
TOOL_TABLE = "flake8-ssot-ws"

_TOP_KEYS = frozenset({"exempt", "src", "group"})
_GROUP_KEYS = frozenset({"name", "watch", "watch-modules", "canonical", "legacy"})
_LEGACY_KEYS = frozenset({"import", "use", "deadline", "reason"})
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
# Wildcards and bracket sets of an fnmatch glob: what is left between them is literal.
_GLOB_WILDCARD = re.compile(r"\[!?\]?[^\]]*\]|[*?]")


class RegistryError(Exception):
    """A registry that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        super().__init__(f"{path}: {where}: {message}" if where else f"{path}: {message}")


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
    # Lookup tables derived from ``groups`` (see ``_index``); not part of equality.
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

    def is_exempt(self, relpath: str) -> bool:
        return any(fnmatch.fnmatchcase(relpath, pattern) for pattern in self.exempt)


# --- loading -------------------------------------------------------------------------


def find_registry(start: Path) -> Path | None:
    """Walk up from ``start``: the first pyproject with our table, or ssot-registry.toml."""
    for directory in (start, *start.parents):
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool")
            if isinstance(tool, dict) and TOOL_TABLE in tool:
                return pyproject
        standalone = directory / REGISTRY_FILE
        if standalone.is_file():
            return standalone
    return None


def load_registry(path: Path) -> Registry:
    """Load and validate a registry file.

    Cached per absolute path and file version, so loading happens once per process (flake8
    calls ``parse_options`` again in each worker on spawn platforms) and an edited file is
    read again.
    """
    path = Path(path).absolute()
    try:
        stat = path.stat()
        version: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None  # _read_toml reports why
    return _load_registry(path, version)


@functools.cache
def _load_registry(path: Path, version: tuple[int, int] | None) -> Registry:
    document = _read_toml(path)
    if path.name == PYPROJECT:
        tool = document.get("tool", {})
        if not isinstance(tool, dict) or TOOL_TABLE not in tool:
            raise RegistryError(path, "", f"no [tool.{TOOL_TABLE}] table")
        table = tool[TOOL_TABLE]
        if not isinstance(table, dict):
            raise RegistryError(path, f"tool.{TOOL_TABLE}", "expected a table")
    else:
        table = document
    return _Validator(path).registry(table)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RegistryError(path, "", f"cannot read: {_reason(error)}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position is None:  # pragma: no cover (tomli and tomllib always append a position)
            raise RegistryError(path, "", f"invalid TOML: {message}") from None
        line, column = position.groups()
        if line is None:  # "at end of document": tomli's own line/column arithmetic
            line = str(text.count("\n") + 1)
            column = str(len(text) - text.rfind("\n"))
        raise RegistryError(
            f"{path}:{line}:{column}", "", f"invalid TOML: {message[: position.start()]}"
        ) from None


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)


class _Validator:
    """Turns a parsed TOML table into a Registry, raising RegistryError at the first fault."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> RegistryError:
        return RegistryError(self.path, where, message)

    def registry(self, table: dict[str, Any]) -> Registry:
        self.check_keys(table, _TOP_KEYS, "")
        root = self.path.parent
        exempt = self.strings(table, "exempt", "")
        default_src = ("src", ".") if (root / "src").is_dir() else (".",)
        src = self.strings(table, "src", "") if "src" in table else default_src
        for index, directory in enumerate(src):
            if os.path.isabs(directory) or os.path.normpath(directory).split(os.sep)[0] == os.pardir:
                raise self.fail(f"src[{index}]", f"expected a path inside the registry's folder, got {directory!r}")
        raw_groups = table.get("group", [])
        if not isinstance(raw_groups, list) or not all(isinstance(g, dict) for g in raw_groups):
            raise self.fail("group", "expected an array of tables ([[group]])")
        if not raw_groups:
            raise self.fail("group", "no [[group]] defined: nothing to check")
        groups = tuple(self.group(raw, f"group[{index}]") for index, raw in enumerate(raw_groups))
        self.check_unique(groups)
        return _index(
            Registry(
                path=self.path,
                root=root,
                exempt=exempt,
                src=tuple(os.path.normpath(s).replace(os.sep, "/") for s in src),
                groups=groups,
            )
        )

    def check_keys(self, table: dict[str, Any], allowed: frozenset[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(_join(where, key), f"unknown key (expected one of: {known})")

    def string(self, table: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(_join(where, key), "required key is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(where, key), f"expected a non-empty string, got {_show(value)}")
        return value

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            raise self.fail(_join(where, key), f"expected an array of strings, got {_show(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{_join(where, key)}[{index}]", f"expected a non-empty string, got {_show(item)}")
        return tuple(value)

    def group(self, raw: dict[str, Any], where: str) -> Group:
        self.check_keys(raw, _GROUP_KEYS, where)
        name = self.string(raw, "name", where, required=True)
        assert name is not None  # required=True
        watch = self.strings(raw, "watch", where)
        watch_modules = self.strings(raw, "watch-modules", where)
        for index, module in enumerate(watch_modules):
            if not _is_dotted_name(module):
                raise self.fail(f"{where}.watch-modules[{index}]", f"not a dotted module name: {module!r}")
        canonical_texts = self.strings(raw, "canonical", where)
        if not canonical_texts:
            raise self.fail(_join(where, "canonical"), "at least one canonical import is required")
        canonical = tuple(
            self.import_spec(text, f"{where}.canonical[{index}]") for index, text in enumerate(canonical_texts)
        )
        raw_legacy = raw.get("legacy", [])
        if not isinstance(raw_legacy, list) or not all(isinstance(e, dict) for e in raw_legacy):
            raise self.fail(_join(where, "legacy"), "expected an array of tables ([[group.legacy]])")
        legacy = tuple(
            self.legacy(entry, f"{where}.legacy[{index}]", canonical) for index, entry in enumerate(raw_legacy)
        )
        return Group(name, watch, watch_modules, canonical, legacy)

    def import_spec(self, text: str, where: str) -> ImportSpec:
        try:
            module = ast.parse(text.strip())
        except SyntaxError:
            raise self.fail(where, f"not a Python import statement: {text!r}") from None
        body = module.body
        if len(body) != 1 or not isinstance(body[0], ast.ImportFrom):
            raise self.fail(where, f"expected exactly one 'from MODULE import NAME [as ALIAS]': {text!r}")
        statement = body[0]
        if statement.level or not statement.module:
            raise self.fail(where, f"relative imports are not allowed in the registry: {text!r}")
        if len(statement.names) != 1 or statement.names[0].name == "*":
            raise self.fail(where, f"expected exactly one imported name: {text!r}")
        alias = statement.names[0]
        return ImportSpec(statement.module, alias.name, alias.asname)

    def legacy(self, raw: dict[str, Any], where: str, canonical: tuple[ImportSpec, ...]) -> LegacyEntry:
        self.check_keys(raw, _LEGACY_KEYS, where)
        import_text = self.string(raw, "import", where, required=True)
        assert import_text is not None  # required=True
        spec = self.import_spec(import_text, f"{where}.import")
        use_text = self.string(raw, "use", where, required=False)
        if use_text is None:
            use = _infer_replacement(spec.module, spec.name, canonical)
            if use is None:
                raise self.fail(
                    f"{where}.use", f"required: no single canonical import binds or imports {spec.name!r}"
                )
        else:
            use = self.import_spec(use_text, f"{where}.use")
            if not _same_import(use, canonical):
                raise self.fail(f"{where}.use", f"not one of this group's canonical imports: {use_text!r}")
        deadline = raw.get("deadline")
        if deadline is not None and (
            not isinstance(deadline, datetime.date) or isinstance(deadline, datetime.datetime)
        ):
            raise self.fail(f"{where}.deadline", f"expected a TOML date like 2026-03-31, got {_show(deadline)}")
        reason = self.string(raw, "reason", where, required=False)
        return LegacyEntry(where, spec, use, deadline, reason)

    def check_unique(self, groups: tuple[Group, ...]) -> None:
        names: set[str] = set()
        bindings: dict[str, str] = {}
        imports: dict[tuple[str, str], str] = {}
        exact: dict[tuple[str, str, str], str] = {}
        for group_index, group in enumerate(groups):
            if group.name in names:
                raise self.fail(f"group[{group_index}].name", f"duplicate group name {group.name!r}")
            names.add(group.name)
            for index, spec in enumerate(group.canonical):
                where = f"group[{group_index}].canonical[{index}]"
                if spec.bound in bindings:
                    raise self.fail(where, f"binds {spec.bound!r} like {bindings[spec.bound]}")
                if (spec.module, spec.name) in imports:
                    raise self.fail(where, f"imports {spec.name!r} like {imports[(spec.module, spec.name)]}")
                bindings[spec.bound] = where
                imports[(spec.module, spec.name)] = where
                exact[(spec.module, spec.name, spec.bound)] = where
        legacy: dict[tuple[str, str, str | None], str] = {}
        for entry in (entry for group in groups for entry in group.legacy):
            where, spec = f"{entry.key}.import", entry.spec
            same = exact.get((spec.module, spec.name, spec.bound))
            if same is not None:
                raise self.fail(where, f"identical to the canonical import {same}: {spec.text!r}")
            key = (spec.module, spec.name, spec.asname)
            if key in legacy:
                raise self.fail(where, f"duplicate of {legacy[key]}: {spec.text!r}")
            legacy[key] = where


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _is_dotted_name(text: str) -> bool:
    return all(part.isidentifier() for part in text.split("."))


def _same_import(spec: ImportSpec, canonical: tuple[ImportSpec, ...]) -> bool:
    return any(
        (c.module, c.name, c.bound) == (spec.module, spec.name, spec.bound) for c in canonical
    )


def _infer_replacement(module: str, name: str, canonical: tuple[ImportSpec, ...]) -> ImportSpec | None:
    """The one canonical import binding ``name``, else the one importing it, else None."""
    for candidates in (
        [c for c in canonical if c.bound == name],
        [c for c in canonical if c.name == name],
    ):
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return None
    return None


def _index(registry: Registry) -> Registry:
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


def _name_fragments(groups: tuple[Group, ...], literal_names: Mapping[str, Group]) -> set[str] | None:
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
    needles = _name_fragments(groups, literal_names)
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
    fragments = _name_fragments(groups, literal_names)
    if fragments is None:
        return None
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments))
    return re.compile(rf"\.(?:\s|\\|#[^\n]*)*\w*(?:{alternatives})")
