"""--select, --ignore, --extend-select, --extend-ignore: flake8's meaning, in one pure module
(core/selection.py), and ``check`` agreeing with a real flake8 run on the same options.

The cases of the first table are those flake8 documents ("Selecting and Ignoring Violations",
docs/source/user/violations.rst), written with our codes: their ``E`` is our ``SWS0``, their
``F`` our ``SWS1``; ``SWS101`` is default-ignored as their ``E121`` (defaults.IGNORE) is.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest
from flake8 import style_guide
from flake8.main.cli import main as flake8_main
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.core.codes import CATALOGUE
from flake8_ssot_ws.core.codes import WARNINGS
from flake8_ssot_ws.core.selection import DEFAULT
from flake8_ssot_ws.core.selection import ERROR
from flake8_ssot_ws.core.selection import WARNING
from flake8_ssot_ws.core.selection import Selection

ROOT = Path(__file__).resolve().parent.parent


def options(
    select: str | None = None, ignore: str | None = None, extend_select: str = "", extend_ignore: str = ""
) -> Selection:
    def split(value: str) -> tuple[str, ...]:
        return tuple(item for item in value.split(",") if item)

    return Selection(
        select=None if select is None else split(select),
        ignore=None if ignore is None else split(ignore),
        extend_select=split(extend_select),
        extend_ignore=split(extend_ignore),
    )


@pytest.mark.parametrize(
    ("selection", "shown"),
    [
        # "By default ... E121 is in the default ignore list": everything else is reported.
        pytest.param(DEFAULT, "SWS001 SWS003 SWS900", id="default: all but the default-ignored"),
        # "Using --select alone will override the default --ignore list."
        pytest.param(options("SWS"), "SWS001 SWS003 SWS101 SWS900", id="--select overrides the default ignore"),
        # "flake8 --select E121": highly specific.
        pytest.param(options("SWS003"), "SWS003", id="--select one code"),
        pytest.param(options("SWS003,SWS101"), "SWS003 SWS101", id="--select a list"),
        # "flake8 --select E,F --ignore F401,E121": the most specific user-specified rule wins.
        pytest.param(options("SWS0,SWS1", "SWS003,SWS101"), "SWS001", id="specific ignores beat vague selects"),
        # "flake8 --select F401,E131 --ignore E,F": selected codes more specific, so reported.
        pytest.param(options("SWS003,SWS101", "SWS0,SWS1"), "SWS003 SWS101", id="specific selects beat vague ignores"),
        # "flake8 --extend-ignore=E1,E23": in addition to the default ignore list.
        pytest.param(options(extend_ignore="SWS00"), "SWS900", id="--extend-ignore keeps the default ignore"),
        # "flake8 --ignore=E1,E23,W503": *only* these are ignored.
        pytest.param(options(ignore="SWS003"), "SWS001 SWS101 SWS900", id="--ignore replaces the default ignore"),
        pytest.param(options(extend_select="SWS101"), "SWS001 SWS003 SWS101 SWS900", id="--extend-select brings it"),
        pytest.param(options("SWS", extend_ignore="SWS101"), "SWS001 SWS003 SWS900", id="select all but one"),
        # flake8's unit tests (test_decision_engine.py): ties go to ignore, a longer prefix wins.
        pytest.param(options("SWS1", extend_ignore="SWS1"), "", id="same prefix selected and ignored: ignored"),
        pytest.param(
            options(extend_select="SWS001", extend_ignore="SWS00"), "SWS001 SWS900", id="longer select beats ignore"
        ),
        pytest.param(options("SWS9", "SWS"), "SWS900", id="longer select beats a vague ignore"),
        pytest.param(options(select=""), "", id="an empty --select selects nothing"),
    ],
)
def test_decides_like_flake8_documents(selection: Selection, shown: str) -> None:
    assert " ".join(code for code in ("SWS001", "SWS003", "SWS101", "SWS900") if selection.decides(code)) == shown


# The prefixes users write: every prefix of every code (flake8 compares prefixes as strings).
PREFIXES = sorted({code[:length] for code in CATALOGUE for length in range(1, len(code) + 1)})
_lists = st.lists(st.sampled_from(PREFIXES), max_size=3).map(tuple)


@settings(max_examples=400, deadline=None)
@given(select=st.none() | _lists, ignore=st.none() | _lists, extend_select=_lists, extend_ignore=_lists)
def test_decides_as_flake8s_decision_engine(select, ignore, extend_select, extend_ignore) -> None:
    """flake8 itself is the oracle: its DecisionEngine, with the defaults the plugin gives it."""
    engine = style_guide.DecisionEngine(
        argparse.Namespace(
            select=None if select is None else list(select),
            ignore=None if ignore is None else list(ignore),
            extend_select=list(extend_select),
            extend_ignore=list(extend_ignore),
            extended_default_select=["SWS", "E", "F", "W", "C90"],  # what flake8 registers by default
            extended_default_ignore=list(WARNINGS),  # what the plugin adds (extend_default_ignore)
        )
    )
    selection = Selection(select, ignore, extend_select, extend_ignore)
    for code in CATALOGUE:
        assert selection.decides(code) is (engine.decision_for(code) is style_guide.Decision.Selected), code


@pytest.mark.parametrize(
    ("selection", "verdicts"),
    [
        pytest.param(DEFAULT, (ERROR, ERROR, WARNING), id="default: the grace code is a warning"),
        pytest.param(options(extend_select="SWS101"), (ERROR, ERROR, ERROR), id="selected: an error, as in flake8"),
        pytest.param(options("SWS"), (ERROR, ERROR, ERROR), id="--select SWS names it too"),
        pytest.param(options(extend_ignore="SWS101"), (ERROR, ERROR, None), id="--extend-ignore hides it"),
        pytest.param(options(ignore="SWS003"), (ERROR, None, ERROR), id="--ignore replaces the default: an error"),
        pytest.param(options(extend_ignore="SWS003"), (ERROR, None, WARNING), id="--extend-ignore keeps it a warning"),
        pytest.param(options("SWS00"), (ERROR, ERROR, None), id="not selected: not shown"),
    ],
)
def test_verdict(selection: Selection, verdicts: tuple[str | None, ...]) -> None:
    assert tuple(selection.verdict(code) for code in ("SWS001", "SWS003", "SWS101")) == verdicts
    assert selection.verdicts()["SWS101"] == verdicts[2]


# --- check and a real flake8 on the same options --------------------------------------------------

# Each row: flake8's and check's options. (Not --select SWS9: flake8 would check nothing else.)
DIFFERENTIAL = [
    pytest.param((), id="defaults"),
    pytest.param(("--select", "SWS"), id="select all"),
    pytest.param(("--select", "SWS0"), id="select a prefix"),
    pytest.param(("--select", "SWS003,SWS101"), id="select a list"),
    pytest.param(("--ignore", "SWS003"), id="ignore replaces the default"),
    pytest.param(("--extend-ignore", "SWS003"), id="extend-ignore"),
    pytest.param(("--extend-select", "SWS101"), id="extend-select the warning"),
    pytest.param(("--select", "SWS", "--extend-ignore", "SWS101"), id="select all but the warning"),
    pytest.param(("--select", "SWS0,SWS1", "--ignore", "SWS003,SWS101"), id="specific ignores win"),
    pytest.param(("--select", "SWS003,SWS101", "--ignore", "SWS0,SWS1"), id="specific selects win"),
    pytest.param(("--extend-select", "SWS001", "--extend-ignore", "SWS00"), id="longer prefix wins"),
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("selection") / "example"
    shutil.copytree(ROOT / "example", copy, ignore=shutil.ignore_patterns(".ssot-ws-cache"))
    return copy


def _flake8(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> set[tuple[str, int, int, str]]:
    flake8_main(["--isolated", "--jobs", "1", *argv, "."])
    found = set()
    for line in capsys.readouterr().out.splitlines():
        path, row, column, message = line.split(":", 3)
        if message.lstrip().startswith("SWS"):  # flake8 runs E, F and W too without a --select
            found.add((path.removeprefix("./"), int(row), int(column), message.split()[0]))
    return found


def _check(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> dict[str, set[tuple[str, int, int, str]]]:
    main(["check", "--no-cache", "--output-format", "json", *argv])
    by_severity: dict[str, set[tuple[str, int, int, str]]] = {ERROR: set(), WARNING: set()}
    for finding in json.loads(capsys.readouterr().out)["findings"]:
        by_severity[finding["severity"]].add((finding["path"], finding["line"], finding["column"], finding["code"]))
    return by_severity


def _without_default_ignore(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The same options with an empty default ignore list, for flake8: ``--extend-ignore X``
    becomes ``--ignore X`` (both name X explicitly; --ignore replaces the default list)."""
    if "--ignore" in argv:
        return argv
    if "--extend-ignore" in argv:
        return tuple("--ignore" if item == "--extend-ignore" else item for item in argv)
    return (*argv, "--ignore", "")


@pytest.mark.usefixtures("plugin_state")
@pytest.mark.parametrize("argv", DIFFERENTIAL)
def test_check_fails_on_what_flake8_reports(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    """What fails check is exactly what flake8 reports with the same options; the warnings are
    what flake8 would add if it had no default ignore list."""
    monkeypatch.chdir(example)
    check = _check(capsys, argv)
    assert check[ERROR] == _flake8(capsys, argv)
    assert check[ERROR] | check[WARNING] == _flake8(capsys, _without_default_ignore(argv))
    assert check[ERROR] | check[WARNING]  # every row shows something: the comparison is not empty
