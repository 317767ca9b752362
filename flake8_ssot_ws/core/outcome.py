"""What a scan reports for one file, and the one-line reason for a file it could not check.

Its own small module: a warm run (every result from the cache) needs these and nothing of
the parsing machinery in scan/checker.py.
"""

from __future__ import annotations

from typing import NamedTuple

from flake8_ssot_ws.core.findings import CanonicalImport
from flake8_ssot_ws.core.findings import Finding


class Outcome(NamedTuple):
    """What the checks found in one file's content."""

    reported: tuple[Finding, ...] = ()  # what flake8 reports (noqa comments applied)
    noqa: tuple[Finding, ...] = ()  # hidden by a noqa comment
    canonical: tuple[CanonicalImport, ...] = ()  # tracked imports that are canonical
    problem: str | None = None  # why the file could not be read or parsed

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the core, in the core's order (before ``# noqa``)."""
        return sorted((*self.reported, *self.noqa), key=lambda f: (f.line, f.col, f.code, f.message))


EMPTY = Outcome()


def describe(error: BaseException) -> str:
    """The one-line reason shown for a file that cannot be read or parsed."""
    if isinstance(error, OSError):
        return f"cannot read: {error.strerror or type(error).__name__}"
    if isinstance(error, SyntaxError):
        where = f" (line {error.lineno})" if error.lineno else ""
        return f"{type(error).__name__}: {error.msg}{where}"
    if isinstance(error, RecursionError):
        return "RecursionError: too deeply nested to parse"
    return f"{type(error).__name__}: {error}"
