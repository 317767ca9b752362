"""``ssot-ws fix`` end to end through ``main([...])`` on real files in a temporary project."""

from __future__ import annotations

import ast
import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from flake8_ssot_ws.fix import rewrite as fix
from flake8_ssot_ws.commands import fix as fix_command
from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.fix.rewrite import fix_text
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.core.rules import file_context
from tests.test_fix import FIX_CASES
from tests.test_fix import MODULE_PATH
from tests.test_fix import NOOP_CASES
from tests.test_fix import REFUSALS
from tests.test_fix import REGISTRY
from tests.test_fix import SWS001
from tests.test_fix import TODAY
from tests.test_fix import WSM

FIX = ["fix", "--today", TODAY.isoformat()]
NOT_UTF8 = "'utf-8' codec can't decode byte 0xff in position 41: invalid start byte"
MISMATCH = "the finding does not match the source (changed since it was checked?)"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ssot-registry.toml").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / MODULE_PATH).parent.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _expected_counts(project: Path, source: str) -> tuple[int, int]:
    registry = load_registry(project / "ssot-registry.toml")
    result = fix_text(source, registry, file_context(registry, project / MODULE_PATH), today=TODAY)
    return len(result.fixed), len(result.left)


@pytest.mark.parametrize(("source", "expected"), FIX_CASES)
def test_fix_files(project, capsys, source, expected) -> None:
    module = project / MODULE_PATH
    module.write_bytes(source.encode("utf-8"))
    fixed, left = _expected_counts(project, source)
    assert main([*FIX, MODULE_PATH]) == 1
    assert module.read_bytes() == expected.encode("utf-8")
    err = capsys.readouterr().err
    findings = "1 finding" if fixed == 1 else f"{fixed} findings"
    assert err == f"Rewriting {MODULE_PATH}\nfixed {findings} in 1 file; {left} left (not fixable)\n"
    # A second run changes nothing (the pre-commit fixer contract).
    assert main([*FIX, MODULE_PATH]) == 0  # nothing rewritten: what is left is the check hook's
    assert module.read_bytes() == expected.encode("utf-8")
    assert capsys.readouterr().err == f"fixed 0 findings in 0 files; {left} left (not fixable)\n"


@pytest.mark.parametrize("source", NOOP_CASES)
def test_fix_files_noop(project, capsys, source) -> None:
    module = project / MODULE_PATH
    module.write_bytes(source.encode("utf-8"))
    _, left = _expected_counts(project, source)
    assert main([*FIX, MODULE_PATH]) == 0  # nothing rewritten: what is left is the check hook's
    assert module.read_bytes() == source.encode("utf-8")
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == left
    assert err == f"fixed 0 findings in 0 files; {left} left (not fixable)\n"


@pytest.mark.parametrize(("source", "reason"), REFUSALS)
def test_refusal_leaves_the_file_byte_identical(project, capsys, source, reason) -> None:
    module = project / MODULE_PATH
    module.write_bytes(source.encode("utf-8"))
    assert main([*FIX, MODULE_PATH]) == 0
    assert module.read_bytes() == source.encode("utf-8")
    out, err = capsys.readouterr()
    (finding,) = out.splitlines()
    position = finding.split(": SWS001 ")[0]
    assert err == (
        f"{position}: SWS001 not fixed: {reason}\n"
        "fixed 0 findings in 0 files; 1 left (not fixed, see above)\n"
    )


def test_summary_counts_refused_fixes_apart(project, capsys) -> None:
    """Left findings without a fix, and fixable ones whose fix was refused (said above)."""
    (project / MODULE_PATH).write_bytes(b"x = 1\rfrom app.ws import WebSocketManager\r")  # refused: lone CRs
    (project / MODULE_PATH).with_name("plain.py").write_text("import app.ws.legacy\n")  # SWS003: no fix
    assert main(FIX) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "fixed 0 findings in 0 files; 2 left (1 not fixable, 1 not fixed, see above)"
    )


