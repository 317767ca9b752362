"""The fast path gives exactly the full parse's results.

``FileChecker(fast=True)`` skips files by their bytes, lexes instead of parsing, parses only
import statements and a few expressions, validates with ``symtable`` and reads ``# noqa``
from a few lines; ``FileChecker(fast=False)`` decodes and ``ast.parse``-s every file and
tokenizes it for ``# noqa``. Every case here must give identical outcomes (findings, those
``# noqa`` hides, canonical imports, parse problems); the ``shortcut`` column also pins
which path the fast checker took, so a shortcut that silently stopped working would fail.
"""

from __future__ import annotations

import ast
import datetime
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flake8_ssot_ws.fast import shortcut as fastpath
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.checker import Outcome
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.fast.lexer import field_text
from flake8_ssot_ws.fast.lexer import fields_are_plain
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.rules import file_context
from tests.conftest import MakeRegistry
from tests.conftest import write_tree
from tests.test_rules import FORMS
from tests.test_rules import MESSAGES
from tests.test_rules import NOOP
from tests.test_rules import PLACED
from tests.test_rules import RULES_REGISTRY
from tests.test_rules import VIEWS

TODAY = datetime.date(2026, 1, 1)
WSM = "app.websocket_core.websocket_manager"
LEGACY = f"from {WSM} import WebSocketManager"
PY312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="f-strings nest quotes from Python 3.12 on")


@pytest.fixture
def registry(make_registry: MakeRegistry) -> Registry:
    return make_registry(RULES_REGISTRY)


def both(registry: Registry, source: str | bytes, path: str = VIEWS) -> tuple[Outcome, Outcome]:
    data = source if isinstance(source, bytes) else source.encode("utf-8")
    filename = str(registry.root / path)
    fast = FileChecker(registry, TODAY, fast=True).check(filename, data)
    full = FileChecker(registry, TODAY, fast=False).check(filename, data)
    return fast, full


def shortcut_taken(registry: Registry, source: str, path: str = VIEWS) -> bool:
    context = file_context(registry, registry.root / path)
    return fastpath.analyze_ascii(source, registry, context, today=TODAY) is not None


def codes(outcome: Outcome) -> list[str]:
    return [f"{f.line}:{f.col}:{f.code}" for f in outcome.findings]


