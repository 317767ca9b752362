"""SWS008: tracked classes constructed or subclassed outside their factory (issue 14).

Every form flagged and not flagged, through the fast path and the full parse (equal
outcomes, and the ``shortcut`` column pins which one the fast checker took: SWS008 stays
in the fast path unless a scope other than the module's binds the name), and through the
flake8 plugin (the same findings as the core).
"""

from __future__ import annotations

import argparse
import ast
import datetime
import re
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.fast import shortcut as fastpath
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry.dump import dump_registry
from flake8_ssot_ws.scan.checker import FileChecker
from tests.conftest import MakeRegistry

TODAY = datetime.date(2026, 1, 1)
# Python 3.12 inlines comprehensions (PEP 709) and symtable no longer shows their scope: a call
# in a file with a ``for`` takes the full parse there, which sees a comprehension's binding.
SHORTCUT_BESIDE_FOR = sys.version_info < (3, 12)
PY310 = pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+")
VIEWS = "app/services/views.py"
FACTORY_REGISTRY = """\
exempt = ["app/shim.py"]
src = ["."]

[[group]]
name = "websocket-manager"
watch = ["*WebSocketManager", "get_websocket_manager"]
canonical = [
  "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
  "from app.websocket_core.unified_manager import get_websocket_manager",
]
factory = "from app.websocket_core.unified_manager import get_websocket_manager"
construct-in = ["app/wiring/*.py"]

[[group.legacy]]
import = "from app.websocket_core.websocket_manager import WebSocketManager"

[[group.legacy]]
import = "from app.websocket_core.compat import get_websocket_manager"

[[group.legacy]]
import = "from app.websocket_core.compat import make_manager"
use = "from app.websocket_core.unified_manager import get_websocket_manager"

[[group]]
name = "events"
canonical = ["from app.events import Event"]
"""
IMPORT = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
UM = "import app.websocket_core.unified_manager as um\n"
LOCAL_IMPORT = "    from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"


def sws008(name: str) -> str:
    return (
        f"SWS008 {name!r} constructed directly - get instances from get_websocket_manager()"
        " ('from app.websocket_core.unified_manager import get_websocket_manager')"
    )