@pytest.mark.parametrize(
    ("data", "written"),
    [
        pytest.param(
            b"# coding: utf-7\nx = '+AOk-'\nfrom app.ws import WebSocketManager\n",
            None,
            id="UTF-7 writes '+AOk-' back as '+AOk': refused (found by the fourth trial)",
        ),
        pytest.param(
            b"# coding: latin-1\nx = '\xe9'\r\nfrom app.ws import WebSocketManager\r\n",
            f"# coding: latin-1\nx = '\xe9'\r\n{WSM}\r\n".encode("latin-1"),
            id="latin-1 and CRLF read back: fixed",
        ),
    ],
)
def test_an_encoding_must_give_back_the_bytes(project, capsys, data: bytes, written: bytes | None) -> None:
    module = project / MODULE_PATH
    module.write_bytes(data)
    assert main([*FIX, MODULE_PATH]) == (0 if written is None else 1)  # 1: a file was rewritten
    assert module.read_bytes() == (data if written is None else written)
    if written is None:
        assert capsys.readouterr().err == (
            f"{MODULE_PATH}: not fixed: its encoding (utf-7) does not give back its bytes\n"
            "fixed 0 findings in 0 files; 1 left (not fixed, see above)\n"
        )


def test_safety_net_leaves_the_file_byte_identical(project, capsys, monkeypatch) -> None:
    module = project / MODULE_PATH
    source = b"from app.ws import WebSocketManager\r\n"
    module.write_bytes(source)
    broken = f"{WSM}\nimport (\n"
    monkeypatch.setattr(fix, "rewrite", lambda source, fixable: (broken, list(fixable), [], None))
    assert main([*FIX, MODULE_PATH]) == 0
    assert module.read_bytes() == source
    with pytest.raises(SyntaxError) as error:
        ast.parse(broken)
    assert capsys.readouterr().err == (
        f"{MODULE_PATH}: not fixed: the fixed source does not parse (SyntaxError: {error.value.msg} (line 2))\n"
        "fixed 0 findings in 0 files; 1 left (not fixed, see above)\n"
    )


# --- --diff and --check ---------------------------------------------------------------------


def test_diff(project, capsys) -> None:
    module = project / MODULE_PATH
    source = "import os\nfrom app.ws.legacy import WebSocketManager as WSM, other\nx = 1\n"
    module.write_text(source, encoding="utf-8")
    assert main([*FIX, "--diff", MODULE_PATH]) == 1
    assert module.read_text(encoding="utf-8") == source
    out, err = capsys.readouterr()
    assert out == (
        f"--- {MODULE_PATH}\n"
        f"+++ {MODULE_PATH}\n"
        "@@ -1,3 +1,4 @@\n"
        " import os\n"
        "-from app.ws.legacy import WebSocketManager as WSM, other\n"
        "+from app.ws.unified import UnifiedWebSocketManager as WSM\n"
        "+from app.ws.legacy import other\n"
        " x = 1\n"
    )
    assert err == "would fix 1 finding in 1 file; 1 left (not fixable)\n"


def test_diff_without_final_newline(project, capsys) -> None:
    (project / MODULE_PATH).write_text("from app.ws import WebSocketManager", encoding="utf-8")
    assert main([*FIX, "--diff", MODULE_PATH]) == 1
    assert capsys.readouterr().out == (
        f"--- {MODULE_PATH}\n"
        f"+++ {MODULE_PATH}\n"
        "@@ -1 +1 @@\n"
        "-from app.ws import WebSocketManager\n"
        "\\ No newline at end of file\n"
        f"+{WSM}\n"
        "\\ No newline at end of file\n"
    )


def test_check(project, capsys) -> None:
    module = project / MODULE_PATH
    source = "from app.ws.legacy import WebSocketManager as WSM\n"
    module.write_text(source, encoding="utf-8")
    assert main([*FIX, "--check", MODULE_PATH]) == 1
    assert module.read_text(encoding="utf-8") == source
    # Left after the fix: the SWS002 of the alias the file chose, for a person to decide.
    assert capsys.readouterr() == (
        "",
        f"Would rewrite {MODULE_PATH}\nwould fix 1 finding in 1 file; 1 left (not fixable)\n",
    )