# (source, path, shortcut taken, the findings both paths must give as line:col:code)
TRICKY = [
    pytest.param(
        '"""Use:\n\n    from app.websocket_core.websocket_manager import WebSocketManager\n"""\n',
        VIEWS,
        True,
        [],
        id="docstring-quotes-an-import",
    ),
    pytest.param(f"# {LEGACY}\nx = 1  # WebSocketManager\n", VIEWS, True, [], id="comments-only"),
    pytest.param(f"s = '{LEGACY}'\nt = r'\\'' + \"import_module('{WSM}')\"\n", VIEWS, True, [], id="strings-only"),
    pytest.param(f"x = '''\\'''\n{LEGACY}\n'''\n", VIEWS, True, [], id="escaped-quote-in-triple-string"),
    pytest.param(
        f"x = '''a''''b'  # {LEGACY}\n{LEGACY}\n",
        VIEWS,
        True,
        ["2:49:SWS101"],
        id="triple-closes-at-first-three-quotes",
    ),
    pytest.param(f'x = "a\\\n{LEGACY}"\n', VIEWS, True, [], id="backslash-newline-inside-string"),
    pytest.param(f'x = 1\n{LEGACY}\ny = "#"\n', VIEWS, True, ["2:49:SWS101"], id="hash-in-string"),
    pytest.param(
        f"{LEGACY.replace('WebSocketManager', 'ＷebSocketManager')}\n",  # noqa: RUF001 (the point of the case)
        VIEWS,
        False,
        ["1:49:SWS101"],
        id="nfkc-name",
    ),
    pytest.param(f"x = 'é'\n{LEGACY}\n", VIEWS, True, ["2:49:SWS101"], id="non-ascii-in-a-string"),
    pytest.param(f"é = 1\n{LEGACY}\n", VIEWS, False, ["2:49:SWS101"], id="non-ascii-name"),
    pytest.param(f"x = 1\n{LEGACY}\nπ = 2\n", VIEWS, False, ["2:49:SWS101"], id="non-ascii-name-last"),
    pytest.param(f"x = 'é€\U0001d54f'; {LEGACY}\n", VIEWS, True, ["1:66:SWS101"], id="columns-in-bytes-after-a-string"),
    pytest.param(
        "from app.websocket_core.websocket_manager import (  # é\n    WebSocketManager,  # ü\n)\n",
        VIEWS,
        True,
        ["2:4:SWS101"],
        id="non-ascii-comments-in-an-import",
    ),
    pytest.param(
        "import app.websocket_core.websocket_manager as m\nprint('é', m.WebSocketManager)\n",
        VIEWS,
        True,
        ["1:7:SWS003", "2:12:SWS007"],
        id="attribute-chain-after-non-ascii",
    ),
    pytest.param(
        f"x = '\u2028'\n{LEGACY}  # noqa: SWS101 é\n{LEGACY}\n",
        VIEWS,
        True,
        ["2:49:SWS101", "3:49:SWS101"],
        id="u2028-and-noqa",
    ),
    pytest.param(f"# é\n{LEGACY}  # noqa: SWS101 ü\n", VIEWS, True, ["2:49:SWS101"], id="noqa-beside-non-ascii"),
    pytest.param(f"s = f'WebSocketManager: {{s}}'\n{LEGACY}\n", VIEWS, True, ["2:49:SWS101"], id="needle-in-f-text"),
    pytest.param(
        "import app.websocket_core.websocket_manager as m\ns = f'{m.WebSocketManager}'\n",
        VIEWS,
        False,
        ["1:7:SWS003", "2:7:SWS007"],
        id="needle-in-f-field",
    ),
    pytest.param(
        "import importlib\nimportlib.import_module('app.websocket_core.websocket\\x5fmanager')\n",
        VIEWS,
        True,
        ["2:0:SWS005"],
        id="escape-in-dynamic-import",
    ),
    pytest.param(
        "import importlib as il\nm = il.import_module(\n    'app.websocket_core.'\n    'manager',\n)\n",
        VIEWS,
        True,
        ["2:4:SWS005"],
        id="call-over-lines-concatenated",
    ),
    pytest.param(
        "from importlib import import_module\nimport_module('.manager', 'app.websocket_core')\n",
        VIEWS,
        True,
        ["2:0:SWS005"],
        id="relative-with-package",
    ),
    pytest.param(
        "__import__('app.websocket_core.manager')\nx = [__import__  # c\n]\n",
        VIEWS,
        True,
        ["1:0:SWS005"],
        id="dunder-import",
    ),
    pytest.param(
        "import importlib\nimportlib.import_module(name)\n", VIEWS, True, [], id="dynamic-import-of-a-variable"
    ),
    pytest.param(
        "from importlib import import_module\n(import_module)('app.websocket_core.manager')\n",
        VIEWS,
        False,
        ["2:0:SWS005"],
        id="parenthesised-callee",
    ),
    pytest.param(
        "from importlib import import_module\nimport_module ('app.websocket_core.manager')\n",
        VIEWS,
        False,
        ["2:0:SWS005"],
        id="space-before-call",
    ),
    pytest.param(
        "import importlib\nget().import_module('app.websocket_core.manager')\n",
        VIEWS,
        False,
        ["2:0:SWS005"],
        id="callee-on-a-call",
    ),
    pytest.param("import importlib\nf = importlib.import_module\n", VIEWS, True, [], id="dynamic-importer-not-called"),
    pytest.param(
        "from . import *\nfrom .. import websocket_manager\n",
        "app/websocket_core/manager/sub.py",
        True,
        ["1:14:SWS004", "2:15:SWS003"],
        id="relative-in-named-package",
    ),
    pytest.param(
        "from . import *\n", "app/websocket_core/manager/sub.py", True, ["1:14:SWS004"], id="a star import, no needle"
    ),
    pytest.param("from . import *\n", "app/other/sub.py", True, [], id="a star import of a package not named"),
    pytest.param(
        "from .websocket_core.websocket_manager import WebSocketManager\n",
        "app/views.py",
        True,
        ["1:46:SWS101"],
        id="relative-import",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nclass V(wsc.WebSocketManager):\n    m: wsc.WebSocketManager\n",
        VIEWS,
        True,
        ["2:8:SWS007", "3:7:SWS007"],
        id="attribute-chains",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc.\n    WebSocketManager)\n",
        VIEWS,
        False,
        ["2:5:SWS007"],
        id="attribute-over-lines",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc  # c\n    .WebSocketManager)\n",
        VIEWS,
        False,
        ["2:5:SWS007"],
        id="comment-inside-attribute",
    ),
    # A comment before a name is skipped, not a doubt: what comes before the comment decides.
    pytest.param(
        f"from {WSM} import WebSocketManager\nx = (1 &\n    # why\n    WebSocketManager())\n",
        VIEWS, True, ["1:49:SWS101"], id="call-after-a-comment-line",
    ),
    pytest.param(
        f"from {WSM} import WebSocketManager\nx = [  # a\n    # b\n\n    WebSocketManager(), WebSocketManager]\n",
        VIEWS, True, ["1:49:SWS101"], id="call-after-two-comments-and-a-blank-line",
    ),
    pytest.param(
        f"from {WSM} import WebSocketManager\nx = (1,  # ends with a dot.\n    WebSocketManager())\n",
        VIEWS, True, ["1:49:SWS101"], id="call-after-a-comment-ending-in-a-dot",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc.  # c\n    WebSocketManager)\n",
        VIEWS, False, ["2:5:SWS007"], id="dot-then-comment-then-name",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc.  # c\n    WebSocketManager())\n",
        VIEWS, False, ["2:5:SWS007"], id="dot-then-comment-then-call",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = [  # c\n    wsc.WebSocketManager]\n",
        VIEWS, True, ["3:4:SWS007"], id="attribute-root-after-a-comment",
    ),
    pytest.param(
        f"from importlib import import_module\nm = (  # c\n    import_module('{WSM}'))\n",
        VIEWS, True, ["3:4:SWS005"], id="dynamic-import-after-a-comment",
    ),
    pytest.param(
        f"import importlib\nm = (importlib.  # c\n    import_module('{WSM}'))\n",
        VIEWS, False, ["2:5:SWS005"], id="dynamic-import-dot-then-comment",
    ),
    pytest.param(f"# c\nWebSocketManager()\n{LEGACY}\n", VIEWS, True, ["3:49:SWS101"], id="comment-at-the-file-start"),
    pytest.param(
        "import app.websocket_core as wsc\nx = (wsc).WebSocketManager\n",
        VIEWS,
        False,
        ["2:4:SWS007"],
        id="parenthesised-root",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = [wsc][0].WebSocketManager + ''.WebSocketManager\n",
        VIEWS,
        True,
        [],
        id="roots-that-are-not-names",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = self.WebSocketManager + wsc.app.WebSocketManagerFactory\n",
        VIEWS,
        True,
        [],
        id="unbound-root-untracked-name",
    ),
    pytest.param(
        "import app\nx = app.websocket_core.WebSocketManager.WebSocketManager\n",
        VIEWS,
        True,
        ["2:4:SWS007", "2:4:SWS007"],
        id="two-tracked-names-in-one-chain",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nf(wsc.WebSocketManager, x=f'{y}')\n",
        VIEWS,
        True,
        ["2:2:SWS007"],
        id="f-string-without-needles",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = f'{wsc.WebSocketManager}'\n",
        VIEWS,
        False,
        ["2:7:SWS007"],
        id="tracked-name-in-f-string",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager import (\n"
        "    WebSocketManager,  # noqa: SWS101 (see\n"
        "    get_websocket_manager,\n)\n",
        VIEWS,
        True,
        ["2:4:SWS101", "3:4:SWS001"],
        id="parenthesised-import-with-comments",
    ),
    pytest.param(
        f"x = 1; {LEGACY}; y = 2\nif TYPE_CHECKING: {LEGACY}\n",
        VIEWS,
        True,
        ["1:56:SWS101", "2:67:SWS101"],
        id="semicolons-and-one-line-blocks",
    ),
    pytest.param(
        "from app.websocket_core.websocket_manager \\\n    import WebSocketManager  # noqa\n",
        VIEWS,
        True,
        ["2:11:SWS101"],
        id="backslash-continuation-noqa",
    ),
    pytest.param(
        "from.websocket_core.manager import WebSocketManager\n"
        "from app .websocket_core. manager import(WebSocketManager)\n",
        "app/x.py",
        True,
        ["1:35:SWS001", "2:41:SWS001"],
        id="odd-spacing",
    ),
    pytest.param(
        "def f():\n    yield from g\nimport app.websocket_core.manager as m\nraise E from x\n",
        VIEWS,
        True,
        ["3:7:SWS003"],
        id="yield-from-and-raise-from",
    ),
    pytest.param(
        f"reimport = 1\nimportant_from = 2\n{LEGACY}\n", VIEWS, True, ["3:49:SWS101"], id="keywords-inside-names"
    ),
    pytest.param(
        f"x = '''\n''' ; {LEGACY}  # noqa\n", VIEWS, True, ["2:55:SWS101"], id="noqa-line-group-over-a-string"
    ),
    pytest.param(f"x = '''noqa\n''' ; {LEGACY}\n", VIEWS, True, ["2:55:SWS101"], id="noqa-word-in-string-not-comment"),
    pytest.param(
        f"{LEGACY}  # NOQA:SWS001,SWS101\n{LEGACY}  # noqa: SWS001\n",
        VIEWS,
        True,
        ["1:49:SWS101", "2:49:SWS101"],
        id="noqa-code-lists",
    ),
    pytest.param(f"# flake8: noqa\n{LEGACY}\n", VIEWS, True, ["2:49:SWS101"], id="file-level-noqa"),
    pytest.param(f"{LEGACY}  # noqa\n\x0c\n{LEGACY}\n", VIEWS, True, ["1:49:SWS101", "3:49:SWS101"], id="form-feed"),
    pytest.param(
        f"{LEGACY}\r\nx = '''\r\n'''\r\n{LEGACY}  # noqa\r\n", VIEWS, True, ["1:49:SWS101", "4:49:SWS101"], id="crlf"
    ),
    pytest.param(f"{LEGACY}\rx = 1\r{LEGACY}  # noqa\r", VIEWS, True, ["1:49:SWS101", "3:49:SWS101"], id="lone-cr"),
    pytest.param(f"class C:\n\tdef f(self):\n\t\t{LEGACY}\n", VIEWS, True, ["3:51:SWS101"], id="tabs"),
    pytest.param(
        f"def f():\n    nonlocal x\n{LEGACY}\n", VIEWS, False, ["3:49:SWS101"], id="symtable-stricter-than-parse"
    ),
    pytest.param(f"{LEGACY}\ndef broken(:\n", VIEWS, False, [], id="unparsable-with-tracked-import"),
    pytest.param(
        "from . import manager\n", "app/websocket_core/sub.py", True, ["1:14:SWS003"],
        id="a watched module imported relatively from inside its parent, without the parent's name",
    ),
    pytest.param(
        "from app.websocket_core import (\n    manager,\n)\n", VIEWS, True, ["2:4:SWS003"],
        id="a watched module beside its parent's name, on another line",
    ),
    pytest.param("from . import manager\n", VIEWS, True, [], id="a watched module's last part elsewhere"),
    pytest.param(f"{LEGACY}\nx = 'abc\n", VIEWS, False, [], id="unterminated-string"),
    pytest.param(f"import importlib\n{LEGACY}\nimportlib.import_module('x'\n", VIEWS, False, [], id="unclosed-call"),
    pytest.param(f"import importlib\n{LEGACY}\nimportlib.import_module('x' +)\n", VIEWS, False, [], id="bad-call"),
    pytest.param(
        "import importlib as a\nx = a. import_module('app.websocket_core.manager')\n",
        VIEWS,
        False,
        ["2:4:SWS005"],
        id="blank-inside-a-callee",
    ),
    pytest.param(f"{LEGACY} b\n", VIEWS, False, [], id="bad-import-statement"),
    pytest.param(
        "import app.websocket_core as wsc\nimport importlib\nimportlib.import_module(wsc.WebSocketManager)\n",
        VIEWS,
        True,
        ["3:24:SWS007"],
        id="chain-inside-a-call",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = wsc.WebSocketManagerWebSocketManager + 0x1.WebSocketManager\n",
        VIEWS,
        True,
        ["2:4:SWS007"],
        id="needle-twice-in-a-name-and-a-number-attribute",
    ),
    pytest.param(
        "import app.websocket_core as wsc\nx = (a.\n    wsc.WebSocketManager)\n",
        VIEWS,
        False,
        [],
        id="chain-continuing-over-lines",
    ),
    pytest.param(
        f"{LEGACY}, \\\n    get_websocket_manager  # noqa: SWS001\ns = 'a\\\nb'  # c \\\n",
        VIEWS,
        True,
        ["1:49:SWS101", "2:4:SWS001"],
        id="noqa-over-a-continuation",
    ),
    pytest.param(f"{LEGACY}\n", "app/websocket_core/unified_manager.py", True, [], id="exempt"),
    pytest.param(
        b"# -*- coding: latin-1 -*-\n" + LEGACY.encode() + b"  # \xe9\n",
        VIEWS,
        False,
        ["2:49:SWS101"],
        id="coding-cookie",
    ),
    pytest.param(
        f"x = f'{{a[\"k\"]}}'\n{LEGACY}\n",
        VIEWS,
        sys.version_info < (3, 12),
        ["2:49:SWS101"],
        id="quote-in-f-string-field",
    ),
    pytest.param(
        f"x = f'{{'a' + \"b\"}}'\n{LEGACY}\n", VIEWS, False, ["2:49:SWS101"], marks=PY312, id="nested-same-quotes"
    ),
    pytest.param(
        "import app.websocket_core.manager as m\nx = m.get_websocket_manager_v2\ny = m.get_websocket_manager\n",
        VIEWS,
        True,
        ["1:7:SWS003", "3:4:SWS007"],
        id="tracked-name-begins-a-longer-name",
    ),
    pytest.param(
        "from app.websocket_core.unified_manager import get_websocket_manager as g\n"
        "get_websocket_manager_v2()\nmy_get_websocket_manager()\n",
        VIEWS,
        True,
        ["1:47:SWS002"],
        id="tracked-name-inside-longer-names-called",
    ),
    pytest.param(
        "import app.websocket_core.manager as m\nx = m.get_websocket_managerWebSocketManager\n",
        VIEWS,
        True,
        ["1:7:SWS003", "2:4:SWS007"],
        id="glob-match-that-a-tracked-name-begins",
    ),
]


@pytest.mark.parametrize(("source", "path", "shortcut", "expected"), TRICKY)
def test_fast_path_equals_full_parse(registry, source, path, shortcut, expected) -> None:
    fast, full = both(registry, source, path)
    assert fast == full
    assert codes(full) == expected
    if isinstance(source, str):
        assert shortcut_taken(registry, source, path) is shortcut


def test_registry_without_safe_needles(make_registry: MakeRegistry) -> None:
    """A watch glob without a literal part ("?") leaves nothing to search for: no shortcut."""
    registry = make_registry(RULES_REGISTRY.replace('"get_websocket_manager"]', '"get_websocket_manager", "?"]'))
    assert not shortcut_taken(registry, f"{LEGACY}\n")
    fast, full = both(registry, f"{LEGACY}\n")
    assert fast == full
    assert codes(fast) == ["1:49:SWS101"]


# A watch glob with a wildcard on both sides: its literal run is found inside names too.
INSIDE_NAMES = [
    pytest.param("m.WebSocketManagerPool", ["1:7:SWS003", "2:4:SWS007"], id="run-begins-the-name"),
    pytest.param("m.PooledWebSocketManagerV2", ["1:7:SWS003", "2:4:SWS007"], id="run-inside-the-name"),
    pytest.param("m.get_websocket_managers", ["1:7:SWS003"], id="literal-name-begins-an-untracked-one"),
]


@pytest.mark.parametrize(("expression", "expected"), INSIDE_NAMES)
def test_glob_run_inside_names(make_registry: MakeRegistry, expression: str, expected: list[str]) -> None:
    registry = make_registry(RULES_REGISTRY.replace('"*WebSocketManager"', '"*WebSocketManager*"'))
    source = f"import app.websocket_core.manager as m\nx = {expression}\n"
    fast, full = both(registry, source)
    assert fast == full
    assert codes(full) == expected
    assert shortcut_taken(registry, source)


KEYWORD_RUNS_REGISTRY = """\
[[group]]
name = "loaders"
watch = ["*import", "*from"]
canonical = ["from pkg.core import Loader"]
"""
# A watch glob whose literal run is a keyword's spelling: found inside names, where no keyword is.
KEYWORD_RUNS = [
    pytest.param("import pkg.legacy\npkg.legacy.lazy_import()\n", ["2:0:SWS007"], id="a glob's run that is `import`"),
    pytest.param("import pkg.legacy\nx = pkg.legacy.data_from\n", ["2:4:SWS007"], id="a glob's run that is `from`"),
    pytest.param(
        "import pkg.legacy\nfrom pkg.legacy import lazy_import\n",
        ["2:23:SWS006"],
        id="the keywords themselves still delimit the statements",
    ),
    pytest.param("import pkg.legacy\nx = pkg.legacy.importer\n", [], id="a keyword that begins a name is no keyword"),
]


@pytest.mark.parametrize(("source", "expected"), KEYWORD_RUNS)
def test_keyword_spelt_runs(make_registry: MakeRegistry, source: str, expected: list[str]) -> None:
    registry = make_registry(KEYWORD_RUNS_REGISTRY)
    fast, full = both(registry, source)
    assert fast == full
    assert codes(full) == expected
    assert shortcut_taken(registry, source)


def test_noqa_suppressions_agree(registry) -> None:
    """The noqa cases above hide what they should (not just the same on both paths)."""
    source = f"{LEGACY}  # NOQA:SWS001,SWS101\n{LEGACY}  # noqa: SWS001\n"
    fast, full = both(registry, source)
    assert [f.line for f in fast.noqa] == [f.line for f in full.noqa] == [1]
    assert [f.line for f in fast.reported] == [2]


def test_unparsable_file_without_tracked_import_is_not_parsed(registry) -> None:
    """The one documented difference: a file that cannot hold a tracked import is not
    parsed, so its syntax error is not reported (flake8's E999 is)."""
    source = f"# {LEGACY}\ndef broken(:\n"
    fast, full = both(registry, source)
    assert fast == Outcome()
    assert full == Outcome(problem="SyntaxError: invalid syntax (line 2)")


CANONICAL = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"
BROKEN = "def broken(:\n"
SYNTAX_ERROR = "SyntaxError: invalid syntax (line 2)"


def summary(outcome: Outcome) -> tuple[list[str], list[int], str | None]:
    return codes(outcome), [canonical.line for canonical in outcome.canonical], outcome.problem


# (source, all_canonical, the fast path's and the full parse's outcome as (findings,
# canonical import lines, problem)). check and fix ask for canonical imports only of files
# with findings (all_canonical False); report and init ask for all of them.
CANONICAL_ONLY = [
    pytest.param(
        f"{CANONICAL}\n", True, ([], [1], None), ([], [1], None), id="report: a canonical-only file's imports count"
    ),
    pytest.param(
        f"{CANONICAL}\n", False, ([], [], None), ([], [], None), id="check: a canonical-only file gives nothing"
    ),
    pytest.param(
        f"{CANONICAL}\n{BROKEN}", True, ([], [], SYNTAX_ERROR), ([], [], SYNTAX_ERROR),
        id="report: a canonical-only file is validated",
    ),
    pytest.param(
        f"{CANONICAL}\n{BROKEN}", False, ([], [], None), ([], [], SYNTAX_ERROR),
        id="check: a canonical-only file is not validated (the full parse sees the error)",
    ),
    pytest.param(
        f"{CANONICAL}\n{LEGACY}\n", False, (["2:49:SWS101"], [1], None), (["2:49:SWS101"], [1], None),
        id="check: a file with findings keeps its canonical imports",
    ),
    pytest.param(
        f"{CANONICAL}\n{LEGACY}\n{BROKEN.replace('def', 'def  ')}", False,
        ([], [], "SyntaxError: invalid syntax (line 3)"), ([], [], "SyntaxError: invalid syntax (line 3)"),
        id="check: a file with findings is still validated",
    ),
]


@pytest.mark.parametrize(("source", "all_canonical", "fast", "full"), CANONICAL_ONLY)
def test_canonical_imports_of_files_without_findings(registry, source, all_canonical, fast, full) -> None:
    filename = str(registry.root / VIEWS)
    data = source.encode("utf-8")
    assert summary(FileChecker(registry, TODAY, all_canonical=all_canonical).check(filename, data)) == fast
    assert summary(FileChecker(registry, TODAY, fast=False, all_canonical=all_canonical).check(filename, data)) == full


RULE_CASES = [pytest.param(VIEWS, *case.values[:1], marks=case.marks, id=case.id) for case in [*MESSAGES, *FORMS]] + [
    pytest.param(*case.values[:2], marks=case.marks, id=case.id) for case in [*PLACED, *NOOP]
]


@pytest.mark.parametrize(("path", "source"), RULE_CASES)
def test_every_core_case(registry, path, source) -> None:
    """Every case of the core's tables (tests/test_rules.py), through both paths."""
    fast, full = both(registry, source, path)
    assert fast == full
    context = file_context(registry, registry.root / path)
    shortcut = fastpath.analyze_ascii(source, registry, context, today=TODAY)
    if shortcut is not None and shortcut.analysis.findings:
        tree = ast.parse(source)
        expected = analyze_tree(tree, source_lines(source), registry, context, today=TODAY)
        assert shortcut.analysis == expected


# --- random programs built from the same pieces ---------------------------------------

PIECES = [
    LEGACY,
    f"{LEGACY}  # noqa",
    f"{LEGACY} as Other  # noqa: SWS001",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager",
    "from app.websocket_core import (\n    manager,\n    WebSocketManager,  # x\n)",
    "import app.websocket_core as wsc",
    "import app.websocket_core.websocket_manager as m, os",
    "from .websocket_core.manager import WebSocketManager",
    "from app.legacy.old import ThreadWebSocketManager",
    "x = wsc.WebSocketManager()",
    "y = m.WebSocketManager",
    "z = (wsc\n    .WebSocketManager)",
    "importlib.import_module('app.websocket_core.websocket_manager')",
    "__import__('app.websocket_core.manager').x",
    "s = '''\nfrom app.websocket_core.manager import WebSocketManager\n'''",
    "t = 'import_module(\"app.websocket_core.manager\")'",
    "u = f'{v!r:>{w}} WebSocket'",
    "v = f'{wsc.WebSocketManager}'",
    "v = f'WebSocketManager {wsc} {{m.WebSocketManager}}'",
    "v = f\"{d['}'] + wsc.WebSocketManager}\"",
    "v = f'{x:{m.WebSocketManager}}'",
    "v = f'caf\u00e9 {wsc}'",
    "# from app.websocket_core.manager import WebSocketManager",
    "w = x \\\n    + 1  # noqa",
    "self.manager = manager",
    "reimport = important = 1",
    "a = 1; import app.websocket_core.manager",
]
BLOCKS = [
    "{}",
    "def f():\n{}\n    pass",
    "class C:\n{}\n    pass",
    "if TYPE_CHECKING:\n{}\n    pass",
    "try:\n{}\n    pass\nexcept ImportError:\n    pass",
]


@st.composite
def programs(draw: st.DrawFn) -> str:
    parts = []
    for piece in draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8)):
        block = draw(st.sampled_from(BLOCKS))
        body = piece if block == "{}" else "\n".join("    " + line for line in piece.splitlines())
        parts.append(block.format(body))
    return "\n".join(parts) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=programs(), path=st.sampled_from([VIEWS, "app/x.py", "app/websocket_core/y.py"]))
