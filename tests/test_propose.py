"""The proposal (resolve/propose.py) from occurrences, and the TOML it becomes (registry/dump.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import LegacyEntry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import loads_registry
from flake8_ssot_ws.registry.dump import append_table
from flake8_ssot_ws.registry.dump import dump_registry
from flake8_ssot_ws.resolve.propose import ATTRIBUTE
from flake8_ssot_ws.resolve.propose import DYNAMIC
from flake8_ssot_ws.resolve.propose import FROM_MODULE
from flake8_ssot_ws.resolve.propose import IMPORT
from flake8_ssot_ws.resolve.propose import MODULE
from flake8_ssot_ws.resolve.propose import STAR
from flake8_ssot_ws.resolve.propose import Form
from flake8_ssot_ws.resolve.propose import Occurrence
from flake8_ssot_ws.resolve.propose import ProposalError
from flake8_ssot_ws.resolve.propose import propose
from tests.test_resolve import resolver_for


@pytest.mark.parametrize(
    ("form", "text"),
    [
        pytest.param(Form(IMPORT, "a.b", "C", "D"), "from a.b import C as D", id="import"),
        pytest.param(Form(ATTRIBUTE, "a.b", "C"), "a.b.C (attribute)", id="attribute"),
        pytest.param(Form(MODULE, "a.b"), "import a.b", id="module"),
        pytest.param(Form(FROM_MODULE, "a.b"), "from a import b", id="module from its package"),
        pytest.param(Form(DYNAMIC, "a.b"), 'import_module("a.b")', id="dynamic"),
        pytest.param(Form(STAR, "a.b"), "from a.b import *", id="star"),
    ],
)
def test_form_text(form: Form, text: str) -> None:
    assert form.text == text


def uses(*forms: Form) -> list[Occurrence]:
    return [Occurrence(form, f"u{index}.py", f"u{index}.py", 1, 0) for index, form in enumerate(forms)]


CODE = {"x.py": "class Alpha:\n    pass\n", "y.py": "class Beta:\n    pass\n", "z.py": "Alpha = 1\n"}


@pytest.mark.parametrize(
    ("globs", "found", "expected"),
    [
        pytest.param(
            ["Nope*"],
            uses(Form(IMPORT, "gone", "Nope"), Form(IMPORT, "gone", "Nope")),
            [
                (
                    "from gone import Nope: the most-used import (2 of 2); no import of a name matching 'Nope*' "
                    "resolves to a definition under the paths"
                )
            ],
            id="nothing resolves",
        ),
        pytest.param(
            ["A*", "B*"],
            uses(Form(IMPORT, "x", "Alpha", "M"), Form(IMPORT, "y", "Beta", "M"), Form(IMPORT, "y", "Beta")),
            [
                (
                    "from x import Alpha as M: the most-used import (1 of 1) of x.Alpha (class, x.py:1), which 1 of "
                    "the 1 imports of names matching 'A*' resolve to"
                ),
                (
                    "from y import Beta: the most-used import (1 of 2) of y.Beta (class, y.py:1), which 2 of the 2 "
                    "imports of names matching 'B*' resolve to"
                ),
            ],
            id="a candidate binding what an earlier canonical binds is passed over",
        ),
    ],
)
def test_choice(
    globs: list[str], found: list[Occurrence], expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    proposal = propose("g", globs, found, resolver_for(tmp_path, CODE))
    assert [f"{c.spec.text}: {c.reason}" for c in proposal.choices] == expected


def test_no_candidate_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = uses(Form(IMPORT, "x", "Alpha", "M"), Form(IMPORT, "y", "Beta", "M"))
    with pytest.raises(ProposalError) as raised:
        propose("g", ["A*", "B*"], found, resolver_for(tmp_path, CODE))
    assert str(raised.value) == (
        "cannot propose a canonical import for --watch 'B*': each candidate binds or imports what another "
        "canonical import does; pass --canonical"
    )


@pytest.mark.parametrize(
    ("given", "legacy", "reasons", "left_out"),
    [
        pytest.param(
            "from gone import Alpha",
            Form(IMPORT, "x", "Alpha"),
            [],
            ["from x import Alpha: resolves to x.Alpha, and the canonical import does not resolve under the paths"],
            id="the canonical import resolves nowhere: left out (a rewrite could break working code)",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "z", "Alpha"),
            [],
            ["from z import Alpha: resolves to z.Alpha, not x.Alpha"],
            id="elsewhere: left out (fix would give the code another class; verify rejects it)",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "both", "Alpha"),
            [],
            ["from both import Alpha: ambiguous: resolves to x.Alpha or z.Alpha"],
            id="ambiguous: left out",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "x.gone", "Alpha"),
            ["does not resolve: no module 'x.gone' under the paths"],
            [],
            id="nowhere in the project (its module is gone: the import fails today): a legacy entry with its reason",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "gone", "Alpha"),
            [],
            [
                (
                    "from gone import Alpha: does not resolve: no module 'gone' under the paths, which may be "
                    "installed: what it binds is not known"
                )
            ],
            id="a module outside the paths (an installed one?): left out (found by an eighth trial: salt's "
            "'from collections import OrderedDict' was rewritten to another class)",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "shim", "Alpha"),
            [],
            [
                (
                    "from shim import Alpha: does not resolve: no module 'gone' under the paths, which may be "
                    "installed: what it binds is not known"
                )
            ],
            id="a project module re-exporting a module outside the paths: left out too",
        ),
        pytest.param(
            "from x import Alpha",
            Form(IMPORT, "fallback", "Alpha"),
            [],
            ["from fallback import Alpha: resolves to x.Alpha unless a module outside the paths binds it first"],
            id="an ImportError fallback to the canonical definition, behind a module outside the paths: left out "
            "(found by a ninth trial: where the other module is installed, it is another class)",
        ),
        pytest.param(
            "from x import Alpha", Form(ATTRIBUTE, "x", "Alpha"), [], [], id="the canonical path through an attribute"
        ),
    ],
)
def test_legacy_reasons(
    given: str, legacy: Form, reasons: list[str], left_out: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = {
        **CODE,
        "both.py": "import sys\nif sys.flags:\n    from x import Alpha\nelse:\n    from z import Alpha\n",
        "shim.py": "from gone import Alpha\n",
        "fallback.py": "try:\n    from gone import Alpha\nexcept ImportError:\n    from x import Alpha\n",
    }
    spec = ImportSpec(*given.removeprefix("from ").split(" import "), None)  # type: ignore[call-arg]
    proposal = propose("g", ["Alpha"], uses(legacy), resolver_for(tmp_path, files), given=[spec])
    assert [entry.reason for entry in proposal.group.legacy] == reasons
    assert [f"{spec.text}: {reason}" for spec, reason in proposal.left_out] == left_out


# --- the TOML ------------------------------------------------------------------------------


def test_dump_escapes_and_loads(tmp_path: Path) -> None:
    canonical = ImportSpec("a", "X", None)
    group = Group(
        'we"ird\\\tname\x7f\x01é',
        (),
        (),
        (canonical,),
        (
            LegacyEntry("k", ImportSpec("b", "X", None), canonical, datetime.date(2026, 3, 31), "why\n"),
            LegacyEntry("k", ImportSpec("c", "Other", None), canonical, None, None),
        ),
    )
    text = dump_registry([group])
    assert text == (
        "# SSOT import registry, generated by 'ssot-ws init': review it, then maintain it by hand.\n"
        "exempt = []\n\n[[group]]\n"
        'name = "we\\"ird\\\\\\tname\\u007f\\u0001é"\n'
        'canonical = ["from a import X"]\n\n'
        '[[group.legacy]]\nimport = "from b import X"\ndeadline = 2026-03-31\nreason = "why\\n"\n\n'
        '[[group.legacy]]\nimport = "from c import Other"\nuse = "from a import X"\n'
    )
    registry = loads_registry(text, tmp_path / "ssot-registry.toml")
    assert registry.groups[0].name == group.name
    assert registry.groups[0].legacy[0].reason == "why\n"


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        pytest.param('[project]\nname = "x"\n', '[project]\nname = "x"\n\nT', id="no table to replace"),
        pytest.param(
            '[tool.flake8-ssot-ws]\nexempt = []\n[tool.x]\na = """\n[tool.flake8-ssot-ws.not-a-table]\n"""\n',
            "error",
            id="a header in a string: the cut would break the file",
        ),
    ],
)
def test_append_replacing(existing: str, expected: str, tmp_path: Path) -> None:
    if expected == "error":
        with pytest.raises(RegistryError):
            append_table(existing, "T", tmp_path / "pyproject.toml", replace=True)
    else:
        assert append_table(existing, "T", tmp_path / "pyproject.toml", replace=True) == expected