def test_findings_left_are_printed_at_their_position_in_the_written_file(project, capsys) -> None:
    (project / MODULE_PATH).write_text("from app.ws.legacy import WebSocketManager as WSM\n", encoding="utf-8")
    assert main([*FIX, MODULE_PATH]) == 1
    assert capsys.readouterr().out == (
        f"{MODULE_PATH}:1:28: SWS002 'UnifiedWebSocketManager' imported as 'WSM' must be bound as 'WebSocketManager'"
        f" - use {WSM!r}\n"
    )


def test_check_clean(project, capsys) -> None:
    """A clean project: its exempt legacy shim (the registry's 'app/ws/*.py') is not a finding."""
    (project / MODULE_PATH).write_text(f"{WSM}\n", encoding="utf-8")
    (project / "app" / "ws").mkdir()
    (project / "app" / "ws" / "shim.py").write_text("from app.ws.legacy import WebSocketManager\n", encoding="utf-8")
    assert main([*FIX, "--check"]) == 0
    assert capsys.readouterr() == ("", "would fix 0 findings in 0 files; 0 left (not fixable)\n")


def test_today_decides_between_sws101_and_sws001(project, capsys) -> None:
    """The legacy entry's deadline is 2099-12-31: a noqa for SWS001 only hides it after that."""
    module = project / MODULE_PATH
    source = "from app.ws.legacy import WebSocketManager  # noqa: SWS001\n"
    module.write_text(source, encoding="utf-8")
    assert main(["fix", "--check", "--today", "2100-01-01", MODULE_PATH]) == 0
    assert main(["fix", "--check", "--today", "2099-12-30", MODULE_PATH]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "would fix 1 finding in 1 file; 0 left (not fixable)"


# --- what the file keeps: bytes, encoding, mode -----------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            b"from app.ws import WebSocketManager, b\r\nx = 1\r\n",
            f"{WSM}\r\nfrom app.ws import b\r\nx = 1\r\n".encode(),
            id="CRLF",
        ),
        pytest.param(
            b"\xef\xbb\xbffrom app.ws import WebSocketManager\n",
            f"\ufeff{WSM}\n".encode(),
            id="UTF-8 BOM",
        ),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nx = '\xe9'\nfrom app.ws import WebSocketManager, b  # \xe9\n",
            f"# -*- coding: latin-1 -*-\nx = '\xe9'\n{WSM}\nfrom app.ws import b  # \xe9\n".encode("latin-1"),
            id="latin-1 coding cookie",
        ),
    ],
)
def test_bytes_kept(project, before, after) -> None:
    module = project / MODULE_PATH
    module.write_bytes(before)
    assert main([*FIX, MODULE_PATH]) == 1
    assert module.read_bytes() == after


@pytest.mark.parametrize("mode", [0o755, 0o600, 0o644])
def test_file_mode_kept(project, mode) -> None:
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    module.chmod(mode)
    assert main([*FIX, MODULE_PATH]) == 1
    assert stat.S_IMODE(os.stat(module).st_mode) == mode
    assert module.read_text(encoding="utf-8") == f"{WSM}\n"


def test_symlink_is_followed_not_replaced(project) -> None:
    real = project / "app" / "svc" / "real.py"
    real.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    link = project / MODULE_PATH
    link.symlink_to("real.py")
    assert main([*FIX, MODULE_PATH]) == 1
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == f"{WSM}\n"


def test_no_temporary_file_left(project) -> None:
    (project / MODULE_PATH).write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    assert main([*FIX, MODULE_PATH]) == 1
    assert sorted(p.name for p in (project / MODULE_PATH).parent.iterdir()) == ["mod.py"]


# --- problems: reported, the run goes on ------------------------------------------------------