def test_random_programs(registry, source, path) -> None:
    fast, full = both(registry, source, path)
    assert fast == full


# --- f-string fields on Python 3.12+ ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "plain"),
    [
        pytest.param("plain text", True, id="no-fields"),
        pytest.param("{x!r:>{width}} and {{literal}}", True, id="nested-spec-and-doubled-braces"),
        pytest.param("{d[k]} {f(a, b)}", True, id="brackets-inside-fields"),
        pytest.param("\\n\\t{x}", True, id="escapes-outside-fields"),
        pytest.param("{d['k']}", False, id="quote-in-field"),
        pytest.param("{x # c\n}", False, id="comment-in-field"),
        pytest.param("{x:\\n}", False, id="backslash-in-field"),
        pytest.param("\\{x}", False, id="escaped-brace"),
        pytest.param("\\N{DASH}", False, id="named-unicode-escape"),
        pytest.param("a } b", False, id="lone-closing-brace"),
        pytest.param("{x", False, id="unclosed-field"),
    ],
)
def test_fields_are_plain(body: str, plain: bool) -> None:
    assert fields_are_plain(body) is plain


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param("plain WebSocketManager", "", id="no-fields"),
        pytest.param("WebSocketManager {x!r:>{width}} and {{m.WebSocketManager}}", "{x!r:>{width}}", id="spec-doubled"),
        pytest.param("{a} text {b[0]}", "{a} {b[0]}", id="two-fields"),
        pytest.param("\\N{DASH} {x}", "{DASH} {x}", id="named-escape-read-as-a-field"),
        pytest.param("{d['}'] + m.WebSocketManager}", None, id="quote-in-field"),
        pytest.param("{x # c\n}", None, id="comment-in-field"),
        pytest.param("{x:\\n}", None, id="backslash-in-field"),
        pytest.param("a } b", None, id="lone-closing-brace"),
        pytest.param("{x", None, id="unclosed-field"),
    ],
)
def test_field_text(body: str, fields: str | None) -> None:
    """Needles count only in an f-string's fields, the only place code sits; unsure: None."""
    assert field_text(body) == fields


