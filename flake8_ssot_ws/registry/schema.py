"""The schema of a ``[[group]]`` table: the ``Group`` value and one entry per key
(``GROUP_KEYS``).

Each entry names the TOML key, the ``Group`` field it fills, its default and the function
that validates the TOML value into the field's value; the loader (registry/load.py), the TOML
writer (registry/dump.py) and the registry document (commands/registry.py) loop over the
table. A new group key is a ``Group`` field (declared with its default, for the type
checker and for the code that builds groups itself) and one entry in the table, both here.
"""

from __future__ import annotations

import ast
import datetime
import fnmatch
import itertools
import keyword
import re
import unicodedata
from typing import Any
from typing import Callable
from typing import Mapping
from typing import NamedTuple
from typing import Sequence

# Wildcards and bracket sets of an fnmatch glob, as fnmatch reads them: what is left between
# them is literal. A `]` right after `[` or `[!` is a member, so `[]` and `[!]` open no set.
GLOB_WILDCARD = re.compile(r"\[(?:!(?:\][^\]]*|[^\]]+)|\][^\]]*|[^!\]][^\]]*)\]|[*?]")
# Name characters to try ('x' first; digits anywhere but first; two non-ASCII letters for a set
# that leaves out every ASCII one): what a bracket set is taken to match when looking for a name
# a glob matches.
_NAME_CHARS = "xX_0abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ123456789\u00e9\u03b1"
# What `*` and `?` are taken to match, the first preferred (`e*cept`: `ecept`).
_WILDCARD_CHOICES = {"*": ["x", "", "a"], "?": ["x", "a", "_"]}
# Names tried for one glob at most: four choices at each of 8 places (a keyword is at most 8
# letters long); a glob of more than 16 places gets its first choices only.
_MOST_TRIES = 4**8
_MOST_PLACES = 16


class ImportSpec(NamedTuple):
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


class LegacyEntry(NamedTuple):
    key: str
    spec: ImportSpec
    use: ImportSpec
    deadline: datetime.date | None
    reason: str | None


class Group(NamedTuple):
    name: str
    watch: tuple[str, ...]
    watch_modules: tuple[str, ...]
    canonical: tuple[ImportSpec, ...]
    legacy: tuple[LegacyEntry, ...]
    # Module globs whose imports of the group's names are tracked (``watch-from``); empty:
    # any module. Its canonical and legacy entries are tracked wherever they point.
    watch_from: tuple[str, ...] = ()
    factory: ImportSpec | None = None  # SWS008: where instances of the tracked classes come from
    construct_in: tuple[str, ...] = ()  # SWS008: globs of the files that may construct directly

    def watches_from(self, module: str) -> bool:
        """Whether an import of one of the group's names from ``module`` is tracked."""
        return not self.watch_from or any(fnmatch.fnmatchcase(module, glob) for glob in self.watch_from)

    @property
    def modules(self) -> frozenset[str]:
        """Every module the group names: canonical, legacy and watched."""
        named = {spec.module for spec in self.canonical}
        named.update(entry.spec.module for entry in self.legacy)
        named.update(self.watch_modules)
        return frozenset(named)