# (source, path, the fast checker's shortcut taken, findings as line:col:code)
FLAGGED = [
    pytest.param(IMPORT + "m = WebSocketManager()\n", VIEWS, True, ["2:4:SWS008"], id="call-of-the-canonical-binding"),
    pytest.param(
        UM + "m = um.UnifiedWebSocketManager(1)\n", VIEWS, True, ["2:4:SWS008"], id="call-through-a-module-alias"
    ),
    pytest.param(
        "import app.websocket_core.unified_manager\nm = app.websocket_core.unified_manager.UnifiedWebSocketManager()\n",
        VIEWS, True, ["2:4:SWS008"], id="call-through-the-full-dotted-path",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import WebSocketManager\nWebSocketManager()\n",
        VIEWS, True, ["1:49:SWS001", "2:0:SWS008"], id="call-through-a-legacy-import",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WSM\nWSM()\n",
        VIEWS, False, ["1:47:SWS002", "2:0:SWS008"], id="call-through-another-alias",
    ),
    pytest.param(
        IMPORT + "class Tenant(WebSocketManager):\n    pass\n", VIEWS, True, ["2:13:SWS008"], id="class-base"
    ),
    pytest.param(
        UM + "class Tenant(Base, um.UnifiedWebSocketManager, metaclass=M):\n    pass\n",
        VIEWS, True, ["2:19:SWS008"], id="dotted-class-base-among-others",
    ),
    pytest.param(
        IMPORT + "def f():\n    return WebSocketManager()\n", VIEWS, True, ["3:11:SWS008"], id="in-a-function"
    ),
    pytest.param(IMPORT + "f = lambda: WebSocketManager()\n", VIEWS, True, ["2:12:SWS008"], id="in-a-lambda"),
    pytest.param(
        IMPORT + "ms = [WebSocketManager() for _ in range(3)]\n", VIEWS, SHORTCUT_BESIDE_FOR, ["2:6:SWS008"],
        id="in-a-comprehension",
    ),
    pytest.param(
        IMPORT + "@register(WebSocketManager())\ndef f():\n    pass\n", VIEWS, True, ["2:10:SWS008"],
        id="in-a-decorator",
    ),
    pytest.param(
        IMPORT + "def f(m=WebSocketManager()):\n    return m\n", VIEWS, True, ["2:8:SWS008"], id="in-a-default-argument"
    ),
    pytest.param(IMPORT + "class C:\n    m = WebSocketManager()\n", VIEWS, True, ["3:8:SWS008"], id="in-a-class-body"),
    pytest.param(
        IMPORT + "def f():\n    class T(WebSocketManager):\n        pass\n", VIEWS, True, ["3:12:SWS008"],
        id="base-of-a-class-in-a-function",
    ),
    pytest.param(
        "def f():\n" + LOCAL_IMPORT + "    return WebSocketManager()\n", VIEWS, False, ["3:11:SWS008"],
        id="import-in-the-same-function",
    ),
    pytest.param(
        IMPORT + "m = WebSocketManager(\n    a,  # )\n    b,\n)\n", VIEWS, True, ["2:4:SWS008"], id="call-across-lines"
    ),
    pytest.param(
        IMPORT + "def f():\n    global WebSocketManager\n    return WebSocketManager()\n", VIEWS, True,
        ["4:11:SWS008"], id="global-declaration-reaches-the-import",
    ),
    pytest.param(
        IMPORT + "class C:\n    WebSocketManager = make\n    def f(self):\n        return WebSocketManager()\n",
        VIEWS, False, ["5:15:SWS008"], id="class-body-binding-not-seen-from-its-methods",
    ),
    pytest.param(
        IMPORT + "ms = [WebSocketManager() for a in x for b in a if b]\n", VIEWS, SHORTCUT_BESIDE_FOR, ["2:6:SWS008"],
        id="in-a-comprehension-of-two-loops",
    ),
    pytest.param(
        IMPORT + "from app.other import *\nWebSocketManager()\n", VIEWS, True, ["3:0:SWS008"],
        id="a-star-import-binds-nothing-known",
    ),
    pytest.param(
        IMPORT + "m = (WebSocketManager)()\n", VIEWS, False, ["2:5:SWS008"], id="parenthesised-callee",
    ),
    pytest.param(
        IMPORT + "m = WebSocketManager ()\n", VIEWS, False, ["2:4:SWS008"], id="blank-before-the-parenthesis",
    ),
]  # fmt: skip
NOT_FLAGGED = [
    pytest.param(
        IMPORT + "def f(m: WebSocketManager) -> WebSocketManager:\n    x: WebSocketManager = m\n    return x\n"
        "WebSocketManager.create()\n",
        VIEWS, True, [], id="annotations",
    ),
    pytest.param(
        IMPORT + "def f():\n    WebSocketManager = make\n    def g():\n        nonlocal WebSocketManager\n"
        "        return WebSocketManager()\n",
        VIEWS, False, [], id="nonlocal-reaches-the-enclosing-binding",
    ),
    pytest.param(
        IMPORT + "try:\n    pass\nexcept E as WebSocketManager:\n    WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-an-except-clause",
    ),
    pytest.param(
        IMPORT + "match x:\n    case [*WebSocketManager]:\n        WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-star-pattern", marks=PY310,
    ),
    pytest.param(
        IMPORT + "match x:\n    case {**WebSocketManager}:\n        WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-mapping-pattern", marks=PY310,
    ),
    pytest.param(
        IMPORT + "from app.websocket_core.unified_manager import get_websocket_manager as WebSocketManager\n"
        "WebSocketManager()\n",
        VIEWS, True, ["2:47:SWS002"], id="a-later-import-of-the-factory-wins",
    ),
    pytest.param(IMPORT + "ok = isinstance(m, WebSocketManager)\n", VIEWS, True, [], id="isinstance"),
    pytest.param(IMPORT + "ok = type(m) is WebSocketManager\n", VIEWS, True, [], id="type-is"),
    pytest.param(IMPORT + "m = WebSocketManager.create()\n", VIEWS, True, [], id="attribute-call-on-the-class"),
    pytest.param(IMPORT + "make = WebSocketManager\n", VIEWS, True, [], id="reference-without-a-call"),
    pytest.param(
        IMPORT + "s = 'WebSocketManager()'\n# WebSocketManager()\n", VIEWS, True, [], id="string-and-comment"
    ),
    pytest.param(IMPORT + "m = WebSocketManager()\n", "app/wiring/setup.py", True, [], id="file-matching-construct-in"),
    pytest.param(
        IMPORT + "m = WebSocketManager()\n", "app/websocket_core/unified_manager.py", True, [],
        id="the-factory's-own-module",
    ),
    pytest.param(IMPORT + "m = WebSocketManager()\n", "app/shim.py", True, [], id="exempt-file"),
    pytest.param(
        "from app.websocket_core.unified_manager import get_websocket_manager\nm = get_websocket_manager()\n",
        VIEWS, True, [], id="the-factory-itself",
    ),
    pytest.param(
        "from app.websocket_core.compat import get_websocket_manager\nm = get_websocket_manager()\n",
        VIEWS, True, ["1:38:SWS001"], id="the-factory-imported-from-a-legacy-path:-only-the-import-is-wrong",
    ),
    pytest.param(
        "import app.websocket_core.compat as c\nm = c.get_websocket_manager()\n",
        VIEWS, True, ["2:4:SWS007"], id="the-factory-through-a-legacy-module",
    ),
    pytest.param(
        "from app.websocket_core.compat import make_manager\nm = make_manager()\n",
        VIEWS, True, ["1:38:SWS001"], id="a-legacy-name-whose-use-is-the-factory",
    ),
    pytest.param(
        "from app.other import get_websocket_manager\nm = get_websocket_manager()\n",
        VIEWS, True, ["1:22:SWS001"], id="the-factory's-name-from-a-module-the-registry-does-not-name",
    ),
    pytest.param(
        IMPORT + "class WebSocketManager:\n    pass\nm = WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-class",
    ),
    pytest.param(
        IMPORT + "def WebSocketManager():\n    pass\nm = WebSocketManager()\n", VIEWS, False, [], id="shadowed-by-a-def"
    ),
    pytest.param(
        IMPORT + "def f(WebSocketManager):\n    return WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-parameter",
    ),
    pytest.param(
        IMPORT + "def f():\n    WebSocketManager = make()\n    return WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-an-assignment-in-the-function",
    ),
    pytest.param(
        IMPORT + "ms = [WebSocketManager() for WebSocketManager in makers]\n", VIEWS, False, [],
        id="shadowed-by-a-comprehension-variable",
    ),
    pytest.param(
        IMPORT + "f = lambda WebSocketManager: WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-lambda-parameter",
    ),
    pytest.param(
        IMPORT + "WebSocketManager = wrap(WebSocketManager)\nm = WebSocketManager()\n", VIEWS, False, [],
        id="shadowed-by-a-module-assignment",
    ),
    pytest.param(
        "def f():\n" + LOCAL_IMPORT + "def g():\n    return WebSocketManager()\n", VIEWS, False, [],
        id="import-in-another-function",
    ),
    pytest.param("m = WebSocketManager()\n", VIEWS, True, [], id="no-import-binds-the-name"),
    pytest.param("from app.events import Event\ne = Event()\n", VIEWS, True, [], id="group-without-a-factory"),
    pytest.param(
        IMPORT + "class T(Generic[WebSocketManager]):\n    pass\n", VIEWS, True, [], id="subscripted-base"
    ),
    pytest.param(IMPORT + "@WebSocketManager\ndef f():\n    pass\n", VIEWS, True, [], id="decorator-without-a-call"),
    pytest.param(IMPORT + "call(WebSocketManager)(x)\n", VIEWS, False, [], id="argument-of-a-called-call"),
    pytest.param(IMPORT + "m = x[0].WebSocketManager()\n", VIEWS, True, [], id="attribute-of-a-subscript"),
    pytest.param(IMPORT + "m = um . WebSocketManager()\n", VIEWS, False, [], id="blank-before-the-name:-parsed"),
    pytest.param(IMPORT + "m = WebSocketManager(\n", VIEWS, False, [], id="unclosed-call:-parsed,-no-finding"),
    pytest.param(IMPORT + "class (WebSocketManager):\n    pass\n", VIEWS, False, [], id="class-without-a-name"),
    pytest.param(
        IMPORT + "class C[T](WebSocketManager):\n    pass\n", VIEWS, False,
        ["2:11:SWS008"] if sys.version_info >= (3, 12) else [],  # type parameters: Python 3.12+
        id="class-with-type-parameters",
    ),
    pytest.param(IMPORT + "class C(WebSocketManager:\n    pass\n", VIEWS, False, [], id="unclosed-class-header"),
    pytest.param(IMPORT + "class C:\n    pass\n", VIEWS, True, [], id="class-without-bases"),
    pytest.param(IMPORT + "class C(Base):\n    pass\n", VIEWS, True, [], id="class-with-untracked-bases"),
    pytest.param(
        IMPORT + "m = WebSocketManager()  # noqa: SWS008\n", VIEWS, True, [], id="noqa"
    ),
]  # fmt: skip


