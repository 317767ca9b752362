"""Reading a repository's history straight from git: no checkout, the work tree and index
untouched.

- ``Git.first_parent(rev)``: the first-parent chain of a commit, newest first
  (``git rev-list --first-parent``);
- ``Git.tree(commit)``: every file of a commit's tree (``git ls-tree -r -z``);
- ``BlobReader``: blob contents from one long-lived ``git cat-file --batch``.

Every failure of git is a ``GitError`` with git's own first line of complaint; callers
decide whether it ends the run (a revision that does not exist) or only one sample (a
tree missing from a damaged clone).
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tempfile
import threading
from typing import IO
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

# A partial clone would fetch every missing blob from its remote, one by one, while we
# read it; missing is what we want to hear (git 2.44 and later honour this).
_ENVIRONMENT = {"GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}
_EPOCH = datetime.date(1970, 1, 1)
SHORT = 8  # hex digits of a commit shown in tables
_BLOB_MODES = frozenset({"100644", "100755"})
SYMLINK_MODE = "120000"


class GitError(Exception):
    """git failed; ``str()`` is one line."""


class Commit(NamedTuple):
    sha: str
    # The committer date as the committer's clock showed it, in seconds since 1970-01-01
    # 00:00 of that clock (so that whole days are multiples of 86,400, whatever the zone).
    clock: int
    subject: str

    @property
    def date(self) -> datetime.date:
        return day_of(self.clock)

    @property
    def short(self) -> str:
        return self.sha[:SHORT]


def day_of(clock: int) -> datetime.date:
    """The day of a ``Commit.clock`` value (a date plus a timedelta uses its floored days)."""
    return _EPOCH + datetime.timedelta(seconds=clock)


class TreeEntry(NamedTuple):
    mode: str  # "100644", "100755" or SYMLINK_MODE (other entries are dropped)
    blob: str


class Git:
    """git commands in one repository (``cwd``: any folder of its work tree)."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.environment = {**os.environ, **_ENVIRONMENT}

    def run(self, *arguments: str) -> bytes:
        try:
            completed = subprocess.run(
                ["git", *arguments], cwd=self.cwd, env=self.environment, capture_output=True, check=False
            )
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or type(error).__name__}") from None
        if completed.returncode:
            raise GitError(_first_line(completed.stderr) or f"git {arguments[0]} failed")
        return completed.stdout

    def prefix(self) -> str:
        """Where ``cwd`` sits in the work tree: '' at the top, else 'sub/dir/'."""
        return os.fsdecode(self.run("rev-parse", "--show-prefix")).rstrip("\n")

    def resolve(self, rev: str) -> str:
        """The commit ``rev`` names (full sha)."""
        try:
            if rev.startswith("-"):  # an option to git, not a revision
                raise GitError(rev)
            return self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
        except GitError:
            raise GitError("not a commit") from None

    def first_parent(self, commit: str) -> list[Commit]:
        """``commit`` and its first parents, newest first."""
        output = self.run("rev-list", "--first-parent", "--format=%H%x00%ct%x00%cI%x00%s", commit, "--")
        commits = []
        for line in output.decode("utf-8", "replace").split("\n"):
            if line.startswith("commit ") or not line:  # rev-list's own header line of each commit
                continue
            sha, timestamp, iso, subject = line.split("\0", 3)
            commits.append(Commit(sha, int(timestamp) + _utc_offset(iso), subject))
        return commits

    def shallow_boundary(self) -> frozenset[str]:
        """The commits whose parents a shallow clone does not have (empty: not shallow)."""
        path = os.path.join(self.cwd, os.fsdecode(self.run("rev-parse", "--git-path", "shallow")).rstrip("\n"))
        try:
            with open(path, encoding="ascii") as stream:
                return frozenset(stream.read().split())
        except OSError:
            return frozenset()

    def tree(self, commit: str) -> dict[str, TreeEntry]:
        """Every blob and symbolic link of the commit's tree, by path from the top."""
        output = self.run("ls-tree", "-r", "-z", "--full-tree", commit)
        entries = {}
        for item in output.split(b"\0"):
            if not item:
                continue
            header, _, path = item.partition(b"\t")
            mode, kind, sha = header.decode("ascii").split(" ")
            if kind == "blob" and (mode in _BLOB_MODES or mode == SYMLINK_MODE):  # not submodules
                entries[os.fsdecode(path)] = TreeEntry(mode, sha)
        return entries


def _utc_offset(iso: str) -> int:
    """The seconds a strict ISO 8601 date (``%cI``: ...T12:00:00+05:30) is ahead of UTC."""
    sign = -1 if iso[-6] == "-" else 1
    return sign * (int(iso[-5:-3]) * 3600 + int(iso[-2:]) * 60)