# --- ssot-ws check and the flake8 plugin, both for real, on the same trees ---------------

ROOT = Path(__file__).resolve().parent.parent
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>SWS\d+) ")


def load_corpus_module() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reported(command: list[str], cwd: Path) -> set[tuple[str, int, int, str]]:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert completed.returncode == 1, completed.stderr
    found = set()
    for line in completed.stdout.splitlines():
        match = FINDING.match(line)
        assert match is not None, line
        found.add((os.path.normpath(match["path"]), int(match["line"]), int(match["col"]), match["code"]))
    return found


# Files Python itself cannot decode: flake8 reads them as latin-1, and so does check.
_IMPORT = b"from app.websocket_core.websocket_manager import WebSocketManager\n"
ENCODINGS = {
    "app/enc/not_utf8.py": b"x = '\xe9'\n" + _IMPORT,
    "app/enc/unknown_cookie.py": b"# -*- coding: nosuch -*-\n" + _IMPORT,
    "app/enc/wrong_cookie.py": b"# -*- coding: ascii -*-\nx = '\xe9'\n" + _IMPORT,
    "app/enc/utf16_cookie.py": b"# -*- coding: utf-16 -*-\n" + _IMPORT,
    "app/enc/latin1.py": b"# -*- coding: latin-1 -*-\nx = '\xe9'\n" + _IMPORT,
    "app/enc/bom.py": b"\xef\xbb\xbf" + _IMPORT,
    "app/enc/bom_and_other_cookie.py": b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n" + _IMPORT,  # latin-1, BOM stripped
}


