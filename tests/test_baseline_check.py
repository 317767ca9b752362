"""`ssot-ws check --baseline / --write-baseline`: adopting the tool on a violating tree, then
edits that move lines, add and remove findings; shrink-only writes; the flake8 plugin reads
the same file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from tests.test_report import FIXTURE

CHECK = ["check", "--no-cache", "--today", "2026-06-01"]
FIXTURE_BASELINE = """\
{
  "comment": "ssot-ws baseline: findings 'ssot-ws check --baseline' and flake8's ssot-baseline do not report. \
Shrink it with 'ssot-ws check --write-baseline FILE'.",
  "version": 2,
  "findings": [
    {"path": "app/a.py", "code": "SWS001", "what": "'Manager' imported from non-canonical path 'pkg.old_ws'", \
"index": 0},
    {"path": "app/a.py", "code": "SWS101", "what": "'Manager' imported from legacy path 'pkg.compat'", "index": 0},
    {"path": "app/b.py", "code": "SWS001", "what": "'settings' imported from non-canonical path 'pkg.settings'", \
"index": 0},
    {"path": "app/b.py", "code": "SWS002", "what": "'load' must be bound as 'load_config'", "index": 0},
    {"path": "app/b.py", "code": "SWS003", "what": "module 'pkg.old_ws' imported as a module", "index": 0},
    {"path": "app/sub/c.py", "code": "SWS005", "what": "dynamic import of watched module 'pkg.old_ws'", "index": 0},
    {"path": "app/sub/c.py", "code": "SWS006", "what": "'ThreadManager' is tracked by group 'ws' but no canonical \
import provides it", "index": 0},
    {"path": "app/sub/c.py", "code": "SWS101", "what": "'Manager' imported from legacy path 'pkg.compat'", "index": 0},
    {"path": "app/sub/d.py", "code": "SWS004", "what": "star import from 'pkg.ws' hides tracked names", "index": 0},
    {"path": "app/sub/d.py", "code": "SWS007", "what": "'p.compat.Manager' reaches 'pkg.compat.Manager', which is not \
a canonical import", "index": 0}
  ]
}
"""
NEW_IMPORT = "import pkg.old_ws as again\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """The report fixture tree, adopted: its baseline written to ci/baseline.json."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "ci").mkdir()
    monkeypatch.chdir(root)
    assert main([*CHECK, "--write-baseline", "ci/baseline.json"]) == 0
    return root


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*CHECK, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_adoption_writes_every_finding(tree, capsys) -> None:
    assert capsys.readouterr() == (
        "",
        "baseline: wrote 10 entries to ci/baseline.json (10 added, 0 fixed and removed)\n",
    )
    assert (tree / "ci" / "baseline.json").read_text(encoding="utf-8") == FIXTURE_BASELINE


def _prepend_code(root: Path) -> None:
    """Move every line of a.py down and swap its two legacy imports."""
    path = root / "app" / "a.py"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text('"""Docstring."""\nimport os\n\nSEP = os.sep\n' + "".join(lines), encoding="utf-8")


def _fix_sws002(root: Path) -> None:
    _edit(root, "app/b.py", "from pkg.config import load  #", "from pkg.config import load as load_config  #")


def _delete_d(root: Path) -> None:
    (root / "app" / "sub" / "d.py").unlink()


