"""fix/rewrite.py, the pure core of ``ssot-ws fix``: one table per form, a no-op table, refusals.

FIX_CASES and NOOP_CASES are reused by tests/test_fix_cli.py on real files.
"""

from __future__ import annotations

import ast
import datetime
import re
import textwrap
from pathlib import Path

import pytest

from flake8_ssot_ws.fix import rewrite as fix
from flake8_ssot_ws.fix.rewrite import MISMATCH
from flake8_ssot_ws.fix.rewrite import Checked
from flake8_ssot_ws.fix.rewrite import core_analyzer
from flake8_ssot_ws.fix.rewrite import fix_source
from flake8_ssot_ws.fix.rewrite import fix_text
from flake8_ssot_ws.fix.rewrite import safety_problem
from flake8_ssot_ws.fix.tokens import Unsure
from flake8_ssot_ws.fix.tokens import edit_statement
from flake8_ssot_ws.core.noqa import split_noqa
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context

# The module every case lives in: app/svc/mod.py (so `..ws` is app.ws).
MODULE_PATH = "app/svc/mod.py"
TODAY = datetime.date(2025, 1, 1)
REGISTRY = """\
exempt = ["app/ws/*.py"]
src = ["."]

[[group]]
name = "ws"
watch = ["*WebSocketManager", "get_websocket_manager"]
watch-modules = ["app.ws.legacy"]
canonical = [
  "from app.ws.unified import UnifiedWebSocketManager as WebSocketManager",
  "from app.ws.unified import get_websocket_manager",
]

[[group.legacy]]
import = "from app.ws.legacy import WebSocketManager"
deadline = 2099-12-31
reason = "see issue 1182"

# fix rewrites only the legacy paths the registry names (issue 11, bug 7).
[[group.legacy]]
import = "from app.ws import WebSocketManager"

[[group.legacy]]
import = "from app import WebSocketManager"

[[group.legacy]]
import = "from app.ws import get_websocket_manager"

[[group.legacy]]
import = "from app.compat import get_websocket_manager"

[[group.legacy]]
import = "from app.compat import WebSocketManager"

[[group]]
name = "db"
canonical = ["from app.db.session import Session"]

[[group.legacy]]
import = "from app.compat import Session"

[[group.legacy]]
import = "from app.compat import OldSession"
use = "from app.db.session import Session"
"""
WSM = "from app.ws.unified import UnifiedWebSocketManager as WebSocketManager"
GET = "from app.ws.unified import get_websocket_manager"
SESSION = "from app.db.session import Session"

