"""The TOML registry: discovery, loading, validation errors word for word, derived tables."""

from __future__ import annotations

import datetime
import fnmatch
import os
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import LegacyEntry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import find_registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.registry.schema import a_name_it_matches
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import MakeRegistry
from tests.conftest import write_tree

GROUP = '[[group]]\nname = "g"\ncanonical = ["from a.b import C"]\n'
UNIFIED = "app.websocket_core.unified_manager"


def test_example_registry_loads(make_registry: MakeRegistry, tmp_path: Path) -> None:
    registry = make_registry(EXAMPLE_REGISTRY)
    use = ImportSpec(UNIFIED, "UnifiedWebSocketManager", "WebSocketManager")
    assert (registry.path, registry.root) == (tmp_path / "ssot-registry.toml", tmp_path)
    assert registry.exempt == ("app/websocket_core/unified_manager.py", "app/websocket_core/websocket_manager.py")
    assert registry.src == (".",)
    assert registry.groups == (
        Group(
            name="websocket-manager",
            watch=("*WebSocketManager", "get_websocket_manager"),
            watch_modules=("app.websocket_core.websocket_manager", "app.websocket_core.manager"),
            canonical=(use, ImportSpec(UNIFIED, "get_websocket_manager", None)),
            legacy=(
                LegacyEntry(
                    key="group[0].legacy[0]",
                    spec=ImportSpec("app.websocket_core.websocket_manager", "WebSocketManager", None),
                    use=use,
                    deadline=datetime.date(2026, 3, 31),
                    reason="see issue 1182",
                ),
            ),
        ),
    )


def test_pyproject_form_gives_the_same_registry(make_registry: MakeRegistry) -> None:
    standalone = make_registry(EXAMPLE_REGISTRY)
    text = "[project]\nname = 'x'\n\n[tool.flake8-ssot-ws]\n" + EXAMPLE_REGISTRY.replace(
        "[[group]]", "[[tool.flake8-ssot-ws.group]]"
    ).replace("[[group.legacy]]", "[[tool.flake8-ssot-ws.group.legacy]]")
    pyproject = make_registry(text, "pyproject.toml")
    assert (pyproject.exempt, pyproject.src, pyproject.groups) == (standalone.exempt, standalone.src, standalone.groups)


@pytest.mark.parametrize(
    ("text", "src"),
    [
        pytest.param(GROUP, ("src", "."), id="default-with-src-folder"),
        pytest.param('src = ["lib/", "./a/../b", "."]\n' + GROUP, ("lib", "b", "."), id="normalised"),
    ],
)
def test_src(make_registry: MakeRegistry, tmp_path: Path, text: str, src: tuple[str, ...]) -> None:
    (tmp_path / "src").mkdir()
    assert make_registry(text).src == src


def test_default_src_without_src_folder(make_registry: MakeRegistry) -> None:
    assert make_registry(GROUP).src == (".",)


@pytest.mark.parametrize(
    ("use", "expected"),
    [
        pytest.param(None, ImportSpec("new", "Thing", None), id="inferred-by-binding"),
        pytest.param('"from new import Thing"', ImportSpec("new", "Thing", None), id="explicit"),
    ],
)
def test_legacy_use(make_registry: MakeRegistry, use: str | None, expected: ImportSpec) -> None:
    use_line = f"use = {use}\n" if use else ""
    registry = make_registry(
        '[[group]]\nname = "g"\ncanonical = ["from new import Thing", "from new import Other as Thing2"]\n'
        f'[[group.legacy]]\nimport = "from old import Thing"\n{use_line}'
    )
    (entry,) = registry.groups[0].legacy
    assert (entry.use, entry.deadline, entry.reason) == (expected, None, None)


def test_legacy_use_inferred_by_imported_name(make_registry: MakeRegistry) -> None:
    registry = make_registry(
        '[[group]]\nname = "g"\ncanonical = ["from new import Thing as NewThing"]\n'
        '[[group.legacy]]\nimport = "from old import Thing as Old"\n'
    )
    assert registry.groups[0].legacy[0].use == ImportSpec("new", "Thing", "NewThing")


