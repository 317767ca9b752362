"""Fuzzing (issue 6): generated programs with tracked imports through the core, ``check``
(its fast path and its full parse), the real flake8 plugin and ``ssot-ws fix``; and broken
variants of those programs through all of them.

hypothesmith generates programs from Python's grammar; tracked imports of every form
(FORMS) go in before random statements, at their indentation. What must hold:

- core: no exception; each inserted form has exactly the findings and canonical imports
  it has alone, moved to where it now sits (and the program keeps its own);
- check and plugin: flake8, run in-process with the real plugin and its own ``# noqa``
  handling, reports exactly what ``check`` reports, whichever path check takes; a file
  flake8 cannot parse (E999) is exactly a file check reports as unparsable;
- fix: the real command, no crash, and what it writes parses (tests/test_fix_property.py
  checks the rewrite itself: idempotent, names kept, nothing else changed);
- broken inputs (truncated, NUL and non-UTF-8 bytes, unbalanced brackets, stray quotes,
  other line endings, coding cookies, a BOM, forms pasted mid-line): all of the above, and
  fix leaves a file that does not parse exactly as it was.

Not compared: examples on which flake8 itself crashes (the cases are listed above the
tools). Allowed: check's fast path does not parse a file in which it finds no tracked
import statement, so it does not report such a file as unparsable (``_fast_path_agrees``).

A few hundred examples in the default run; ``-m slow`` runs a few thousand.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import io
import tokenize
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from flake8.api import legacy
from flake8.formatting.base import BaseFormatter
from flake8.violation import Violation
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flake8_ssot_ws.commands import cli
from flake8_ssot_ws.fast import shortcut as fastpath
from flake8_ssot_ws.scan.checker import EMPTY
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.scan.checker import Outcome
from flake8_ssot_ws.scan.checker import decode_source
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import Analysis
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import analyze_source
from flake8_ssot_ws.core.rules import analyze_tree
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from tests.test_fix_property import programs_with_spots
from tests.test_fix_property import parses
from tests.test_fix_property import slow_examples
from tests.test_rules import RULES_REGISTRY
from tests.test_rules import VIEWS

TODAY = datetime.date(2026, 1, 1)  # before the legacy deadline: SWS101 as well as SWS001
# Where the examples live: relative imports resolve differently in each, one is exempt.
PATHS = [
    VIEWS,
    "app/websocket_core/manager/sub.py",
    "app/websocket_core/__init__.py",
    "app/websocket_core/unified_manager.py",
]
# Every form of tracked import (and a few look-alikes that must not count), one statement each.
FORMS = [
    "from app.websocket_core.websocket_manager import WebSocketManager",
    "from app.websocket_core import WebSocketManager, get_websocket_manager",
    "from app.websocket_core.manager import WebSocketManager as ManagerAlias",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager",
    "from app.websocket_core.unified_manager import UnifiedWebSocketManager",
    "from app.websocket_core.unified_manager import get_websocket_manager as get",
    "import app.websocket_core.websocket_manager",
    "import os, app.websocket_core.manager as mgr",
    "from app.websocket_core import manager",
    "from ..websocket_core.websocket_manager import WebSocketManager",
    "from ..websocket_core import manager as relative_manager",
    "from . import *",
    "from .. import websocket_core as relative_core; relative_core.WebSocketManager",
    "from app.websocket_core.websocket_manager import *",
    "from app.widgets import FancyWebSocketManager",
    "from app.events.compat import Event",
    "import importlib; importlib.import_module('app.websocket_core.manager')",
    "from importlib import import_module; import_module('.websocket_manager', 'app.websocket_core')",
    "__import__('app.websocket_core.websocket_manager')",
    "import app.websocket_core as wsc; wsc_ = wsc.WebSocketManager",
    "import app\napp_ = app.websocket_core.manager.WebSocketManager",
    "from app.websocket_core.websocket_manager import (\n    WebSocketManager,  # noqa: SWS101\n    helper,\n)",
    "from app.websocket_core \\\n    import WebSocketManager  # noqa",
    "x_ = 1; from app.websocket_core.manager import WebSocketManager  # noqa: SWS003",
    "from app.websocket_core.websocket_manager import WebSocketManager  # NOQA:SWS001,SWS101",
    # A noqa comment on a later line of the same continued line or token covers the finding.
    "from app.websocket_core.websocket_manager import WebSocketManager, \\\n    helper  # noqa",
    "from app.websocket_core.manager import WebSocketManager; x_ = '''\n'''  # noqa: SWS001",
    "s_ = 'from app.websocket_core import WebSocketManager'  # import app.websocket_core.manager",
    "# flake8: noqa",
    # The gate (core/prefilter.py): star imports it reads back from, text NFKC changes or keeps.
    "from .unified_manager import *",
    "from app.websocket_core.websocket_manager \\\n    import *",
    "from app.websocket_core.websocket_manager import \uff37ebSocketManager",
    "s_ = 'caf\u00e9 \u2026'; from app.websocket_core.manager import WebSocketManager",
]
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the fixtures hold no per-example state
    ],
}


# --- the examples -----------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A form inserted at ``line`` (1-based) of the example, each line after ``indentation``."""

    line: int
    indentation: str
    form: str


