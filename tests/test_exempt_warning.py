"""An exempt glob that matches no file: one warning line on stderr per glob, the exit code of
the run unchanged, and only from runs that saw the whole project (see scan/exempt_globs.py)."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.scan import exempt_globs
from flake8_ssot_ws.commands.cli import main
from tests.conftest import write_tree

GROUP = '[[group]]\nname = "g"\ncanonical = ["from m import X"]\n[[group.legacy]]\nimport = "from old import X"\n'
EXEMPT = 'exempt = ["app/shim.py", "app/legacy/*.py"]\n'
LEGACY = "from old import X\n"  # a finding anywhere but in an exempt file
CLEAN = "from m import X\n"
SWS001 = "1:17: SWS001 'X' imported from non-canonical path 'old' - use 'from m import X' (fixable with 'ssot-ws fix')"
# Every exempt glob matches a file: the shim, and a module in app/legacy/.
LIVE = {"app/shim.py": LEGACY, "app/legacy/old.py": LEGACY, "app/views.py": CLEAN}
DEAD = {"app/shim.py": LEGACY, "app/views.py": CLEAN}  # nothing in app/legacy/
RUN = ["--no-cache", "--today", "2026-01-01"]


def _warning(registry: Path, index: int, glob: str) -> str:
    return f"ssot-ws: warning: {registry}: exempt[{index}]: {glob!r} matches no Python file\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/proj`` holds the registry; the test runs from ``tmp_path``'s subfolder it names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "proj"


# (registry, files under proj/, where to run from (relative to tmp_path), arguments,
#  exit code, stdout (paths relative to proj/ when run from there), the globs warned about)
CHECK_CASES = [
    pytest.param(EXEMPT, DEAD, "proj", [], 0, "", [(1, "app/legacy/*.py")], id="dead glob: one warning, exit 0"),
    pytest.param(EXEMPT, {**DEAD, "app/bad.py": LEGACY}, "proj", [], 1, f"app/bad.py:{SWS001}\n",
                 [(1, "app/legacy/*.py")], id="dead glob and a finding: one warning, exit 1"),
    pytest.param(EXEMPT, {"app/views.py": CLEAN}, "proj", [], 0, "",
                 [(0, "app/shim.py"), (1, "app/legacy/*.py")], id="two dead globs: one line each, in order"),
    pytest.param(EXEMPT, LIVE, "proj", [], 0, "", [], id="every glob matches: no warning"),
    pytest.param("", {"app/views.py": CLEAN}, "proj", [], 0, "", [], id="no exempt key: no warning"),
    pytest.param(EXEMPT, {**DEAD, "app/legacy/notes.txt": "x\n"}, "proj", [], 0, "", [(1, "app/legacy/*.py")],
                 id="a glob that matches only a non-Python file is dead"),
    pytest.param(EXEMPT, DEAD, "proj", ["app/views.py"], 0, "", [], id="explicit files (pre-commit): no warning"),
    pytest.param(EXEMPT, DEAD, "proj", ["app"], 0, "", [], id="a folder below the registry's: no warning"),
    pytest.param(EXEMPT, DEAD, "proj", ["app/views.py", "."], 0, "", [(1, "app/legacy/*.py")],
                 id="explicit files and the registry's folder: warning"),
    pytest.param(EXEMPT, DEAD, ".", ["."], 0, "", [(1, "app/legacy/*.py")],
                 id="a folder above the registry's: warning"),
    pytest.param(EXEMPT, DEAD, "proj/app", ["{proj}"], 0, "", [(1, "app/legacy/*.py")],
                 id="the registry's folder from below it: warning"),
    pytest.param('exempt = ["app/*/old*.py", "app/[!v]*.py", "app/*/new*.py", "*.pyi"]\n', LIVE, "proj", [], 0,
                 "", [(2, "app/*/new*.py"), (3, "*.pyi")], id="several wildcards and a bracket set"),
    pytest.param(EXEMPT.replace("*.py", "*"), {**DEAD, "app/legacy/old.pyi": CLEAN}, "proj", [], 0, "", [],
                 id="a .pyi file matches"),
    pytest.param(EXEMPT, LIVE, "proj", ["--extend-exclude", "legacy"], 0, "", [],
                 id="--extend-exclude hides the only match: the file exists, no warning"),
    pytest.param(EXEMPT, LIVE, "proj", ["--exclude", "legacy"], 0, "", [],
                 id="--exclude (replacing the defaults) hides every match: no warning"),
]  # fmt: skip


@pytest.mark.parametrize(("registry", "files", "cwd", "argv", "code", "out", "warned"), CHECK_CASES)
def test_check(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    registry: str,
    files: dict[str, str],
    cwd: str,
    argv: list[str],
    code: int,
    out: str,
    warned: list[tuple[int, str]],
) -> None:
    path = project / "ssot-registry.toml"
    write_tree(project, {**files, "ssot-registry.toml": registry + GROUP})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project.parent / cwd)
        arguments = [argument.format(proj=project) for argument in argv]
        assert main(["check", *RUN, "--registry", str(path), *arguments]) == code
    expected_out = out.replace("app/", "proj/app/") if cwd == "." else out
    assert capsys.readouterr() == (expected_out, "".join(_warning(path, *glob) for glob in warned))


def test_the_usual_run_discovers_nothing_more(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every glob matches a file the scan looked at: no second discovery (a warm check stays fast)."""
    write_tree(project, {**LIVE, "ssot-registry.toml": EXEMPT + GROUP})
    monkeypatch.chdir(project)
    monkeypatch.setattr(exempt_globs, "iter_python_files", None)  # calling it would raise
    assert main(["check", *RUN]) == 0
    assert capsys.readouterr() == ("", "")


