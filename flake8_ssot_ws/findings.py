"""What the core reports: findings (with the fix the fixer applies) and canonical imports."""
from __future__ import annotations

from dataclasses import dataclass

from flake8_ssot_ws.registry import ImportSpec


@dataclass(frozen=True)
class Fix:
    """How to rewrite one alias: replace it by ``replacement`` (local name kept)."""

    statement_line: int
    statement_col: int
    statement_end_line: int
    statement_end_col: int
    index: int
    replacement: ImportSpec


@dataclass(frozen=True)
class Finding:
    """One offending import or expression. ``group`` is the registry group it concerns;
    ``legacy`` the key of the legacy entry it matched (``group[0].legacy[1]``), if any."""

    line: int
    col: int
    code: str
    message: str
    group: str
    fix: Fix | None = None
    legacy: str | None = None


@dataclass(frozen=True)
class CanonicalImport:
    """A tracked import that is exactly canonical (counted by the compliance report)."""

    line: int
    col: int
    group: str


@dataclass(frozen=True)
class Analysis:
    findings: list[Finding]
    canonical: list[CanonicalImport]