@dataclass(frozen=True)
class Program:
    source: str  # the example: ``original`` with the forms inserted
    original: str  # the generated program
    moved: dict[int, int]  # line of ``original`` -> its line in ``source``
    placed: tuple[Placed, ...]


@st.composite
def programs_with_tracked_imports(draw: st.DrawFn) -> Program:
    original, lines, spots = draw(programs_with_spots())
    inserts: dict[int, list[tuple[str, str]]] = {}
    for _ in range(draw(st.integers(1, 3))):
        index, indentation = draw(st.sampled_from(spots))
        inserts.setdefault(index, []).append((indentation, draw(st.sampled_from(FORMS))))
    parts: list[str] = []
    moved: dict[int, int] = {}
    placed: list[Placed] = []
    line = 1
    for index in range(len(lines) + 1):
        for indentation, form in inserts.get(index, ()):
            placed.append(Placed(line, indentation, form))
            parts.append(textwrap.indent(form, indentation) + "\n")
            line += form.count("\n") + 1
        if index < len(lines):
            moved[index + 1] = line
            parts.append(lines[index])
            line += 1
    source = "".join(parts)
    assume(parses(source))
    return Program(source, original, moved, tuple(placed))


def _delete(text: str, start: int, end: int) -> str:
    return text[:start] + text[end:]


def _duplicate(text: str, start: int, end: int) -> str:
    return text[:end] + text[start:end] + text[end:]


def _truncate(text: str, start: int, end: int) -> str:
    return text[:start]


# Pasted at a random place (not only where a statement starts).
INSERTIONS = [
    *("\x00", "(", ")", "[", "]", "{", "}", "'", '"', "'''", '"""', "\\", "\\\n", ":", "#", "# noqa", "f'{"),
    *("\n", "\r", "\r\n", "\t", "\x0c", "  ", "\ufeff", "\u00e9", "\u2028", "\x85", "import ", "from ", "."),
    *FORMS,
]
SPANS: list[Callable[[str, int, int], str]] = [_delete, _duplicate, _truncate]
LINE_ENDINGS = ["\r\n", "\r"]
# Bytes that UTF-8 cannot decode (a lone continuation byte, a lead byte without its
# continuation, an encoded surrogate), and NUL.
BAD_BYTES = [b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\x00"]
PREFIXES = [
    b"\xef\xbb\xbf",
    b"# -*- coding: latin-1 -*-\n",
    b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n",
    b"# coding: ascii\n",
    b"# coding: no-such-codec\n",
    b"\xef\xbb\xbf# coding: latin-1\n",  # BOM and a cookie that disagree
    b"# coding: rot13\n",  # a codec, but not a text encoding
]


@st.composite
def broken_inputs(draw: st.DrawFn) -> bytes:
    """A program with tracked imports, damaged up to three times as text, then maybe as bytes."""
    text = draw(programs_with_tracked_imports()).source
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 80)))
        kind = draw(st.sampled_from(["insert", "span", "line endings"]))
        if kind == "insert":
            text = text[:start] + draw(st.sampled_from(INSERTIONS)) + text[start:]
        elif kind == "span":
            text = draw(st.sampled_from(SPANS))(text, start, end)
        else:
            text = text.replace("\r\n", "\n").replace("\n", draw(st.sampled_from(LINE_ENDINGS)))
    data = text.encode("utf-8")
    kind = draw(st.sampled_from(["none", "bad bytes", "prefix", "cut"]))
    position = draw(st.integers(0, len(data)))
    if kind == "bad bytes":
        data = data[:position] + draw(st.sampled_from(BAD_BYTES)) + data[position:]
    elif kind == "prefix":
        data = draw(st.sampled_from(PREFIXES)) + data
    elif kind == "cut":  # maybe inside a character
        data = data[:position]
    return data


