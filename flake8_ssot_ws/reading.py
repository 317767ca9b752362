"""Reading a file the user named or the tool found, without ever waiting for a writer.

A FIFO, a socket or a device can sit where a source file, the registry or a baseline is
expected (`mkfifo app/x.py`): a plain ``open`` of a FIFO blocks until something writes to it,
which stalls a CI job until its timeout. So the file is opened without blocking and looked at
(``fstat``) before anything is read: what is not a regular file raises ``NotARegularFile``, an
OSError whose ``strerror`` says so, and each caller reports it as it reports any unreadable
file. A directory raises IsADirectoryError, as ``open`` does.
"""

from __future__ import annotations

import errno
import os
import stat

# O_NONBLOCK: a FIFO opens at once, without a writer; on a regular file it changes nothing.
# O_BINARY: Windows' os.open would translate line endings; O_CLOEXEC: no worker inherits it.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class NotARegularFile(OSError):
    """A FIFO, a socket or a device where a file was expected."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(errno.EINVAL, "not a regular file", os.fspath(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """All bytes of the regular file ``path`` (OSError otherwise, never a wait)."""
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError:
        # A socket cannot be opened at all (ENXIO): say what it is, not "no such device".
        if _special(path):
            raise NotARegularFile(path) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(path)
        chunks = []
        while chunk := os.read(descriptor, _CHUNK):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def is_special(mode: int) -> bool:
    """Whether a ``stat`` mode is neither a regular file nor a directory (a FIFO, a socket, a
    device): for callers that have stat'ed already."""
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _special(path: str | os.PathLike[str]) -> bool:
    try:
        return is_special(os.stat(path).st_mode)
    except OSError:  # gone, a broken link: the open's own error says it
        return False