def test_problems_are_reported_and_the_run_goes_on(project, capsys) -> None:
    """Discovery and unreadable or unparsable files: as for 'ssot-ws check'."""
    directory = project / "app" / "svc"
    bad_syntax = "from app.ws import (WebSocketManager\n"
    (directory / "a_bad_syntax.py").write_text(bad_syntax, encoding="utf-8")
    # check reads it as latin-1 (as flake8 does) and finds the import; fix decodes as Python does.
    (directory / "b_not_utf8.py").write_bytes(b"from app.ws import WebSocketManager\nz = '\xff'\n")
    (directory / "c_dangling.py").symlink_to("missing.py")  # reported, as check reports it
    (directory / "d_fine.py").write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    (project / "app" / "ws").mkdir()
    exempt = project / "app" / "ws" / "shim.py"
    exempt.write_text("from app.ws.legacy import WebSocketManager\n", encoding="utf-8")
    assert main(FIX) == 1
    out, err = capsys.readouterr()
    assert out == f"app/svc/b_not_utf8.py:1:20: {SWS001}\n"
    with pytest.raises(SyntaxError) as syntax_error:
        ast.parse(bad_syntax)
    assert err.splitlines() == [
        f"app/svc/a_bad_syntax.py: SyntaxError: {syntax_error.value.msg} (line 1)",
        "app/svc/c_dangling.py: cannot read: a broken symlink to missing.py",
        "ssot-ws: 2 files could not be read or parsed",
        f"app/svc/b_not_utf8.py: UnicodeDecodeError: {NOT_UTF8}",
        "Rewriting app/svc/d_fine.py",
        "fixed 1 finding in 1 file; 1 left (not fixed, see above)",  # b_not_utf8.py's
    ]
    assert (directory / "d_fine.py").read_text(encoding="utf-8") == f"{WSM}\n"
    assert exempt.read_text(encoding="utf-8") == "from app.ws.legacy import WebSocketManager\n"


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        pytest.param(
            "from app.ws import (WebSocketManager\n",
            f"{MODULE_PATH}:1:20: SWS001 not fixed: {MISMATCH}",
            id="no longer parses",
        ),
        pytest.param(
            "x = 1\nfrom app.ws import WebSocketManager\n",
            f"{MODULE_PATH}:1:20: SWS001 not fixed: {MISMATCH}",
            id="moved",
        ),
        pytest.param(
            b"x = '\xff'\n", f"{MODULE_PATH}: SyntaxError: invalid or missing encoding declaration", id="bytes"
        ),
    ],
)
def test_file_changed_between_scan_and_fix(project, capsys, monkeypatch, changed, message) -> None:
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    real_scan = fix_command.run_scan

    def scan_then_change(*args, **kwargs):
        result = real_scan(*args, **kwargs)
        module.write_bytes(changed if isinstance(changed, bytes) else changed.encode("utf-8"))
        return result

    monkeypatch.setattr(fix_command, "run_scan", scan_then_change)
    assert main([*FIX, MODULE_PATH]) == 0
    assert module.read_bytes() == (changed if isinstance(changed, bytes) else changed.encode("utf-8"))
    out, err = capsys.readouterr()
    assert out.startswith(f"{MODULE_PATH}:1:20: SWS001 ")  # the finding check saw stays
    assert err == f"{message}\nfixed 0 findings in 0 files; 1 left (not fixed, see above)\n"


def test_many_files_are_fixed_in_worker_processes(project, capsys, monkeypatch) -> None:
    monkeypatch.setattr(fix_command, "PARALLEL_THRESHOLD", 2)
    directory = project / "app" / "svc"
    names = [f"m{number:02}.py" for number in range(20)]
    for name in names:
        (directory / name).write_text("from app.ws import WebSocketManager, x\n", encoding="utf-8")
    assert main([*FIX, "--jobs", "2", "app"]) == 1
    assert [(directory / name).read_text(encoding="utf-8") for name in names] == [f"{WSM}\nfrom app.ws import x\n"] * 20
    assert capsys.readouterr().err.splitlines() == [
        *(f"Rewriting app/svc/{name}" for name in names),
        "fixed 20 findings in 20 files; 0 left (not fixable)",
    ]


@pytest.mark.parametrize(
    ("options", "fixed"),
    [
        pytest.param([], ["a.py", "generated/b.py"], id="default"),
        pytest.param(["--extend-exclude", "generated"], ["a.py"], id="--extend-exclude"),
        pytest.param(["--exclude", "a.py,x"], ["generated/b.py"], id="--exclude replaces the default"),
    ],
)
def test_exclude(project, options, fixed) -> None:
    for name in ("a.py", "generated/b.py"):
        (project / "lib" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "lib" / name).write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    assert main([*FIX, *options, "lib"]) == 1
    changed = [name for name in ("a.py", "generated/b.py") if (project / "lib" / name).read_text() == f"{WSM}\n"]
    assert changed == fixed


