"""The gate of core/prefilter.py: which words a registry gives it, which texts pass it, and
the NFKC test that lets non-ASCII text through it as it is."""

from __future__ import annotations

import datetime

import pytest

from flake8_ssot_ws.core.prefilter import Gate
from flake8_ssot_ws.core.prefilter import Word
from flake8_ssot_ws.core.prefilter import gains_no_ascii_word
from flake8_ssot_ws.core.prefilter import gate
from flake8_ssot_ws.core.rules import check_source
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.scan.checker import FileChecker
from flake8_ssot_ws.core.prefilter import glob_word
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import MakeRegistry


def show(word: Word) -> str:
    return ("<" if word.left else "") + word.literal + (">" if word.right else "")


IMPLIES = [
    pytest.param(Word("MagicMock"), Word("Mock", left=False), True, id="a name ending in a right-bounded run"),
    pytest.param(Word("MagicMock"), Word("Mock"), False, id="a name holding a bounded word in its middle"),
    pytest.param(Word("Mock_x"), Word("Mock", right=False), True, id="a name starting with a left-bounded run"),
    pytest.param(Word("xMock", left=False), Word("Mock", left=False), True, id="an unbounded side either way"),
    pytest.param(Word("Mock", right=False), Word("Mock"), False, id="a looser word does not imply a stricter one"),
    pytest.param(Word("Mock"), Word("Mock", right=False), True, id="a stricter word implies a looser one"),
    pytest.param(Word("abcab"), Word("ab", left=False), True, id="the second occurrence is the one that ends"),
    pytest.param(Word("abcab", right=False), Word("ab", left=False), False, id="no occurrence ends a bounded side"),
    pytest.param(Word("Event"), Word("Mock", left=False, right=False), False, id="another literal"),
]


@pytest.mark.parametrize(("word", "other", "expected"), IMPLIES)
def test_word_implies(word: Word, other: Word, expected: bool) -> None:
    assert word.implies(other) is expected


GLOBS = [
    pytest.param("*WebSocketManager", "WebSocketManager>", id="a leading wildcard: bounded at the end"),
    pytest.param("KEY_HASS*", "<KEY_HASS", id="a trailing wildcard: bounded at the start"),
    pytest.param("get_websocket_manager", "<get_websocket_manager>", id="no wildcard: bounded on both sides"),
    pytest.param("a*Manager*", "Manager", id="the longest run in the middle: unbounded"),
    pytest.param("ab*ab", "<ab", id="a run at both ends: one side only"),
    pytest.param("[Ww]eb?Manager", "Manager>", id="bracket sets and '?' are wildcards"),
    pytest.param("*", None, id="no literal run: no gate"),
]


@pytest.mark.parametrize(("glob", "expected"), GLOBS)
def test_glob_word(glob: str, expected: str | None) -> None:
    word = glob_word(glob)
    assert (None if word is None else show(word)) == expected


def test_gate_words_of_the_example_registry(make_registry: MakeRegistry) -> None:
    words = gate(make_registry(EXAMPLE_REGISTRY))
    assert words is not None
    # UnifiedWebSocketManager and the legacy WebSocketManager are implied by the glob's run.
    assert [show(word) for word in words.words] == ["WebSocketManager>", "<get_websocket_manager>"]
    # The dynamic importers are found by the star-import pass, which stops at every `import`.
    assert [show(word) for word in words.riders] == ["__import__", "import_module"]
    # Watched modules' last parts count only beside their parent's.
    assert [(show(word), show(partner)) for word, partner in words.paired] == [
        ("<manager>", "<websocket_core>"),
        ("<websocket_manager>", "<websocket_core>"),
    ]
    assert words.star_modules == ("manager", "unified_manager", "websocket_manager")


def test_a_top_level_watched_module_needs_no_partner(make_registry: MakeRegistry) -> None:
    """``import mock`` names no parent: the module's name alone lets a text through."""
    text = EXAMPLE_REGISTRY.replace('watch-modules = ["', 'watch-modules = ["mock", "', 1)
    assert text != EXAMPLE_REGISTRY
    words = gate(make_registry(text))
    assert words is not None
    assert "<mock>" in [show(word) for word in words.words]
    assert words.search_text("import mock\n") and not words.search_text("import mocks\n")


