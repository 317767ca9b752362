"""Writing a file so that a crash, a kill or a full disk leaves either the old file or the new
one, never a part: the data goes to a temporary file beside it, which then replaces it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def write_atomically(path: str, data: bytes) -> None:
    """Replace the regular file ``path`` with ``data``, keeping its permission bits and, where
    the writer may give it, its owner (a new file gets what the umask gives, as ``open``
    would); raises OSError (the temporary file removed, ``path`` untouched). A symlink stays
    a link: its target is written. What is not a regular file (``/dev/stdout``, a FIFO, a
    device) is written to, never replaced."""
    owner: tuple[int, int] | None = None
    try:
        status = os.stat(path)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        if not stat.S_ISREG(status.st_mode):
            with open(path, "wb") as stream:
                stream.write(data)
            return
        mode = stat.S_IMODE(status.st_mode)
        owner = (status.st_uid, status.st_gid)
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory, name = os.path.split(path)
    descriptor, temporary = tempfile.mkstemp(dir=directory or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        _keep_owner(temporary, owner)  # before the mode: chown may clear set-id bits
        os.chmod(temporary, mode)  # mkstemp makes it 0600
        os.replace(temporary, path)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _keep_owner(temporary: str, owner: tuple[int, int] | None) -> None:
    """Give the temporary file the replaced file's owner and group, where they differ (root
    fixing a bind-mounted checkout would leave root's files behind). A user who may not give
    them (a colleague's group-writable file in a shared checkout) still writes the file, and
    it becomes theirs, as ``sed -i`` makes it: refusing would leave the fix undone."""
    if owner is None:
        return
    status = os.stat(temporary)
    if (status.st_uid, status.st_gid) != owner:
        with contextlib.suppress(PermissionError):
            os.chown(temporary, *owner)


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: set it back at once
    os.umask(mask)
    return mask
