"""The checking core, table-driven: every code and every import form of issue 2.

Each case is ``(source, expected)`` with ``expected`` the exact ``line:col: CODE message``
strings (0-based UTF-8 byte columns, as the AST and every flake8 AST plugin report them).
The file is ``app/services/views.py`` under the registry (module ``app.services.views``)
unless a case says otherwise; ``today`` is fixed before the legacy deadline.
"""

from __future__ import annotations

import ast
import datetime
import re
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.fix.rewrite import fix_text
from flake8_ssot_ws.plugin import SWS900
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.rules import NO_CONTEXT
from flake8_ssot_ws.core.rules import Analysis
from flake8_ssot_ws.core.rules import CanonicalImport
from flake8_ssot_ws.core.rules import FileContext
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import Fix
from flake8_ssot_ws.core.rules import analyze_source
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import check_tree
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.core.rules import may_have_findings
from flake8_ssot_ws.core.expressions import MAX_CHAIN
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import MakeRegistry

TODAY = datetime.date(2026, 1, 1)  # before the legacy deadline, 2026-03-31
VIEWS = "app/services/views.py"

# The registry plus a group whose name "Event" two canonical imports provide.
EVENTS_GROUP = """
[[group]]
name = "events"
canonical = [
  "from app.events.bus import Event as BusEvent",
  "from app.events.queue import Event as QueueEvent",
]
"""
RULES_REGISTRY = EXAMPLE_REGISTRY + EVENTS_GROUP

WSM = "app.websocket_core.websocket_manager"
MGR = "app.websocket_core.manager"
USE = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"
USE_GET = "from app.websocket_core.unified_manager import get_websocket_manager"
GET = "get_websocket_manager"
FIXABLE = " (fixable with 'ssot-ws fix')"


def sws001(name: str, module: str, use: str = USE) -> str:
    """SWS001 as check words it: fixable only from the registry's one legacy path (bug 7)."""
    note = FIXABLE if (module, name) == (WSM, "WebSocketManager") else inferred(name, module)
    return f"SWS001 {name!r} imported from non-canonical path {module!r} - use {use!r}{note}"


def inferred(name: str, module: str) -> str:
    return (
        f" (not fixable: the registry names no legacy import of {name!r} from {module!r},"
        " which may hold another object)"
    )


def sws101(name: str = "WebSocketManager", module: str = WSM) -> str:
    return (
        f"SWS101 {name!r} imported from legacy path {module!r}, allowed before 2026-03-31"
        f" - use {USE!r}; see issue 1182{FIXABLE}"
    )


def sws002(name: str = "UnifiedWebSocketManager", local: str | None = None) -> str:
    aliased = "" if local is None else f" imported as {local!r}"
    return f"SWS002 {name!r}{aliased} must be bound as 'WebSocketManager' - use {USE!r}"


def sws003(module: str) -> str:
    return f"SWS003 module {module!r} imported as a module - import names from their canonical path instead"


def sws004(module: str) -> str:
    return f"SWS004 star import from {module!r} hides tracked names - import them explicitly from their canonical path"


def sws005(module: str) -> str:
    return f"SWS005 dynamic import of watched module {module!r} - use a static canonical import"


def sws006(name: str) -> str:
    return (
        f"SWS006 {name!r} is tracked by group 'websocket-manager' but no canonical import provides it"
        " - add one to the registry"
    )


def sws007(expr: str, path: str, use: str | None = USE) -> str:
    advice = f"use {use!r}" if use else "import it from its canonical path"
    return f"SWS007 {expr!r} reaches {path!r}, which is not a canonical import - {advice}"


@pytest.fixture
def registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(RULES_REGISTRY)


def run(registry: Registry, source: str, path: str = VIEWS, today: datetime.date = TODAY) -> list[str]:
    context = file_context(registry, registry.root / path)
    findings = check_source(source, registry, context, today=today)
    return [f"{f.line}:{f.col}: {f.message}" for f in findings]


# --- one literal message per code: the wording users see, written out in full ----------

MESSAGES = [
    pytest.param(
        "from app.websocket_core import WebSocketManager\n",
        "1:31: SWS001 'WebSocketManager' imported from non-canonical path 'app.websocket_core'"
        " - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'"
        " (not fixable: the registry names no legacy import of 'WebSocketManager' from 'app.websocket_core',"
        " which may hold another object)",
        id="SWS001",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n",
        "1:47: SWS002 'UnifiedWebSocketManager' must be bound as 'WebSocketManager'"
        " - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'",
        id="SWS002",
    ),
    pytest.param(
        "import app.websocket_core.websocket_manager as m\n",
        "1:7: SWS003 module 'app.websocket_core.websocket_manager' imported as a module"
        " - import names from their canonical path instead",
        id="SWS003",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import *\n",
        "1:49: SWS004 star import from 'app.websocket_core.websocket_manager' hides tracked names"
        " - import them explicitly from their canonical path",
        id="SWS004",
    ),
    pytest.param(
        "import importlib\nimportlib.import_module('app.websocket_core.websocket_manager')\n",
        "2:0: SWS005 dynamic import of watched module 'app.websocket_core.websocket_manager'"
        " - use a static canonical import",
        id="SWS005",
    ),
    pytest.param(
        "from app.legacy.old import ThreadWebSocketManager\n",
        "1:27: SWS006 'ThreadWebSocketManager' is tracked by group 'websocket-manager'"
        " but no canonical import provides it - add one to the registry",
        id="SWS006-none",
    ),
    pytest.param(
        "from app.old import Event\n",
        "1:20: SWS006 'Event' is provided by several canonical imports"
        " ('from app.events.bus import Event as BusEvent', 'from app.events.queue import Event as QueueEvent')"
        " - import one of them directly",
        id="SWS006-ambiguous",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nwsc.WebSocketManager()\n",
        "2:0: SWS007 'wsc.WebSocketManager' reaches 'app.websocket_core.WebSocketManager',"
        " which is not a canonical import"
        " - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'",
        id="SWS007",
    ),
    pytest.param(
        "import app.legacy as old\nold.ThreadWebSocketManager\n",
        "2:0: SWS007 'old.ThreadWebSocketManager' reaches 'app.legacy.ThreadWebSocketManager',"
        " which is not a canonical import - import it from its canonical path",
        id="SWS007-no-canonical",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import WebSocketManager\n",
        "1:49: SWS101 'WebSocketManager' imported from legacy path 'app.websocket_core.websocket_manager',"
        " allowed before 2026-03-31"
        " - use 'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager';"
        " see issue 1182 (fixable with 'ssot-ws fix')",
        id="SWS101",
    ),
]