FIX_CASES = [
    # --- one name, rewritten in place ---------------------------------------------------
    pytest.param("from app.ws.legacy import WebSocketManager\n", f"{WSM}\n", id="legacy entry (SWS101)"),
    pytest.param("from app.ws import WebSocketManager\n", f"{WSM}\n", id="non-canonical path (SWS001)"),
    pytest.param(
        "from app.ws.legacy import WebSocketManager as WSM\n",
        "from app.ws.unified import UnifiedWebSocketManager as WSM\n",
        id="own alias is kept",
    ),
    pytest.param(
        "from app.compat import get_websocket_manager as get_websocket_manager\n",
        f"{GET} as get_websocket_manager\n",
        id="an explicit re-export (X as X, as stubs and mypy's no_implicit_reexport read it) is kept",
    ),
    pytest.param(
        "from app.compat import get_websocket_manager as get_websocket_manager, Session\n",
        f"{SESSION}\n{GET} as get_websocket_manager\n",
        id="... when the canonical import is split off too",
    ),
    pytest.param(
        "from app.compat import Session, get_websocket_manager as get_websocket_manager, other\n",
        f"{SESSION}\n{GET} as get_websocket_manager\nfrom app.compat import other\n",
        id="... both split off",
    ),
    pytest.param(
        "from app.compat import OldSession as Session\n", f"{SESSION}\n",
        id="an alias that becomes the canonical name is dropped (Session as Session would say re-export)",
    ),
    pytest.param("from ..ws.legacy import WebSocketManager\n", f"{WSM}\n", id="relative import becomes absolute"),
    pytest.param("from ..import WebSocketManager\n", f"{WSM}\n", id="relative import without spaces"),
    pytest.param(
        "from.. ws import(WebSocketManager)\n",
        "from app.ws.unified import(UnifiedWebSocketManager as WebSocketManager)\n",
        id="no space after from, parentheses kept",
    ),
    pytest.param("from app . ws import WebSocketManager\n", f"{WSM}\n", id="spaces inside the module name"),
    pytest.param(
        "from app.\\\n    ws import WebSocketManager\n", f"{WSM}\n",
        id="a backslash continuation inside the module name: joined (check called it fixable, fix refused it)",
    ),
    pytest.param(
        "from \\\n  app.ws \\\n  import WebSocketManager\n",
        "from \\\n  app.ws.unified \\\n  import UnifiedWebSocketManager as WebSocketManager\n",
        id="continuations around the module name stay",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, get_websocket_manager\n",
        f"{WSM}, get_websocket_manager\n",
        id="several names, one canonical module: in place",
    ),
    pytest.param(
        "from app.ws import (  # managers\n    WebSocketManager,  # the manager\n    get_websocket_manager,\n)\n",
        "from app.ws.unified import (  # managers\n"
        "    UnifiedWebSocketManager as WebSocketManager,  # the manager\n"
        "    get_websocket_manager,\n"
        ")\n",
        id="parenthesised, in place: comments stay",
    ),
    pytest.param(
        "from app.ws import (\n    WebSocketManager\n    as WSM,\n)\n",
        "from app.ws.unified import (\n    UnifiedWebSocketManager\n    as WSM,\n)\n",
        id="alias on its own line",
    ),
    pytest.param(
        "from app.ws.legacy import WebSocketManager  # noqa: E501\n",
        f"{WSM}  # noqa: E501\n",
        id="trailing noqa for another code is kept",
    ),
    pytest.param(
        "from app.ws import WebSocketManager  # type: ignore[attr-defined]\n",
        f"{WSM}  # type: ignore[attr-defined]\n",
        id="trailing type comment is kept",
    ),
    # --- split: the canonical import goes on its own line before the rest ---------------
    pytest.param(
        "from app.ws import WebSocketManager, other_thing\n",
        f"{WSM}\nfrom app.ws import other_thing\n",
        id="split, fixed name first",
    ),
    pytest.param(
        "from app.ws import other_thing, WebSocketManager\n",
        f"{WSM}\nfrom app.ws import other_thing\n",
        id="split, fixed name last",
    ),
    pytest.param(
        "from app.ws import a, WebSocketManager as M, b\n",
        "from app.ws.unified import UnifiedWebSocketManager as M\nfrom app.ws import a, b\n",
        id="split, fixed name in the middle",
    ),
    pytest.param(
        "from app.ws import other, WebSocketManager  # the old path\n",
        f"{WSM}\nfrom app.ws import other  # the old path\n",
        id="split, trailing comment stays with the remaining statement",
    ),
    pytest.param(
        "from app.ws import other, WebSocketManager  # noqa: E501\n",
        f"{WSM}  # noqa: E501\nfrom app.ws import other  # noqa: E501\n",
        id="split, a trailing noqa is copied to the split-off statement",
    ),
    pytest.param(
        "from app.ws import (  # noqa: F401\n    other,\n    WebSocketManager,\n)\n",
        f"{WSM}  # noqa: F401\nfrom app.ws import (  # noqa: F401\n    other,\n)\n",
        id="split, a noqa on the first line of a multi-line statement is copied",
    ),
    pytest.param(
        "from app.ws import (  # the old path\n    other,\n    WebSocketManager,\n)\n",
        f"{WSM}\nfrom app.ws import (  # the old path\n    other,\n)\n",
        id="split, a plain comment on the first line stays there",
    ),
    pytest.param(
        "from app.compat import WebSocketManager, Session\n",
        f"{SESSION}\n{WSM}\n",
        id="two canonical modules: the first in place, the other split off",
    ),
    pytest.param(
        "from app.compat import WebSocketManager, other, Session\n",
        f"{WSM}\n{SESSION}\nfrom app.compat import other\n",
        id="two canonical modules and a name that stays",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, other, get_websocket_manager\n",
        f"{WSM}, get_websocket_manager\nfrom app.ws import other\n",
        id="split, names going to one module share its statement, where the first was",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, get_websocket_manager, other  # noqa: E501\n",
        f"{WSM}, get_websocket_manager  # noqa: E501\nfrom app.ws import other  # noqa: E501\n",
        id="split, a shared statement gets the trailing noqa too",
    ),
    pytest.param(
        "from app.compat import WebSocketManager, Session, other, get_websocket_manager\n",
        f"{WSM}, get_websocket_manager\n{SESSION}\nfrom app.compat import other\n",
        id="split, two canonical modules: a statement each, in the order of their first name",
    ),
    pytest.param(
        "from app.ws import (\n    WebSocketManager,  # the manager\n    get_websocket_manager,\n    other,\n)\n",
        f"{WSM}  # the manager\n{GET}\nfrom app.ws import (\n    other,\n)\n",
        id="split, a name with a comment of its own keeps its statement",
    ),
    pytest.param(
        "if x: from app.ws import WebSocketManager, other, get_websocket_manager\n",
        f"if x: {WSM}, get_websocket_manager; from app.ws import other\n",
        id="joined with ; in front of a statement that does not start its line, sharing too",
    ),
    pytest.param(
        "from app.ws import (\n    # the managers\n    WebSocketManager,  # the manager\n    other_thing,\n)\n",
        f"{WSM}  # the manager\nfrom app.ws import (\n    # the managers\n    other_thing,\n)\n",
        id="parenthesised split: the removed name's comment moves along, others stay",
    ),
    pytest.param(
        "from app.ws import (\n    other,  # other\n    WebSocketManager  # the manager\n)\n",
        f"{WSM}  # the manager\nfrom app.ws import (\n    other  # other\n)\n",
        id="parenthesised split, last name without trailing comma",
    ),
    pytest.param(
        "from app.ws import (other,\n    WebSocketManager)\n",
        f"{WSM}\nfrom app.ws import (other\n    )\n",
        id="parenthesised, last name on the closing line",
    ),
    pytest.param(
        "from app.ws import (other, WebSocketManager,)\n",
        f"{WSM}\nfrom app.ws import (other,)\n",
        id="one-line parentheses with trailing comma",
    ),
    pytest.param(
        "from app.ws import (\n    other, WebSocketManager,  # both\n)\n",
        f"{WSM}\nfrom app.ws import (\n    other,  # both\n)\n",
        id="comment of a line that keeps a name stays there",
    ),
    pytest.param(
        "from app.ws import (\n    WebSocketManager, get_websocket_manager,  # both\n    other,\n)\n",
        f"{WSM}  # both\n{GET}\nfrom app.ws import (\n    other,\n)\n",
        id="a line losing all its names gives its comment to the first of them",
    ),
    pytest.param(
        "from app.ws import (WebSocketManager  # the manager\n    , other)\n",
        f"{WSM}\nfrom app.ws import (  # the manager\n    other)\n",
        id="comma on the next line",
    ),
    pytest.param(
        "from app.ws import (\n    other, WebSocketManager\n    , more)\n",
        f"{WSM}\nfrom app.ws import (\n    other,\n    more)\n",
        id="a removal at a line's end leaves no trailing blank",
    ),
    pytest.param(
        "from app.ws import (\n    other,  \n    WebSocketManager,\n    more)\n",
        f"{WSM}\nfrom app.ws import (\n    other,  \n    more)\n",
        id="a trailing blank that was there stays",
    ),
    pytest.param(
        "from app.ws import other ,WebSocketManager\n",
        f"{WSM}\nfrom app.ws import other\n",
        id="a removal at the statement's end leaves no trailing blank",
    ),
    pytest.param(
        "from app.ws import other \\\n    , WebSocketManager\nx = 1\n",
        f"{WSM}\nfrom app.ws import other\nx = 1\n",
        id="nor a backslash continuation onto a line of blanks",
    ),
    pytest.param(
        "x = 1; from app.ws import other ,WebSocketManager  # c\n",
        f"x = 1; {WSM}; from app.ws import other  # c\n",
        id="after a semicolon, before a comment: the comment's own spacing only",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, \\\n    other\n",
        f"{WSM}\nfrom app.ws import \\\n    other\n",
        id="backslash continuation after the fixed name: one blank before the backslash",
    ),
    pytest.param(
        "from app.ws import (other, WebSocketManager  # m\n    , more)\n",
        f"{WSM}\nfrom app.ws import (other,  # m\n    more)\n",
        id="blanks made side by side before a comment: the comment's spacing is kept",
    ),
    pytest.param(
        "from app.ws import \\\n    WebSocketManager, \\\n    other\n",
        f"{WSM}\nfrom app.ws import \\\n    other\n",
        id="backslash continuation, fixed name first",
    ),
    pytest.param(
        "from app.ws import \\\n    other, \\\n    WebSocketManager\n",
        f"{WSM}\nfrom app.ws import \\\n    other\n",
        id="backslash continuation, fixed name last",
    ),
    pytest.param(
        "from app.ws import WebSocketManager,other\n",
        f"{WSM}\nfrom app.ws import other\n",
        id="no space after the comma",
    ),
    # --- where the statement sits --------------------------------------------------------
    pytest.param(
        "import os\n\n\nfrom app.ws import WebSocketManager, other\n\n\nx = 1\n",
        f"import os\n\n\n{WSM}\nfrom app.ws import other\n\n\nx = 1\n",
        id="blank lines kept",
    ),
    pytest.param(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.ws import WebSocketManager, other\n",
        f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {WSM}\n    from app.ws import other\n",
        id="under if TYPE_CHECKING",
    ),
    pytest.param(
        "try:\n    from app.ws.legacy import WebSocketManager\nexcept ImportError:\n    WebSocketManager = None\n",
        f"try:\n    {WSM}\nexcept ImportError:\n    WebSocketManager = None\n",
        id="under try/except ImportError",
    ),
    pytest.param(
        "class C:\n\tdef f(self):\n\t\tfrom app.ws import WebSocketManager, other  # local\n\t\treturn 1\n",
        f"class C:\n\tdef f(self):\n\t\t{WSM}\n\t\tfrom app.ws import other  # local\n\t\treturn 1\n",
        id="method with tab indentation",
    ),
    pytest.param(
        "a = 1; from app.ws import WebSocketManager, other\n",
        f"a = 1; {WSM}; from app.ws import other\n",
        id="after a semicolon: joined with a semicolon",
    ),
    pytest.param(
        "if x: from app.ws import WebSocketManager, other\n",
        f"if x: {WSM}; from app.ws import other\n",
        id="one-line if: joined with a semicolon",
    ),
    pytest.param(
        "a = 1; from app.ws import (\n    WebSocketManager,  # the manager\n    other,\n)\n",
        f"a = 1; {WSM}; from app.ws import (\n      # the manager\n    other,\n)\n",
        id="after a semicolon, a removed name's comment stays in place",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, other; x = 1\n",
        f"{WSM}\nfrom app.ws import other; x = 1\n",
        id="statement followed by a semicolon",
    ),
    pytest.param(
        "from app.ws import WebSocketManager; from app.compat import get_websocket_manager, b\n",
        f"{WSM}; {GET}; from app.compat import b\n",
        id="two fixable statements on one line",
    ),
    pytest.param(
        "x = (1,\n     2); from app.ws import (WebSocketManager,\n    other)\n",
        f"x = (1,\n     2); {WSM}; from app.ws import (\n    other)\n",
        id="after a multi-line statement on the same line",
    ),
    pytest.param(
        "x = 1; \\\nfrom app.ws import WebSocketManager, other\n",
        f"x = 1; \\\n{WSM}; from app.ws import other\n",
        id="after a backslash continuation: joined with a semicolon",
    ),
    pytest.param(
        "def f():\n    from app.ws import WebSocketManager\n\nfrom app.ws import WebSocketManager\n",
        f"def f():\n    {WSM}\n\n{WSM}\n",
        id="the same import in two scopes",
    ),
    # --- text details --------------------------------------------------------------------
    pytest.param(
        "from app.ws import WebSocketManager, other\r\nx = 1\r\n",
        f"{WSM}\r\nfrom app.ws import other\r\nx = 1\r\n",
        id="CRLF line endings",
    ),
    pytest.param(
        "from app.ws import (\r\n    WebSocketManager,  # m\r\n    other,\r\n)\r\n",
        f"{WSM}  # m\r\nfrom app.ws import (\r\n    other,\r\n)\r\n",
        id="CRLF inside parentheses",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, other",
        f"{WSM}\nfrom app.ws import other",
        id="no newline at the end of the file",
    ),
    pytest.param(
        "café = 1; from app.ws import WebSocketManager, other  # é\n",
        f"café = 1; {WSM}; from app.ws import other  # é\n",
        id="non-ASCII text before the statement (UTF-8 columns)",
    ),
    pytest.param(
        "\x0cfrom app.ws import WebSocketManager, other\n",
        f"{WSM}\n\x0cfrom app.ws import other\n",
        id="a form feed starting the line stays on the statement's line only",
    ),
    pytest.param(
        "if x:\n  \x0c    from app.ws import WebSocketManager, other\n",
        f"if x:\n    {WSM}\n  \x0c    from app.ws import other\n",
        id="a new line's indentation is what follows the form feed (the column Python counts)",
    ),
    pytest.param(
        "x = 1  # \x0c form feed\nfrom app.ws import WebSocketManager\n",
        f"x = 1  # \x0c form feed\n{WSM}\n",
        id="form feed is not a line break",
    ),
    pytest.param(
        "from app.ws import (\n    WebSocketManager,  # noqa: SWS001\n    get_websocket_manager,\n)\n",
        f"{GET}\nfrom app.ws import (\n    WebSocketManager,  # noqa: SWS001\n)\n",
        id="a noqa'd name stays, its neighbour is fixed",
    ),
    pytest.param(
        "'''from app.ws import WebSocketManager'''\nfrom app.ws import WebSocketManager  # from app.ws import X\n",
        f"'''from app.ws import WebSocketManager'''\n{WSM}  # from app.ws import X\n",
        id="strings and comments that look like imports are not touched",
    ),
]

