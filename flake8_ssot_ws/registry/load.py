"""TOML registry of canonical imports -> one frozen, validated ``Registry``.

Discovery, loading and validation live here; the data classes and the lookup tables
derived from them are in ``registry_model`` and re-exported, so callers import from here.
"""
from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import Any
from typing import Callable
from typing import NamedTuple
from typing import Sequence
from typing import TypeVar
from typing import Union

from flake8_ssot_ws.reading import read_bytes
from flake8_ssot_ws.registry.schema import Group
from flake8_ssot_ws.registry.schema import ImportSpec
from flake8_ssot_ws.registry.schema import LegacyEntry
from flake8_ssot_ws.registry.model import Registry
from flake8_ssot_ws.registry.model import with_lookup_tables
from flake8_ssot_ws.registry.schema import Fault
from flake8_ssot_ws.registry.schema import parse_import
from flake8_ssot_ws.registry.schema import path_globs
from flake8_ssot_ws.registry.schema import check_keys
from flake8_ssot_ws.registry.schema import join
from flake8_ssot_ws.registry.schema import read_group
from flake8_ssot_ws.registry.schema import string
from flake8_ssot_ws.registry.schema import strings

if sys.version_info >= (3, 11):  # pragma: >=3.11 cover
    import tomllib
else:  # pragma: <3.11 cover
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
REGISTRY_FILE = "ssot-registry.toml"
TOOL_TABLE = "flake8-ssot-ws"

_TOP_KEYS = frozenset({"root", "exempt", "src", "group"})
# Names that a registry file was probably meant to have (after lower-casing, dropping leading
# dots and spelling '_' as '-'), with a configuration file's suffix; not the generated
# document (.md, .json).
_REGISTRY_STEMS = frozenset({"ssot-registry", "ssot-ws", "flake8-ssot-ws"})
_FLAKE8_CONFIGS = frozenset({"setup.cfg", "tox.ini", ".flake8"})
_CONFIG_SUFFIXES = frozenset({".toml", ".yaml", ".yml", ".cfg", ".ini", ".conf", ""})
# How a pyproject.toml that does not parse may still name our table, line by line (TOML keys
# and headers do not span lines; inline tables neither, in TOML 1.0): a header or dotted key
# `tool.flake8-ssot-ws`, an inline `tool = {"flake8-ssot-ws" = ...}`, or under a `[tool]`
# header a key `flake8-ssot-ws`, bare or quoted. No nested quantifier: linear on any text.
_TOOL = rb"""[ \t]*(?:tool|"tool"|'tool')[ \t]*"""
_OURS = rb"[ \t]*(?:%s|\"%s\"|'%s')[ \t]*" % ((re.escape(TOOL_TABLE.encode()),) * 3)
_BARE = rb"[A-Za-z0-9_-]"  # a character of a bare key
_KEY = rb"""(?:%s+|"[^"\r\n]*"|'[^'\r\n]*')""" % _BARE
# A table header, not an array value such as `  [1, 2],`: dotted keys in brackets, then a comment.
_HEADER = re.compile(rb"[ \t]*\[\[?[ \t]*" + _KEY + rb"(?:[ \t]*\.[ \t]*" + _KEY + rb")*[ \t]*\]\]?[ \t]*(?:#|$)")
_TOOL_HEADER = re.compile(rb"[ \t]*\[" + _TOOL + rb"\][ \t]*(?:#|$)")
_OUR_KEY = re.compile(_OURS + rb"[.=]")
_OUR_DOTTED = re.compile(rb"[ \t]*(?:\[\[?)?" + _TOOL + rb"\." + _OURS + rb"[.\]=]")
_INLINE_TOOL = re.compile(_TOOL + rb"=[ \t]*\{")
_BARE_KEY = re.compile(_BARE + rb"*")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