@pytest.fixture
def registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(FACTORY_REGISTRY)


def both(registry: Registry, source: str, path: str) -> tuple[object, object]:
    filename = str(registry.root / path)
    fast = FileChecker(registry, TODAY, fast=True).check(filename, source.encode())
    full = FileChecker(registry, TODAY, fast=False).check(filename, source.encode())
    return fast, full


@pytest.mark.parametrize(("source", "path", "shortcut", "expected"), [*FLAGGED, *NOT_FLAGGED])
def test_fast_and_full_paths(registry: Registry, source: str, path: str, shortcut: bool, expected: list[str]) -> None:
    fast, full = both(registry, source, path)
    assert fast == full
    assert [f"{f.line}:{f.col}:{f.code}" for f in full.reported] == expected  # type: ignore[attr-defined]
    context = file_context(registry, registry.root / path)
    assert (fastpath.analyze_ascii(source, registry, context, today=TODAY) is not None) is shortcut


def test_message_names_the_callee_as_written(registry: Registry) -> None:
    context = file_context(registry, registry.root / VIEWS)
    source = UM + "m = um.UnifiedWebSocketManager()\nclass T(um.UnifiedWebSocketManager):\n    pass\n"
    messages = [f.message for f in check_source(source, registry, context, today=TODAY)]
    assert messages == [sws008("um.UnifiedWebSocketManager")] * 2