@pytest.mark.parametrize(
    ("edit", "argv", "code", "out", "err"),
    [
        pytest.param(lambda root: None, [], 0, "", "", id="unchanged: silent"),
        pytest.param(_prepend_code, [], 0, "", "", id="lines moved and reordered: still known"),
        pytest.param(
            lambda root: _edit(root, "app/a.py", "\n__all__", f"\n{NEW_IMPORT}__all__"),
            [],
            1,
            "app/a.py:6:8: SWS003 module 'pkg.old_ws' imported as a module - import names from their canonical path "
            "instead\n",
            "",
            id="a new finding is reported, alone",
        ),
        pytest.param(
            lambda root: _edit(
                root, "app/sub/c.py", "    return", "    from pkg.compat import Manager as M2\n    return"
            ),
            [],
            0,  # SWS101, a legacy import before its deadline: shown, as a warning
            "app/sub/c.py:11:28: SWS101 'Manager' imported from legacy path 'pkg.compat', allowed before 2030-01-01 - "
            "use 'from pkg.ws import Manager' (fixable with 'ssot-ws fix')\n",
            "",
            id="a second identical finding is new (occurrence index 1)",
        ),
        pytest.param(
            _fix_sws002,
            [],
            0,
            "",
            "baseline: 1 entry fixed, run 'ssot-ws check --write-baseline ci/baseline.json' to shrink it\n",
            id="a fixed finding is reported as fixed",
        ),
        pytest.param(
            _delete_d,
            [],
            0,
            "",
            "baseline: 2 entries fixed, run 'ssot-ws check --write-baseline ci/baseline.json' to shrink it\n",
            id="a deleted file's entries are fixed",
        ),
        pytest.param(
            lambda root: None,
            ["--today", "2031-01-01"],
            1,
            "app/a.py:3:24: SWS001 'Manager' imported from non-canonical path 'pkg.compat' - use 'from pkg.ws import "
            "Manager'; deadline 2030-01-01 passed (fixable with 'ssot-ws fix')\n"
            "app/sub/c.py:9:28: SWS001 'Manager' imported from non-canonical path 'pkg.compat' - use 'from pkg.ws "
            "import Manager'; deadline 2030-01-01 passed (fixable with 'ssot-ws fix')\n",
            "baseline: 2 entries no longer match (fixed, or changed into a new finding); 'ssot-ws check "
            "--write-baseline ci/baseline.json' shrinks it once the new findings are fixed, or accepts them with "
            "--force\n",
            id="a passed deadline: its entries are not called fixed beside the findings they changed into (found by "
            "a seventh trial)",
        ),
        pytest.param(_fix_sws002, ["app/a.py"], 0, "", "", id="files this run did not look at are not fixed"),
        pytest.param(
            lambda root: _edit(root, "app/b.py", "import pkg.old_ws", "import pkg.old_ws(("),
            [],
            0,
            "",
            "app/b.py: SyntaxError: invalid syntax (line 1)\nssot-ws: 1 file could not be read or parsed\n",
            id="an unparsable file's entries are kept, not fixed",
        ),
    ],
)
def test_check_with_baseline_across_edits(tree, capsys, edit, argv, code, out, err) -> None:
    capsys.readouterr()
    edit(tree)
    assert _check(capsys, "--baseline", "ci/baseline.json", *argv) == (code, out, err)


def _add_sws003(root: Path) -> None:
    _edit(root, "app/a.py", "\n__all__", f"\n{NEW_IMPORT}__all__")


FIXED_ONE = "baseline: 1 entry fixed, run 'ssot-ws check --write-baseline ci/baseline.json' to shrink it\n"


def _add_second_sws101(root: Path) -> None:
    _edit(root, "app/sub/c.py", "    return", "    from pkg.compat import Manager as M2\n    return")


SECOND_SWS101 = (
    "app/sub/c.py:11:28: SWS101 'Manager' imported from legacy path 'pkg.compat', allowed before 2030-01-01 - "
    "use 'from pkg.ws import Manager' (fixable with 'ssot-ws fix')\n"
)


@pytest.mark.parametrize(
    ("edit", "argv", "result"),
    [
        pytest.param(
            _fix_sws002, [], (0, "", FIXED_ONE),
            id="control: without a selection the fixed entry is reported",
        ),
        pytest.param(
            _fix_sws002, ["--select", "SWS003"], (0, "", ""),
            id="an entry of a code the run hides is not reported fixed",
        ),
        pytest.param(
            _add_second_sws101, ["--select", "SWS1"], (1, SECOND_SWS101, ""),  # named: an error, as in flake8
            id="occurrence indices count every finding, selected or not",
        ),
        pytest.param(
            _add_sws003, ["--extend-ignore", "SWS003"], (0, "", ""), id="a new finding of a hidden code: not shown",
        ),
    ],
)  # fmt: skip
def test_baseline_and_selection(tree, capsys, edit, argv, result) -> None:
    """The baseline is matched against every finding; the selection only decides what is shown."""
    capsys.readouterr()
    edit(tree)
    assert _check(capsys, "--baseline", "ci/baseline.json", *argv) == result


def test_write_baseline_with_a_selection_keeps_the_other_codes(tree, capsys) -> None:
    """A run with --select speaks only for the codes it selects: entries of the others are
    neither dropped nor added, as for files the run did not look at."""
    _fix_sws002(tree)  # an SWS002 entry nothing matches any more
    _add_sws003(tree)  # a new SWS003 finding
    capsys.readouterr()
    assert _check(capsys, "--write-baseline", "ci/baseline.json", "--select", "SWS001") == (
        0,
        "",
        "baseline: wrote 10 entries to ci/baseline.json (0 added, 0 fixed and removed)\n",
    )
    assert (tree / "ci" / "baseline.json").read_text(encoding="utf-8") == FIXTURE_BASELINE
    assert _check(capsys, "--write-baseline", "ci/baseline.json", "--select", "SWS002") == (
        0,
        "",
        "baseline: wrote 9 entries to ci/baseline.json (0 added, 1 fixed and removed)\n",
    )
    new = "app/a.py:6:8: SWS003 module 'pkg.old_ws' imported as a module - import names from their canonical path"
    assert _check(capsys, "--baseline", "ci/baseline.json")[:2] == (1, f"{new} instead\n")