class RegistryError(Exception):
    """A registry that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        # No path: a registry that was not found (the message says where it was looked for).
        super().__init__(": ".join(str(part) for part in (path, where, message) if part))
        self.path, self.where, self.message = path, where, message

    def at_line_of(self, text: str, table: Sequence[str]) -> RegistryError:
        """This error with the line of ``text`` its key names (``path:LINE: where: ...``),
        or itself when the text spells none of the key."""
        from flake8_ssot_ws.registry.lines import line_of  # only a failed validation needs it

        line = line_of(text, self.where, table) if self.where else None
        return self if line is None else type(self)(f"{self.path}:{line}", self.where, self.message)


class UnreadableRegistry(RegistryError):
    """A registry file that cannot be read, decoded or parsed as TOML: nothing in it is known
    (discovery passes over such a pyproject.toml when its text names no table of ours)."""


# --- loading -------------------------------------------------------------------------


class Discovery(NamedTuple):
    """What ``discover_registry`` found, and what it saw on the way (for the messages)."""

    path: Path | None  # the registry file; None: none found
    searched: tuple[Path, ...]  # the folders looked in, in order
    # One line each: a broken pyproject.toml that does not hold our table, passed over.
    skipped: tuple[str, ...] = ()
    # pyproject.toml tables that look like a registry in the wrong place (see near_misses).
    misplaced: tuple[str, ...] = ()


def discovery_start(paths: Sequence[str | os.PathLike[str]], cwd: Path | None = None) -> Path:
    """Where discovery starts, as ruff and black start it: the folder holding every path
    argument (a file stands for its folder), the current directory when there is none."""
    cwd = cwd or Path.cwd()
    folders = []
    for path in paths:
        absolute = os.path.normpath(os.path.join(cwd, path))
        folders.append(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    if not folders:
        return cwd
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # pragma: no cover (Windows: paths on two drives have no common folder)
        return cwd


def discover_registry(start: Path, then: Path | None = None) -> Discovery:
    """Walk up from ``start``, then from ``then`` (the current directory, as ruff falls back to
    the configuration found from there) through the folders not walked yet; in each folder
    ``ssot-registry.toml``, else a ``pyproject.toml`` with our table. The dedicated file wins
    over pyproject.toml in one folder, as ruff.toml wins over pyproject.toml for ruff: it says
    only this, so it is what the user meant.

    A pyproject.toml that cannot be read or parsed is the registry when its text names our
    table (loading it then reports the fault); any other is not this tool's to judge: it is
    passed over, and ``skipped`` says so, instead of breaking every run below it.
    """
    searched: list[Path] = []
    skipped: list[str] = []
    misplaced: list[str] = []

    def found(path: Path | None) -> Discovery:
        return Discovery(path, tuple(searched), tuple(skipped), tuple(misplaced))

    for first in (start, then) if then is not None else (start,):
        for directory in (first, *first.parents):
            if directory in searched:
                break  # the rest of this walk was walked already
            searched.append(directory)
            standalone = directory / REGISTRY_FILE
            # A broken link or a folder of that name is meant as the registry too: loading it
            # says what is wrong, where going on up would use another registry silently.
            if os.path.lexists(standalone):
                return found(standalone)
            pyproject = directory / PYPROJECT
            if not pyproject.is_file():
                continue
            try:
                document = _read_toml(pyproject)
            except RegistryError as error:
                text = _bytes_or_nothing(pyproject)
                if names_our_table(text):
                    return found(pyproject)
                # A project that does not use the tool hears nothing of it: only a file that
                # spells the tool's name (a dependency, a table our reader missed) is said.
                if b"ssot" in text.lower() or not text:
                    reason = f"passed over while looking for the registry: it names no [tool.{TOOL_TABLE}] table"
                    skipped.append(f"{error} ({reason})")
                continue
            tool = document.get("tool")
            if isinstance(tool, dict) and TOOL_TABLE in tool:
                return found(pyproject)
            misplaced.extend(_misplaced_tables(pyproject, document))
    return found(None)


def find_registry(start: Path) -> Path | None:
    """The registry ``discover_registry`` finds from ``start``, if any."""
    return discover_registry(start).path


def _folder_and_parents(folder: Path, parents: int) -> str:
    if parents == 0:
        return str(folder)
    return f"{folder} and its parent folder" if parents == 1 else f"{folder} and its {parents} parent folders"


def _bytes_or_nothing(path: Path) -> bytes:
    try:
        return read_bytes(path)
    except OSError:
        return b""


def names_our_table(data: bytes) -> bool:
    """Whether the text of a pyproject.toml (parsed or not) names our tool table."""
    under_tool = False
    string: bytes | None = None  # the delimiter of the multi-line string the line starts inside
    for line in data.removeprefix(b"\xef\xbb\xbf").splitlines():
        inside, string = string is not None, _open_at_end(line, string)
        if inside:
            continue  # a description's `[tool.flake8-ssot-ws]` names nothing
        if _OUR_DOTTED.match(line) or (under_tool and _OUR_KEY.match(line)):
            return True
        inline = _INLINE_TOOL.match(line)
        if inline is not None and _inline_key_is_ours(line, inline.end() - 1):
            return True
        if _HEADER.match(line):
            under_tool = _TOOL_HEADER.match(line) is not None
    return False


def _open_at_end(line: bytes, delimiter: bytes | None) -> bytes | None:
    """The delimiter of the multi-line string still open at the end of ``line``, given the one
    open at its start (None: none). One pass: each string is skipped to its closing quote (a
    triple quote inside a one-line string opens nothing), and a comment ends the line. An
    unclosed one-line string leaves nothing open: TOML ends it, in error, at the line's end."""
    position = 0 if delimiter is None else _closing(line, 0, delimiter)
    if position < 0:
        return delimiter
    while position < len(line):
        char = line[position : position + 1]
        if char == b"#":
            return None
        if char in (b'"', b"'"):
            quotes = char * 3 if line.startswith(char * 3, position) else char
            position = _closing(line, position + len(quotes), quotes)
            if position < 0:
                return quotes if len(quotes) == 3 else None
        else:
            position += 1
    return None