UNBOUNDED = Word("import_module", left=False, right=False)
RIDERS = [
    pytest.param([UNBOUNDED], ["m"], [], ["import_module"], id="unbounded: rides"),
    pytest.param([UNBOUNDED], [], ["import_module"], [], id="no star pass: a pass of its own"),
    pytest.param([Word("import_module")], ["m"], ["import_module"], [], id="a bounded word: a pass of its own"),
    pytest.param([Word("Importer", left=False, right=False)], ["m"], ["Importer"], [], id="no `import` in it"),
]


@pytest.mark.parametrize(("words", "star_modules", "passes", "riders"), RIDERS)
def test_which_words_ride_on_the_import_pass(
    words: list[Word], star_modules: list[str], passes: list[str], riders: list[str]
) -> None:
    found = Gate(words, star_modules)
    assert ([word.literal for word in found.words], [word.literal for word in found.riders]) == (passes, riders)
    assert found.search_text("x = import_module\n") is ("import_module" in passes + riders)


def test_an_unbounded_import_word_lets_every_import_through() -> None:
    found = Gate([Word("import", left=False, right=False)], ["m"])
    assert found.riders == (Word("import", left=False, right=False),)
    assert found.search_text("import os\n") and found.search_bytes(b"import os\n")
    assert not found.search_text("os.path\n")


def test_no_gate_for_a_glob_without_literal_part(make_registry: MakeRegistry) -> None:
    assert gate(make_registry(EXAMPLE_REGISTRY.replace('"get_websocket_manager"]', '"get_*", "?"]'))) is None