@pytest.mark.usefixtures("plugin_state")
@pytest.mark.parametrize(("source", "path", "shortcut", "expected"), [*FLAGGED, *NOT_FLAGGED])
def test_plugin_equals_check(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, source: str, path: str, shortcut: bool, expected: list[str]
) -> None:
    monkeypatch.chdir(registry.root)
    Plugin.parse_options(argparse_options(str(registry.path)))
    Plugin.today = TODAY
    filename = str(registry.root / path)
    context = file_context(registry, filename)
    try:
        tree = ast.parse(source)
    except SyntaxError:  # flake8 reports E999 and runs no plugin; the core raises
        with pytest.raises(SyntaxError):
            check_source(source, registry, context, today=TODAY)
        return
    lines = source.splitlines(keepends=True)
    plugin = [(line, col, message) for line, col, message, _ in Plugin(tree, filename, lines).run()]
    core = [(f.line, f.col, f.message) for f in check_source(source, registry, context, today=TODAY)]
    assert plugin == core


def argparse_options(registry: str) -> argparse.Namespace:
    return argparse.Namespace(ssot_registry=registry, ssot_baseline=None)


@pytest.mark.parametrize(
    ("group_lines", "message"),
    [
        pytest.param(
            "factory = 1", "group[0].factory: expected a non-empty string, got int 1", id="factory-not-a-string"
        ),
        pytest.param(
            'factory = "get_websocket_manager"',
            "group[0].factory: expected exactly one 'from MODULE import NAME [as ALIAS]': 'get_websocket_manager'",
            id="factory-not-an-import",
        ),
        pytest.param(
            'construct-in = "app/*.py"',
            "group[0].construct-in: expected an array of strings, got str 'app/*.py'",
            id="construct-in-not-an-array",
        ),
        pytest.param(
            'factory = "from a import make"\nconstruct-in = [""]',
            "group[0].construct-in[0]: expected a non-empty string, got str ''", id="construct-in-empty-glob",
        ),
        pytest.param(
            'factory = "from a.old import make"\n'
            '[[group.legacy]]\nimport = "from a.old import make"\nuse = "from a import B"',
            "group[0].factory: is one of this group's legacy imports: 'from a.old import make'",
            id="factory-that-is-a-legacy-import (found by a ninth trial: SWS008 advised an import SWS001 reports)",
        ),
        pytest.param(
            'construct-in = ["app/wiring/*.py"]',
            "group[0].construct-in: applies only with a factory (the files that may construct outside it)",
            id="construct-in-without-a-factory:-SWS008-is-off,-the-globs-would-exempt-nothing",
        ),
    ],
)  # fmt: skip
def test_bad_keys_are_one_line(make_registry: MakeRegistry, group_lines: str, message: str) -> None:
    text = '[[group]]\nname = "g"\ncanonical = ["from a import B"]\n' + group_lines + "\n"
    with pytest.raises(RegistryError) as error:
        make_registry(text)
    assert str(error.value).endswith(message)
    assert "\n" not in str(error.value)


