"""The located walk (core/locate.py) gives exactly the full walk's results.

``analyze_parsed`` -- what the flake8 plugin and the full parse of ``ssot-ws check`` run --
visits only the statements (and, inside them, the expressions) holding a word the rules
fire on, found in the text; ``analyze_tree`` walks every node. Each case here is a place
where the two could part: decorators before their ``def``, two statements on one line,
match cases, handlers, line endings, non-ASCII spellings, f-strings, aliases, nodes without
positions. The plugin, run in-process on the same tree, must agree too.
"""

from __future__ import annotations

import ast
import datetime
import sys

import pytest

from flake8_ssot_ws.core import locate
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.rules import analyze_parsed
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.core.checks import RULES
from flake8_ssot_ws.core.context import NO_CONTEXT
from flake8_ssot_ws.core.imports import imported_names
from flake8_ssot_ws.core.triggers import LOCATED_GATES
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.core.triggers import Word
from flake8_ssot_ws.core.triggers import wanted
from flake8_ssot_ws.core.triggers import WORDS
from flake8_ssot_ws.core.triggers import Trigger
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import model
from tests.conftest import MakeRegistry

TODAY = datetime.date(2026, 1, 1)
VIEWS = "app/services/views.py"
# Python 3.9 places a field of a multi-line f-string 5 columns off (its own positions, which
# the full walk reports too): why the located walk never prunes inside an f-string.
FIELD_COLUMN = 1 if sys.version_info >= (3, 10) else 6
PY310 = pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+")
# Every rule on: SWS008 (a factory), SWS005 and SWS003 (watched modules), SWS007; a glob whose
# literal part ends the name (*WebSocketManager) and one whose part starts it (Legacy*).
REGISTRY = """\
src = ["."]

[[group]]
name = "websocket-manager"
watch = ["*WebSocketManager", "get_websocket_manager"]
watch-modules = ["app.websocket_core.websocket_manager", "app.websocket_core.manager"]
canonical = [
  "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
  "from app.websocket_core.unified_manager import get_websocket_manager",
]
factory = "from app.websocket_core.unified_manager import get_websocket_manager"

[[group.legacy]]
import = "from app.websocket_core.websocket_manager import WebSocketManager"

[[group]]
name = "legacy"
watch = ["Legacy*"]
canonical = ["from app.modern import LegacyAdapter"]
"""
IMPORT = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
M = "import app.websocket_core.websocket_manager as m\n"