TEXTS = [
    pytest.param("from app.websocket_core.manager import *\n", True, id="a star import of a named module"),
    pytest.param("from .manager import *\n", True, id="a relative star import of a named module"),
    pytest.param("from app.manager \\\n  import \\\n  *\n", True, id="continuations on both sides of import"),
    pytest.param("from app.submanager import *\n", False, id="a module whose name ends in a named one"),
    pytest.param("from app.other import *  # unified_manager\n", False, id="a named module after the star"),
    pytest.param("import *\n", False, id="a star import at the start of the text"),
    pytest.param("manager import *\n", True, id="a named module at the start of the text"),
    pytest.param("x = get_websocket_manager()\n", True, id="a tracked name"),
    pytest.param("x = get_websocket_managers\n", False, id="a tracked name continued"),
    pytest.param("import app.websocket_core.manager\n", True, id="a watched module"),
    pytest.param("from app.websocket_core import (\n  manager)\n", True, id="a watched module beside its parent"),
    pytest.param("from app.other import manager\n", False, id="a watched module's last part without its parent"),
    pytest.param("websocket_core = 1\n", False, id="a watched module's parent alone"),
    pytest.param("x.websocket_core_manager\n", False, id="both parts inside one word"),
    pytest.param("m = importlib.import_module(name)\n", True, id="a dynamic importer"),
    pytest.param("m = __import__(name)\n", True, id="a dynamic importer with text before import"),
    pytest.param("my__import__s = 1\n", True, id="a dynamic importer inside a longer name"),
    pytest.param("_import__ = 1\n", False, id="a rider's text before import is part of it"),
    pytest.param("import_mod = 1\n", False, id="a rider's text after import is part of it"),
    pytest.param("import os\nimport_module\n", True, id="a rider after an import that is not one"),
    pytest.param("import *\nm = __import__\n", True, id="a rider after a star import of no named module"),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
@pytest.mark.parametrize("as_bytes", [pytest.param(False, id="text"), pytest.param(True, id="bytes")])
def test_gate_search(make_registry: MakeRegistry, text: str, expected: bool, as_bytes: bool) -> None:
    words = gate(make_registry(EXAMPLE_REGISTRY))
    assert words is not None
    assert (words.search_bytes(text.encode()) if as_bytes else words.search_text(text)) is expected


NFKC = [
    pytest.param("x = 1\n", True, id="ASCII"),
    pytest.param("s = 'caf\u00e9 \U0001f680'\n", True, id="letters and emoji NFKC keeps"),
    pytest.param("s = 'cafe\u0301'\n", True, id="a combining accent NFKC composes"),
    pytest.param("# \u2026 \u00a0\n", True, id="characters NFKC turns into no word character"),
    pytest.param("\ufb01eld = 1\n", False, id="a ligature NFKC splits into letters"),
    pytest.param("\uff37 = 1\n", False, id="a full-width letter"),
    pytest.param("x\u00b2 = 1\n", False, id="a superscript digit"),
]


@pytest.mark.parametrize(("text", "expected"), NFKC)
def test_gains_no_ascii_word(text: str, expected: bool) -> None:
    assert gains_no_ascii_word(text) is expected


# A registry tracking a non-ASCII name; the module is spelt with a combining accent (NFD), as
# an editor on macOS may write it: loading normalises it, as Python's parser does.
NON_ASCII_REGISTRY = """[[group]]
name = "g"
watch-modules = ["app.mode\u0301"]
canonical = ["from app.core import Caf\u00e9"]

[[group.legacy]]
import = "from app.old import Caf\u00e9"
"""
SWS003 = "SWS003 module 'app.mod\u00e9' imported as a module - import names from their canonical path instead"
SWS001 = "SWS001 'Caf\u00e9' imported from non-canonical path 'app.old' - use 'from app.core import Caf\u00e9'"

NON_ASCII_WORDS = [
    pytest.param("from app.old import Cafe\u0301\n", [f"1:20 {SWS001} (fixable with 'ssot-ws fix')"],
                 id="a name NFKC composes into a tracked one (missed by the gate, found by the fourth trial)"),
    pytest.param("import app.mode\u0301\n", [f"1:7 {SWS003}"], id="a watched module NFKC composes"),
    pytest.param("from app.old import Caf\u00e9\n", [f"1:20 {SWS001} (fixable with 'ssot-ws fix')"], id="NFKC already"),
    pytest.param("x = 'Cafe\u0301'\n", [], id="in a string: no finding, though the text is analysed"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), NON_ASCII_WORDS)
def test_a_non_ascii_tracked_name_in_any_normal_form(
    make_registry: MakeRegistry, source: str, expected: list[str]
) -> None:
    registry = make_registry(NON_ASCII_REGISTRY)
    path = registry.root / "lib" / "x.py"
    context = file_context(registry, path)
    findings = check_source(source, registry, context, today=datetime.date(2026, 1, 1))
    assert [f"{f.line}:{f.col} {f.message}" for f in findings] == expected
    checker = FileChecker(registry, datetime.date(2026, 1, 1))
    data = source.encode()
    # Every row is non-ASCII and not all in NFKC form, or has findings: the bytes never decide.
    assert checker.cannot_have_findings(str(path), data) is False


READS_AS_IS = [
    pytest.param(EXAMPLE_REGISTRY, "s = 'cafe\u0301'\n", True, id="ASCII words: a combining accent frees none"),
    pytest.param(NON_ASCII_REGISTRY, "s = 'cafe\u0301'\n", False, id="a non-ASCII word: only NFKC text as it is"),
    pytest.param(NON_ASCII_REGISTRY, "s = 'caf\u00e9'\n", True, id="a non-ASCII word, NFKC text"),
    pytest.param(NON_ASCII_REGISTRY, "s = 'cafe'\n", True, id="a non-ASCII word, ASCII text"),
]


@pytest.mark.parametrize(("registry_text", "text", "expected"), READS_AS_IS)
def test_reads_as_is(make_registry: MakeRegistry, registry_text: str, text: str, expected: bool) -> None:
    words = gate(make_registry(registry_text))
    assert words is not None
    assert words.reads_as_is(text) is expected