def _first_line(data: bytes) -> str:
    lines = _lines(data)
    return lines[0] if lines else ""


def _last_line(data: bytes) -> str:
    """git's last word: the ``fatal:`` that ended it, after any ``error:`` lines."""
    lines = _lines(data)
    return lines[-1] if lines else ""


def _lines(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


class Blob(NamedTuple):
    """A blob's content, or why it could not be read."""

    data: bytes | None
    problem: str | None = None


class BlobReader:
    """Blob contents from one long-lived ``git cat-file --batch`` process.

    Requests are written by a thread while the caller reads the answers: written all at once
    from one thread, git would block on a full answer pipe while we block on its full request
    pipe. The request pipe is unbuffered, so that ending git never leaves a request in a buffer
    to fail on. A missing object is answered ``<sha> missing`` (a partial or damaged clone); a
    corrupt one makes git exit, which is reported for that blob, and a new process serves the
    rest. ``close()`` ends the process.
    """

    def __init__(self, git: Git) -> None:
        self.git = git
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: io.BufferedReader | None = None
        self._feeder: threading.Thread | None = None
        self._errors: IO[bytes] | None = None

    def read(self, blobs: Sequence[str]) -> Iterator[tuple[str, Blob]]:
        """Each of ``blobs`` with its content, in order."""
        position = 0
        while position < len(blobs):
            process, answers = self._start()
            self._feeder = threading.Thread(target=_feed, args=(process.stdin, blobs[position:]), daemon=True)
            self._feeder.start()
            finished = False
            try:
                while position < len(blobs):
                    sha = blobs[position]
                    blob = _answer(answers)
                    position += 1
                    if blob is None:  # git exited: this object broke it
                        yield sha, Blob(None, self._died())
                        break
                    yield sha, blob
                finished = True
            finally:
                if not finished:  # the caller stopped early: answers to requests are still coming
                    self.close()
                elif self._feeder is not None:  # every request answered: it is done
                    self._feeder.join()
                    self._feeder = None

    def _start(self) -> tuple[subprocess.Popen[bytes], io.BufferedReader]:
        if self._process is None or self._answers is None:
            if self._errors is None:
                self._errors = tempfile.TemporaryFile()  # a file, not a pipe: git never waits on it
            self._errors.seek(0)
            self._errors.truncate()
            try:
                self._process = subprocess.Popen(
                    ["git", "cat-file", "--batch"],
                    cwd=self.git.cwd,
                    env=self.git.environment,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._errors,
                    bufsize=0,
                )
            except OSError as error:
                raise GitError(f"cannot run git: {error.strerror or type(error).__name__}") from None
            self._answers = io.BufferedReader(self._process.stdout, 1 << 16)  # type: ignore[arg-type]
        return self._process, self._answers

    def _died(self) -> str:
        assert self._errors is not None  # set with the process
        self.close()
        self._errors.seek(0)
        reason = _last_line(self._errors.read()) or "git cat-file exited"
        return f"cannot read from the object store: {reason}"

    def close(self) -> None:
        """End the git process (answers may still be coming: it is killed)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        if self._feeder is not None:  # git's end of the request pipe is closed: it returns
            self._feeder.join()
            self._feeder = None
        assert process.stdin is not None and self._answers is not None  # PIPEs
        process.stdin.close()  # unbuffered: nothing left to write, nothing to fail
        self._answers.close()
        self._answers = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
        if self._errors is not None:
            self._errors.close()


_REQUESTS_PER_WRITE = 64  # a few KiB per write: few system calls, and git starts answering early


def _feed(stream: IO[bytes], blobs: Sequence[str]) -> None:
    try:
        for start in range(0, len(blobs), _REQUESTS_PER_WRITE):
            data = "".join(f"{sha}\n" for sha in blobs[start : start + _REQUESTS_PER_WRITE]).encode("ascii")
            while data:  # a raw write may take part of it (a signal)
                data = data[stream.write(data) :]
    except OSError:  # git exited, or was ended: nothing more to ask
        pass


def _answer(stream: IO[bytes]) -> Blob | None:
    """One answer of ``cat-file --batch``; None when git has exited."""
    header = stream.readline()
    if not header.endswith(b"\n"):
        return None
    fields = header.split()
    if fields[-1] == b"missing":
        return Blob(None, "missing from the object store (a partial or damaged clone)")
    size = int(fields[2])
    data = stream.read(size)
    if len(data) < size or stream.read(1) != b"\n":
        return None
    if fields[1] != b"blob":  # pragma: no cover (the ids come from ls-tree's blob entries)
        return Blob(None, f"not a blob but a {fields[1].decode()}")
    return Blob(data)