NOOP_CASES = [
    pytest.param(f"{WSM}\n{GET}\n{SESSION}\n", id="canonical imports"),
    pytest.param("from app.ws.unified import UnifiedWebSocketManager\n", id="SWS002 wrong local name"),
    pytest.param("import app.ws.legacy as m\nfrom app.ws import legacy\n", id="SWS003 module imports"),
    pytest.param("from app.ws.legacy import *\n", id="SWS004 star import"),
    pytest.param("import importlib\nimportlib.import_module('app.ws.legacy')\n", id="SWS005 dynamic import"),
    pytest.param("from app.old import ThreadWebSocketManager\n", id="SWS006 no canonical import"),
    pytest.param("import app.ws as wsc\nwsc.WebSocketManager()\n", id="SWS007 attribute path"),
    pytest.param("from app.ws import WebSocketManager  # noqa\n", id="noqa"),
    pytest.param("from app.ws import WebSocketManager  # noqa: SWS001\n", id="noqa with the code"),
    pytest.param("from app.ws.legacy import WebSocketManager  # noqa:SWS\n", id="noqa with a code prefix"),
    pytest.param("# flake8: noqa\nfrom app.ws import WebSocketManager\n", id="file-level noqa"),
    pytest.param("x = 'from app.ws import WebSocketManager'\n# from app.ws import WebSocketManager\n", id="strings"),
    pytest.param("from app.other import Thing, other\nimport os\n", id="untracked imports"),
    pytest.param("", id="empty file"),
    pytest.param(
        "from app.ws import WebSocketManager as WebSocketManager\n",
        id="an explicit re-export the canonical import (Unified... as WebSocketManager) cannot keep",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, other as WebSocketManager\n",
        id="a name bound twice by one statement: a split could reorder the two bindings",
    ),
]

