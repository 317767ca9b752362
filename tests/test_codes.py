"""The catalogue of codes is the one place a code is declared: the package names no code it
does not hold, README documents each one as the catalogue says, and the consumers derive
from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.codes import CORE
from flake8_ssot_ws.core.codes import COUNTED
from flake8_ssot_ws.core.codes import Code
from flake8_ssot_ws.core.codes import spans
from flake8_ssot_ws.report.compliance import CODES as REPORT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE_LITERAL = re.compile(r"\bSWS\d{3}\b")


def _section(code: Code) -> str:
    """The README section of a code: from its heading to the next heading."""
    heading = f"### {code.id}: {code.title}\n"
    assert heading in README, f"README has no heading {heading!r}"
    return README.split(heading, 1)[1].split("\n#", 1)[0]


@pytest.mark.parametrize("code", CATALOGUE.values(), ids=list(CATALOGUE))
def test_readme_documents_the_code(code: Code) -> None:
    section = _section(code)
    examples = re.findall(r"```text\n(.*?)```", section, re.DOTALL)
    assert examples, f"{code.id}: no message example"
    assert all(line.startswith(f"{code.id} ") for line in examples[0].splitlines())
    says_fixable = "Fixable with `ssot-ws fix`" in section
    assert says_fixable is code.fixable
    assert ("Not fixable" in section) is not code.fixable


@pytest.mark.parametrize(
    ("code", "anchor"),
    [
        pytest.param(CATALOGUE["SWS001"], "sws001-non-canonical-import-of-a-tracked-name", id="plain words"),
        pytest.param(CATALOGUE["SWS006"], "sws006-tracked-name-with-no-single-canonical-import", id="no parentheses"),
        pytest.param(CATALOGUE["SWS101"], "sws101-legacy-import-before-its-deadline", id="three digits"),
    ],
)
def test_anchor_is_githubs(code: Code, anchor: str) -> None:
    assert code.anchor == anchor


def test_the_package_names_only_catalogued_codes() -> None:
    named = {
        literal
        for path in (ROOT / "flake8_ssot_ws").rglob("*.py")
        for literal in CODE_LITERAL.findall(path.read_text(encoding="utf-8"))
    }
    assert named - set(CATALOGUE) == set()


def test_consumers_derive_from_the_catalogue() -> None:
    assert REPORT_COLUMNS == COUNTED == tuple(code.id for code in CATALOGUE.values() if code.counts)
    assert [code.id for code in CORE] == [code for code in CATALOGUE if code != "SWS900"]


@pytest.mark.parametrize(
    ("code", "variant", "fields", "message"),
    [
        pytest.param(
            CATALOGUE["SWS003"], "", {"module": "a.b"},
            "SWS003 module 'a.b' imported as a module - import names from their canonical path instead",
            id="the code leads the message",
        ),
        pytest.param(
            CATALOGUE["SWS006"], "many", {"name": "E", "choices": "'x', 'y'"},
            "SWS006 'E' is provided by several canonical imports ('x', 'y') - import one of them directly",
            id="a variant",
        ),
    ],
)  # fmt: skip
def test_message(code: Code, variant: str, fields: dict[str, str], message: str) -> None:
    assert code.message(variant, **fields) == message


@pytest.mark.parametrize(
    ("ids", "text"),
    [
        pytest.param(("SWS001", "SWS002", "SWS003", "SWS101"), "`SWS001`-`SWS003`, `SWS101`", id="a run and a single"),
        pytest.param(("SWS001", "SWS003"), "`SWS001`, `SWS003`", id="a gap"),
        pytest.param((), "", id="none"),
    ],
)
def test_spans(ids: tuple[str, ...], text: str) -> None:
    assert spans(ids) == text