def test_the_writer_keeps_the_keys(registry: Registry, make_registry: MakeRegistry) -> None:
    text = dump_registry(registry.groups, exempt=registry.exempt, src=registry.src)
    assert 'factory = "from app.websocket_core.unified_manager import get_websocket_manager"\n' in text
    assert 'construct-in = ["app/wiring/*.py"]\n' in text
    assert make_registry(text, "again.toml").groups == registry.groups


def test_readme_diff_is_real(registry: Registry) -> None:
    """The README's bad/good example: the bad side is SWS008, the good side is clean."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### SWS008: ", 1)[1].split("\n#", 1)[0]
    diff = re.findall(r"```diff\n(.*?)```", section, re.DOTALL)[0].splitlines()
    before = "".join(line[1:] + "\n" for line in diff if not line.startswith("+"))
    after = "".join(line[1:] + "\n" for line in diff if not line.startswith("-"))
    context = file_context(registry, registry.root / VIEWS)
    assert [f.code for f in check_source(before, registry, context, today=TODAY)] == ["SWS008"]
    assert check_source(after, registry, context, today=TODAY) == []


WATCH_FROM_REGISTRY = FACTORY_REGISTRY.replace(
    'watch = ["*WebSocketManager", "get_websocket_manager"]\n',
    'watch = ["*WebSocketManager", "get_websocket_manager"]\nwatch-from = ["app.*"]\n',
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from vendor.ws import WebSocketManager\nWebSocketManager()\n",
            [],
            id="a namesake from a module outside watch-from is not constructed from the group",
        ),
        pytest.param(
            "import vendor.ws as v\nclass T(v.WebSocketManager):\n    pass\n",
            [],
            id="nor subclassed through a module alias",
        ),
        pytest.param(
            "from app.ws import WebSocketManager\nWebSocketManager()\n",
            ["1:19:SWS001", "2:0:SWS008"],
            id="a module that watch-from matches is tracked",
        ),
        pytest.param(IMPORT + "WebSocketManager()\n", ["2:0:SWS008"], id="the canonical import is tracked wherever"),
    ],
)
def test_watch_from_limits_what_is_constructed(make_registry: MakeRegistry, source: str, expected: list[str]) -> None:
    registry = make_registry(WATCH_FROM_REGISTRY)
    fast, full = both(registry, source, VIEWS)
    assert fast == full
    assert [f"{f.line}:{f.col}:{f.code}" for f in full.reported] == expected  # type: ignore[attr-defined]