REFUSALS = [
    pytest.param(
        "x = 1\rfrom app.ws import WebSocketManager\r",
        "a line ending in a lone carriage return",
        id="lone CR line endings",
    ),
]


@pytest.fixture
def registry(make_registry) -> Registry:
    return make_registry(REGISTRY)


def _fix(source: str, registry: Registry) -> fix.FixResult:
    return fix_text(source, registry, file_context(registry, registry.root / MODULE_PATH), today=TODAY)


def _fixable(source: str, registry: Registry) -> list[str]:
    findings = check_source(source, registry, file_context(registry, registry.root / MODULE_PATH), today=TODAY)
    kept, _ = split_noqa(findings, source)
    return [f"{f.line}:{f.code}" for f in kept if f.fix is not None]


@pytest.mark.parametrize(("source", "expected"), FIX_CASES)
def test_fix(registry, source, expected) -> None:
    result = _fix(source, registry)
    assert result.source == expected
    assert result.changed
    assert result.refused == ()
    assert result.problem is None
    assert [f.code for f in result.fixed] == [f.code for f in result.findings if f.fix is not None]
    assert [f for f in result.left if f.fix is not None] == []
    assert _fixable(expected, registry) == []
    again = _fix(expected, registry)  # idempotent: fix(fix(s)) == fix(s)
    assert (again.source, again.changed) == (expected, False)
    assert again.left == result.left