def test_symlink_to_the_registrys_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {**DEAD, "ssot-registry.toml": EXEMPT + GROUP})
    (project.parent / "link").symlink_to(project)
    assert main(["check", *RUN, "--registry", "proj/ssot-registry.toml", "link"]) == 0
    assert capsys.readouterr() == ("", _warning(project / "ssot-registry.toml", 1, "app/legacy/*.py"))


def test_file_outside_the_registrys_folder_is_not_a_match(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scan from above the registry's folder also sees files outside it: they match no glob."""
    write_tree(project, {**DEAD, "ssot-registry.toml": EXEMPT + GROUP})
    write_tree(project.parent, {"app/legacy/old.py": CLEAN})  # app/legacy/ of the parent, not of proj
    assert main(["check", *RUN, "--registry", "proj/ssot-registry.toml", "."]) == 0
    assert capsys.readouterr() == ("", _warning(project / "ssot-registry.toml", 1, "app/legacy/*.py"))


# (command, files, arguments, exit code, stderr after the warnings)
COMMAND_CASES = [
    pytest.param("fix", DEAD, [], 0, "fixed 0 findings in 0 files; 0 left (not fixable)\n", id="fix, clean"),
    pytest.param("fix", {**DEAD, "app/bad.py": LEGACY}, [], 1,
                 "Rewriting app/bad.py\nfixed 1 finding in 1 file; 0 left (not fixable)\n", id="fix, a fix"),
    pytest.param("report", DEAD, [], 0, "", id="report"),
    pytest.param("report", {**DEAD, "app/bad.py": LEGACY}, ["--fail-under", "100"], 1,
                 "ssot-ws: compliance 50.0% is below --fail-under 100%\n", id="report, below --fail-under"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "files", "argv", "code", "err"), COMMAND_CASES)
@pytest.mark.parametrize(
    ("paths", "warned"),
    [
        pytest.param([], True, id="whole project"),
        pytest.param(["app/views.py", "app/shim.py"], False, id="explicit files"),
    ],
)
def test_fix_and_report(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    files: dict[str, str],
    argv: list[str],
    code: int,
    err: str,
    paths: list[str],
    warned: bool,
) -> None:
    write_tree(project, {**files, "ssot-registry.toml": EXEMPT + GROUP})
    monkeypatch.chdir(project)
    if paths and "app/bad.py" in files:
        paths = [*paths, "app/bad.py"]
    assert main([command, *RUN, *argv, *paths]) == code
    warning = _warning(project / "ssot-registry.toml", 1, "app/legacy/*.py") if warned else ""
    assert capsys.readouterr().err == warning + err


# --- ssot-ws registry --check: registry hygiene, the registry's whole folder -------------


@pytest.mark.parametrize(
    ("files", "document", "code", "warned"),
    [
        pytest.param(DEAD, "current", 0, True, id="dead glob, document up to date: warning, exit 0"),
        pytest.param(DEAD, "missing", 1, True, id="dead glob, document missing: warning, exit 1"),
        pytest.param(LIVE, "current", 0, False, id="every glob matches: no warning"),
        pytest.param(LIVE, "missing", 1, False, id="every glob matches, document missing: no warning"),
    ],
)
def test_registry_check(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    document: str,
    code: int,
    warned: bool,
) -> None:
    write_tree(project, {**files, "ssot-registry.toml": EXEMPT + GROUP})
    monkeypatch.chdir(project / "app")  # the whole folder of the registry, wherever the hook runs
    registry = str(project / "ssot-registry.toml")
    assert main(["registry", "--registry", registry]) == 0
    generated = capsys.readouterr().out
    if document == "current":
        Path("doc.md").write_text(generated, encoding="utf-8")
    assert main(["registry", "--registry", registry, "--check", "doc.md"]) == code
    warning = _warning(project / "ssot-registry.toml", 1, "app/legacy/*.py") if warned else ""
    if document == "current":
        assert capsys.readouterr() == ("", warning)
    else:
        diff = "".join(difflib.unified_diff([], generated.splitlines(keepends=True), "doc.md", "generated"))
        regenerate = "regenerate it with 'ssot-ws registry --output-format markdown > doc.md'"
        assert capsys.readouterr() == (diff, f"{warning}doc.md is missing (ssot-registry.toml): {regenerate}\n")


def test_registry_without_check_does_not_warn(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Printing the document is generation, not hygiene: its output goes into a file."""
    write_tree(project, {**DEAD, "ssot-registry.toml": EXEMPT + GROUP})
    assert main(["registry", "--registry", "proj/ssot-registry.toml", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("registry", "expected"),
    [
        pytest.param(GROUP, "", id="no exempt key"),
        pytest.param('exempt = ["app/*.py"]\n' + GROUP, "", id="a glob that matches"),
        pytest.param(
            'exempt = ["app/*.py", "gone.py"]\n' + GROUP,
            "ssot-ws: warning: {registry}: exempt[1]: 'gone.py' matches no Python file\n",
            id="pyproject.toml: the key as in its errors (relative to the tool table)",
        ),
    ],
)
def test_registry_check_in_pyproject(
    project: Path, capsys: pytest.CaptureFixture[str], registry: str, expected: str
) -> None:
    pyproject = project / "pyproject.toml"
    table = registry.replace("[[group]]", "[[tool.flake8-ssot-ws.group]]")
    write_tree(project, {**DEAD, "pyproject.toml": f"[tool.flake8-ssot-ws]\n{table}"})
    main(["registry", "--registry", str(pyproject)])
    document = project / "doc.md"
    document.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["registry", "--registry", str(pyproject), "--check", str(document)]) == 0
    assert capsys.readouterr() == ("", expected.format(registry=pyproject))


# --- flake8: per file, so never a warning ------------------------------------------------


@pytest.mark.parametrize(
    ("files", "code", "out"),
    [
        pytest.param(DEAD, 0, "", id="clean"),
        pytest.param({**DEAD, "app/bad.py": LEGACY}, 1, f"./app/bad.py:{SWS001}\n", id="a finding"),
    ],
)
def test_flake8_never_warns(project: Path, files: dict[str, str], code: int, out: str) -> None:
    write_tree(project, {**files, "ssot-registry.toml": EXEMPT + GROUP})
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SWS", "--ssot-registry", "ssot-registry.toml", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (code, out, "")