def test_no_cache(project) -> None:
    (project / MODULE_PATH).write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    assert main([*FIX, "--no-cache", MODULE_PATH]) == 1
    assert not (project / ".ssot-ws-cache").exists()
    assert main([*FIX, MODULE_PATH]) == 0
    assert (project / ".ssot-ws-cache").is_dir()


def test_write_failure_loses_nothing(project, capsys, monkeypatch) -> None:
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")

    def refuse(source: str, destination: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    assert main([*FIX, MODULE_PATH]) == 1  # a write that failed fails the run (found by an eighth trial)
    assert module.read_text(encoding="utf-8") == "from app.ws import WebSocketManager\n"
    assert sorted(p.name for p in module.parent.iterdir()) == ["mod.py"]
    out, err = capsys.readouterr()
    assert out.startswith(f"{MODULE_PATH}:1:20: SWS001 ")
    assert err == (
        f"{MODULE_PATH}: not written: PermissionError: [Errno 13] Permission denied\n"
        "fixed 0 findings in 0 files; 1 left (not fixed, see above)\n"
    )


def test_temporary_file_cannot_be_created(project, capsys, monkeypatch) -> None:
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")

    def refuse(**kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main([*FIX, MODULE_PATH]) == 1
    assert module.read_text(encoding="utf-8") == "from app.ws import WebSocketManager\n"
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{MODULE_PATH}: not written: OSError: [Errno 28] No space left on device"
    )


@pytest.mark.parametrize("mode", ["write", "--diff", "--check"])
def test_a_read_only_file_is_not_replaced(project, capsys, monkeypatch, mode) -> None:
    """The rewrite replaces the file, which the folder's permissions allow: a 0444 file was
    rewritten (found by an eighth trial), where black and ruff stop. Root may write any file,
    so the check is os.access's answer, simulated here (the real case below runs as non-root)."""
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, how: how != os.W_OK and real_access(path, how))
    argv = [*FIX, MODULE_PATH] if mode == "write" else [*FIX, mode, MODULE_PATH]
    assert main(argv) == 1
    assert module.read_text(encoding="utf-8") == "from app.ws import WebSocketManager\n"
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"{MODULE_PATH}: not written: the file is read-only",
        "fixed 0 findings in 0 files; 1 left (not fixed, see above)"
        if mode == "write"
        else "would fix 0 findings in 0 files; 1 left (not fixed, see above)",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file: see the simulated case above")
def test_a_read_only_file_is_not_replaced_for_real(project, capsys) -> None:  # pragma: no cover (runs as non-root)
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    module.chmod(0o444)
    assert main([*FIX, MODULE_PATH]) == 1
    assert module.read_text(encoding="utf-8") == "from app.ws import WebSocketManager\n"
    assert capsys.readouterr().err.splitlines()[0] == f"{MODULE_PATH}: not written: the file is read-only"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_the_owner_is_kept(project) -> None:  # pragma: no cover (runs as root)
    """Root fixing a checkout of another user (a container on a bind mount) left root's files."""
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    os.chown(module, 65534, 65534)
    assert main([*FIX, MODULE_PATH]) == 1  # a fixer fails when it rewrote a file
    assert module.read_text(encoding="utf-8") != "from app.ws import WebSocketManager\n"
    assert (module.stat().st_uid, module.stat().st_gid) == (65534, 65534)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_an_owner_that_cannot_be_kept_still_gets_the_fix(
    project, capsys, monkeypatch
) -> None:  # pragma: no cover (runs as root)
    """A user who may write a colleague's file but not give it back (chown refused here): the
    fix is written, the file becomes the writer's, as sed -i does (refusing it was a regression
    a ninth trial found)."""
    module = project / MODULE_PATH
    module.write_text("from app.ws import WebSocketManager\n", encoding="utf-8")
    os.chown(module, 65534, 65534)

    def refuse(path: str, uid: int, gid: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    assert main([*FIX, MODULE_PATH]) == 1  # rewritten
    monkeypatch.undo()
    assert module.read_text(encoding="utf-8") != "from app.ws import WebSocketManager\n"
    assert sorted(p.name for p in module.parent.iterdir()) == ["mod.py"]
    assert capsys.readouterr().err.splitlines()[0] == f"Rewriting {MODULE_PATH}"


def test_fixed_source_not_encodable_in_the_file_encoding(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "ssot-registry.toml").write_text(
        '[[group]]\nname = "g"\ncanonical = ["from app.\u0175s import Thing"]\n'
        '[[group.legacy]]\nimport = "from app.old import Thing"\n', encoding="utf-8"
    )
    module = tmp_path / "mod.py"
    before = b"# coding: latin-1\nfrom app.old import Thing  # \xe9\n"
    module.write_bytes(before)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "mod.py"]) == 0
    assert module.read_bytes() == before
    assert capsys.readouterr().err.splitlines()[0] == (
        "mod.py: not fixed: the fixed source cannot be encoded as iso-8859-1 (ordinal not in range(256))"
    )