@pytest.mark.parametrize("source", NOOP_CASES)
def test_fix_noop(registry, source) -> None:
    result = _fix(source, registry)
    assert (result.source, result.changed, result.fixed, result.refused) == (source, False, (), ())
    assert result.left == result.findings


@pytest.mark.parametrize(("source", "reason"), REFUSALS)
def test_fix_refuses(registry, source, reason) -> None:
    result = _fix(source, registry)
    assert (result.source, result.changed, result.problem) == (source, False, None)
    assert [(r.finding.code, r.reason) for r in result.refused] == [("SWS001", reason)]
    assert [f.code for f in result.left] == ["SWS001"]


def test_the_rewrite_itself_refuses_a_name_bound_twice() -> None:
    """The core gives such a finding no fix (above); the rewrite keeps its own guard, as
    findings may come from elsewhere (check's cache)."""
    segment = "from app.ws import WebSocketManager, other as WebSocketManager"
    node = ast.parse(segment).body[0]
    assert isinstance(node, ast.ImportFrom)
    moved = {0: ImportSpec("app.ws.unified", "UnifiedWebSocketManager", "WebSocketManager")}
    with pytest.raises(Unsure) as refused:
        edit_statement(segment, node, moved, own_lines=False)
    assert str(refused.value) == "'WebSocketManager' is bound twice by this statement"


