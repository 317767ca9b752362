"""Bad and hostile input, one case each: a one-line reason naming the file, the other files still
checked, exit code 2 only for registry/usage errors, never a traceback, and ``fix`` never
writes a file it could not fully verify (its bytes and mode unchanged)."""

from __future__ import annotations

import ast
import datetime
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable
from typing import Union

import pytest
from flake8.options.parse_args import parse_args
from flake8.processor import FileProcessor

import flake8_ssot_ws.scan.runner
from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.plugin import Plugin
from flake8_ssot_ws.registry import load_registry
from tests.conftest import EXAMPLE_EXEMPT_FILES
from tests.conftest import EXAMPLE_REGISTRY
from tests.conftest import write_tree

LEGACY = b"from app.websocket_core.websocket_manager import WebSocketManager\n"
CANONICAL = b"from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager\n"
SWS001 = (
    "SWS001 'WebSocketManager' imported from non-canonical path 'app.websocket_core.websocket_manager' - use "
    "'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'; "
    "deadline 2026-03-31 passed; see issue 1182 (fixable with 'ssot-ws fix')"
)
GOOD_FINDING = f"good.py:1:50: {SWS001}\n"
SUMMARY = "ssot-ws: 1 file could not be read or parsed\n"
NO_FILES = (
    "ssot-ws: warning: no Python files found under the given paths (git-ignored, excluded and non-Python files "
    "are skipped)"
)
TODAY = ["--no-cache", "--today", "2026-04-01"]  # past the legacy deadline: SWS001, which fails a run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A registry, the files it exempts, and good.py, a file with one finding that every run must
    still report."""
    (tmp_path / "ssot-registry.toml").write_text(EXAMPLE_REGISTRY, encoding="utf-8")
    write_tree(tmp_path, EXAMPLE_EXEMPT_FILES)
    (tmp_path / "good.py").write_bytes(LEGACY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


SAME = "the same"


def _nested_ifs(depth: int) -> bytes:
    return b"".join(b" " * level + b"if x:\n" for level in range(depth)) + b" " * depth + b"pass\n"


# (content of bad.py, the reason check gives for it or None when it is a fine file,
#  how many findings check reports in it, the reason fix gives when it differs).
# check reads a file that is not valid Python text as latin-1, as flake8 does, so that the two
# agree; fix decodes strictly, as Python does, and leaves such a file alone.
SOURCES = [
    pytest.param(b"", None, 0, SAME, id="empty"),
    pytest.param(bytes(range(256)) * 4, ("SyntaxError: source code ", "ValueError: source code "), 0, SAME,
                 id="binary (read as latin-1: a NUL byte)"),
    pytest.param(b"x = '\xe9'\n" + LEGACY, None, 1, "SyntaxError: invalid or missing encoding declaration",
                 id="not UTF-8, no cookie"),
    pytest.param(b"# -*- coding: nosuch -*-\n" + LEGACY, None, 1, "SyntaxError: unknown encoding: nosuch",
                 id="wrong cookie"),
    pytest.param(b"# -*- coding: rot13 -*-\n" + LEGACY, "LookupError: 'rot13' is not a text encoding", 0, SAME,
                 id="cookie naming a codec that is not a text encoding (flake8 itself crashes)"),
    pytest.param(b"\xef\xbb\xbf" + LEGACY, None, 1, SAME, id="BOM"),
    pytest.param(LEGACY.replace(b"\n", b"\r\n") * 2, None, 2, SAME, id="CRLF"),
    pytest.param(LEGACY + LEGACY.replace(b"\n", b"\r\n") + LEGACY.replace(b"\n", b"\r"), None, 3, SAME,
                 id="mixed line endings"),
    pytest.param(LEGACY + b"x = 1\0\n", ("SyntaxError: source code ", "ValueError: source code "), 0, SAME,
                 id="NUL byte (ValueError before 3.12)"),
    pytest.param(b"x = " + b"(" * 5000 + b")" * 5000 + b"\n" + LEGACY, "SyntaxError: ", 0, SAME,
                 id="5000 nested parentheses"),
    pytest.param(_nested_ifs(1000) + LEGACY, "IndentationError: too many levels of indentation", 0, SAME,
                 id="1000 nested ifs"),
    pytest.param(b"x = '" + b"a" * 1_000_000 + b"'\n" + LEGACY, None, 1, SAME, id="1 MB line"),
    pytest.param(LEGACY + b"def (:\n", "SyntaxError: invalid syntax (line 2)", 0, SAME, id="unparsable"),
    # Found by the fuzz tests: Python 3.9-3.11 parse this text, but not with its line endings made
    # "\n", as flake8 reads files; check reads it as flake8 does, so both say it does not parse.
    pytest.param(LEGACY + b"\n\\\r\n", "SyntaxError: unexpected EOF while parsing (line 3)", 0, SAME,
                 id="a backslash before the final CRLF"),
]  # fmt: skip


def _prefixes(reason: str | tuple[str, ...]) -> tuple[str, ...]:
    """The start of the line naming bad.py; a tuple where Python versions word it differently."""
    return tuple(f"bad.py: {r}" for r in ((reason,) if isinstance(reason, str) else reason))


def _expected_err(reason: str | tuple[str, ...] | None) -> Callable[[str], bool]:
    def matches(err: str) -> bool:
        if reason is None:
            return err == ""
        first, _, rest = err.partition("\n")
        return first.startswith(_prefixes(reason)) and rest == SUMMARY

    return matches


Reason = Union[str, tuple[str, ...], None]


@pytest.mark.parametrize(("content", "reason", "count", "fix_reason"), SOURCES)
def test_check_bad_source(
    project: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: Reason, count: int, fix_reason: Reason
) -> None:
    (project / "bad.py").write_bytes(content)
    assert main(["check", *TODAY, "bad.py", "good.py"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert _expected_err(reason)(err), err
    bad_lines = [line for line in out.splitlines(keepends=True) if line.startswith("bad.py:")]
    assert (len(bad_lines), out.endswith(GOOD_FINDING)) == (count, True)


@pytest.mark.parametrize(("content", "reason", "count", "fix_reason"), SOURCES)
def test_fix_bad_source(
    project: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: Reason, count: int, fix_reason: Reason
) -> None:
    reason = reason if fix_reason == SAME else fix_reason
    bad = project / "bad.py"
    bad.write_bytes(content)
    os.chmod(bad, 0o751)
    main(["fix", *TODAY, "bad.py", "good.py"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (project / "good.py").read_bytes() == CANONICAL  # the run went on
    assert oct(os.stat(bad).st_mode & 0o777) == "0o751"
    if reason is not None or count == 0:
        assert bad.read_bytes() == content
        if reason is None:
            assert "bad.py" not in err
        else:
            assert any(line.startswith(_prefixes(reason)) for line in err.splitlines())
        return
    # A fine file with findings: rewritten, and what was written checks clean, keeping BOM and line ends.
    after = bad.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
    assert (after.count(b"\r\n"), after.count(b"\r")) == (content.count(b"\r\n"), content.count(b"\r"))
    # An import ending in a lone CR is refused (stated on stderr), not guessed at; the rest is fixed.
    lone_cr = content.count(b"\r") - content.count(b"\r\n")
    assert err.count("SWS001 not fixed: a line ending in a lone carriage return\n") == lone_cr
    assert main(["check", *TODAY, "bad.py"]) == int(lone_cr > 0)
    out, err = capsys.readouterr()
    assert (out.count("bad.py:"), err) == (lone_cr, "")


@pytest.mark.parametrize(("content", "reason", "count", "fix_reason"), [p for p in SOURCES if p.values[1] is None])
def test_plugin_bad_source(
    project: Path, plugin_state: None, content: bytes, reason: Reason, count: int, fix_reason: Reason
) -> None:
    """The flake8 plugin on every case that parses (flake8 itself reports the others as E902/E999),
    given the lines as flake8 reads them."""
    (project / "bad.py").write_bytes(content)
    options = parse_args(["--isolated"])[1]  # first: it also sets the plugin's options
    lines = FileProcessor(str(project / "bad.py"), options).read_lines()
    Plugin.registry = load_registry(project / "ssot-registry.toml")
    Plugin.today = datetime.date(2026, 1, 1)
    results = list(Plugin(ast.parse("".join(lines)), str(project / "bad.py"), lines).run())
    assert [(message.split()[0]) for _, _, message, _ in results] == ["SWS101"] * count


def test_100000_imports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = b"".join(LEGACY if number % 1000 == 0 else b"import os\n" for number in range(100_000))
    (project / "bad.py").write_bytes(content)
    assert main(["check", *TODAY, "bad.py", "good.py"]) == 1
    out, err = capsys.readouterr()
    assert (out.count("\nbad.py:") + out.startswith("bad.py:"), out.endswith(GOOD_FINDING), err) == (100, True, "")


# --- paths -------------------------------------------------------------------------------


def test_path_that_does_not_exist(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "fix", "report"):
        assert main([command, "nowhere.py"]) == 2
        out, err = capsys.readouterr()
        assert (out, err.count("\n"), "nowhere.py" in err, "Traceback" in err) == ("", 1, True, False)


def test_directory_without_python_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "readme.txt").write_text("import this\n")
    assert main(["check", *TODAY, "docs"]) == 0
    assert capsys.readouterr() == ("", f"{NO_FILES}\n")


def _failing_read(monkeypatch: pytest.MonkeyPatch, action: Callable[[str], None]) -> None:
    original = flake8_ssot_ws.scan.runner._read

    def read(path: str) -> bytes:
        if os.path.basename(path) == "bad.py":
            action(path)
        return original(path)

    monkeypatch.setattr(flake8_ssot_ws.scan.runner, "_read", read)


def _permission_denied(path: str) -> None:
    raise PermissionError(13, "Permission denied", path)


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        # Tests run as root, where chmod 000 does not stop a read: the error is raised instead.
        pytest.param(_permission_denied, "cannot read: Permission denied", id="unreadable file"),
        pytest.param(os.unlink, "cannot read: No such file or directory", id="deleted between discovery and read"),
    ],
)
def test_file_that_cannot_be_read_during_the_run(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    action: Callable[[str], None],
    reason: str,
) -> None:
    (project / "bad.py").write_bytes(LEGACY)
    _failing_read(monkeypatch, action)
    assert main(["check", *TODAY, "bad.py", "good.py"]) == 1
    assert capsys.readouterr() == (GOOD_FINDING, f"bad.py: {reason}\n{SUMMARY}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file: see the simulated case above")
def test_chmod_000(project: Path, capsys: pytest.CaptureFixture[str]) -> None:  # pragma: no cover (not root)
    bad = project / "bad.py"
    bad.write_bytes(LEGACY)
    os.chmod(bad, 0)
    assert main(["check", *TODAY, "bad.py", "good.py"]) == 1
    assert capsys.readouterr() == (GOOD_FINDING, f"bad.py: cannot read: Permission denied\n{SUMMARY}")
    assert main(["fix", *TODAY, "bad.py"]) == 0
    assert os.stat(bad).st_mode & 0o777 == 0


def test_symlink_loop(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "loop_a.py").symlink_to(project / "loop_b.py")
    (project / "loop_b.py").symlink_to(project / "loop_a.py")
    assert main(["check", *TODAY, "."]) == 1
    out, err = capsys.readouterr()
    assert out == GOOD_FINDING
    assert err == (
        "loop_a.py: cannot read: Too many levels of symbolic links\n"
        "loop_b.py: cannot read: Too many levels of symbolic links\n"
        "ssot-ws: 2 files could not be read or parsed\n"
    )


def test_link_pointing_outside_the_tree_is_checked_not_fixed(
    tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_bytes(LEGACY)
    (project / "link.py").symlink_to(outside)
    assert main(["check", *TODAY, "link.py"]) == 1
    assert capsys.readouterr() == (f"link.py:1:50: {SWS001}\n", "")
    main(["fix", *TODAY, "link.py"])
    assert outside.read_bytes() == LEGACY
    refused = f"link.py: not written: symlink to {outside} points outside the registry's root {project}\n"
    assert refused in capsys.readouterr().err


# --- registries --------------------------------------------------------------------------

GROUP = '[[group]]\nname = "g"\ncanonical = ["from m import X"]\n'
REGISTRIES = [
    pytest.param(None, "--registry missing.toml: no such file", id="missing"),
    pytest.param("", "group: no [[group]] defined: nothing to check", id="empty"),
    pytest.param("[[group]\n", "invalid TOML", id="not TOML"),
    pytest.param(GROUP + "reason = " + "[" * 5_000 + "]" * 5_000 + "\n", "invalid TOML: nested too deeply to read",
                 id="nested too deeply for tomllib (a traceback and exit 1, found by the fourth trial)"),
    pytest.param('exempt = "x.py"\n' + GROUP, "exempt: expected an array of strings, got str 'x.py'", id="wrong type"),
    pytest.param("colour = 1\n" + GROUP, "colour: unknown key", id="unknown key"),
    pytest.param(GROUP.replace("from m import X", "import m"), "group[0].canonical[0]: expected exactly one",
                 id="invalid import string"),
    pytest.param(GROUP + GROUP.replace('"g"', '"h"').replace("m import", "n import"),
                 "group[1].canonical[0]: binds 'X' like group[0].canonical[0]", id="duplicate canonical binding"),
    pytest.param(GROUP + '[[group.legacy]]\nimport = "from old import X"\ndeadline = "soon"\n',
                 "group[0].legacy[0].deadline: expected a TOML date", id="deadline not a date"),
]  # fmt: skip


@pytest.mark.parametrize("command", ["check", "fix", "report", "registry"])
@pytest.mark.parametrize(("text", "message"), REGISTRIES)
def test_bad_registry(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, text: str | None, message: str
) -> None:
    if text is not None:
        (project / "bad.toml").write_text(text, encoding="utf-8")
    registry = "missing.toml" if text is None else "bad.toml"
    assert main([command, "--registry", registry]) == 2
    out, err = capsys.readouterr()
    assert (out, err.count("\n"), "Traceback" in err) == ("", 1, False)
    assert err.startswith("ssot-ws: error: ")
    assert message in err
    assert (project / "good.py").read_bytes() == LEGACY


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda path: None, "--registry ssot.toml: no such file", id="missing"),
        pytest.param(lambda path: path.mkdir(), "--registry ssot.toml: a folder, not a registry file", id="a folder"),
        pytest.param(
            lambda path: path.symlink_to("gone.toml"), "--registry ssot.toml: a broken symlink to gone.toml",
            id="a broken symlink",
        ),
        pytest.param(lambda path: path.symlink_to("ssot.toml"), "--registry ssot.toml: a symlink loop", id="a loop"),
        # Found by a ninth trial: these said "no such file" (check) where flake8 said what they are.
        pytest.param(
            lambda path: os.mkfifo(path), "{root}/ssot.toml: cannot read: not a regular file", id="a FIFO",
        ),
        pytest.param(
            lambda path: path.symlink_to(os.devnull), "{root}/ssot.toml: cannot read: not a regular file",
            id="a link to a device",
        ),
        pytest.param(
            lambda path: socket.socket(socket.AF_UNIX).bind(str(path)),
            "{root}/ssot.toml: cannot read: not a regular file", id="a socket (it cannot even be opened)",
        ),
    ],
)
def test_registry_option_that_is_not_a_file(
    project: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None], message: str
) -> None:
    make(project / "ssot.toml")
    assert main(["check", "--registry", "ssot.toml"]) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message.format(root=project)}\n")


def test_an_empty_registry_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not discovery instead: `--registry "$UNSET"` must not quietly check with another registry."""
    assert main(["check", "--registry", ""]) == 2
    assert capsys.readouterr() == ("", "ssot-ws: error: --registry: expected a path, got ''\n")