def _closing(line: bytes, start: int, quotes: bytes) -> int:
    """Where the string whose ``quotes`` opened before ``start`` ends on ``line`` (just past
    its closing quotes, and past the one or two quotes a multi-line string may end with), or
    -1. Basic strings (``"``) take backslash escapes; literal ones (``'``) do not."""
    escapes = quotes[:1] == b'"'
    position = start
    while position < len(line):
        if escapes and line[position : position + 1] == b"\\":
            position += 2
        elif line.startswith(quotes, position):
            end = position + len(quotes)
            while len(quotes) == 3 and end - position < 5 and line[end : end + 1] == quotes[:1]:
                end += 1  # `""""` ends a string holding one quote
            return end
        else:
            position += 1
    return -1


def _inline_key_is_ours(line: bytes, brace: int) -> bool:
    """Whether the inline table opening at ``line[brace]`` has our table as one of its own keys
    (``tool = {"flake8-ssot-ws" = ...}``, not ``tool = {poetry = {flake8-ssot-ws = "*"}}``).
    One pass: each character once, a string skipped to its closing quote (``_closing``)."""
    ours = TOOL_TABLE.encode()
    open_brackets: list[int] = []
    expect_key = False
    position = brace
    while position < len(line):
        char = line[position]
        if char in b"\"'":
            quote = line[position : position + 1]
            quotes = quote * 3 if line.startswith(quote * 3, position) else quote
            end = _closing(line, position + len(quotes), quotes)  # escapes and triple quotes too
            if end < 0:
                return False
            if expect_key and len(open_brackets) == 1 and line[position + 1 : end - 1] == ours:
                return True
            position, expect_key = end, False
            continue
        if char in b"{[":
            open_brackets.append(char)
            expect_key = char == ord("{") and len(open_brackets) == 1
        elif char in b"}]":
            open_brackets.pop()  # never empty here: the table's own brace opened it, its close returns
            if not open_brackets:
                return False
        elif char == ord(",") and open_brackets == [ord("{")]:
            expect_key = True
        elif expect_key and char not in b" \t":
            key = _BARE_KEY.match(line, position)
            assert key is not None  # `*` matches the empty string too
            end = key.end()
            if len(open_brackets) == 1 and line[position:end] == ours:
                return True
            expect_key = False
            position = max(end, position + 1)
            continue
        position += 1
    return False