# --- validation errors, word for word ("{file}" is the registry's path) -------------

DATE_HINT = " (a deadline is a TOML date, YYYY-MM-DD with leading zeros, like 2026-03-31, unquoted)"
ERRORS = [
    # bad TOML: line and column of the fault
    pytest.param('exempt = [\n  "x",\n  y\n]\n', "{file}:3:3: invalid TOML: Invalid value", id="toml-invalid-value"),
    pytest.param("exempt = ", "{file}:1:10: invalid TOML: Invalid value", id="toml-at-end-of-document"),
    pytest.param(
        'src = ["."]\nsrc = ["."]\n', "{file}:2:12: invalid TOML: Cannot overwrite a value", id="toml-duplicate-key"
    ),
    pytest.param(
        f"{GROUP}[[group.legacy]]\nimport = 'from old import C'\ndeadline = 2026-3-31\n",
        "{file}:6:16: invalid TOML: Expected newline or end of document after a statement" + DATE_HINT,
        id="toml-a-date-without-leading-zeros-gets-a-hint",
    ),
    pytest.param(
        f"{GROUP}[[group.legacy]]\nimport = 'from old import C'\ndeadline = 2026-02-30\n",
        "{file}:6:12: invalid TOML: Invalid date or datetime" + DATE_HINT,
        id="toml-a-day-that-does-not-exist-gets-a-hint",
    ),
    pytest.param(
        f"{GROUP}[[group.legacy]]\nimport = 'from old import C'\nreason = 'x' 2026-02-30\n",
        "{file}:6:14: invalid TOML: Expected newline or end of document after a statement",
        id="toml-no-date-hint-without-a-date-value",
    ),
    pytest.param(
        b"name = '\xff'\n",
        "{file}: cannot read: 'utf-8' codec can't decode byte 0xff in position 8: invalid start byte",
        id="not-UTF-8",
    ),
    # unknown keys
    pytest.param(
        "groups = []\n",
        "{file}:1: groups: unknown key (expected one of: exempt, group, root, src)",
        id="unknown-top-key",
    ),
    pytest.param(
        GROUP + "canonicals = []\n",
        "{file}:4: group[0].canonicals: unknown key"
        " (expected one of: canonical, construct-in, factory, legacy, name, watch, watch-from, watch-modules)",
        id="unknown-group-key",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from x import C"\nuntil = 2026-01-01\n',
        "{file}:6: group[0].legacy[0].until: unknown key (expected one of: deadline, import, reason, use)",
        id="unknown-legacy-key",
    ),
    # wrong types
    pytest.param(
        'exempt = "a.py"\n' + GROUP, "{file}:1: exempt: expected an array of strings, got str 'a.py'", id="exempt-str"
    ),
    pytest.param(
        "exempt = [1]\n" + GROUP, "{file}:1: exempt[0]: expected a non-empty string, got int 1", id="exempt-int"
    ),
    pytest.param('src = [" "]\n' + GROUP, "{file}:1: src[0]: expected a non-empty string, got str ' '", id="src-blank"),
    pytest.param(
        'src = ["../lib"]\n' + GROUP,
        "{file}:1: src[0]: expected a path inside the root folder, got '../lib'",
        id="src-outside",
    ),
    pytest.param(
        'src = ["/abs"]\n' + GROUP,
        "{file}:1: src[0]: expected a path inside the root folder, got '/abs'",
        id="src-absolute",
    ),
    pytest.param("group = 1\n", "{file}:1: group: expected an array of tables ([[group]])", id="group-int"),
    pytest.param("group = [1]\n", "{file}:1: group: expected an array of tables ([[group]])", id="group-of-ints"),
    pytest.param("exempt = []\n", "{file}: group: no [[group]] defined: nothing to check", id="no-group"),
    pytest.param("group = []\n", "{file}:1: group: no [[group]] defined: nothing to check", id="empty-group-array"),
    pytest.param(
        '[[group]]\ncanonical = ["from a import B"]\n',
        "{file}:1: group[0].name: required key is missing",
        id="name-missing",
    ),
    pytest.param(
        '[[group]]\nname = 1\ncanonical = ["from a import B"]\n',
        "{file}:2: group[0].name: expected a non-empty string, got int 1",
        id="name-int",
    ),
    pytest.param(
        '[[group]]\nname = "g"\n',
        "{file}:1: group[0].canonical: at least one canonical import is required",
        id="canonical-missing",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = []\n',
        "{file}:3: group[0].canonical: at least one canonical import is required",
        id="canonical-empty",
    ),
    pytest.param(
        GROUP + 'watch = "C*"\n', "{file}:4: group[0].watch: expected an array of strings, got str 'C*'", id="watch-str"
    ),
    pytest.param(
        GROUP + 'watch-modules = ["a..b"]\n',
        "{file}:4: group[0].watch-modules[0]: not a dotted module name: 'a..b'",
        id="watch-module-not-dotted",
    ),
    pytest.param(
        GROUP + 'watch-from = "app.*"\n',
        "{file}:4: group[0].watch-from: expected an array of strings, got str 'app.*'",
        id="watch-from-str",
    ),
    pytest.param(
        GROUP + 'watch-from = ["app.*", 3]\n',
        "{file}:4: group[0].watch-from[1]: expected a non-empty string, got int 3",
        id="watch-from-not-a-string",
    ),
    pytest.param(
        GROUP + 'watch-from = ["app/*"]\n',
        "{file}:4: group[0].watch-from[0]: not a dotted module name or glob: 'app/*'",
        id="watch-from-path-not-module",
    ),
    pytest.param(
        GROUP + 'watch-from = ["app..*"]\n',
        "{file}:4: group[0].watch-from[0]: not a dotted module name or glob: 'app..*'",
        id="watch-from-empty-part",
    ),
    pytest.param(
        GROUP + 'watch = ["*Manager", "[abc"]\n',
        "{file}:4: group[0].watch[1]: not a name or name glob (an imported name is an identifier): '[abc'",
        id="watch-glob-that-can-match-no-name-an-unclosed-bracket",
    ),
    pytest.param(
        GROUP + 'watch = ["app.Manager"]\n',
        "{file}:4: group[0].watch[0]: not a name or name glob (an imported name is an identifier): 'app.Manager'",
        id="watch-glob-that-can-match-no-name-a-dotted-path",
    ),
    pytest.param(
        GROUP + 'watch = ["[.]Mgr"]\n',
        "{file}:4: group[0].watch[0]: not a name or name glob (an imported name is an identifier): '[.]Mgr'",
        id="watch-glob-whose-bracket-set-holds-no-name-character (accepted before the fourth trial)",
    ),
    pytest.param(
        GROUP + 'watch = ["[!]Mgr"]\n',
        "{file}:4: group[0].watch[0]: not a name or name glob (an imported name is an identifier): '[!]Mgr'",
        id="watch-glob-[!]-is-literal-text-as-fnmatch-reads-it",
    ),
    pytest.param(
        GROUP + 'watch = ["class"]\n',
        "{file}:4: group[0].watch[0]: not a name or name glob (an imported name is an identifier): 'class'",
        id="watch-a-keyword",
    ),
    pytest.param(
        GROUP + 'watch-from = ["app.[ab"]\n',
        "{file}:4: group[0].watch-from[0]: not a dotted module name or glob: 'app.[ab'",
        id="watch-from-unclosed-bracket",
    ),
    pytest.param(
        GROUP + 'legacy = "x"\n',
        "{file}:4: group[0].legacy: expected an array of tables ([[group.legacy]])",
        id="legacy-str",
    ),
    pytest.param(
        GROUP + "[[group.legacy]]\nuse = 'from a.b import C'\n",
        "{file}:4: group[0].legacy[0].import: required key is missing",
        id="legacy-import-missing",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from x import C"\ndeadline = "2026-03-31"\n',
        "{file}:6: group[0].legacy[0].deadline: expected a TOML date like 2026-03-31, got str '2026-03-31'",
        id="deadline-string",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from x import C"\ndeadline = 2026-03-31T10:00:00\n',
        "{file}:6: group[0].legacy[0].deadline: expected a TOML date like 2026-03-31,"
        " got datetime 2026-03-31 10:00:00",
        id="deadline-datetime",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from x import C"\nreason = 1182\n',
        "{file}:6: group[0].legacy[0].reason: expected a non-empty string, got int 1182",
        id="reason-int",
    ),
    # import strings
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import B", "import a"]\n',
        "{file}:3: group[0].canonical[1]: expected exactly one 'from MODULE import NAME [as ALIAS]': 'import a'",
        id="plain-import",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["x = 1"]\n',
        "{file}:3: group[0].canonical[0]: expected exactly one 'from MODULE import NAME [as ALIAS]': 'x = 1'",
        id="not-an-import",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import B; from c import D"]\n',
        "{file}:3: group[0].canonical[0]: expected exactly one 'from MODULE import NAME [as ALIAS]':"
        " 'from a import B; from c import D'",
        id="two-statements",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import"]\n',
        "{file}:3: group[0].canonical[0]: not a Python import statement: 'from a import'",
        id="syntax-error",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from .a import B"]\n',
        "{file}:3: group[0].canonical[0]: relative imports are not allowed in the registry: 'from .a import B'",
        id="relative",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from . import B"]\n',
        "{file}:3: group[0].canonical[0]: relative imports are not allowed in the registry: 'from . import B'",
        id="relative-without-module",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import B, C"]\n',
        "{file}:3: group[0].canonical[0]: expected exactly one imported name: 'from a import B, C'",
        id="two-names",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import *"]\n',
        "{file}:3: group[0].canonical[0]: expected exactly one imported name: 'from a import *'",
        id="star",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from x import (C, D)"\n',
        "{file}:5: group[0].legacy[0].import: expected exactly one imported name: 'from x import (C, D)'",
        id="legacy-two-names",
    ),
    # consistency between entries
    pytest.param(
        GROUP + '[[group]]\nname = "h"\ncanonical = ["from x import C"]\n',
        "{file}:6: group[1].canonical[0]: binds 'C' like group[0].canonical[0]",
        id="same-binding-across-groups",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import C as D", "from a import C as E"]\n',
        "{file}:3: group[0].canonical[1]: imports 'C' like group[0].canonical[0]",
        id="same-import-twice",
    ),
    pytest.param(
        GROUP + GROUP.replace('"from a.b import C"', '"from a.b import D"'),
        "{file}:5: group[1].name: duplicate group name 'g'",
        id="duplicate-group-name",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from a.b import C as C"\n',
        "{file}:5: group[0].legacy[0].import: identical to the canonical import group[0].canonical[0]:"
        " 'from a.b import C'",
        id="legacy-identical-to-canonical",
    ),
    pytest.param(
        GROUP + '[[group]]\nname = "h"\ncanonical = ["from x import D"]\n'
        '[[group.legacy]]\nimport = "from a.b import C"\nuse = "from x import D"\n',
        "{file}:8: group[1].legacy[0].import: identical to the canonical import group[0].canonical[0]:"
        " 'from a.b import C'",
        id="legacy-identical-to-canonical-of-another-group",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from a.b import C as Old"\ndeadline = 2099-01-01\n',
        "{file}:5: group[0].legacy[0].import: the canonical import group[0].canonical[0] under another name:"
        " 'from a.b import C as Old' (a legacy entry names an old path; a canonical import bound to another"
        " name is SWS002, which has no deadline)",
        id="legacy-that-is-a-canonical-import-under-an-alias-would-never-apply",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from old import C"\n[[group.legacy]]\nimport = "from old import C"\n'
        "deadline = 2030-01-01\n",
        "{file}:7: group[0].legacy[1].import: duplicate of group[0].legacy[0].import: 'from old import C'",
        id="duplicate-legacy",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from old import C"\nuse = "from x import Y"\n',
        "{file}:6: group[0].legacy[0].use: not one of this group's canonical imports: 'from x import Y'",
        id="use-not-canonical",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from old import C"\nuse = "from a.b import C as D"\n',
        "{file}:6: group[0].legacy[0].use: not one of this group's canonical imports: 'from a.b import C as D'",
        id="use-with-another-binding",
    ),
    pytest.param(
        GROUP + '[[group.legacy]]\nimport = "from old import Z"\n',
        "{file}:4: group[0].legacy[0].use: required: no single canonical import binds or imports 'Z'",
        id="use-not-inferable",
    ),
    pytest.param(
        '[[group]]\nname = "g"\ncanonical = ["from a import Z as A", "from b import Z as B"]\n'
        '[[group.legacy]]\nimport = "from old import Z"\n',
        "{file}:4: group[0].legacy[0].use: required: no single canonical import binds or imports 'Z'",
        id="use-ambiguous",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_validation_error(tmp_path: Path, text: str | bytes, expected: str) -> None:
    path = tmp_path / "ssot-registry.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == expected.format(file=path)


PYPROJECT_ERRORS = [
    pytest.param("[project]\nname = 'x'\n", "{file}: no [tool.flake8-ssot-ws] table", id="no-table"),
    pytest.param("tool = 1\n", "{file}: no [tool.flake8-ssot-ws] table", id="tool-not-a-table"),
    pytest.param("[tool]\nflake8-ssot-ws = 1\n", "{file}:2: tool.flake8-ssot-ws: expected a table", id="not-a-table"),
    pytest.param(
        "[tool.flake8-ssot-ws]\nexempt = 1\n",
        "{file}:2: exempt: expected an array of strings, got int 1",
        id="keys-are-named-inside-the-table",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PYPROJECT_ERRORS)
def test_pyproject_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == expected.format(file=path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda path: None, "No such file or directory", id="missing"),
        pytest.param(lambda path: path.mkdir(), "Is a directory", id="directory"),
    ],
)
def test_unreadable(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "ssot-registry.toml"
    make(path)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == f"{path}: cannot read: {reason}"


# --- discovery --------------------------------------------------------------------

TABLE = "[tool.flake8-ssot-ws]\n" + GROUP.replace("[[group]]", "[[tool.flake8-ssot-ws.group]]")


DISCOVERY = [
    pytest.param(
        {"pyproject.toml": TABLE, "ssot-registry.toml": GROUP},
        "ssot-registry.toml",
        id="in one folder ssot-registry.toml wins over a pyproject.toml table, as ruff.toml does",
    ),
    pytest.param(
        {"pyproject.toml": "[project]\nname = 'x'\n", "ssot-registry.toml": GROUP},
        "ssot-registry.toml",
        id="pyproject-without-table-is-passed-over",
    ),
    pytest.param(
        {"pyproject.toml": "tool = 1\n", "ssot-registry.toml": GROUP}, "ssot-registry.toml", id="tool-not-a-table"
    ),
    pytest.param(
        {"ssot-registry.toml": GROUP, "a/b/pyproject.toml": "[tool.black]\n"},
        "ssot-registry.toml",
        id="walks-up-past-an-unrelated-pyproject",
    ),
    pytest.param({"pyproject.toml": TABLE, "a/ssot-registry.toml": GROUP}, "a/ssot-registry.toml", id="nearest-wins"),
    pytest.param({"a/b/ssot-registry.toml": GROUP}, "a/b/ssot-registry.toml", id="in-the-start-directory"),
]


@pytest.mark.parametrize(("files", "expected"), DISCOVERY)
def test_find_registry(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    write_tree(tmp_path, files)
    (tmp_path / "a/b").mkdir(parents=True, exist_ok=True)
    assert find_registry(tmp_path / "a/b") == tmp_path / expected


def test_find_registry_none(tmp_path: Path) -> None:
    assert find_registry(tmp_path) is None


# --- loading once -------------------------------------------------------------------


def test_loaded_once_per_file_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ssot-registry.toml"
    path.write_text(GROUP, encoding="utf-8")
    first = load_registry(path)
    monkeypatch.chdir(tmp_path)
    assert load_registry(Path("ssot-registry.toml")) is first  # a relative path is the same file
    path.write_text(GROUP.replace('"g"', '"renamed"'), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new version even on a coarse clock
    assert load_registry(path).groups[0].name == "renamed"


# --- derived lookup tables and the text prefilter -------------------------------------


def test_example_lookup_tables(make_registry: MakeRegistry) -> None:
    registry = make_registry(EXAMPLE_REGISTRY)
    (group,) = registry.groups
    assert registry.needles == ("WebSocketManager", "__import__", "import_module", "manager")
    assert sorted(registry.literal_names) == ["UnifiedWebSocketManager", "WebSocketManager", "get_websocket_manager"]
    assert sorted(registry.star_modules) == sorted(group.modules)
    assert sorted(group.modules) == (
        [
            "app.websocket_core.manager",
            UNIFIED,
            "app.websocket_core.websocket_manager",
        ]
    )
    assert sorted(registry.watched_modules) == ["app.websocket_core.manager", "app.websocket_core.websocket_manager"]
    assert registry.group_of("ThreadWebSocketManager") is group
    assert registry.group_of("get_websocket_manager") is group
    assert registry.group_of("WebSocketManagerFactory") is None
    assert registry.is_exempt("app/websocket_core/unified_manager.py")
    assert not registry.is_exempt("app/websocket_core/manager.py")


@pytest.mark.parametrize(
    ("group", "needles"),
    [
        pytest.param(GROUP, ("C", "b"), id="literal-names-and-module-component"),
        pytest.param(
            GROUP + 'watch-modules = ["x.handlers"]\n',
            ("C", "__import__", "b", "handlers", "import_module"),
            id="watched-modules-add-dynamic-importers",
        ),
        pytest.param(GROUP + 'watch = ["[A-Z]*Manager"]\n', ("C", "Manager", "b"), id="bracket-set-skipped"),
        pytest.param(GROUP + 'watch = ["Web*Socket?Mgr"]\n', ("C", "Socket", "b"), id="longest-literal-run"),
        pytest.param(GROUP + 'watch = ["*"]\n', (), id="glob-without-literal-part-disables-the-prefilter"),
        pytest.param(GROUP + 'watch = ["[!a]?"]\n', (), id="bracket-set-and-wildcard-only"),
    ],
)
def test_needles(make_registry: MakeRegistry, group: str, needles: tuple[str, ...]) -> None:
    registry = make_registry(group)
    assert registry.needles == needles
    assert (registry.attribute_pattern is None) is (needles == ())


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        pytest.param("wsc.WebSocketManager", True, id="attribute"),
        pytest.param("wsc.ThreadWebSocketManager()", True, id="glob-prefix"),
        pytest.param("wsc . \\\n  # why\n  get_websocket_manager", True, id="spaces-continuation-comment"),
        pytest.param("WebSocketManager()", False, id="bare-name"),
        pytest.param("wsc.websocketmanager", False, id="case-matters"),
        pytest.param("(wsc.  # see a.b\n  # more\n\n  WebSocketManager)", True, id="comment-lines-with-dots-between"),
        pytest.param("(wsc.  # see\n  # e.f\n  WebSocketManager)", True, id="a-later-comment-holds-a-dot"),
        pytest.param("(wsc  # see\n  WebSocketManager)", False, id="no-dot-before-the-comment"),
        pytest.param("wsc.\r  WebSocketManager", True, id="lone-carriage-return"),
        pytest.param("x = wsc.foo()  # WebSocketManager", False, id="name-inside-a-comment-after-code"),
        pytest.param("x = 1.  # " + "#" * 50 + "\nWebSocketManager()", True, id="superset-dot-then-line-start"),
        pytest.param("x = 1.  # " + "#" * 50, False, id="dot-then-a-comment-of-many-hashes"),
    ],
)
def test_attribute_pattern(make_registry: MakeRegistry, text: str, matches: bool) -> None:
    pattern = make_registry(EXAMPLE_REGISTRY).attribute_pattern
    assert pattern is not None
    assert (pattern.search(text) is not None) is matches


@pytest.mark.parametrize(
    ("spec", "bound", "text"),
    [
        pytest.param(ImportSpec("a", "B", None), "B", "from a import B", id="plain"),
        pytest.param(ImportSpec("a", "B", "C"), "C", "from a import B as C", id="alias"),
        pytest.param(ImportSpec("a", "B", "B"), "B", "from a import B", id="redundant-alias"),
    ],
)
def test_import_spec(spec: ImportSpec, bound: str, text: str) -> None:
    assert (spec.bound, spec.text) == (bound, text)


def test_readme_registry_sample(tmp_path: Path) -> None:
    """README's registry schema sample loads, and its ``watch-from`` leaves namesakes alone."""
    from flake8_ssot_ws.core.rules import NO_CONTEXT
    from flake8_ssot_ws.core.rules import check_source
    from flake8_ssot_ws.registry.dump import dump_registry
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n[tool.flake8-ssot-ws]\n") + len("```toml\n")
    sample = readme[start : readme.index("```\n", start)]
    (tmp_path / "pyproject.toml").write_text(sample, encoding="utf-8")
    registry = load_registry(tmp_path / "pyproject.toml")
    (group,) = registry.groups
    assert group.watch_from == ("app.*",)
    assert 'watch-from = ["app.*"]' in dump_registry(registry.groups).splitlines()
    today = datetime.date(2026, 1, 1)
    source = "from lib.sockets import WebSocketManager\nfrom app.ws import WebSocketManager\n"
    assert [(f.line, f.code) for f in check_source(source, registry, NO_CONTEXT, today=today)] == [(2, "SWS001")]


NAME_GLOBS = [
    pytest.param("Mgr*", "Mgrx", id="a wildcard"),
    pytest.param("[Ww]eb?Manager", "WebxManager", id="a set and a '?'"),
    pytest.param("[.]Mgr", None, id="a set of no name character"),
    pytest.param("[0-9]Mgr", None, id="a set of digits cannot start a name"),
    pytest.param("*[0-9]Mgr", "x0Mgr", id="after a wildcard, a digit may stand"),
    pytest.param("[!a-z]Mgr", "XMgr", id="a negated set"),
    pytest.param("[!a-zA-Z_]Mgr", "\u00e9Mgr", id="a set of no ASCII letter: a non-ASCII one (refused, fifth trial)"),
    pytest.param("[!xX_0-9a-zA-WYZ]Mgr", "\u00e9Mgr", id="a negated set of every ASCII name character"),
    pytest.param("[c]lass", None, id="a set that spells a keyword (accepted, found by the fifth trial)"),
    pytest.param("N[o]ne", None, id="a set that spells a keyword in another place"),
    pytest.param("[cx]lass", "xlass", id="a set that spells a keyword and another name"),
    pytest.param("[z-a]Mgr", None, id="a reversed range matches nothing"),
    pytest.param(
        "[a-cz-a]x", None if sys.version_info < (3, 10) else "ax",
        id="a reversed range beside a good one: fnmatch decides (an error on Python 3.9)",
    ),
    pytest.param("[]a]x", "ax", id="a ']' first in a set is a member"),
    pytest.param("[]", None, id="'[]' opens no set: fnmatch reads it as text"),
    pytest.param("*[!]", None, id="'[!]' opens no set either"),
    pytest.param("[\u00e9]x", "\u00e9x", id="a non-ASCII letter"),
    pytest.param("class", None, id="a keyword"),
    pytest.param("clas?", "clasx", id="a keyword's spelling with a wildcard may match other names"),
    pytest.param("Mgr+", None, id="regex syntax is text"),
    pytest.param("e?cept", "eacept", id="a '?' that first spells a keyword (refused, found by the sixth trial)"),
    pytest.param("e*cept", "ecept", id="a '*' that first spells a keyword"),
    pytest.param("[ia][sf]", "af", id="two sets that spell a keyword unless both change"),
    pytest.param("?" * 15 + "-", None, id="many wildcards before what no name holds: a bounded search"),
]


MODULE_GLOBS = [
    pytest.param("azure.cli.*", "azure.cli.x", id="a module and its submodules"),
    pytest.param("app.[!.]*", "app.xx", id="a set that leaves out the dot (refused, found by the sixth trial)"),
    pytest.param("app[._]views", "app.views", id="a set holding the dot"),
    pytest.param("a[._]", "a_", id="a set whose dot would end the name: its other member"),
    pytest.param("app..*", None, id="an empty part"),
    pytest.param("app.class", None, id="a keyword part"),
    pytest.param("app.[0-9]x", None, id="a part starting with a digit"),
    pytest.param("app/*", None, id="a path"),
]


@pytest.mark.parametrize(
    ("glob", "dotted", "expected"),
    [
        *(pytest.param(*case.values[:1], False, *case.values[1:], id=f"name: {case.id}") for case in NAME_GLOBS),
        *(pytest.param(*case.values[:1], True, *case.values[1:], id=f"module: {case.id}") for case in MODULE_GLOBS),
    ],
)
def test_a_name_a_glob_matches(glob: str, dotted: bool, expected: str | None) -> None:
    """A watch glob (a name) or a watch-from glob (a dotted module name): the name it matches."""
    name = a_name_it_matches(glob, dotted=dotted)
    assert name == expected
    assert name is None or fnmatch.fnmatchcase(name, glob)


def test_names_and_modules_are_read_in_nfkc_form(make_registry: MakeRegistry) -> None:
    """As Python's parser reads identifiers (found by the fourth trial: `\uff2dgr*` matched
    nothing, `app.mode\u0301` was never the `app.mod\u00e9` of the code)."""
    registry = make_registry(
        GROUP + 'watch = ["\uff2dgr*"]\nwatch-modules = ["app.mode\u0301"]\nwatch-from = ["app\u2024x"]\n'
    )
    (group,) = registry.groups
    assert (group.watch, group.watch_modules, group.watch_from) == (("Mgr*",), ("app.mod\u00e9",), ("app.x",))


@pytest.mark.parametrize("key", ["exempt", "construct-in"])
def test_a_path_glob_must_be_one_fnmatch_reads(make_registry: MakeRegistry, key: str) -> None:
    """Python 3.9's fnmatch cannot read a reversed range: the first file matched against it
    stopped the run with a traceback (found by the sixth trial). Later versions match nothing."""
    glob = '["app/[z-a].py"]'
    factory = 'factory = "from a import make"\n'
    text = f"exempt = {glob}\n{GROUP}" if key == "exempt" else f"{GROUP}{factory}construct-in = {glob}\n"
    if sys.version_info >= (3, 10):
        make_registry(text)
        return
    with pytest.raises(RegistryError) as refused:
        make_registry(text)
    where = "exempt[0]" if key == "exempt" else "group[0].construct-in[0]"
    assert str(refused.value).endswith(
        f": {where}: not a glob fnmatch can read (bad character range z-a at position 9): 'app/[z-a].py'"
    )
