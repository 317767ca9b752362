"""Worker processes that end when the process that started them dies.

A pool's workers outlive a parent killed with SIGKILL or SIGTERM (a CI timeout, a `timeout`
wrapper, an interrupted pre-commit): they wait for work on a pipe that they hold open
themselves, re-parented to PID 1, for ever. atexit handlers and the pool's own clean-up do not
run on such a death, so each worker watches its parent from the inside:

- on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the worker the moment the
  thread that forked it exits. multiprocessing.Pool forks its first workers from the thread
  that creates the pool (the command's main thread, which outlives the pool) and replacements
  from its worker-handler thread, which lives as long as the pool;
- elsewhere, or where prctl cannot be called, a daemon thread that polls ``os.getppid()``
  (a dead parent's children are re-parented, so the value changes).

Imported by the pool initializers only: a run that starts no worker does not pay for it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.2


def die_with_parent(parent: int) -> None:
    """Make this worker end when the process ``parent`` (its parent's pid, as the parent
    saw it) ends. Called first in a pool's initializer."""
    if sys.platform.startswith("linux") and set_parent_death_signal(signal.SIGKILL):
        # The parent may have died between the fork and prctl: then no signal would come.
        if os.getppid() != parent:
            os._exit(1)
        return
    threading.Thread(target=watch_parent, args=(parent,), name="ssot-ws parent watch", daemon=True).start()


def set_parent_death_signal(signum: int) -> bool:
    """prctl(PR_SET_PDEATHSIG, signum) through ctypes (0 clears it); whether it worked."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no libc to load, or a libc without prctl
        return False


def watch_parent(
    parent: int, *, interval: float = POLL_SECONDS, exit_now: Callable[[int], object] = os._exit
) -> None:
    """Poll until ``parent`` is no longer this process's parent, then end the process at
    once (``os._exit``: a dead parent will not collect results, so nothing is left to flush)."""
    while os.getppid() == parent:
        time.sleep(interval)
    exit_now(1)