def test_same_findings_as_flake8(tmp_path: Path) -> None:
    """The shipped example and a generated corpus (every import form of the core issue,
    docstrings quoting imports, noqa comments, unparsable files, files in encodings Python
    rejects; enough files for the worker processes): real flake8 and real ``ssot-ws check`` report the same findings.
    The corpus files are short (one class or function after the imports): flake8 runs pycodestyle
    and pyflakes over every line whatever ``--select`` says, and full-length files cost it four
    times the CPU for no more of the forms (the generator puts them among the imports and after
    the blocks)."""
    bindir = Path(sys.executable).parent
    example = tmp_path / "example"
    shutil.copytree(ROOT / "example", example, ignore=shutil.ignore_patterns(".ssot-ws-cache"))
    corpus = tmp_path / "corpus"
    load_corpus_module().generate(corpus, 220, max_blocks=1)
    write_tree(corpus, ENCODINGS)
    for tree in (example, corpus):
        flake8 = reported([str(bindir / "flake8"), "--isolated", "--select", "SWS", "."], tree)
        check = reported([str(bindir / "ssot-ws"), "check", "--no-cache"], tree)
        assert flake8 == check
        assert len(check) > (5 if tree is example else 40)


# --- the byte prefilter is the text prefilter's twin ------------------------------------------