def _misplaced_tables(path: Path, document: dict[str, Any]) -> list[str]:
    """Tables of a parsed pyproject.toml that were meant as the registry, each as the "did you
    mean" hint that names it: a misspelt tool table, or the registry's keys at the top level."""
    hints = []
    tool = document.get("tool")
    for key in tool if isinstance(tool, dict) else ():
        if "ssot" in key.lower():  # [tool.ssot-ws], [tool.flake8_ssot_ws], ...
            hints.append(f"[tool.{TOOL_TABLE}] (found [tool.{key}] in {path})")
    group = document.get("group")
    if isinstance(group, list) and group and all(isinstance(item, dict) for item in group):
        hints.append(f"[[tool.{TOOL_TABLE}.group]] (found [[group]] at the top level of {path})")
    return hints


def near_misses(discovery: Discovery, option: str) -> list[str]:
    """"Did you mean" hints for a failed discovery: files in the searched folders whose name
    is a misspelling of ssot-registry.toml, then the misplaced pyproject.toml tables. Only
    computed for the error message: it lists each folder."""
    hints = []
    for directory in discovery.searched:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            stem, suffix = os.path.splitext(name.lower().lstrip(".").replace("_", "-"))
            if stem in _REGISTRY_STEMS and suffix in _CONFIG_SUFFIXES and name != REGISTRY_FILE:
                hints.append(f"{REGISTRY_FILE} (found {directory / name})")
            elif name in _FLAKE8_CONFIGS:
                hints.extend(_flake8_named_registry(directory / name, option))
    return [*hints, *discovery.misplaced]


def _flake8_named_registry(path: Path, option: str) -> list[str]:
    """The registry that a flake8 configuration file names (``ssot-registry = PATH`` in its
    ``[flake8]`` section): flake8 finds it there, ``ssot-ws`` does not read flake8's files."""
    import configparser  # only for this error message

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
        named = parser.get("flake8", "ssot-registry", fallback=None) or parser.get(
            "flake8", "ssot_registry", fallback=None
        )
    except (configparser.Error, UnicodeDecodeError):
        return []
    if not named:
        return []
    return [f"{option} {os.path.normpath(path.parent / named.strip())} (named by ssot-registry in {path})"]