# (source, the findings as line:col:code)
CASES = [
    pytest.param(IMPORT + "@decorate(WebSocketManager())\ndef f():\n    pass\n", ["2:10:SWS008"], id="decorator"),
    pytest.param(IMPORT + "@d\nclass T(WebSocketManager):\n    pass\n", ["3:8:SWS008"], id="decorated-class-base"),
    pytest.param(IMPORT + "x = 1; y = WebSocketManager()\n", ["2:11:SWS008"], id="two-statements-one-line"),
    pytest.param(IMPORT + "x = 1\n# WebSocketManager()\ny = 2\n", [], id="a-comment-between-statements"),
    pytest.param(
        "try:\n    import app.websocket_core.websocket_manager as m\nexcept ImportError:\n"
        "    import app.websocket_core.manager as m\nelse:\n    pass\nfinally:\n    x = m.WebSocketManager\n",
        ["2:11:SWS003", "4:11:SWS003", "8:8:SWS007"],
        id="try-handlers-same-alias",
    ),
    pytest.param(
        IMPORT + "match x:\n    case [y] if WebSocketManager():\n        pass\n    case _:\n"
        "        z = WebSocketManager()\n",
        ["3:16:SWS008", "6:12:SWS008"],
        marks=PY310,
        id="match-guard-and-body",
    ),
    pytest.param(IMPORT.replace("\n", "\r\n") + "x = 1\r\nWebSocketManager()\r\n", ["3:0:SWS008"], id="crlf"),
    pytest.param(IMPORT.replace("\n", "\r") + "x = 1\rWebSocketManager()\r", ["3:0:SWS008"], id="lone-cr"),
    pytest.param(IMPORT + "\uff37ebSocketManager()\n", ["2:0:SWS008"], id="nfkc-spelled-call"),
    pytest.param(IMPORT + "s = 'é'\nx = WebSocketManager()\n", ["3:4:SWS008"], id="non-ascii-elsewhere"),
    pytest.param(IMPORT + "x = ('é',\n    WebSocketManager())\n", ["3:4:SWS008"], id="node-from-a-non-ascii-line"),
    pytest.param(
        "from app.websocket_core.websocket_manager import (  # é\n    WebSocketManager,\n)\n",
        ["2:4:SWS001"],
        id="non-ascii-line-of-an-import",
    ),
    pytest.param(M + "x = (m\n    .WebSocketManager)\n", ["1:7:SWS003", "2:5:SWS007"], id="attribute-across-lines"),
    pytest.param(M + "s = f'{m.WebSocketManager}'\n", ["1:7:SWS003", "2:7:SWS007"], id="f-string-field"),
    pytest.param(
        M + 's = f"""\n{m.WebSocketManager}\n"""\n',
        ["1:7:SWS003", f"3:{FIELD_COLUMN}:SWS007"],
        id="multi-line-f-string",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WSM\n"
        "WSM()\nclass T(WSM):\n    pass\nxWSM = 1\n",
        ["1:47:SWS002", "2:0:SWS008", "3:8:SWS008"],
        id="alias-hides-the-name",
    ),
    pytest.param(
        "import app.websocket_core as w\nimport app.websocket_core.unified_manager as u\n"
        "w.unified_manager.UnifiedWebSocketManager()\nu.UnifiedWebSocketManager()\n",
        ["3:0:SWS008", "4:0:SWS008"],
        id="calls-through-module-aliases",
    ),
    pytest.param(
        "import importlib\nimportlib.import_module('app.websocket_core.websocket_manager')\n"
        "__import__('app.websocket_core.manager')\n",
        ["2:0:SWS005", "3:0:SWS005"],
        id="dynamic-imports",
    ),
    pytest.param(
        "reimport = importlib_x = 1\nimport app.websocket_core.manager\nxWebSocketManagerx = LegacyOldLegacy = 1\n",
        ["2:7:SWS003"],
        id="words-inside-longer-words",
    ),
    pytest.param(
        "if True:\n    class A:\n        def f(self):\n"
        "            from app.websocket_core.websocket_manager import WebSocketManager\n"
        "            return WebSocketManager()\n",
        ["4:61:SWS001", "5:19:SWS008"],
        id="nested-blocks",
    ),
    pytest.param(
        IMPORT + "f = lambda x=WebSocketManager(): x\ny = [WebSocketManager() for _ in range(3)]\n"
        "with WebSocketManager() as w, open(p):\n    pass\n",
        ["2:13:SWS008", "3:5:SWS008", "4:5:SWS008"],
        id="nodes-without-positions",
    ),
    pytest.param(
        IMPORT + "def f():\n    global g  # WebSocketManager\nd = {**e, 'k': WebSocketManager()}\n",
        ["4:15:SWS008"],
        id="lists-holding-strings-and-none",
    ),
    pytest.param(
        IMPORT + "x = [1,\n     2]\ny = [WebSocketManager(), 3,\n     4]\n",
        ["4:5:SWS008"],
        id="children-away-from-the-word",
    ),
    pytest.param(
        "from app.old import LegacyAdapter\nimport app.compat as c\nx = c.LegacyAdapterV2\n",
        ["1:20:SWS001", "3:4:SWS007"],
        id="a-glob-part-starting-the-name",
    ),
    pytest.param("x = 1\n", [], id="nothing"),
]