@pytest.mark.parametrize(("text", "message"), [p for p in REGISTRIES if p.values[0] is not None][1:4])
def test_flake8_bad_registry(project: Path, text: str, message: str) -> None:
    (project / "bad.toml").write_text(text, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "SWS", "--ssot-registry", "bad.toml", "good.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    err = completed.stderr
    assert (completed.returncode != 0, err.count("\n"), "Traceback" in err) == (True, 1, False)
    assert err.startswith("flake8-ssot-ws: ")
    assert message in err


def test_how_deep_a_registry_may_nest_does_not_depend_on_the_caller() -> None:
    """flake8's stack is deeper than ssot-ws's: a registry one read, the other refused as
    nested too deeply (found by the fifth trial)."""
    from flake8_ssot_ws.registry.load import parse_toml

    text = "x = " + "[" * 350 + "]" * 350 + "\n"  # tomli (Python < 3.11) reads 400 levels, tomllib 490

    def parse_from_depth(frames: int) -> object:
        return parse_toml("r.toml", text) if frames == 0 else parse_from_depth(frames - 1)

    assert parse_from_depth(400) == parse_from_depth(0) == parse_toml("r.toml", text)
    limit = sys.getrecursionlimit()
    assert parse_from_depth(400) and sys.getrecursionlimit() == limit


def _run(project: Path, *argv: str) -> tuple[int, str, str]:
    """A command in a child process, under a bound: a FIFO must never make it wait."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", *argv], cwd=project, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(argv)} still waiting after 30 s (a FIFO read that blocks)")
    return done.returncode, done.stdout, done.stderr


FIFO_SOURCE = "t/fifo.py: cannot read: not a regular file\n" + SUMMARY


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize(
    ("fifo", "argv", "expected"),
    [
        pytest.param(
            "t/fifo.py", ["flake8_ssot_ws", "check", *TODAY, "t", "good.py"],
            (1, GOOD_FINDING, FIFO_SOURCE), id="check: a FIFO found in a folder outside git",
        ),
        pytest.param(
            "t/fifo.py", ["flake8_ssot_ws", "check", *TODAY, "t/fifo.py", "good.py"],
            (1, GOOD_FINDING, FIFO_SOURCE), id="check: a FIFO named on the command line",
        ),
        pytest.param(
            "t/fifo", ["flake8_ssot_ws", "check", *TODAY, "t/fifo", "good.py"],
            (1, GOOD_FINDING, FIFO_SOURCE.replace("fifo.py", "fifo")),
            id="check: a FIFO without a suffix, named (its first line is not read for a shebang)",
        ),
        pytest.param(
            "t/fifo.py", ["flake8_ssot_ws", "fix", *TODAY, "--diff", "t"],
            (0, "", FIFO_SOURCE + "would fix 0 findings in 0 files; 0 left (not fixable)\n"), id="fix",
        ),
        pytest.param(
            "t/fifo.py", ["flake8_ssot_ws", "init", "--watch", "*WebSocketManager", "--format", "json", "t", "good.py"],
            (0, SAME, FIFO_SOURCE), id="init",
        ),
        pytest.param(
            "b.json", ["flake8_ssot_ws", "check", *TODAY, "--baseline", "b.json", "good.py"],
            (2, "", "ssot-ws: error: b.json: cannot read: not a regular file\n"), id="a baseline that is a FIFO",
        ),
        pytest.param(
            "ssot-registry.toml", ["flake8_ssot_ws", "check", *TODAY, "good.py"],
            (2, "", "ssot-ws: error: {root}/ssot-registry.toml: cannot read: not a regular file\n"),
            id="a registry that is a FIFO: check",
        ),
        pytest.param(
            "ssot-registry.toml", ["flake8", "--select", "SWS", "good.py"],
            (2, "", "flake8-ssot-ws: {root}/ssot-registry.toml: cannot read: not a regular file\n"),
            id="a registry that is a FIFO: flake8 (every run of a project would hang)",
        ),
    ],
)  # fmt: skip
def test_a_fifo_never_makes_a_run_wait(
    project: Path, fifo: str, argv: list[str], expected: tuple[int, str, str]
) -> None:
    """Found by an eighth trial: every command, and flake8 with the plugin, hung on a FIFO."""
    (project / "t").mkdir()
    if fifo == "ssot-registry.toml":
        (project / fifo).unlink()
    os.mkfifo(project / fifo)
    code, out, err = _run(project, *argv)
    want_code, want_out, want_err = expected
    init_err = err.splitlines(keepends=True)[: len(FIFO_SOURCE.splitlines())]
    assert (code, out if want_out is not SAME else SAME, err if argv[1] != "init" else "".join(init_err)) == (
        want_code, want_out, want_err.format(root=project)
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize(
    ("fifo", "argv", "expected"),
    [
        pytest.param("t/fifo.py", ["check", *TODAY, "t", "good.py"], (1, GOOD_FINDING, FIFO_SOURCE), id="found"),
        pytest.param(
            "t/fifo", ["check", *TODAY, "t/fifo", "good.py"], (1, GOOD_FINDING, FIFO_SOURCE.replace("fifo.py", "fifo")),
            id="named, without a suffix",
        ),
        pytest.param(
            "ssot-registry.toml", ["check", *TODAY, "good.py"],
            (2, "", "ssot-ws: error: {root}/ssot-registry.toml: cannot read: not a regular file\n"), id="the registry",
        ),
    ],
)  # fmt: skip
def test_a_fifo_in_process(
    project: Path, capsys: pytest.CaptureFixture[str], fifo: str, argv: list[str], expected: tuple[int, str, str]
) -> None:
    """The cases above, in this process (so coverage sees them), under an alarm instead of a
    child's timeout."""
    import signal

    (project / "t").mkdir()
    if fifo == "ssot-registry.toml":
        (project / fifo).unlink()
    os.mkfifo(project / fifo)

    def waited(signum: int, frame: object) -> None:  # pragma: no cover (only when a read blocks)
        raise AssertionError("a FIFO read blocked for 30 s")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(30)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    want_code, want_out, want_err = expected
    assert (code, *capsys.readouterr()) == (want_code, want_out, want_err.format(root=project))