FRAGMENTS = [
    b"WebSocketManager", b"manager", b"import_module", b"__import__", b"Event", b"x = 1\n", b"# coding: latin-1\n",
    b"\xef\xbb\xbf", "é".encode(), b"\n", b"from . import *\n", b"websocket_core", b"Manager",
    "\uff37".encode(), "\u2026".encode(), "\u00b2".encode(), b"\xe9", b"1", b"_", b"import *", b"bus", b"s",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.lists(st.sampled_from(FRAGMENTS), max_size=6).map(b"".join),
    path=st.sampled_from([VIEWS, "app/websocket_core/manager/x.py", "elsewhere.py"]),
)
def test_byte_prefilter_is_the_text_prefilter(registry, data: bytes, path: str) -> None:
    """Where the bytes say "no tracked name", so does ``may_have_findings`` on the decoded
    text; for UTF-8 bytes without a cookie outside named packages the two always agree."""
    from flake8_ssot_ws.scan.checker import decode_source
    from flake8_ssot_ws.core.rules import may_have_findings

    checker = FileChecker(registry, TODAY)
    filename = str(registry.root / path)
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        assert not checker.cannot_have_findings(filename, data)  # it must reach the decoder
        return
    text_says_maybe = may_have_findings(registry, text, file_context(registry, filename))
    if checker.cannot_have_findings(filename, data):
        assert not text_says_maybe
    elif b"coding" not in data and "manager/" not in path:
        assert text_says_maybe