# flake8 itself (not the plugin) crashes on a few inputs the fuzzer makes; such examples
# are not compared. Seen: pycodestyle 2.14-2.15's E402 check on a statement that is just the
# name ``r``, ``u`` or ``b`` after an import (IndexError in _is_string_literal);
# tokenize.open on a cookie naming a codec that is not a text encoding (LookupError);
# flake8 7.3 on Python 3.9 on a NUL byte (ValueError from ast.parse).


# --- the tools under test ----------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    root: Path = tmp_path_factory.mktemp("fuzz")
    (root / "ssot-registry.toml").write_text(RULES_REGISTRY, encoding="utf-8")
    return load_registry(root / "ssot-registry.toml")


class Tools:
    """check's two paths and flake8 (with and without noqa: flake8 lets a noqa comment
    hide E999 too), over the registry of one project."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.fast = FileChecker(registry, TODAY)  # check's default path: fast/shortcut.py's shortcut where it applies
        self.full = FileChecker(registry, TODAY, fast=False)  # check's reference path: a full parse
        self.flake8 = _flake8()
        self.flake8_without_noqa = _flake8(disable_noqa=True)

    def __repr__(self) -> str:  # keeps hypothesis' falsifying examples short
        return "tools"

    def write(self, relpath: str, data: bytes) -> str:
        path = self.registry.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)


@pytest.fixture
def tools(project: Registry, plugin_state: None, monkeypatch: pytest.MonkeyPatch) -> Tools:
    """check both ways, and flake8 in-process: options parsed once (the plugin finds the
    registry from the cwd), then one real flake8 file check per call, errors collected."""
    monkeypatch.chdir(project.root)
    return Tools(project)


def _flake8(**options: object) -> Callable[[str], list[Violation]]:
    seen: list[Violation] = []

    class Collect(BaseFormatter):
        def handle(self, error: Violation) -> None:
            seen.append(error)

    guide = legacy.get_style_guide(select=["SWS", "E9"], **options)
    guide.init_report(Collect)
    assert Plugin.registry is not None
    Plugin.today = TODAY

    def flake8(path: str) -> list[Violation]:
        seen.clear()
        guide.check_files([path])
        return list(seen)

    return flake8


# --- the properties ----------------------------------------------------------------------


def _moved(finding: Finding, lines: int, cols: int) -> Finding:
    fix = finding.fix
    if fix is not None:
        fix = fix._replace(
            statement_line=fix.statement_line + lines,
            statement_col=fix.statement_col + cols,
            statement_end_line=fix.statement_end_line + lines,
            statement_end_col=fix.statement_end_col + cols,
        )
    return finding._replace(line=finding.line + lines, col=finding.col + cols, fix=fix)


def check_core(registry: Registry, relpath: str, program: Program) -> None:
    """No exception, same answer every time and by either entry point, and each form's
    findings do not depend on the program around it."""
    context = file_context(registry, registry.root / relpath)
    analysis = analyze_source(program.source, registry, context, today=TODAY)
    assert analyze_source(program.source, registry, context, today=TODAY) == analysis
    # The reference: the whole tree, parsed, through the rules, with no byte prefilter (which
    # check_source and analyze_source apply) -- and the fast path that check uses on ASCII files.
    reference = analyze_tree(ast.parse(program.source), source_lines(program.source), registry, context, today=TODAY)
    assert check_source(program.source, registry, context, today=TODAY) == reference.findings
    if program.source.isascii():
        fast = fastpath.analyze_ascii(program.source, registry, context, today=TODAY)
        assert fast is None or fast.analysis == reference
    alone = analyze_source(program.original, registry, context, today=TODAY)
    findings = [_moved(f, program.moved[f.line] - f.line, 0) for f in alone.findings]
    canonical = [c._replace(line=program.moved[c.line]) for c in alone.canonical]
    for placed in program.placed:
        alone = analyze_source(placed.form + "\n", registry, context, today=TODAY)
        lines, cols = placed.line - 1, len(placed.indentation.encode("utf-8"))
        findings.extend(_moved(f, lines, cols) for f in alone.findings)
        canonical.extend(c._replace(line=c.line + lines, col=c.col + cols) for c in alone.canonical)
    findings.sort(key=lambda f: (f.line, f.col, f.code, f.message))
    canonical.sort(key=lambda c: (c.line, c.col))
    assert analysis == Analysis(findings, canonical)
    event("the forms have findings" if findings else "no findings (look-alikes only)")


def check_agreement(tools: Tools, relpath: str, data: bytes) -> Outcome:
    """flake8 with the plugin reports what ``check`` reports, on both of check's paths;
    returns what check's full parse found."""
    path = tools.write(relpath, data)
    fast = tools.fast.check(path, data)
    full = tools.full.check(path, data)
    _fast_path_agrees(fast, full)
    violations = _unless_flake8_crashes(tools.flake8, path)
    if violations is None:
        return full
    assert [v for v in violations if v.code == "SWS900"] == []
    flake8_cannot_parse: bool | None = any(v.code == "E999" for v in violations)  # None: flake8 crashed
    if full.problem is not None and not flake8_cannot_parse:
        without_noqa = _unless_flake8_crashes(tools.flake8_without_noqa, path)
        flake8_cannot_parse = None if without_noqa is None else any(v.code == "E999" for v in without_noqa)
    plugin = sorted((v.line_number, v.column_number, f"{v.code} {v.text}") for v in violations if v.code[:3] == "SWS")
    for outcome in (fast, full):
        assert sorted((f.line, f.col + 1, f.message) for f in outcome.reported) == plugin
    context = file_context(tools.registry, path)
    if not context.exempt and flake8_cannot_parse is not None:  # check does not parse an exempt file
        assert (full.problem is not None) == flake8_cannot_parse, (full.problem, violations)
    # The core itself, on the text flake8 reads: it raises only what its callers handle,
    # and gives what check gives.
    text = _as_flake8_reads(data)
    event("E999" if flake8_cannot_parse else "parses")
    event("check's shortcut applies" if _shortcut(tools, relpath, text) else "check parses in full")
    try:
        analysis = analyze_source(text, tools.registry, context, today=TODAY)
    except (SyntaxError, ValueError):
        assert full.problem is not None
    else:
        # (The scan adds the UTF-16 columns SARIF needs; the core's positions are flake8's.)
        assert analysis.findings == [finding._replace(utf16_col=None) for finding in full.findings]
    return full