@pytest.mark.parametrize(("source", "expected"), MESSAGES)
def test_message_text(registry: Registry, source: str, expected: str) -> None:
    assert run(registry, source) == [expected]


@pytest.mark.parametrize(
    ("today", "code"),
    [
        pytest.param(datetime.date(2026, 3, 30), "SWS101", id="day-before-deadline"),
        pytest.param(datetime.date(2026, 3, 31), "SWS001", id="on-the-deadline"),
        pytest.param(datetime.date(2027, 1, 1), "SWS001", id="after-the-deadline"),
    ],
)
def test_legacy_deadline(registry: Registry, today: datetime.date, code: str) -> None:
    source = "from app.websocket_core.websocket_manager import WebSocketManager\n"
    after = sws001("WebSocketManager", WSM).replace(FIXABLE, "; deadline 2026-03-31 passed; see issue 1182" + FIXABLE)
    expected = sws101() if code == "SWS101" else after
    assert run(registry, source, today=today) == [f"1:49: {expected}"]


# --- every import form of issue 2 ("Why") and every place an import can sit ----------

FORMS = [
    pytest.param(
        "from app.websocket_core.manager import WebSocketManager\n",
        [f"1:39: {sws001('WebSocketManager', MGR)}"],
        id="manager-path",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import WebSocketManager as ConnectionManager\n",
        [f"1:49: {sws101()}"],
        id="legacy-aliased-ConnectionManager",
    ),
    pytest.param(
        "from app.websocket_core.manager import WebSocketManager as ManagerAlias\n",
        [f"1:39: {sws001('WebSocketManager', MGR)}"],
        id="aliased-ManagerAlias",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as ManagerAlias\n",
        [f"1:47: {sws002(local='ManagerAlias')}"],
        id="canonical-name-wrong-alias-SWS002",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import get_websocket_manager as get\n",
        [f"1:47: SWS002 'get_websocket_manager' imported as 'get' must be bound as {GET!r} - use {USE_GET!r}"],
        id="alias-on-a-canonical-import-without-alias-SWS002",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import get_websocket_manager\n",
        [f"1:49: {sws001('get_websocket_manager', WSM, USE_GET)}"],
        id="second-canonical-found-by-binding",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import WebSocketManager\n",
        [f"1:47: {sws001('WebSocketManager', 'app.websocket_core.unified_manager')}"],
        id="canonical-module-but-the-binding-as-name",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager, helper\n",
        [f"1:49: {sws101()}", f"1:67: {sws001('get_websocket_manager', WSM, USE_GET)}"],
        id="one-finding-per-tracked-name",
    ),
    pytest.param(
        "import app.websocket_core.manager\n",
        [f"1:7: {sws003(MGR)}"],
        id="module-import-without-alias",
    ),
    pytest.param(
        "import os, app.websocket_core.websocket_manager as m, app.websocket_core.manager as n\n",
        [f"1:11: {sws003(WSM)}", f"1:54: {sws003(MGR)}"],
        id="module-imports-among-others",
    ),
    pytest.param(
        "from app.websocket_core import websocket_manager\n",
        [f"1:31: {sws003(WSM)}"],
        id="module-imported-from-its-package",
    ),
    pytest.param(
        "from app.websocket_core import manager as mgr\n",
        [f"1:31: {sws003(MGR)}"],
        id="module-imported-from-its-package-aliased",
    ),
    pytest.param(
        "from ..websocket_core.websocket_manager import WebSocketManager\n",
        [f"1:47: {sws101()}"],
        id="relative-two-dots",
    ),
    pytest.param(
        "from ..websocket_core import manager\n",
        [f"1:29: {sws003(MGR)}"],
        id="relative-module",
    ),
    pytest.param(
        "from .. import websocket_core\nwebsocket_core.WebSocketManager\n",
        [f"2:0: {sws007('websocket_core.WebSocketManager', 'app.websocket_core.WebSocketManager')}"],
        id="relative-package-then-attribute",
    ),
    pytest.param(
        "def build():\n    from app.websocket_core import WebSocketManager\n    return WebSocketManager()\n",
        [f"2:35: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="inside-function",
    ),
    pytest.param(
        "class Service:\n    from app.websocket_core.manager import WebSocketManager\n",
        [f"2:43: {sws001('WebSocketManager', MGR)}"],
        id="inside-class",
    ),
    pytest.param(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from app.websocket_core.websocket_manager import WebSocketManager\n"
        "else:\n    from app.websocket_core.manager import WebSocketManager\n",
        [f"3:53: {sws101()}", f"5:43: {sws001('WebSocketManager', MGR)}"],
        id="if-TYPE_CHECKING-and-else",
    ),
    pytest.param(
        "try:\n    from app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
        "except ImportError:\n    from app.websocket_core.websocket_manager import WebSocketManager\n"
        "else:\n    import app.websocket_core.manager\n"
        "finally:\n    from app.websocket_core import WebSocketManager\n",
        [
            f"2:51: {sws002()}",
            f"4:53: {sws101()}",
            f"6:11: {sws003(MGR)}",
            f"8:35: {sws001('WebSocketManager', 'app.websocket_core')}",
        ],
        id="try-except-ImportError-else-finally",
    ),
    pytest.param(
        "with lock:\n    from app.websocket_core import WebSocketManager\n",
        [f"2:35: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="inside-with",
    ),
    pytest.param(
        "for _ in range(1):\n    from app.websocket_core import WebSocketManager\n"
        "else:\n    from app.websocket_core.manager import WebSocketManager\n"
        "while True:\n    import app.websocket_core.websocket_manager\n    break\n",
        [
            f"2:35: {sws001('WebSocketManager', 'app.websocket_core')}",
            f"4:43: {sws001('WebSocketManager', MGR)}",
            f"6:11: {sws003(WSM)}",
        ],
        id="inside-for-else-while",
    ),
    pytest.param(
        "async def main():\n    async with lock:\n        async for _ in feed():\n"
        "            from app.websocket_core import WebSocketManager\n",
        [f"4:43: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="inside-async-def-with-for",
    ),
    pytest.param(
        "def outer():\n    class Inner:\n        def method(self):\n            if True:\n"
        "                try:\n                    import app.websocket_core.manager as m\n"
        "                except* ValueError:\n                    pass\n",
        [f"6:27: {sws003(MGR)}"],
        id="deeply-nested-try-star",
        marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11+ syntax"),
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import *\nfrom app.websocket_core.manager import *\n",
        [f"1:47: {sws004('app.websocket_core.unified_manager')}", f"2:39: {sws004(MGR)}"],
        id="star-from-canonical-and-watched-modules",
    ),
    pytest.param(
        "from ..websocket_core.websocket_manager import *\n",
        [f"1:47: {sws004(WSM)}"],
        id="relative-star",
    ),
    pytest.param(
        "import importlib\nfrom importlib import import_module\n"
        "m = import_module('app.websocket_core.manager')\n"
        "n = __import__('app.websocket_core.websocket_manager')\n"
        "o = importlib.import_module(name='app.websocket_core.manager')\n"
        "p = importlib.__import__('app.websocket_core.manager', globals(), locals(), ['x'], 0)\n",
        [f"3:4: {sws005(MGR)}", f"4:4: {sws005(WSM)}", f"5:4: {sws005(MGR)}", f"6:4: {sws005(MGR)}"],
        id="dynamic-import-module-__import__-keyword",
    ),
    pytest.param(
        "import importlib\n"
        "a = importlib.import_module('.websocket_manager', 'app.websocket_core')\n"
        "b = importlib.import_module('..manager', package='app.websocket_core.sub')\n",
        [f"2:4: {sws005(WSM)}", f"3:4: {sws005(MGR)}"],
        id="dynamic-relative-with-package",
    ),
    pytest.param(
        "from app.legacy.old import ThreadWebSocketManager as Thing\n",
        [f"1:27: {sws006('ThreadWebSocketManager')}"],
        id="watch-glob-matches-imported-name-even-when-aliased",
    ),
    pytest.param(
        "from app import websocket_core\nmanager = websocket_core.WebSocketManager()\n",
        [f"2:10: {sws007('websocket_core.WebSocketManager', 'app.websocket_core.WebSocketManager')}"],
        id="SWS007-from-package-import-module",
    ),
    pytest.param(
        "import app.websocket_core.websocket_manager as m\nm.WebSocketManager\n",
        [f"1:7: {sws003(WSM)}", f"2:0: {sws007('m.WebSocketManager', WSM + '.WebSocketManager')}"],
        id="SWS007-through-legacy-module-uses-legacy-use",
    ),
    pytest.param(
        "import app\nx = app.websocket_core.manager.get_websocket_manager()\n",
        [f"2:4: {sws007('app.websocket_core.manager.get_websocket_manager', MGR + '.get_websocket_manager', USE_GET)}"],
        id="SWS007-long-dotted-path-from-top-package",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc  # why\n    .WebSocketManager)\n",
        [f"2:5: {sws007('wsc.WebSocketManager', 'app.websocket_core.WebSocketManager')}"],
        id="SWS007-attribute-split-over-lines-with-comment",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import (\n    helper,\n    WebSocketManager as WSM,\n"
        "    get_websocket_manager,\n)\n",
        [f"3:4: {sws101()}", f"4:4: {sws001('get_websocket_manager', WSM, USE_GET)}"],
        id="parenthesised-multi-line-finding-on-name-line",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import helper, \\\n    WebSocketManager\n",
        [f"2:4: {sws101()}"],
        id="backslash-continuation",
    ),
    pytest.param(
        "import os; from app.websocket_core import WebSocketManager; import app.websocket_core.manager\n",
        [f"1:42: {sws001('WebSocketManager', 'app.websocket_core')}", f"1:67: {sws003(MGR)}"],
        id="semicolon-joined",
    ),
    pytest.param(
        "from app.websocket_core import \uff37ebSocketManager\n",
        [f"1:31: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="fullwidth-letter-NFKC",
    ),
    pytest.param(
        "s = '\u00e9'; from app.websocket_core import \U0001d416ebSocketManager\n",
        [f"1:41: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="mathematical-bold-letter-NFKC-after-non-ASCII-text",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nwsc.\uff37ebSocketManager\n",
        [f"2:0: {sws007('wsc.WebSocketManager', 'app.websocket_core.WebSocketManager')}"],
        id="fullwidth-attribute-NFKC",
    ),
    pytest.param(
        '"""Docstring with a form feed \f between lines."""\n\x0c\nfrom app.websocket_core import (\n'
        "    WebSocketManager)\n",
        [f"4:4: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="form-feed-does-not-shift-lines",
    ),
    pytest.param(
        "x = 1\r\nfrom app.websocket_core import (\r\n    WebSocketManager)\r\n",
        [f"3:4: {sws001('WebSocketManager', 'app.websocket_core')}"],
        id="CRLF-line-endings",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FORMS)
def test_import_forms(registry: Registry, source: str, expected: list[str]) -> None:
    assert run(registry, source) == expected


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+ syntax")
def test_match_case(registry: Registry) -> None:
    source = (
        "match command:\n    case 'a':\n        from app.websocket_core import WebSocketManager\n"
        "    case _:\n        import app.websocket_core.manager\n"
    )
    assert run(registry, source) == [
        f"3:39: {sws001('WebSocketManager', 'app.websocket_core')}",
        f"5:15: {sws003(MGR)}",
    ]


# --- where the file sits: relative imports, packages, src layouts, exemptions -------

PLACED = [
    pytest.param(
        "app/websocket_core/__init__.py",
        "from .websocket_manager import WebSocketManager\nfrom . import manager\n",
        [f"1:31: {sws101()}", f"2:14: {sws003(MGR)}"],
        id="package-init-resolves-from-itself",
    ),
    pytest.param(
        "app/websocket_core/routes.py",
        "import importlib\nimportlib.import_module('.manager', package=__package__)\n",
        [f"2:0: {sws005(MGR)}"],
        id="dynamic-relative-__package__",
    ),
    pytest.param(
        "app/websocket_core/manager/sub.py",
        "from .. import *\nfrom . import *\n",
        [f"2:14: {sws004(MGR)}"],
        id="star-from-own-package-without-naming-it",
    ),
]


@pytest.mark.parametrize(("path", "source", "expected"), PLACED)
def test_file_placement(registry: Registry, path: str, source: str, expected: list[str]) -> None:
    assert run(registry, source, path=path) == expected


def test_src_layout_resolves_relative_imports(make_registry: MakeRegistry, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    registry = make_registry(EXAMPLE_REGISTRY.replace('src = ["."]\n', ""))
    assert registry.src == ("src", ".")
    source = "from ..websocket_core.websocket_manager import WebSocketManager\n"
    assert run(registry, source, path="src/app/services/views.py") == [f"1:47: {sws101()}"]
    context = file_context(registry, tmp_path / "src/app/services/views.py")
    assert context == FileContext("src/app/services/views.py", "app.services.views", False, False)


# --- sources that must give no finding -------------------------------------------

NOOP = [
    pytest.param(VIEWS, f"{USE}\n{USE_GET}\n", id="canonical-imports"),
    pytest.param(
        VIEWS,
        "from app.websocket_core.unified_manager import get_websocket_manager as get_websocket_manager\n",
        id="canonical-with-redundant-alias",
    ),
    pytest.param(VIEWS, "from app.events.bus import Event as BusEvent\n", id="canonical-of-second-group"),
    pytest.param(VIEWS, "import os\nfrom app.models import User\nimport app.websocket_core\n", id="untracked"),
    pytest.param(
        VIEWS,
        '"""from app.websocket_core.websocket_manager import WebSocketManager"""\n'
        "# from app.websocket_core import WebSocketManager\n"
        "s = 'import app.websocket_core.manager as m; wsc.WebSocketManager'\n"
        "f = f'{x} from app.websocket_core.websocket_manager import *'\n"
        "b = b'importlib.import_module(\"app.websocket_core.manager\")'\n",
        id="text-in-docstrings-comments-strings",
    ),
    pytest.param(
        "app/websocket_core/websocket_manager.py",
        "from app.websocket_core.manager import WebSocketManager\nimport app.websocket_core.manager\n",
        id="exempt-file",
    ),
    pytest.param(VIEWS, "from .... import WebSocketManager\n", id="relative-beyond-top-level"),
    pytest.param(
        VIEWS,
        "import app.websocket_core.unified_manager as um\nimport app\n"
        "um.UnifiedWebSocketManager()\napp.websocket_core.unified_manager.get_websocket_manager()\n",
        id="canonical-attribute-paths",
    ),
    pytest.param(
        VIEWS,
        f"{USE}\nWebSocketManager.get_websocket_manager()\n",
        id="member-of-a-tracked-class-is-not-SWS007",
    ),
    pytest.param(
        VIEWS,
        "import importlib, app.websocket_core as wsc\nimport_module(name)\n"
        "importlib.import_module('app.websocket_core.unified_manager')\nimportlib.import_module('.manager')\n"
        "importlib.import_module('.manager', package=pkg)\nimportlib.import_module()\n"
        "importlib.reload(x)\nimport_module(b'app.websocket_core.manager')\nimport_module(package='app')\n",
        id="dynamic-imports-not-of-a-watched-literal",
    ),
    pytest.param(VIEWS, "from app.models import *\nfrom os.path import *\n", id="star-from-untracked"),
    pytest.param(
        VIEWS,
        "from app.other import Thing as ThreadWebSocketManager\n",
        id="watch-glob-does-not-match-the-alias",
    ),
    pytest.param(
        VIEWS,
        "import app.websocket_core as wsc\nx.WebSocketManager\nget().WebSocketManager\nwsc.helper\n",
        id="attributes-not-through-an-import-binding",
    ),
    pytest.param(
        VIEWS,
        "from app.websocket_core import *\nWebSocketManager\n",
        id="star-from-unnamed-module",
    ),
]


@pytest.mark.parametrize(("path", "source"), NOOP)
def test_noop(registry: Registry, path: str, source: str) -> None:
    assert run(registry, source, path=path) == []


def test_outside_the_registry_relative_imports_are_not_resolved(registry: Registry, tmp_path: Path) -> None:
    source = "from .websocket_manager import WebSocketManager\nfrom app.websocket_core import WebSocketManager\n"
    findings = check_source(source, registry, file_context(registry, "/elsewhere/x.py"), today=TODAY)
    assert [(f.line, f.code) for f in findings] == [(2, "SWS001")]


# --- the data the other commands build on ---------------------------------------


def test_finding_carries_group_legacy_key_and_fix(registry: Registry) -> None:
    source = (
        "import os\nif x:\n    from app.websocket_core.websocket_manager import (helper,\n"
        "        WebSocketManager as WSM)\n"
    )
    (finding,) = check_source(source, registry, file_context(registry, registry.root / VIEWS), today=TODAY)
    assert finding == Finding(
        line=4,
        col=8,
        code="SWS101",
        message=sws101(),
        group="websocket-manager",
        fix=Fix(3, 4, 4, 32, 1, ImportSpec("app.websocket_core.unified_manager", "UnifiedWebSocketManager", "WSM")),
        legacy="group[0].legacy[0]",
    )


MANAGER_LEGACY = """
[[group.legacy]]
import = "from app.websocket_core.manager import get_websocket_manager"

[[group.legacy]]
import = "from app.websocket_core.manager import WebSocketManager"
"""


def test_fix_keeps_the_local_name_and_drops_a_redundant_alias(make_registry: MakeRegistry) -> None:
    registry = make_registry(EXAMPLE_REGISTRY + MANAGER_LEGACY)
    source = "from app.websocket_core.manager import get_websocket_manager, WebSocketManager\n"
    findings = check_source(source, registry, NO_CONTEXT, today=TODAY)
    assert [f.fix.replacement if f.fix else None for f in findings] == [
        ImportSpec("app.websocket_core.unified_manager", "get_websocket_manager", None),
        ImportSpec("app.websocket_core.unified_manager", "UnifiedWebSocketManager", "WebSocketManager"),
    ]
    assert [f.legacy for f in findings] == ["group[0].legacy[1]", "group[0].legacy[2]"]


NAMESAKE_CASES = [
    pytest.param(
        "from salt.modules.file import patch\n",
        [("1:30: SWS001 'patch' imported from non-canonical path 'salt.modules.file' - use"
         " 'from unittest.mock import patch' (not fixable: the registry names no legacy import of 'patch'"
         " from 'salt.modules.file', which may hold another object)")],
        [None],
        id="an inferred replacement is reported, not fixable",
    ),
    pytest.param(
        "from tests.support.mock import patch\n",
        [("1:31: SWS001 'patch' imported from non-canonical path 'tests.support.mock' - use"
         " 'from unittest.mock import patch' (fixable with 'ssot-ws fix')")],
        ["from unittest.mock import patch"],
        id="a legacy path is fixable",
    ),
]
MOCK_REGISTRY = """\
[[group]]
name = "mock"
canonical = ["from unittest.mock import patch", "from unittest.mock import call"]

[[group.legacy]]
import = "from tests.support.mock import patch"
"""


@pytest.mark.parametrize(("source", "expected", "fixes"), NAMESAKE_CASES)
def test_only_legacy_paths_are_fixable(
    make_registry: MakeRegistry, source: str, expected: list[str], fixes: list[str | None]
) -> None:
    """Issue 11, bug 7: fix rewrote salt's own ``patch`` into ``unittest.mock.patch``."""
    registry = make_registry(MOCK_REGISTRY)
    findings = check_source(source, registry, NO_CONTEXT, today=TODAY)
    assert [f"{f.line}:{f.col}: {f.message}" for f in findings] == expected
    assert [f.fix.replacement.text if f.fix else None for f in findings] == fixes


WATCH_FROM_CASES = [
    pytest.param("from subprocess import call\n", [], id="a namesake from another module is not tracked"),
    pytest.param("import subprocess\nsubprocess.call()\n", [], id="nor reached as an attribute (SWS007)"),
    pytest.param(
        "from tests.support.helpers import call\n",
        [("1:34: SWS001 'call' imported from non-canonical path 'tests.support.helpers' - use"
         " 'from unittest.mock import call' (not fixable: the registry names no legacy import of 'call'"
         " from 'tests.support.helpers', which may hold another object)")],
        id="a module watch-from matches is tracked",
    ),
    pytest.param(
        "import tests.support.helpers as h\nh.call()\n",
        [("2:0: SWS007 'h.call' reaches 'tests.support.helpers.call', which is not a canonical import"
         " - use 'from unittest.mock import call'")],
        id="and reached as an attribute",
    ),
    pytest.param(
        "from tests.support.mock import patch\n",
        [("1:31: SWS001 'patch' imported from non-canonical path 'tests.support.mock' - use"
         " 'from unittest.mock import patch' (fixable with 'ssot-ws fix')")],
        id="a legacy entry is tracked wherever it points",
    ),
    pytest.param("from unittest.mock import call\n", [], id="a canonical entry is canonical wherever it points"),
    pytest.param(
        "from unittest.mock import call as c\n",
        ["1:26: SWS002 'call' imported as 'c' must be bound as 'call' - use 'from unittest.mock import call'"],
        id="and bound to another name is SWS002",
    ),
]


@pytest.mark.parametrize(("source", "expected"), WATCH_FROM_CASES)
def test_watch_from(make_registry: MakeRegistry, source: str, expected: list[str]) -> None:
    """Issue 11, bug 7: ``subprocess.call`` was reported as ``unittest.mock.call``."""
    watch_from = 'name = "mock"\nwatch-from = ["tests.support.*"]\n'
    registry = make_registry(MOCK_REGISTRY.replace('name = "mock"\n', watch_from))
    assert run(registry, source) == expected


CANONICAL_WATCHED = """\
[[group]]
name = "models"
watch-modules = ["app.models"]
canonical = ["from app import models"]

[[group.legacy]]
import = "from app.legacy import models"
"""
CANONICAL_WATCHED_CASES = [
    pytest.param("from app import models\n", [], id="the canonical entry wins over its watched module"),
    pytest.param(
        "from app import models as m\n",
        ["1:16: SWS002 'models' imported as 'm' must be bound as 'models' - use 'from app import models'"],
        id="bound to another name: SWS002, not SWS003",
    ),
    pytest.param(
        "import app.models\n",
        ["1:7: SWS003 module 'app.models' imported as a module - import names from their canonical path instead"],
        id="import app.models is still SWS003",
    ),
    pytest.param(
        "from app.legacy import models\n",
        [("1:23: SWS001 'models' imported from non-canonical path 'app.legacy' - use 'from app import models'"
         " (fixable with 'ssot-ws fix')")],
        id="the legacy path is SWS001",
    ),
]


@pytest.mark.parametrize(("source", "expected"), CANONICAL_WATCHED_CASES)
def test_canonical_import_of_a_watched_module(make_registry: MakeRegistry, source: str, expected: list[str]) -> None:
    """Issue 11, bug 8 (Django's ``from django.db import models``)."""
    assert run(make_registry(CANONICAL_WATCHED), source) == expected


def test_canonical_import_of_a_watched_module_is_fixed_and_counted(make_registry: MakeRegistry) -> None:
    registry = make_registry(CANONICAL_WATCHED)
    context = file_context(registry, registry.root / VIEWS)
    result = fix_text("from app.legacy import models\n", registry, context, today=TODAY)
    assert (result.source, result.problem, result.left) == ("from app import models\n", None, ())
    analysis = analyze_source(result.source, registry, context, today=TODAY)
    assert (analysis.findings, [c.group for c in analysis.canonical]) == ([], ["models"])


def test_unfixable_codes_carry_no_fix(registry: Registry) -> None:
    source = (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
        "import app.websocket_core.manager\nfrom app.old import Event\n"
    )
    findings = check_source(source, registry, NO_CONTEXT, today=TODAY)
    assert [(f.code, f.fix, f.group) for f in findings] == [
        ("SWS002", None, "websocket-manager"),
        ("SWS003", None, "websocket-manager"),
        ("SWS006", None, "events"),
    ]


def test_analysis_counts_canonical_imports(registry: Registry) -> None:
    source = f"{USE}\nfrom app.websocket_core import WebSocketManager\ndef f():\n    {USE_GET}\n"
    analysis = analyze_source(source, registry, NO_CONTEXT, today=TODAY)
    assert [f.code for f in analysis.findings] == ["SWS001"]
    assert analysis.canonical == [
        CanonicalImport(1, 47, "websocket-manager"),
        CanonicalImport(4, 51, "websocket-manager"),
    ]


def test_tree_and_source_agree(registry: Registry) -> None:
    source = "import app.websocket_core as wsc\nfrom app.websocket_core import WebSocketManager\nwsc.WebSocketManager\n"
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    expected = check_source(source, registry, NO_CONTEXT, today=TODAY)
    assert check_tree(tree, lines, registry, NO_CONTEXT, today=TODAY) == expected
    assert check_tree(tree, lines, registry, NO_CONTEXT, today=TODAY, text=source) == expected
    assert len(expected) == 2


def test_exempt_context_short_circuits_both_entry_points(registry: Registry) -> None:
    exempt = FileContext("app/websocket_core/manager.py", "app.websocket_core.manager", False, True)
    source = "from app.websocket_core import WebSocketManager\n"
    assert analyze_source(source, registry, exempt, today=TODAY) == Analysis([], [])
    assert analyze_tree(ast.parse(source), [source], registry, exempt, today=TODAY) == Analysis([], [])


def test_unparsable_source_raises_only_when_it_may_have_findings(registry: Registry) -> None:
    with pytest.raises(SyntaxError):
        check_source("from app.websocket_core import WebSocketManager(\n", registry, NO_CONTEXT, today=TODAY)
    assert check_source("def (:\n", registry, NO_CONTEXT, today=TODAY) == []


def test_nesting_too_deep_to_parse_is_a_syntax_error(registry: Registry) -> None:
    # The parser gives up with MemoryError or RecursionError, depending on the Python.
    source = "from app.websocket_core import WebSocketManager\nx = " + "-" * 100_000 + "1\n"
    with pytest.raises(SyntaxError) as caught:
        check_source(source, registry, NO_CONTEXT, today=TODAY)
    assert str(caught.value) in {
        "too deeply nested to parse (MemoryError)",
        "too deeply nested to parse (RecursionError)",
    }


@pytest.mark.parametrize(
    ("links", "found"),
    [
        pytest.param(MAX_CHAIN, True, id="the longest chain the rules read"),
        pytest.param(MAX_CHAIN + 1, False, id="one link more: not read (linear time)"),
    ],
)
def test_deep_trees_are_walked_without_recursion(registry: Registry, links: int, found: bool) -> None:
    """Trees deeper than the recursion limit (built by hand: the parser stops earlier)."""
    at = {"lineno": 2, "col_offset": 0, "end_lineno": 2, "end_col_offset": 1}
    expression: ast.expr = ast.Name("wsc", ast.Load(), **at)
    for _ in range(links):
        expression = ast.Attribute(expression, "sub", ast.Load(), **at)
    expression = ast.Attribute(expression, "WebSocketManager", ast.Load(), **at)
    statements: list[ast.stmt] = [ast.Expr(expression, **at)]
    for _ in range(sys.getrecursionlimit() * 3):
        statements = [ast.If(ast.Name("x", ast.Load(), **at), statements, [], **at)]
    source = "import app.websocket_core as wsc\n"
    tree = ast.parse(source)
    tree.body.extend(statements)
    lines = [source, "wsc.sub.WebSocketManager\n"]  # the text prefilter reads the lines
    findings = check_tree(tree, lines, registry, NO_CONTEXT, today=TODAY)
    expression_text = "wsc" + ".sub" * links + ".WebSocketManager"
    assert [(f.code, f.message.startswith(f"SWS007 '{expression_text}'")) for f in findings] == (
        [("SWS007", True)] if found else []
    )


# --- file_context and the text prefilter ------------------------------------------

CONTEXTS = [
    pytest.param("app/services/views.py", FileContext(VIEWS, "app.services.views", False, False), "app.services"),
    pytest.param(
        "app/websocket_core/__init__.py",
        FileContext("app/websocket_core/__init__.py", "app.websocket_core", True, False),
        "app.websocket_core",
        id="package",
    ),
    pytest.param("top.pyi", FileContext("top.pyi", "top", False, False), None, id="top-level-stub"),
    pytest.param("__init__.py", FileContext("__init__.py", None, True, False), None, id="root-init"),
    pytest.param("app/my-script.py", FileContext("app/my-script.py", None, False, False), None, id="not-identifier"),
    pytest.param("app/notes.txt", FileContext("app/notes.txt", None, False, False), None, id="not-python"),
    pytest.param(
        "app/websocket_core/unified_manager.py",
        FileContext("app/websocket_core/unified_manager.py", "app.websocket_core.unified_manager", False, True),
        "app.websocket_core",
        id="exempt",
    ),
    pytest.param(
        "app/services/../websocket_core/unified_manager.py",
        FileContext("app/websocket_core/unified_manager.py", "app.websocket_core.unified_manager", False, True),
        "app.websocket_core",
        id="dot-dot in the path (as in 'ssot-ws check ..')",
    ),
]


@pytest.mark.parametrize(("path", "expected", "package"), CONTEXTS)
def test_file_context(registry: Registry, path: str, expected: FileContext, package: str | None) -> None:
    context = file_context(registry, registry.root / path)
    assert context == expected
    assert context.package == package


def test_file_context_relative_to_cwd_and_outside(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path / ".")
    assert file_context(registry, "app/x.py") == FileContext("app/x.py", "app.x", False, False)
    assert file_context(registry, tmp_path.parent / "x.py") == NO_CONTEXT


def test_file_context_through_a_symlinked_directory(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    link = tmp_path.parent / f"{tmp_path.name}-link"
    link.symlink_to(tmp_path, target_is_directory=True)
    try:
        assert file_context(registry, link / "app/x.py") == FileContext("app/x.py", "app.x", False, False)
    finally:
        link.unlink()


PREFILTER = [
    pytest.param("import os\n", VIEWS, False, id="no-needle"),
    pytest.param("x = WebSocketManager\n", VIEWS, True, id="tracked-name"),
    pytest.param("from app.websocket_core import manager\n", VIEWS, True, id="a watched module beside its parent"),
    pytest.param("import app.websocket_core.manager\n", VIEWS, True, id="a watched module, dotted"),
    pytest.param("import app.other.manager\n", VIEWS, False, id="a watched module's last part, another parent"),
    pytest.param("from . import manager\n", VIEWS, False, id="a watched module's last part, relatively, elsewhere"),
    pytest.param(
        "from . import manager\n", "app/websocket_core/sub.py", True, id="inside the parent of a watched module"
    ),
    pytest.param(
        "from .. import manager\n", "app/websocket_core/deep/sub.py", True, id="deeper inside that parent"
    ),
    pytest.param("__import__(name)\n", VIEWS, True, id="dynamic-importer"),
    pytest.param("x = '\u00e9'\n", VIEWS, False, id="non-ASCII text that NFKC keeps is read as it is"),
    pytest.param("# \u2026\n", VIEWS, False, id="non-ASCII text NFKC turns into no word character"),
    pytest.param("x = \uff37ebSocketManager\n", VIEWS, True, id="a full-width letter NFKC turns into a name"),
    pytest.param("x = '\u00b2'\n", VIEWS, True, id="a superscript NFKC turns into a digit"),
    pytest.param("x = MyWebSocketManager\n", VIEWS, True, id="a glob's run bounded where the glob ends"),
    pytest.param("x = WebSocketManagers\n", VIEWS, False, id="a glob's run continued by a letter"),
    pytest.param("x = NotEvent\n", VIEWS, False, id="a name preceded by a letter"),
    pytest.param("x = Event_\n", VIEWS, False, id="a name followed by an identifier character"),
    pytest.param("x = 1Event\n", VIEWS, True, id="a name preceded by a digit"),
    pytest.param("x = \u00e9Event\n", VIEWS, True, id="a name preceded by a non-ASCII letter"),
    pytest.param("from app.events.bus import *\n", VIEWS, True, id="a star import of a named module"),
    pytest.param("from app.events.bus import\\\n  *\n", VIEWS, True, id="a star import over a continuation"),
    pytest.param("from app.events import *\n", VIEWS, False, id="a star import of a module the registry does not name"),
    pytest.param("import bus\nfrom x import *\n", VIEWS, False, id="a named module, and a star import of another"),
    pytest.param("from app.events.bus \\\n import *\n", VIEWS, True, id="a continuation before import"),
    pytest.param("from . import *\n", "app/websocket_core/manager/sub.py", True, id="inside-a-named-package"),
    pytest.param("from . import *\n", "app/services/sub.py", False, id="inside-an-unnamed-package"),
]


@pytest.mark.parametrize(("text", "path", "expected"), PREFILTER)
def test_may_have_findings(registry: Registry, text: str, path: str, expected: bool) -> None:
    assert may_have_findings(registry, text, file_context(registry, registry.root / path)) is expected


def test_prefilter_disabled_by_a_glob_without_literal_part(make_registry: MakeRegistry) -> None:
    registry = make_registry(EXAMPLE_REGISTRY.replace('"get_websocket_manager"]', '"get_*", "?"]'))
    assert registry.needles == ()
    assert may_have_findings(registry, "import os\n", NO_CONTEXT) is True
    # And the attribute test: anything may be a tracked attribute, so the tree is walked.
    source = "import app.websocket_core as wsc\nwsc.X\n"
    assert run(registry, source) == [f"2:0: {sws007('wsc.X', 'app.websocket_core.X', None)}"]


def test_text_shortcuts_never_change_a_result(registry: Registry) -> None:
    """The text prefilter and the attribute regex only skip work: with both disabled,
    every case of the tables above gives exactly the same findings."""
    ungated = registry._replace(needles=(), attribute_pattern=None)
    runnable = [p for p in [*MESSAGES, *FORMS] if not any(m.name == "skipif" and m.args[0] for m in p.marks)]
    cases = [(VIEWS, *p.values[:1]) for p in runnable] + [p.values[:2] for p in [*PLACED, *NOOP]]
    for path, source in cases:
        assert run(registry, source, path=path) == run(ungated, source, path=path), source


# --- legacy entries with an alias --------------------------------------------------

LEGACY_ALIAS_REGISTRY = """\
[[group]]
name = "g"
canonical = ["from new import Thing"]
[[group.legacy]]
import = "from old import Thing as OldThing"
deadline = 2099-01-01
"""


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param("from old import Thing as OldThing\n", "SWS101", id="alias-matches-the-legacy-entry"),
        pytest.param("from old import Thing\n", "SWS001", id="other-binding-is-not-that-legacy-entry"),
    ],
)
def test_legacy_entry_with_alias(make_registry: MakeRegistry, source: str, code: str) -> None:
    registry = make_registry(LEGACY_ALIAS_REGISTRY)
    assert [f.code for f in check_source(source, registry, NO_CONTEXT, today=TODAY)] == [code]


# --- the README's message examples are real output --------------------------------

README_SOURCES = {
    "SWS001": "from app.websocket_core.websocket_manager import WebSocketManager\n",
    "SWS002": (
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager\n"
        "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WSM\n"
    ),
    "SWS003": "import app.websocket_core.websocket_manager as m\n",
    "SWS004": "from app.websocket_core.websocket_manager import *\n",
    "SWS005": "import importlib\nimportlib.import_module('app.websocket_core.websocket_manager')\n",
    "SWS006": "from app.legacy.old import ThreadWebSocketManager\nfrom app.old import Event\n",
    "SWS007": "import app.websocket_core as wsc\nwsc.WebSocketManager()\n",
    "SWS008": f"{USE}\nWebSocketManager()\n",
    "SWS101": "from app.websocket_core.manager import WebSocketManager\n",
}


def test_readme_messages_are_what_the_core_says(make_registry: MakeRegistry) -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8").split("## Error codes", 1)[1].split("\n## ", 1)[0]
    documented = [line for block in re.findall(r"```text\n(.*?)```", readme, re.DOTALL) for line in block.splitlines()]
    # The shipped example's registry (SWS101 until 2099), after the first legacy deadline.
    # With the factory README's SWS008 section configures.
    example = (root / "example/ssot-registry.toml").read_text(encoding="utf-8")
    factory = "from app.websocket_core.unified_manager import get_websocket_manager"
    factory = f'name = "websocket-manager"\nfactory = "{factory}"'
    registry = make_registry(example.replace('name = "websocket-manager"', factory, 1) + EVENTS_GROUP)
    produced = {
        finding.message
        for source in README_SOURCES.values()
        for finding in check_source(source, registry, NO_CONTEXT, today=datetime.date(2026, 6, 1))
    }
    produced.add(SWS900.message(error="RecursionError: maximum recursion depth exceeded"))
    assert sorted(line.split()[0] for line in documented) == sorted([*README_SOURCES, "SWS002", "SWS006", "SWS900"])
    assert [line for line in documented if line not in produced] == []
