"""The errors that end a command with exit code 2 and one line: their own module, so that
commands need not import cli, and cli need not import what raises them (a warm ``check``
imports neither the baseline nor the ratchet)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line usage; ``str()`` is the one-line message (exit code 2)."""


class BaselineError(Exception):
    """A baseline file that cannot be read, parsed or written; ``str()`` names the file."""