def split_registries(paths: Sequence[str | os.PathLike[str]]) -> str | None:
    """When no registry is found from the folder holding all ``paths``, but some of them lie
    under registries of their own (a monorepo with one per service, a pre-commit run on files
    of two services): the hint that says which, else None. One run uses one registry; each
    path's own would be ruff's hierarchical configuration, which this tool does not do."""
    if len(paths) < 2:
        return None
    by_registry: dict[Path | None, list[str]] = {}
    found_from: dict[Path, Path | None] = {}
    for path in paths:
        absolute = os.path.abspath(path)
        folder = Path(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
        if folder not in found_from:
            found_from[folder] = discover_registry(folder).path
        by_registry.setdefault(found_from[folder], []).append(os.fspath(path))
    if len(by_registry) < 2:
        return None

    def shown(registry: Path | None, members: list[str]) -> str:
        name = "no registry" if registry is None else _relative(registry)
        return f"{name} ({members[0]})" if len(members) == 1 else f"{name} ({len(members)} paths)"

    listed = ", ".join(shown(registry, members) for registry, members in by_registry.items())
    return f"the paths are under different registries: {listed}; check each registry's paths in a run of their own"


def registries_below(paths: Sequence[str | os.PathLike[str]]) -> str | None:
    """When no registry is found for ``paths``, but a folder argument holds registries below
    it (``flake8 .`` at the top of a monorepo with one per service): the hint that names them,
    else None. Their files would otherwise go unchecked without a word."""
    below = _registries_below(paths)
    if not below:
        return None
    shown = ", ".join(below[:3]) + (f" and {len(below) - 3} more" if len(below) > 3 else "")
    return f"registries below the paths: {shown}; check each registry's paths in a run of their own"


def _registries_below(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The ``ssot-registry.toml`` files git tracks in the folders below each folder argument,
    as the user would name them. Only asked when no registry was found: one ``git ls-files``
    of the index per folder, which a project that does not use the tool pays on each run."""
    import subprocess  # only here: the failure path

    from flake8_ssot_ws.gitenv import git_environment

    found: set[str] = set()
    for path in paths:
        if not os.path.isdir(path):
            continue  # a file is under no registry below it
        command = ["git", "-C", os.fspath(path), "ls-files", "-z", "--cached", "--", f"*/{REGISTRY_FILE}"]
        try:
            done = subprocess.run(command, capture_output=True, env=git_environment(), check=False)
        except OSError:  # no git
            continue
        names = os.fsdecode(done.stdout).split("\0") if done.returncode == 0 else []
        found.update(_relative(Path(path, name)) for name in names if name)  # the pathspec matched the name
    return sorted(found)


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover (Windows: another drive)
        return str(path)


def no_registry_message(discovery: Discovery, option: str, split: str | None = None) -> str:
    """The one line for "no registry found": where it looked, what to do, what it saw.
    ``option``: how this adapter names the registry option (``--registry``, ``--ssot-registry``);
    ``split``: ``split_registries``' hint, when the paths have registries of their own."""
    if split is not None:
        return f"no registry found for all the paths together: {split}, or pass {option} PATH"
    walks: list[list[Path]] = []  # each walk up: a folder, then its parents
    for directory in discovery.searched:
        if walks and walks[-1][-1].parent == directory:
            walks[-1].append(directory)
        else:
            walks.append([directory])
    where = ", then ".join(_folder_and_parents(walk[0], len(walk) - 1) for walk in walks)
    message = (
        f"no registry found (searched {where}): add [tool.{TOOL_TABLE}] to {PYPROJECT}, "
        f"create {REGISTRY_FILE}, or pass {option} PATH"
    )
    hints = near_misses(discovery, option)
    return f"{message}; did you mean {'; or '.join(hints)}?" if hints else message


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
    text = _read_text(path)
    return _from_document(path, parse_toml(path, text), text)


def loads_registry(text: str, path: Path) -> Registry:
    """Validate registry TOML ``text`` as if it were the file at ``path`` (a pyproject.toml
    holds it in its tool table): what ``ssot-ws init`` generates is loaded this way before it
    is shown or written. Raises RegistryError."""
    path = Path(path).absolute()
    return _from_document(path, parse_toml(path, text), text)


# What is at a path: True a folder, False something else, None nothing.
FolderTest = Callable[[Path], Union[bool, None]]


def _on_disk(path: Path) -> bool | None:
    return path.is_dir() if path.exists() else None


def default_src(root: Path, folder: FolderTest = _on_disk) -> tuple[str, ...]:
    """The source roots of a registry in ``root`` that has no ``src`` key."""
    return ("src", ".") if folder(root / "src") else (".",)


def registry_from_bytes(path: Path, data: bytes, *, folder: FolderTest, shown: str) -> Registry | None:
    """A registry file's content as it is somewhere else than on disk (a commit's tree, for
    ``report --history --registry-at-commit``). ``path`` is where the file would sit, ``folder``
    says what is at the paths around it there (the ``root`` key, the default of ``src``),
    ``shown`` is what error messages call the file. None when it is a ``pyproject.toml``
    without our table: no registry, which is not an error there."""
    text = _decoded(shown, data)
    table = _located(text, (), _registry_table, path, shown, parse_toml(shown, text))
    return None if table is None else _validated(_Validator(path, shown, folder), table, text)


def _from_document(path: Path, document: dict[str, Any], text: str) -> Registry:
    table = _located(text, (), _registry_table, path, path, document)
    if table is None:
        raise RegistryError(path, "", f"no [tool.{TOOL_TABLE}] table")
    return _validated(_Validator(path), table, text)


def _validated(validator: _Validator, table: dict[str, Any], text: str) -> Registry:
    inside = ("tool", TOOL_TABLE) if validator.path.name == PYPROJECT else ()
    return _located(text, inside, validator.registry, table)


def _located(text: str, inside: tuple[str, ...], function: Callable[..., _Value], *arguments: Any) -> _Value:
    """``function(*arguments)``; its RegistryError given the line of ``text`` that its key
    names (``inside``: the table holding the registry's keys)."""
    try:
        return function(*arguments)
    except RegistryError as error:
        raise error.at_line_of(text, inside) from None


def _registry_table(path: Path, shown: Path | str, document: dict[str, Any]) -> dict[str, Any] | None:
    """The registry's table in a parsed file: the whole of ssot-registry.toml, our table of a
    pyproject.toml (None when it has none)."""
    if path.name != PYPROJECT:
        return document
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or TOOL_TABLE not in tool:
        return None
    table = tool[TOOL_TABLE]
    if not isinstance(table, dict):
        raise RegistryError(shown, f"tool.{TOOL_TABLE}", "expected a table")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(path, _read_text(path))


def _read_text(path: Path) -> str:
    try:
        data = read_bytes(path)
    except FileNotFoundError as error:
        reason = f"a broken symlink to {os.readlink(path)}" if os.path.islink(path) else _reason(error)
        raise UnreadableRegistry(path, "", f"cannot read: {reason}") from None
    except OSError as error:
        raise UnreadableRegistry(path, "", f"cannot read: {_reason(error)}") from None
    return _decoded(path, data)


def _decoded(path: Path | str, data: bytes) -> str:
    try:
        # utf-8-sig: an editor that saves with a byte order mark does not make it invalid TOML.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableRegistry(path, "", f"cannot read: {_reason(error)}") from None


# tomllib recurses once or twice a level of nesting, so how deep a text it can read depended on
# how deep its caller's stack was: flake8's is deeper than ssot-ws's, and a registry one of them
# read the other refused. It gets at least the same room above every caller.
_TOML_STACK_ROOM = 1000


def parse_toml(path: Path | str, text: str) -> dict[str, Any]:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _stack_depth() + _TOML_STACK_ROOM))  # raised, never lowered
    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise UnreadableRegistry(path, "", "invalid TOML: nested too deeply to read") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position is None:  # pragma: no cover (tomli and tomllib always append a position)
            raise UnreadableRegistry(path, "", f"invalid TOML: {message}") from None
        line, column = position.groups()
        if line is None:  # "at end of document": tomli's own line/column arithmetic
            line = str(text.count("\n") + 1)
            column = str(len(text) - text.rfind("\n"))
        lines = text.split("\n")  # tomli counts lines by "\n" alone
        hint = _DATE_HINT if _DATE_LIKE.search(lines[min(int(line), len(lines)) - 1]) else ""
        raise UnreadableRegistry(
            f"{path}:{line}:{column}", "", f"invalid TOML: {message[: position.start()]}{hint}"
        ) from None
    finally:
        sys.setrecursionlimit(limit)