def _unless_flake8_crashes(flake8: Callable[[str], list[Violation]], path: str) -> list[Violation] | None:
    """What flake8 reports, or None when flake8 itself crashed (the known cases are listed
    above the tools). The plugin never crashes flake8: it reports its own errors as SWS900."""
    try:
        return flake8(path)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        if any(Path(frame.filename).parent.name == "flake8_ssot_ws" for frame in frames):
            raise
        event(f"flake8 itself crashed ({type(error).__name__} in {Path(frames[-1].filename).name})")
        return None


def _fast_path_agrees(fast: Outcome, full: Outcome) -> None:
    """check's fast path gives what its full parse gives, but for one documented difference:
    it validates a file only when it finds something in it that the command uses (fast/shortcut.py;
    this checker counts canonical imports, as report does), so it does not
    see that a file without a tracked import statement does not parse."""
    if fast != full:
        assert (fast, full.reported, full.noqa, full.canonical) == (EMPTY, (), (), ())
        assert full.problem is not None
        event("unparsable, but the fast path did not parse it")


def _decodes(data: bytes) -> bool:
    try:
        decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return False
    return True


def _as_flake8_reads(data: bytes) -> str:
    """The text flake8 checks (flake8/processor.py): read as ``tokenize.open`` reads it (the
    encoding Python detects, universal newlines), else as latin-1 without a UTF-8 BOM."""
    if _decodes(data):
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return io.TextIOWrapper(io.BytesIO(data), encoding, line_buffering=True).read()
    return io.TextIOWrapper(io.BytesIO(data), "latin-1").read().removeprefix("\xef\xbb\xbf")