# --- the exit code: 1 exactly when a file was (or would be) rewritten -----------------------------

SWS003 = "SWS003 module 'app.ws.legacy' imported as a module - import names from their canonical path instead"
ALIASED = "from app.ws.legacy import WebSocketManager as Foo\n"
ALIASED_FIXED = "from app.ws.unified import UnifiedWebSocketManager as Foo\n"
SWS002 = f"SWS002 'UnifiedWebSocketManager' imported as 'Foo' must be bound as 'WebSocketManager' - use {WSM!r}"


@pytest.mark.parametrize(
    ("source", "argv", "code", "out", "err", "after"),
    [
        pytest.param("import app.ws.legacy\n", [], 0, f"{MODULE_PATH}:1:8: {SWS003}\n",
                     "fixed 0 findings in 0 files; 1 left (not fixable)\n", None,
                     id="only findings without a fix: 0 (the check hook fails on them, not the fixer)"),
        pytest.param(ALIASED, [], 1, f"{MODULE_PATH}:1:28: {SWS002}\n",
                     f"Rewriting {MODULE_PATH}\nfixed 1 finding in 1 file; 1 left (not fixable)\n", ALIASED_FIXED,
                     id="rewritten, leaving an SWS002: 1"),
        pytest.param(ALIASED_FIXED, [], 0, f"{MODULE_PATH}:1:28: {SWS002}\n",
                     "fixed 0 findings in 0 files; 1 left (not fixable)\n", None,
                     id="the SWS002 a fix left does not fail the fixer again"),
        pytest.param(ALIASED, ["--check"], 1, "", f"Would rewrite {MODULE_PATH}\nwould fix 1 finding in 1 file; "
                     "1 left (not fixable)\n", None, id="--check: would rewrite"),
        pytest.param("import app.ws.legacy\n", ["--check"], 0, "", "would fix 0 findings in 0 files; 1 left "
                     "(not fixable)\n", None, id="--check: nothing to rewrite"),
        pytest.param("import app.ws.legacy\n", ["--diff"], 0, "", "would fix 0 findings in 0 files; 1 left "
                     "(not fixable)\n", None, id="--diff: nothing to rewrite"),
    ],
)  # fmt: skip
def test_exit_code(project, capsys, source, argv, code, out, err, after) -> None:
    module = project / MODULE_PATH
    module.write_text(source, encoding="utf-8")
    assert main([*FIX, *argv, MODULE_PATH]) == code
    assert capsys.readouterr() == (out, err)
    assert module.read_text(encoding="utf-8") == (source if after is None else after)


# --- --baseline and --select ----------------------------------------------------------------------

LEGACY_IN_F = "def f():\n    from app.ws.legacy import WebSocketManager\n"  # SWS101 (fixable)
NON_CANONICAL_IN_G = "def g():\n    from app.ws import WebSocketManager\n"  # SWS001 (fixable)