def _stack_depth() -> int:
    depth = 0
    frame: Any = sys._getframe()  # typeshed: FrameType, whose f_back is None past the outermost
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


# `deadline = 2026-3-31` is a TOML syntax error, whose message says nothing of dates.
_DATE_LIKE = re.compile(r"=[ \t]*\d+-\d+-\d+")
_DATE_HINT = " (a deadline is a TOML date, YYYY-MM-DD with leading zeros, like 2026-03-31, unquoted)"


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)


_Value = TypeVar("_Value")


class _Validator:
    """Turns a parsed TOML table into a Registry, raising RegistryError at the first fault."""

    def __init__(self, path: Path, shown: Path | str | None = None, folder: FolderTest = _on_disk) -> None:
        self.path = path
        self.shown = path if shown is None else shown  # what messages call the file
        self.folder = folder  # what is at a path (on disk, or in a commit's tree)

    def fail(self, where: str, message: str) -> RegistryError:
        return RegistryError(self.shown, where, message)

    def registry(self, table: dict[str, Any]) -> Registry:
        self.check_keys(table, _TOP_KEYS, "")
        root = self.root(table)
        exempt = self._read(path_globs, self.strings(table, "exempt", ""), "exempt")
        src = self.strings(table, "src", "") if "src" in table else default_src(root, self.folder)
        for index, directory in enumerate(src):
            if os.path.isabs(directory) or os.path.normpath(directory).split(os.sep)[0] == os.pardir:
                raise self.fail(f"src[{index}]", f"expected a path inside the root folder, got {directory!r}")
        raw_groups = table.get("group", [])
        if not isinstance(raw_groups, list) or not all(isinstance(g, dict) for g in raw_groups):
            raise self.fail("group", "expected an array of tables ([[group]])")
        if not raw_groups:
            raise self.fail("group", "no [[group]] defined: nothing to check")
        groups = tuple(self.group(raw, f"group[{index}]") for index, raw in enumerate(raw_groups))
        self.check_unique(groups)
        return with_lookup_tables(
            Registry(
                path=self.path,
                root=root,
                exempt=exempt,
                src=tuple(os.path.normpath(s).replace(os.sep, "/") for s in src),
                groups=groups,
            )
        )

    def root(self, table: dict[str, Any]) -> Path:
        """The folder ``exempt``, ``src`` and module names are relative to: ``root``, relative
        to the registry file's folder (default: that folder). Kept as spelt, not resolved:
        file paths are compared with it as given (core/context.py resolves on a mismatch)."""
        text = self.string(table, "root", "")
        if text is None:
            return self.path.parent
        root = Path(os.path.normpath(self.path.parent / text))
        found = self.folder(root)
        if found is None:
            raise self.fail("root", f"no such folder: {text!r} ({root})")
        if not found:
            raise self.fail("root", f"not a folder: {text!r} ({root})")
        return root

    def check_keys(self, table: dict[str, Any], allowed: frozenset[str], where: str) -> None:
        self._read(check_keys, table, allowed, where)

    def string(self, table: dict[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        return None if value is None else self._read(string, value, join(where, key))

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        return self._read(strings, table.get(key, []), join(where, key))

    def group(self, raw: dict[str, Any], where: str) -> Group:
        return self._read(read_group, raw, where)

    def _read(self, reader: Callable[..., _Value], *arguments: Any) -> _Value:
        """A reader of registry/schema.py, its Fault as this file's RegistryError."""
        try:
            return reader(*arguments)
        except Fault as fault:
            raise self.fail(fault.where, fault.message) from None

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
            aliased = imports.get((spec.module, spec.name))
            if aliased is not None:
                # Never consulted: an import of a canonical module and name is canonical, or bound
                # under the wrong name (SWS002, which has no deadline): the entry would be dead.
                raise self.fail(
                    where,
                    f"the canonical import {aliased} under another name: {spec.text!r} (a legacy entry names"
                    " an old path; a canonical import bound to another name is SWS002, which has no deadline)",
                )
            key = (spec.module, spec.name, spec.asname)
            if key in legacy:
                raise self.fail(where, f"duplicate of {legacy[key]}: {spec.text!r}")
            legacy[key] = where


__all__ = [
    "PYPROJECT",
    "REGISTRY_FILE",
    "TOOL_TABLE",
    "Discovery",
    "Group",
    "ImportSpec",
    "LegacyEntry",
    "Registry",
    "RegistryError",
    "UnreadableRegistry",
    "default_src",
    "discover_registry",
    "discovery_start",
    "find_registry",
    "load_registry",
    "loads_registry",
    "near_misses",
    "no_registry_message",
    "parse_import",
    "registries_below",
    "registry_from_bytes",
    "split_registries",
]
