"""Worker processes die with their parent (issue 11 bug 2).

A real ``ssot-ws check`` (or ``fix``) with two workers is killed, SIGKILL or SIGTERM, while
its pool runs: no worker may be alive 3 seconds later. Without scan/workers.py they wait on
their task pipe for ever, re-parented to PID 1.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flake8_ssot_ws.commands import fix as fix_command
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.scan import runner as scan_module
from flake8_ssot_ws.scan import workers
from tests.test_registry_location import GROUP

FILES = 240  # check starts workers above 200 files to check, fix above 32 files to fix
TODAY = datetime.date(2026, 1, 1)
# The real command in a real process, with one change: checking (or fixing) a file takes 30 s,
# as a file that hits a slow path might (issue 11 met a regex that ran for 13 minutes). A
# worker between two tasks notices a dead parent by itself (its task pipe closes); one in
# the middle of a long task does not, and that is what is tested.
DRIVER = """\
import sys, time
from flake8_ssot_ws.commands import fix
from flake8_ssot_ws.commands.cli import main
from flake8_ssot_ws.scan import runner, workers

def slow(real):
    def slowly(*args, **kwargs):
        time.sleep(30)
        return real(*args, **kwargs)
    return slowly

if sys.argv[1] == "no-prctl":  # as where prctl does not exist: the watch thread
    workers.set_parent_death_signal = lambda signum: False
    sys.argv[1] = "check"
if sys.argv[1] == "check":
    runner._check_one = slow(runner._check_one)
else:  # fix: its scan in this process, then its own pool
    runner.PARALLEL_THRESHOLD = 10**9
    fix.fix_source = slow(fix.fix_source)
sys.exit(main(sys.argv[1:]))
"""

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a live process, None when it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, parent = text.rsplit(")", 1)[1].split()[:2]
    return None if state in ("Z", "X") else (int(parent), state)


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` and that run its command line: its forked
    pool workers (not git, which it starts to list the files)."""
    try:
        command = Path(f"/proc/{parent}/cmdline").read_bytes()
    except OSError:
        return []
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (_stat(int(entry)) or (0, ""))[0] == parent:
            try:
                if Path(f"/proc/{entry}/cmdline").read_bytes() == command:
                    children.append(int(entry))
            except OSError:
                continue
    return children


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough files with fixable findings for check and fix to start two workers."""
    root = tmp_path_factory.mktemp("many")
    (root / "ssot-registry.toml").write_text(GROUP, encoding="utf-8")
    (root / "app").mkdir()
    for number in range(FILES):
        (root / "app" / f"m{number}.py").write_text("from app.old import Manager\n", encoding="utf-8")
    return root


@linux_only
@pytest.mark.parametrize(
    ("command", "signum"),
    [
        pytest.param("check", signal.SIGKILL, id="check, SIGKILL"),
        pytest.param("check", signal.SIGTERM, id="check, SIGTERM"),
        pytest.param("fix", signal.SIGKILL, id="fix, SIGKILL"),
        pytest.param("fix", signal.SIGTERM, id="fix, SIGTERM"),
        pytest.param("no-prctl", signal.SIGKILL, id="check without prctl (the watch thread), SIGKILL"),
    ],
)
def test_workers_die_with_their_parent(many_files: Path, command: str, signum: int) -> None:
    argv = [sys.executable, "-c", DRIVER, command, "--no-cache", "--jobs", "2", "--today", "2026-01-01", "app"]
    parent = subprocess.Popen(argv, cwd=many_files, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while len(found) < 2 and parent.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
            found = _children(parent.pid)
        assert len(found) == 2, "its two workers never showed"
        time.sleep(0.2)  # into their first, long task
        parent.send_signal(signum)
        parent.wait()
        gone_by = time.monotonic() + 3
        while any(_stat(pid) for pid in found) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert [pid for pid in found if _stat(pid)] == []
    finally:
        parent.kill()
        parent.wait()
        for pid in found:
            if _stat(pid):  # pragma: no cover (only when the test fails: leave nothing behind)
                os.kill(pid, signal.SIGKILL)


# --- the pieces, in this process ----------------------------------------------------------


@linux_only
def test_parent_death_signal_is_set_through_prctl() -> None:
    """Signal 0 clears it: harmless for the test process, and it proves the call works."""
    assert workers.set_parent_death_signal(0) is True


def test_no_prctl_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    def no_libc(*args: object, **kwargs: object) -> object:
        raise OSError("no libc here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert workers.set_parent_death_signal(signal.SIGKILL) is False


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def __call__(self, *args: object, **kwargs: object) -> Recorder:
        self.calls.append((*args, *sorted(kwargs.items())))
        return self

    def start(self) -> None:
        self.calls.append(("start",))


@pytest.mark.parametrize(
    ("platform", "prctl", "parent_now", "expected"),
    [
        pytest.param("linux", True, 41, [], id="linux: prctl, the parent is alive"),
        pytest.param("linux", True, 1, [("exit", 1)], id="linux: the parent died before prctl: exit at once"),
        pytest.param("linux", False, 41, ["watch"], id="linux without prctl: the watch thread"),
        pytest.param("darwin", True, 41, ["watch"], id="elsewhere: the watch thread"),
    ],
)
def test_die_with_parent(
    monkeypatch: pytest.MonkeyPatch, platform: str, prctl: bool, parent_now: int, expected: list[object]
) -> None:
    events: list[object] = []
    thread = Recorder()
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(workers, "set_parent_death_signal", lambda signum: prctl)
    monkeypatch.setattr(os, "getppid", lambda: parent_now)
    monkeypatch.setattr(os, "_exit", lambda code: events.append(("exit", code)))
    monkeypatch.setattr(workers.threading, "Thread", thread)
    workers.die_with_parent(41)
    if thread.calls:
        made = (("args", (41,)), ("daemon", True), ("name", "ssot-ws parent watch"), ("target", workers.watch_parent))
        assert thread.calls == [made, ("start",)]
        events.append("watch")
    assert events == expected


def test_watch_parent_exits_when_the_parent_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    parents = iter([41, 41, 1])
    sleeps: list[float] = []
    exits: list[int] = []
    monkeypatch.setattr(os, "getppid", lambda: next(parents))
    monkeypatch.setattr(workers.time, "sleep", sleeps.append)
    workers.watch_parent(41, interval=0.5, exit_now=exits.append)
    assert (sleeps, exits) == ([0.5, 0.5], [1])


@pytest.mark.parametrize(
    ("module", "attribute", "extra"),
    [
        pytest.param(scan_module, "workers", (True, True), id="check's pool"),
        pytest.param(fix_command, "die_with_parent", ("write",), id="fix's pool"),
    ],
)
def test_pool_initializers_watch_the_parent(
    many_files: Path, monkeypatch: pytest.MonkeyPatch, module: object, attribute: str, extra: tuple[object, ...]
) -> None:
    watched: list[int] = []
    if attribute == "workers":
        monkeypatch.setattr(workers, "die_with_parent", watched.append)
    else:
        monkeypatch.setattr(fix_command, "die_with_parent", watched.append)
    start = module._start_worker  # type: ignore[attr-defined]
    path = many_files / "ssot-registry.toml"
    registry = load_registry(path) if module is scan_module else path  # check's workers get the registry itself
    start(registry, TODAY, *extra)  # the serial path: no parent to watch
    start(registry, TODAY, *extra, 4242)
    assert watched == [4242]