def test_refusal_of_one_statement_does_not_stop_the_others(registry) -> None:
    source = "from app.ws import WebSocketManager\rfrom app.ws import get_websocket_manager\n"
    result = _fix(source, registry)
    assert result.source == f"from app.ws import WebSocketManager\r{GET}\n"
    assert [(r.finding.line, r.finding.code) for r in result.refused] == [(1, "SWS001")]
    assert [f.line for f in result.fixed] == [2]


def test_own_alias_leaves_sws002_for_a_person(registry) -> None:
    result = _fix("from app.ws.legacy import WebSocketManager as WSM\n", registry)
    assert [f.code for f in result.fixed] == ["SWS101"]
    assert [f.message for f in result.left] == [
        f"SWS002 'UnifiedWebSocketManager' imported as 'WSM' must be bound as 'WebSocketManager' - use {WSM!r}"
    ]


def test_exempt_file_is_not_touched(registry) -> None:
    source = "from app.ws.legacy import WebSocketManager\n"
    context = file_context(registry, registry.root / "app/ws/shim.py")
    result = fix_text(source, registry, context, today=TODAY)
    assert (result.source, result.changed, result.findings) == (source, False, ())


def test_findings_that_do_not_match_the_source_are_refused(registry) -> None:
    """Findings come from check (maybe from its cache): a file changed since is not guessed at."""
    context = file_context(registry, registry.root / MODULE_PATH)
    analyze = core_analyzer(registry, context, today=TODAY)
    before = analyze("x = 1\nfrom app.ws import WebSocketManager\n")
    changed_sources = [
        "from app.ws import WebSocketManager\nx = 1\n",  # other statement there
        "x = 1\nimport app\n",  # not a from-import
        "x = 1\nfrom app.ws import WebSocketManager, b\n",  # the statement goes on
        "x = 1\nfrom app.ws import WebSocketManaéé\n",  # the column is inside a character
        "x = 1\n",  # no such line
    ]
    for changed in changed_sources:
        result = fix_source(changed, before, analyze)
        assert (result.source, result.changed, result.problem) == (changed, False, None)
        assert [r.reason for r in result.refused] == [MISMATCH]
    index_too_big = before.reported[0].fix._replace(alias_index=1)
    result = fix_source(
        "x = 1\nfrom app.ws import WebSocketManager\n",
        Checked((before.reported[0]._replace(fix=index_too_big),)),
        analyze,
    )
    assert [r.reason for r in result.refused] == [MISMATCH]