def _shortcut(tools: Tools, relpath: str, text: str) -> bool:
    context = file_context(tools.registry, tools.registry.root / relpath)
    return fastpath.analyze_ascii(text, tools.registry, context, today=TODAY) is not None


def check_fix(tools: Tools, relpath: str, data: bytes) -> None:
    """The real ``ssot-ws fix`` on one file: no crash; what it writes parses; a file that
    does not parse (or decode) is left exactly as it was."""
    path = tools.write(relpath, data)
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["fix", "--registry", str(tools.registry.path), "--no-cache", "--today", TODAY.isoformat(), path]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(argv)
    assert code in (0, 1), stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()
    written = Path(path).read_bytes()
    if written != data:
        event("fix rewrote the file")
        assert parses(data)
        assert parses(written)
    if "not fixed" in stderr.getvalue():
        event("fix refused something")


# --- the runs: a few hundred examples by default, a few thousand with -m slow -------------


def core_property(tools: Tools, relpath: str, program: Program) -> None:
    check_core(tools.registry, relpath, program)


def agreement_property(tools: Tools, relpath: str, program: Program) -> None:
    assert check_agreement(tools, relpath, program.source.encode("utf-8")).problem is None


def fix_property(tools: Tools, relpath: str, program: Program) -> None:
    check_fix(tools, relpath, program.source.encode("utf-8"))


def broken_property(tools: Tools, relpath: str, data: bytes) -> None:
    check_agreement(tools, relpath, data)
    check_fix(tools, relpath, data)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated programs are odd on purpose
@settings(max_examples=120, **SETTINGS)
@given(relpath=st.sampled_from(PATHS), program=programs_with_tracked_imports())
def test_core(tools: Tools, relpath: str, program: Program) -> None:
    core_property(tools, relpath, program)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=200, **SETTINGS)
@given(relpath=st.sampled_from(PATHS), program=programs_with_tracked_imports())
def test_check_and_plugin_agree(tools: Tools, relpath: str, program: Program) -> None:
    agreement_property(tools, relpath, program)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=100, **SETTINGS)
@given(relpath=st.sampled_from(PATHS), program=programs_with_tracked_imports())
def test_fix(tools: Tools, relpath: str, program: Program) -> None:
    fix_property(tools, relpath, program)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=250, **SETTINGS)
@given(relpath=st.sampled_from(PATHS), data=broken_inputs())
def test_broken_inputs(tools: Tools, relpath: str, data: bytes) -> None:
    broken_property(tools, relpath, data)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@pytest.mark.parametrize(
    ("check", "inputs", "examples"),
    [
        pytest.param(core_property, programs_with_tracked_imports(), 500, id="core"),
        pytest.param(agreement_property, programs_with_tracked_imports(), 1500, id="check-and-plugin-agree"),
        pytest.param(fix_property, programs_with_tracked_imports(), 500, id="fix"),
        pytest.param(broken_property, broken_inputs(), 1000, id="broken-inputs"),
    ],
)
def test_many(tools: Tools, check, inputs, examples: int, request: pytest.FixtureRequest) -> None:
    if "slow" not in request.config.getoption("markexpr"):
        pytest.skip("a few thousand examples: run with -m slow")

    @settings(max_examples=slow_examples(examples), **SETTINGS)
    @given(relpath=st.sampled_from(PATHS), example=inputs)
    def many(relpath: str, example) -> None:
        check(tools, relpath, example)

    many()