def test_write_baseline_into_a_folder(tree, capsys) -> None:
    capsys.readouterr()
    assert _check(capsys, "--write-baseline", "ci") == (2, "", "ssot-ws: error: ci: cannot write: is a directory\n")


def test_write_baseline_shrinks(tree, capsys) -> None:
    _fix_sws002(tree)
    _delete_d(tree)
    capsys.readouterr()
    assert _check(capsys, "--write-baseline", "ci/baseline.json") == (
        0,
        "",
        "baseline: wrote 7 entries to ci/baseline.json (0 added, 3 fixed and removed)\n",
    )
    written = (tree / "ci" / "baseline.json").read_text(encoding="utf-8")
    assert written.count('"path"') == 7 and "SWS002" not in written and "app/sub/d.py" not in written


def test_write_baseline_refuses_to_grow_without_force(tree, capsys) -> None:
    _edit(tree, "app/a.py", "\n__all__", f"\n{NEW_IMPORT}__all__")
    _fix_sws002(tree)
    capsys.readouterr()
    assert _check(capsys, "--write-baseline", "ci/baseline.json") == (
        2,
        "",
        (
            "ssot-ws: error: ci/baseline.json: refusing to add 1 new finding to the baseline (first: app/a.py: SWS003 "
            "module 'pkg.old_ws' imported as a module); fix them, or pass --force to accept them\n"
        ),
    )
    assert (tree / "ci" / "baseline.json").read_text(encoding="utf-8") == FIXTURE_BASELINE
    assert _check(capsys, "--write-baseline", "ci/baseline.json", "--force") == (
        0,
        "",
        "baseline: wrote 10 entries to ci/baseline.json (1 added, 1 fixed and removed)\n",
    )
    assert _check(capsys, "--baseline", "ci/baseline.json") == (0, "", "")


def test_write_baseline_for_part_of_the_tree_keeps_the_rest(tree, capsys) -> None:
    _fix_sws002(tree)
    capsys.readouterr()
    assert _check(capsys, "--write-baseline", "ci/baseline.json", "app/b.py") == (
        0,
        "",
        "baseline: wrote 9 entries to ci/baseline.json (0 added, 1 fixed and removed)\n",
    )
    assert _check(capsys, "--baseline", "ci/baseline.json") == (0, "", "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--baseline", "ci/baseline.json", "--write-baseline", "x.json"],
            "argument --write-baseline: not allowed with argument --baseline (see 'ssot-ws check --help')",
            id="read and write at once",
        ),
        pytest.param(
            ["--baseline", "ci/missing.json"],
            "ci/missing.json: no such file (create it with 'ssot-ws check --write-baseline ci/missing.json')",
            id="missing baseline",
        ),
        pytest.param(
            ["--write-baseline", "nowhere/b.json"],
            "nowhere/b.json: cannot write: No such file or directory",
            id="unwritable baseline",
        ),
    ],
)
def test_usage_errors(tree, capsys, argv, message) -> None:
    capsys.readouterr()
    assert _check(capsys, *argv) == (2, "", f"ssot-ws: error: {message}\n")


def test_invalid_baseline_file(tree, capsys) -> None:
    (tree / "ci" / "baseline.json").write_text('{"version": 1, "findings": {}}', encoding="utf-8")
    capsys.readouterr()
    assert _check(capsys, "--baseline", "ci/baseline.json") == (
        2,
        "",
        "ssot-ws: error: ci/baseline.json: findings: expected an array, got dict\n",
    )


def test_flake8_plugin_reads_the_baseline_check_wrote(tmp_path, monkeypatch, capsys) -> None:
    """One file, two tools: the baseline ``check`` writes silences the same findings in flake8,
    also when a noqa'd twin shifts the occurrence indices."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "app" / "e.py").write_text(
        "from pkg.old_ws import Manager  # noqa: SWS001\n\n\ndef f():\n    from pkg.old_ws import Manager\n",
        encoding="utf-8",
    )
    (root / "setup.cfg").write_text(
        "[flake8]\nselect = SWS\nssot-baseline = baseline.json\nexclude = pkg\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    # Real flake8 checks deadlines as of today: so does this check (no --today).
    assert main(["check", "--no-cache", "--write-baseline", "baseline.json"]) == 0

    def flake8() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "flake8", "app"], cwd=root, capture_output=True, text=True)

    assert (flake8().returncode, flake8().stdout) == (0, "")
    _edit(root, "app/e.py", "    from", "    import pkg.old_ws\n    from")
    result = flake8()
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        (
            "app/e.py:5:12: SWS003 module 'pkg.old_ws' imported as a module - import names from their canonical path "
            "instead\n"
        ),
        "",
    )