def test_baseline_findings_are_neither_fixed_nor_listed(project, capsys) -> None:
    """The baseline holds what the team accepts for now: fix leaves it, as check hides it."""
    module = project / MODULE_PATH
    module.write_text(LEGACY_IN_F, encoding="utf-8")
    assert main(["check", "--today", TODAY.isoformat(), "--write-baseline", "b.json"]) == 0
    capsys.readouterr()
    assert main([*FIX, "--baseline", "b.json", MODULE_PATH]) == 0  # nothing but baselined findings: nothing to do
    assert capsys.readouterr() == ("", "fixed 0 findings in 0 files; 0 left (not fixable)\n")
    module.write_text(LEGACY_IN_F + NON_CANONICAL_IN_G, encoding="utf-8")
    assert main([*FIX, "--baseline", "b.json", MODULE_PATH]) == 1
    assert capsys.readouterr() == ("", f"Rewriting {MODULE_PATH}\nfixed 1 finding in 1 file; 0 left (not fixable)\n")
    assert module.read_text(encoding="utf-8") == LEGACY_IN_F + f"def g():\n    {WSM}\n"
    assert main(["check", "--today", TODAY.isoformat(), "--baseline", "b.json", MODULE_PATH]) == 0
    assert capsys.readouterr() == ("", "")


def test_baseline_new_occurrence_of_a_known_finding(project, capsys) -> None:
    """The baseline holds one occurrence; a second, identical one is new: fix rewrites that
    one (the later: occurrences count in source order), and the baseline still matches."""
    module = project / MODULE_PATH
    module.write_text(LEGACY_IN_F, encoding="utf-8")
    assert main(["check", "--today", TODAY.isoformat(), "--write-baseline", "b.json"]) == 0
    module.write_text(LEGACY_IN_F + LEGACY_IN_F.replace("f()", "h()"), encoding="utf-8")
    capsys.readouterr()
    assert main([*FIX, "--baseline", "b.json"]) == 1
    assert module.read_text(encoding="utf-8") == LEGACY_IN_F + f"def h():\n    {WSM}\n"
    assert main(["check", "--today", TODAY.isoformat(), "--baseline", "b.json"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("argv", "after"),
    [
        pytest.param(["--extend-ignore", "SWS101"], f"{LEGACY_IN_F}def g():\n    {WSM}\n", id="grace codes left"),
        pytest.param(["--select", "SWS101"], f"def f():\n    {WSM}\n" + NON_CANONICAL_IN_G, id="only the selected"),
    ],
)
def test_selection_decides_what_is_fixed(project, capsys, argv, after) -> None:
    module = project / MODULE_PATH
    module.write_text(LEGACY_IN_F + NON_CANONICAL_IN_G, encoding="utf-8")
    assert main([*FIX, *argv, MODULE_PATH]) == 1
    assert module.read_text(encoding="utf-8") == after
    assert capsys.readouterr() == ("", f"Rewriting {MODULE_PATH}\nfixed 1 finding in 1 file; 0 left (not fixable)\n")


# --- usage errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["fix", "missing.py"],
            "argument PATH: no such file or directory: 'missing.py' (see 'ssot-ws fix --help')",
            id="missing path",
        ),
        pytest.param(
            ["fix", "--jobs", "0"],
            "argument --jobs: expected a positive integer, got '0' (see 'ssot-ws fix --help')",
            id="bad --jobs",
        ),
        pytest.param(
            ["fix", "--today", "someday"],
            "argument --today: expected a date like 2026-03-31, got 'someday' (see 'ssot-ws fix --help')",
            id="bad date",
        ),
        pytest.param(
            ["fix", "--diff", "--check"],
            "argument --check: not allowed with argument --diff (see 'ssot-ws fix --help')",
            id="--diff and --check",
        ),
    ],
)
def test_usage_errors(project, capsys, argv, message) -> None:
    assert main(argv) == 2
    assert capsys.readouterr() == ("", f"ssot-ws: error: {message}\n")


def test_registry_option(tmp_path, capsys) -> None:
    registry = tmp_path / "conf" / "ssot-registry.toml"
    registry.parent.mkdir()
    registry.write_text(REGISTRY, encoding="utf-8")
    module = tmp_path / "conf" / MODULE_PATH
    module.parent.mkdir(parents=True)
    module.write_text("from ..ws.legacy import WebSocketManager\n", encoding="utf-8")
    assert main([*FIX, "--registry", str(registry), str(module)]) == 1
    assert module.read_text(encoding="utf-8") == f"{WSM}\n"