def _decoded_via_detect_encoding(data: bytes) -> str:
    """decode_like_flake8 as it was before its shortcut: detect_encoding on every file."""
    from flake8_ssot_ws.scan.checker import decode_source

    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError):
        text = data.decode("latin-1").removeprefix("\xef\xbb\xbf")
    return text.replace("\r\n", "\n").replace("\r", "\n")


ENCODING_FRAGMENTS = [
    b"\xef\xbb\xbf", b"# coding: latin-1\n", b"# -*- coding: utf-8 -*-\n", b"# coding: no-such-codec\n",
    b"# coding: utf-16\n", b"\n", b"\r\n", b"\r", b"x = 1", b"#!/usr/bin/env python", "é".encode(),
    b"\xe9", b"\xff\xfe", b"\xc3", b"coding", b"# vim: set fileencoding=cp1252 :\n",
]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"import os\r\n", id="ASCII, CRLF: UTF-8 without detect_encoding"),
        pytest.param("x = 'é'\n".encode(), id="UTF-8 without a cookie"),
        pytest.param(b"x = '\xe9'\n", id="latin-1 bytes in line 1 without a cookie: the latin-1 fallback"),
        pytest.param(b"\n\nx = '\xe9'\n", id="latin-1 bytes in line 3 without a cookie: the latin-1 fallback"),
        pytest.param(b"# coding: latin-1\nx = '\xe9'\n", id="a cookie: detect_encoding"),
        pytest.param(b"\xef\xbb\xbfx = 1\n", id="a BOM: detect_encoding"),
        pytest.param(b"\xef\xbb\xbf# coding: latin-1\n", id="a BOM and another cookie: the latin-1 fallback"),
    ],
)
def test_decoding_without_detect_encoding_is_exact(data: bytes) -> None:
    from flake8_ssot_ws.scan.checker import decode_like_flake8

    assert decode_like_flake8(data) == _decoded_via_detect_encoding(data)


@settings(max_examples=400, deadline=None)
@given(data=st.lists(st.sampled_from(ENCODING_FRAGMENTS), max_size=6).map(b"".join))
def test_decoding_shortcut_matches_detect_encoding(data: bytes) -> None:
    """Decoding as UTF-8 when the bytes hold no BOM and no ``coding`` in their first two lines
    gives what detect_encoding's way gives, text or error (LookupError: a codec that is not a
    text encoding, which both raise)."""
    from flake8_ssot_ws.scan.checker import decode_like_flake8

    try:
        expected: str | type[Exception] = _decoded_via_detect_encoding(data)
    except LookupError:
        expected = LookupError
    try:
        actual: str | type[Exception] = decode_like_flake8(data)
    except LookupError:
        actual = LookupError
    assert actual == expected
