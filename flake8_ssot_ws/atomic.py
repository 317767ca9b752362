"""Writing a file so that a crash, a kill or a full disk leaves either the old file or the new
one, never a part: the data goes to a temporary file beside it, which then replaces it."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data``, keeping an existing file's permission bits; raises
    OSError (the temporary file removed, ``path`` untouched). A symlink stays a link: its
    target is written."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory, name = os.path.split(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(dir=directory or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