class Fault(Exception):
    """A bad value: ``where`` is the full key path (``group[0].watch[1]``)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


# (value as TOML gave it, its key path, the fields read so far) -> the field's value.
Reader = Callable[[Any, str, Mapping[str, Any]], Any]
# the field's value -> its TOML text, for the writer (dump.py); keys at their default are left out.
Writer = Callable[[Any], str]


REQUIRED = object()


class GroupKey(NamedTuple):
    key: str  # as written in TOML
    field: str  # the Group attribute it fills
    read: Reader
    missing: Any  # the TOML value an absent key reads as; REQUIRED: absent is an error
    default: Any  # the field's value when the key is absent (the writer leaves it out then)
    describe: str  # one line for the registry document, "" for keys it shows otherwise
    write: Writer | None  # None: the writer handles it itself (the [[group.legacy]] tables)


def show(value: object) -> str:
    """A TOML value as the user wrote it, with its type: ``str 'x'``, ``int 1``, ``datetime
    2026-03-31 10:00:00`` (str(), not repr(), for TOML's dates and times)."""
    shown = str(value) if isinstance(value, (datetime.date, datetime.time)) else repr(value)
    return f"{type(value).__name__} {shown}"


def string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Fault(where, f"expected a non-empty string, got {show(value)}")
    return value


def strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Fault(where, f"expected an array of strings, got {show(value)}")
    for index, item in enumerate(value):
        string(item, f"{where}[{index}]")
    return tuple(value)


def check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise Fault(join(where, key), f"unknown key (expected one of: {known})")


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def parse_import(text: str) -> ImportSpec:
    """``from MODULE import NAME [as ALIAS]`` -> ImportSpec; ValueError says what is wrong."""
    try:
        module = ast.parse(text.strip())
    except SyntaxError:
        raise ValueError(f"not a Python import statement: {text!r}") from None
    body = module.body
    if len(body) != 1 or not isinstance(body[0], ast.ImportFrom):
        raise ValueError(f"expected exactly one 'from MODULE import NAME [as ALIAS]': {text!r}")
    statement = body[0]
    if statement.level or not statement.module:
        raise ValueError(f"relative imports are not allowed in the registry: {text!r}")
    if len(statement.names) != 1 or statement.names[0].name == "*":
        raise ValueError(f"expected exactly one imported name: {text!r}")
    alias = statement.names[0]
    return ImportSpec(statement.module, alias.name, alias.asname)


def import_spec(text: str, where: str) -> ImportSpec:
    try:
        return parse_import(text)
    except ValueError as error:
        raise Fault(where, str(error)) from None


def infer_replacement(module: str, name: str, canonical: tuple[ImportSpec, ...]) -> ImportSpec | None:
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


def same_import(spec: ImportSpec, canonical: tuple[ImportSpec, ...]) -> bool:
    return any((c.module, c.name, c.bound) == (spec.module, spec.name, spec.bound) for c in canonical)


# --- the readers of the group keys -------------------------------------------------------


def _name(value: Any, where: str, _: Mapping[str, Any]) -> str:
    return string(value, where)


def _globs(value: Any, where: str, _: Mapping[str, Any]) -> tuple[str, ...]:
    return path_globs(strings(value, where), where)


def path_globs(globs: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Path globs fnmatch can read: on Python 3.9 a reversed range (``[z-a]``) is an error
    there, which would stop the run at the first file it is matched against."""
    for index, glob in enumerate(globs):
        try:
            re.compile(fnmatch.translate(glob))
        except re.error as error:  # pragma: <3.10 cover (later versions read any glob)
            raise Fault(f"{where}[{index}]", f"not a glob fnmatch can read ({error}): {glob!r}") from None
    return globs


NOT_A_NAME_GLOB = "not a name or name glob (an imported name is an identifier): {!r}"


def name_glob(text: str) -> str | None:
    """``text`` as a ``watch`` glob (a registry's or ``init --watch``'s): in NFKC form; None
    when it can match no name (`[abc`, `a.b`, `[0-9]x`), as it would track nothing."""
    glob = unicodedata.normalize("NFKC", text)
    return glob if a_name_it_matches(glob) is not None else None


def _name_globs(value: Any, where: str, _: Mapping[str, Any]) -> tuple[str, ...]:
    globs = []
    for index, text in enumerate(strings(value, where)):
        glob = name_glob(text)
        if glob is None:
            raise Fault(f"{where}[{index}]", NOT_A_NAME_GLOB.format(unicodedata.normalize("NFKC", text)))
        globs.append(glob)
    return tuple(globs)


def _modules(value: Any, where: str, _: Mapping[str, Any]) -> tuple[str, ...]:
    modules = _normalised(strings(value, where))
    for index, module in enumerate(modules):
        if not all(part.isidentifier() for part in module.split(".")):
            raise Fault(f"{where}[{index}]", f"not a dotted module name: {module!r}")
    return modules


def _module_globs(value: Any, where: str, _: Mapping[str, Any]) -> tuple[str, ...]:
    globs = _normalised(strings(value, where))
    for index, glob in enumerate(globs):
        # A dotted name whose parts may hold fnmatch wildcards and bracket sets: ``app.*``.
        if a_name_it_matches(glob, dotted=True) is None:
            raise Fault(f"{where}[{index}]", f"not a dotted module name or glob: {glob!r}")
    return globs


def _normalised(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Names as Python compares them, in NFKC form (its parser normalises identifiers): a
    registry spelling ``modé`` with a combining accent names the ``modé`` of the code."""
    return tuple(unicodedata.normalize("NFKC", text) for text in texts)


def a_name_it_matches(glob: str, dotted: bool = False) -> str | None:
    """A name (an identifier, not a keyword; with ``dotted``, a dotted module name) that
    ``glob`` matches, or None when it matches none. Built left to right from a few choices
    for each wildcard or bracket set (the first preferred), tried together when the first
    ones spell a keyword (`[ia][sf]` gives `is`, `e?cept` `except`). fnmatch has the last
    word: on Python 3.9 a reversed range (``[z-a]``) is an error there, from 3.10 on it
    matches nothing."""
    places: list[list[str]] = []  # the choices at each place of the name
    position = 0
    for match in GLOB_WILDCARD.finditer(glob):
        if match.start() > position:
            places.append([glob[position : match.start()]])
        token = match.group()
        choices = _WILDCARD_CHOICES[token] if token in _WILDCARD_CHOICES else _members(token, not places, dotted)
        if not choices:
            return None
        places.append(choices)
        position = match.end()
    if position < len(glob):
        places.append([glob[position:]])
    # The first choices only, for a glob too long to hold a keyword's few places.
    width = 4 if len(places) <= _MOST_PLACES else 1
    tries = itertools.islice(itertools.product(*(choices[:width] for choices in places)), _MOST_TRIES)
    name = next((name for name in map("".join, tries) if _is_name(name, dotted)), None)
    if name is None:
        return None
    try:
        return name if fnmatch.fnmatchcase(name, glob) else None
    except re.error:  # pragma: <3.10 cover (fnmatch of Python 3.9 on a reversed range)
        return None


def _is_name(name: str, dotted: bool) -> bool:
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in (name.split(".") if dotted else [name]))


def _members(bracket_set: str, first: bool, dotted: bool) -> list[str]:
    """The characters of ``bracket_set`` (``[...]``, ``[!...]``) that may stand in a name
    there, a few for each range; a reversed range holds none, as from Python 3.10 on."""
    negated = bracket_set.startswith("[!")
    body = bracket_set[2 if negated else 1 : -1]
    ranges: list[tuple[str, str]] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            ranges.append((body[index], body[index + 2]))
            index += 3
        else:
            ranges.append((body[index], body[index]))
            index += 1

    def fits(char: str) -> bool:
        if char == ".":
            return dotted and not first
        return char.isidentifier() if first else f"x{char}".isidentifier()

    if negated:
        allowed = [char for char in _NAME_CHARS if not any(low <= char <= high for low, high in ranges)]
    else:
        allowed = [
            char for low, high in ranges if low <= high for char in (low, high, *_NAME_CHARS) if low <= char <= high
        ]
    return list(dict.fromkeys(char for char in allowed if fits(char)))


def _canonical(value: Any, where: str, _: Mapping[str, Any]) -> tuple[ImportSpec, ...]:
    texts = strings(value, where)
    if not texts:
        raise Fault(where, "at least one canonical import is required")
    return tuple(import_spec(text, f"{where}[{index}]") for index, text in enumerate(texts))


def _factory(value: Any, where: str, fields: Mapping[str, Any]) -> ImportSpec:
    spec = import_spec(string(value, where), where)
    legacy: tuple[LegacyEntry, ...] = fields["legacy"]
    if any((entry.spec.module, entry.spec.name) == (spec.module, spec.name) for entry in legacy):
        # SWS008's advice would send every constructor to an import SWS001 reports.
        raise Fault(where, f"is one of this group's legacy imports: {spec.text!r}")
    return spec


def _construct_in(value: Any, where: str, fields: Mapping[str, Any]) -> tuple[str, ...]:
    globs = _globs(value, where, fields)
    if globs and fields["factory"] is None:
        # Without a factory SWS008 is off for the group: the globs would exempt nothing.
        raise Fault(where, "applies only with a factory (the files that may construct outside it)")
    return globs


_LEGACY_KEYS = frozenset({"import", "use", "deadline", "reason"})


def _legacy(value: Any, where: str, fields: Mapping[str, Any]) -> tuple[LegacyEntry, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise Fault(where, "expected an array of tables ([[group.legacy]])")
    canonical: tuple[ImportSpec, ...] = fields["canonical"]
    return tuple(_legacy_entry(entry, f"{where}[{index}]", canonical) for index, entry in enumerate(value))


def _legacy_entry(raw: Mapping[str, Any], where: str, canonical: tuple[ImportSpec, ...]) -> LegacyEntry:
    check_keys(raw, _LEGACY_KEYS, where)
    if raw.get("import") is None:
        raise Fault(f"{where}.import", "required key is missing")
    spec = import_spec(string(raw["import"], f"{where}.import"), f"{where}.import")
    if raw.get("use") is None:
        use = infer_replacement(spec.module, spec.name, canonical)
        if use is None:
            raise Fault(f"{where}.use", f"required: no single canonical import binds or imports {spec.name!r}")
    else:
        use_text = string(raw["use"], f"{where}.use")
        use = import_spec(use_text, f"{where}.use")
        if not same_import(use, canonical):
            raise Fault(f"{where}.use", f"not one of this group's canonical imports: {use_text!r}")
    deadline = raw.get("deadline")
    if deadline is not None and (not isinstance(deadline, datetime.date) or isinstance(deadline, datetime.datetime)):
        raise Fault(f"{where}.deadline", f"expected a TOML date like 2026-03-31, got {show(deadline)}")
    reason = raw.get("reason")
    reason = None if reason is None else string(reason, f"{where}.reason")
    return LegacyEntry(where, spec, use, deadline, reason)


# --- the writers (TOML text of a value) ---------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    return '"' + "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c) for c in text) + '"'


def toml_array(items: Sequence[str]) -> str:
    if not items:
        return "[]"
    if len(items) == 1:
        return f"[{toml_string(items[0])}]"
    return "[\n" + "".join(f"  {toml_string(item)},\n" for item in items) + "]"


def toml_string_of_spec(spec: ImportSpec) -> str:
    return toml_string(spec.text)


def _write_specs(specs: tuple[ImportSpec, ...]) -> str:
    return toml_array([spec.text for spec in specs])


GROUP_KEYS: tuple[GroupKey, ...] = (
    GroupKey("name", "name", _name, REQUIRED, None, "", toml_string),
    GroupKey("watch", "watch", _name_globs, [], (), "Also tracked: imported names matching {}.", toml_array),
    GroupKey("watch-modules", "watch_modules", _modules, [], (), "Never imported as modules: {}.", toml_array),
    GroupKey(
        "watch-from",
        "watch_from",
        _module_globs,
        [],
        (),
        "Tracked only when imported from modules matching {}.",
        toml_array,
    ),
    # Absent reads as [], which its reader refuses: at least one is required.
    GroupKey("canonical", "canonical", _canonical, [], (), "", _write_specs),
    GroupKey("legacy", "legacy", _legacy, [], (), "", None),
    GroupKey("factory", "factory", _factory, None, None, "Instances come from {} (SWS008).", toml_string_of_spec),
    GroupKey("construct-in", "construct_in", _construct_in, [], (), "May construct directly: {}.", toml_array),
)
GROUP_KEY_NAMES = frozenset(key.key for key in GROUP_KEYS)


def read_group(raw: Mapping[str, Any], where: str) -> Group:
    """A ``[[group]]`` table -> Group; raises Fault at the first bad key."""
    check_keys(raw, GROUP_KEY_NAMES, where)
    fields: dict[str, Any] = {}
    for key in GROUP_KEYS:
        value = raw.get(key.key, key.missing)
        if value is REQUIRED:
            raise Fault(join(where, key.key), "required key is missing")
        fields[key.field] = key.default if value is None else key.read(value, join(where, key.key), fields)
    return Group(**fields)


def documented(group: Group) -> list[str]:
    """The registry document's lines for the keys it has no section of its own for."""
    lines = []
    for key in GROUP_KEYS:
        value = getattr(group, key.field)
        if key.describe and value != key.default:
            items = (value,) if isinstance(value, ImportSpec) or not isinstance(value, tuple) else value
            lines.append(key.describe.format(", ".join(f"`{_text(item)}`" for item in items)))
    return lines


def _text(item: object) -> str:
    return item.text if isinstance(item, ImportSpec) else str(item)


def json_fields(group: Group) -> dict[str, Any]:
    """The JSON document's values of the keys ``documented`` shows (by field name)."""
    fields: dict[str, Any] = {}
    for key in GROUP_KEYS:
        if key.describe:
            value = getattr(group, key.field)
            many = isinstance(value, tuple) and not isinstance(value, ImportSpec)
            fields[key.field] = [_text(item) for item in value] if many else _json(value)
    return fields


def _json(value: object) -> object:
    return None if value is None else _text(value)