@pytest.mark.parametrize(
    ("line", "columns", "indexes"),
    [
        pytest.param(
            "from a import X; from b import Y\n",
            [0, 15, 17, 32, 99],
            [0, 15, 17, 32, 33],
            id="ASCII: the column, at most the line's length",
        ),
        pytest.param(
            "é = 1; from a import X\n", [8, 23, 99], [7, 22, 23], id="non-ASCII: counted on from the column before"
        ),
        pytest.param(
            "é = 1; from a import X\n",
            [23, 8],
            [22, 7],
            id="non-ASCII, a column left of the one before: counted from the line's start",
        ),
    ],
)
def test_columns_of_a_line(line: str, columns: list[int], indexes: list[int]) -> None:
    """AST columns (UTF-8 bytes) to character indexes, each counted on from the one before:
    a line of many statements is not encoded again for each of them."""
    counted = fix._Line(line)
    assert [counted.index(column) for column in columns] == indexes


def test_unparsable_source(registry) -> None:
    source = "from app.ws import WebSocketManager(\n"
    with pytest.raises(SyntaxError) as error:
        ast.parse(source)
    result = _fix(source, registry)
    assert (result.source, result.changed, result.findings) == (source, False, ())
    assert result.problem == f"the source does not parse (SyntaxError: {error.value})"


# --- the safety net ----------------------------------------------------------------------

