"""What the core reports: findings (with the fix the fixer applies) and canonical imports.

Records are ``NamedTuple``s, not dataclasses: ``import dataclasses`` pulls in ``inspect``
(a sizeable share of a warm run's start-up), and a warm run decodes thousands of cached
findings, which a tuple builds about three times faster than a frozen dataclass.
"""
from __future__ import annotations

from typing import NamedTuple

from flake8_ssot_ws.registry import ImportSpec


class Fix(NamedTuple):
    """How to rewrite one alias: replace it by ``replacement`` (local name kept)."""

    statement_line: int
    statement_col: int
    statement_end_line: int
    statement_end_col: int
    alias_index: int  # which alias of the statement (not ``index``: that is tuple's method)
    replacement: ImportSpec


class Finding(NamedTuple):
    """One offending import or expression. ``group`` is the registry group it concerns;
    ``legacy`` the key of the legacy entry it matched (``group[0].legacy[1]``), if any.
    ``col`` is flake8's column (0-based, in UTF-8 bytes, as the AST counts); ``utf16_col``
    the same position in UTF-16 code units (SARIF's columns), set by the scan where the line
    holds non-ASCII text before the finding (None: equal to ``col``)."""

    line: int
    col: int
    code: str
    message: str
    group: str
    fix: Fix | None = None
    legacy: str | None = None
    utf16_col: int | None = None


class CanonicalImport(NamedTuple):
    """A tracked import that is exactly canonical (counted by the compliance report)."""

    line: int
    col: int
    group: str


class Analysis(NamedTuple):
    findings: list[Finding]
    canonical: list[CanonicalImport]
