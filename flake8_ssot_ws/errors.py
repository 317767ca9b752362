"""The error every command raises for bad usage (its own module so commands need not import cli)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line usage; ``str()`` is the one-line message (exit code 2)."""