SOURCE = "from app.ws import WebSocketManager\nimport app.ws.legacy\n"
SWS001 = (
    f"SWS001 'WebSocketManager' imported from non-canonical path 'app.ws' - use {WSM!r} (fixable with 'ssot-ws fix')"
)
SWS003 = "SWS003 module 'app.ws.legacy' imported as a module - import names from their canonical path instead"


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param("from app.ws.unified import (\n", None, id="does not parse"),
        pytest.param(SOURCE, f"a fixed finding would reappear ({SWS001})", id="the finding reappears"),
        pytest.param(
            f"{WSM}\nimport app.ws.legacy\nimport app.ws.legacy as x\n",
            f"a finding would appear ({SWS003})",
            id="a new finding appears",
        ),
        pytest.param(f"{WSM}\n", f"a finding would disappear ({SWS003})", id="a finding disappears"),
        pytest.param(
            "import app.ws.legacy\n",
            "expected 1 canonical imports or SWS002 findings, found 0",
            id="the fixed import is not there",
        ),
    ],
)
def test_safety_net_refuses_a_bad_rewrite(registry, monkeypatch, broken, problem) -> None:
    """A rewrite that broke the file is never returned: the whole file is left alone."""
    monkeypatch.setattr(fix, "rewrite", lambda source, fixable: (broken, list(fixable), [], None))
    result = _fix(SOURCE, registry)
    if problem is None:
        with pytest.raises(SyntaxError) as error:
            ast.parse(broken)
        problem = f"the fixed source does not parse (SyntaxError: {error.value})"
    assert (result.source, result.changed, result.fixed, result.problem) == (SOURCE, False, (), problem)
    assert result.left == result.findings


@pytest.mark.parametrize(
    ("edited", "problem"),
    [
        pytest.param(
            "from app.ws.unified import UnifiedWebSocketManager as Other",
            "line 1: the names bound by imports would change (-WebSocketManager, +Other)",
            id="another name",
        ),
        pytest.param(
            "from app.ws.unified import (",
            "line 1: the rewritten statement would not parse: 'from app.ws.unified import ('",
            id="does not parse",
        ),
    ],
)
def test_each_statement_must_bind_the_same_names(registry, monkeypatch, edited, problem) -> None:
    monkeypatch.setattr(fix, "edit_statement", lambda segment, node, fixes, own_lines: (edited, []))
    result = _fix(SOURCE, registry)
    assert (result.source, result.changed, result.problem) == (SOURCE, False, problem)


def test_safety_problem_accepts_findings_moving_between_reported_and_noqa() -> None:
    finding = Finding(1, 0, "SWS003", SWS003, "ws")
    before = Checked((finding,), (), 0)
    after = Checked((), (finding._replace(line=2),), 0)
    assert safety_problem(before, after, []) is None


# --- the README's examples are real ----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _readme_diffs() -> list[tuple[str, str]]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## ssot-ws fix\n", 1)[1].split("\n## ", 1)[0]
    pairs = []
    for block in re.findall(r"```diff\n(.*?)\n *```", section, re.DOTALL):
        lines = textwrap.dedent(block).splitlines()
        before = "".join(f"{line[1:]}\n" for line in lines if line[:1] in "- ")
        after = "".join(f"{line[1:]}\n" for line in lines if line[:1] in "+ ")
        pairs.append((before, after))
    return pairs


def test_readme_examples() -> None:
    registry = load_registry(ROOT / "example" / "ssot-registry.toml")
    context = file_context(registry, ROOT / "example" / "app" / "services" / "new.py")
    pairs = _readme_diffs()
    assert len(pairs) == 3
    for before, after in pairs:
        assert fix_text(before, registry, context, today=TODAY).source == after


NOT_FIXABLE = [
    pytest.param(
        "from app.ws import WebSocketManager as WebSocketManager\n",
        "'as WebSocketManager' marks an explicit re-export, which the canonical import's form is not",
        id="an explicit re-export",
    ),
    pytest.param(
        "from app.ws import WebSocketManager, other as WebSocketManager\n",
        "'WebSocketManager' is bound twice by this statement",
        id="a name bound twice by the statement (fix used to refuse what check called fixable)",
    ),
]


@pytest.mark.parametrize(("source", "why"), NOT_FIXABLE)
def test_a_finding_fix_leaves_says_why(registry: Registry, source: str, why: str) -> None:
    context = file_context(registry, MODULE_PATH)
    (finding,) = check_source(source, registry, context, today=TODAY)
    assert (finding.code, finding.fix, finding.message) == (
        "SWS001",
        None,
        (
            "SWS001 'WebSocketManager' imported from non-canonical path 'app.ws' - use "
            f"'from app.ws.unified import UnifiedWebSocketManager as WebSocketManager' (not fixable: {why})"
        ),
    )