@pytest.fixture
def registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(REGISTRY)


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_the_located_walk_finds_what_the_full_walk_finds(
    registry: Registry, source: str, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    filename = registry.root / VIEWS
    context = file_context(registry, filename)
    lines = source_lines(source)
    full = analyze_tree(ast.parse(source), lines, registry, context, today=TODAY, text=source)
    assert [f"{f.line}:{f.col}:{f.code}" for f in full.findings] == expected
    assert analyze_parsed(ast.parse(source), lines, registry, context, today=TODAY, text=source) == full
    monkeypatch.setattr(Plugin, "registry", registry)
    monkeypatch.setattr(Plugin, "today", TODAY)
    reported = [(line, col, message) for line, col, message, _ in Plugin(ast.parse(source), str(filename), lines).run()]
    assert reported == [(f.line, f.col, f.message) for f in full.findings]


# Without a factory, SWS008 is off: an expression is walked only for SWS007 (a tracked name
# after a dot) and SWS005 (a dynamic importer), so bare tracked names are not visited.
NO_FACTORY = REGISTRY.replace('factory = "from app.websocket_core.unified_manager import get_websocket_manager"\n', "")
ATTRIBUTES = [
    pytest.param(M + "x = m . WebSocketManager\n", ["1:7:SWS003", "2:4:SWS007"], id="blanks-around-the-dot"),
    pytest.param(M + "x = m.\tWebSocketManager\n", ["1:7:SWS003", "2:4:SWS007"], id="a-tab-after-the-dot"),
    pytest.param(
        M + "x = m.\\\n    WebSocketManager\n", ["1:7:SWS003", "2:4:SWS007"], id="a-continuation-after-the-dot"
    ),
    pytest.param(
        M + "x = (m.  # why\n    WebSocketManager)\n", ["1:7:SWS003", "2:5:SWS007"], id="a-comment-after-the-dot"
    ),
    pytest.param(M + "x = (m\n    .WebSocketManager)\n", ["1:7:SWS003", "2:5:SWS007"], id="the-dot-on-the-next-line"),
    pytest.param(M + "x = (m.\r\n    WebSocketManager)\r\n", ["1:7:SWS003", "2:5:SWS007"], id="crlf-after-the-dot"),
    pytest.param(M + "x = (m.\r    WebSocketManager)\r", ["1:7:SWS003", "2:5:SWS007"], id="lone-cr-after-the-dot"),
    pytest.param(M + "x = 1; y = m.WebSocketManager\n", ["1:7:SWS003", "2:11:SWS007"], id="after-another-statement"),
    pytest.param(M + "s = f'{m.WebSocketManager}'\n", ["1:7:SWS003", "2:7:SWS007"], id="in-an-f-string"),
    pytest.param(
        M + "x = 'é' + m.WebSocketManager\n", ["1:7:SWS003", "2:11:SWS007"], id="on-a-non-ascii-line (a UTF-8 column)"
    ),
    pytest.param(M + "WebSocketManager = m\nWebSocketManager()\n", ["1:7:SWS003"], id="bare-names-only"),
]


@pytest.mark.parametrize(("source", "expected"), ATTRIBUTES)
def test_attributes_are_found_without_visiting_bare_names(
    make_registry: MakeRegistry, source: str, expected: list[str]
) -> None:
    registry = make_registry(NO_FACTORY)
    context = file_context(registry, registry.root / VIEWS)
    lines = source_lines(source)
    full = analyze_tree(ast.parse(source), lines, registry, context, today=TODAY, text=source)
    assert [f"{f.line}:{f.col}:{f.code}" for f in full.findings] == expected
    assert analyze_parsed(ast.parse(source), lines, registry, context, today=TODAY, text=source) == full


# (text, the points of tracked names that may follow a dot, as line:col)
DOTTED = [
    pytest.param("m.WebSocketManager\n", ["1:2"], id="right-after-a-dot"),
    pytest.param("m .  WebSocketManager\n", ["1:5"], id="blanks-between"),
    pytest.param("WebSocketManager\n", ["1:0"], id="the-start-of-the-text"),
    pytest.param("x\n  WebSocketManager\n", ["2:2"], id="the-start-of-a-line"),
    pytest.param("x = WebSocketManager()\n", [], id="after-an-operator"),
    pytest.param("class V(WebSocketManager): pass\n", [], id="a-base"),
    pytest.param("x = m.WebSocketManager(WebSocketManager)\n", ["1:6"], id="only-the-attribute"),
    pytest.param("x = m.LegacyAdapter\n", ["1:6"], id="a-glob-part-starting-the-name"),
]


# (text, what the located pass's regex matches): a whole name is not matched inside a longer
# one, but a glob's part still is, even where it is also a whole name (WebSocketManager).
MATCHED = [
    pytest.param("get_websocket_manager()", ["get_websocket_manager"], id="a whole name"),
    pytest.param("xget_websocket_manager()", [], id="a whole name ending a longer one"),
    pytest.param("reimport x", [], id="import ending a longer word"),
    pytest.param("ThreadWebSocketManager", ["WebSocketManager"], id="a glob's part that is also a whole name"),
    pytest.param("OldLegacyAdapter", ["Legacy"], id="a glob's part inside a name"),
]


@pytest.mark.parametrize(("text", "expected"), MATCHED)
def test_what_the_located_pass_matches(registry: Registry, text: str, expected: list[str]) -> None:
    pattern = locate._pattern(registry)
    assert pattern is not None
    assert pattern.findall(text) == expected


@pytest.mark.parametrize(("text", "expected"), DOTTED)
def test_which_tracked_names_may_follow_a_dot(registry: Registry, text: str, expected: list[str]) -> None:
    located = locate.locate(registry, text)
    assert located is not None
    assert [f"{line}:{col}" for line, col in located.dotted] == expected
    assert set(located.dotted) <= set(located.tracked)


# (text, the kinds of word found in it)
FOUND = [
    pytest.param(M + "x = WebSocketManager()\n", {Word.TRACKED}, id="a-bare-tracked-name"),
    pytest.param("m.WebSocketManager\n", {Word.TRACKED, Word.DOTTED}, id="an-attribute"),
    pytest.param("importlib.import_module('x')\n", {Word.IMPORTER}, id="a-dynamic-importer"),
    pytest.param(IMPORT, {Word.TRACKED, Word.ALIAS}, id="an-import-binding-a-tracked-name-otherwise"),
    pytest.param("x = 1  # é\n", set(Word), id="a-non-ascii-line-may-spell-anything"),
    pytest.param("x = 1\n", set(), id="none"),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_found_words(registry: Registry, text: str, expected: set[Word]) -> None:
    tree = ast.parse(text)
    context = file_context(registry, registry.root / VIEWS)
    records = imported_names(tree, context.package, source_lines(text))
    located = locate.locate(registry, text)
    assert located is not None
    assert locate.found_words(FileFacts(tree, records, registry, context, text), located) == expected


def test_a_trigger_without_its_words_is_not_gated(registry: Registry) -> None:
    """Only the dynamic-import trigger's word is found: no other trigger's gate is asked."""
    asked: list[Trigger] = []
    gates = {trigger: (lambda facts, trigger=trigger: asked.append(trigger) or True) for trigger in Trigger}
    tree = ast.parse(M)
    facts = FileFacts(tree, imported_names(tree, None, source_lines(M)), registry, NO_CONTEXT, M)
    by_type = wanted(RULES, facts, gates, frozenset({Word.IMPORTER}))
    assert asked == [Trigger.DYNAMIC_IMPORT]
    assert list(by_type) == [ast.Call]


def test_every_trigger_declares_its_words_and_a_located_gate() -> None:
    assert set(WORDS) == set(LOCATED_GATES) == set(Trigger)


def test_a_glob_without_a_literal_part_walks_the_whole_tree(make_registry: MakeRegistry) -> None:
    """Nothing to search for ("?" matches any one-letter name): the full walk, same results."""
    registry = make_registry(REGISTRY.replace('"get_websocket_manager"]', '"get_websocket_manager", "?"]'))
    source = IMPORT + "x = WebSocketManager()\n"
    assert locate.locate(registry, source) is None
    context = file_context(registry, registry.root / VIEWS)
    lines = source_lines(source)
    full = analyze_tree(ast.parse(source), lines, registry, context, today=TODAY)
    assert [f.code for f in full.findings] == ["SWS008"]
    assert analyze_parsed(ast.parse(source), lines, registry, context, today=TODAY, text=source) == full


def test_an_exempt_file_has_no_findings(registry: Registry) -> None:
    source = IMPORT + "x = WebSocketManager()\n"
    context = file_context(registry, registry.root / VIEWS)._replace(exempt=True)
    analysis = analyze_parsed(ast.parse(source), source_lines(source), registry, context, today=TODAY, text=source)
    assert analysis == analyze_tree(ast.parse(source), source_lines(source), registry, context, today=TODAY)
    assert analysis.findings == analysis.canonical == []


@pytest.mark.parametrize("limit", [0, 100_000], ids=["memo-full", "memo-room"])
def test_glob_answers_are_the_same_memoised_or_not(
    registry: Registry, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "_GLOBBED_MAX", limit)
    for _ in range(2):
        assert registry.group_of("ThreadWebSocketManager") is registry.groups[0]
        assert registry.group_of("LegacyX") is registry.groups[1]
        assert registry.group_of("Other") is None


def test_this_repository_located_as_walked(registry: Registry) -> None:
    """Real code: every Python file of this repository (rules, tests, benchmarks) gives the
    same analysis both ways, under a registry tracking names it uses."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    checked = 0
    for path in sorted([*root.glob("flake8_ssot_ws/**/*.py"), *root.glob("tests/*.py"), *root.glob("benchmarks/*.py")]):
        source = path.read_text(encoding="utf-8")
        context = file_context(registry, registry.root / VIEWS)
        lines = source_lines(source)
        full = analyze_tree(ast.parse(source), lines, registry, context, today=TODAY, text=source)
        assert analyze_parsed(ast.parse(source), lines, registry, context, today=TODAY, text=source) == full, path
        checked += bool(full.findings)
    assert checked  # the tests quote tracked imports: some files have findings
