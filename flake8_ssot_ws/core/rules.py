"""The checking core: (tree or source, Registry) -> findings.

The flake8 plugin and the ``ssot-ws`` commands all call ``check_tree``/``check_source``,
so they cannot disagree. The import-statement codes live here, the expression rules in
``checks`` (one module per code, each declaring its triggers: core/triggers.py);
``context`` places a file, ``findings`` holds the result types (all re-exported here:
adapters import the core from this one module).
"""
from __future__ import annotations

import ast
import datetime
import functools
from collections import Counter
from typing import Sequence

from flake8_ssot_ws.core import codes
from flake8_ssot_ws.core.codes import FIXABLE_NOTE
from flake8_ssot_ws.core.context import NO_CONTEXT
from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.core.context import may_have_findings
from flake8_ssot_ws.core.checks import expression_findings
from flake8_ssot_ws.core.findings import Analysis
from flake8_ssot_ws.core.findings import CanonicalImport
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.findings import Fix
from flake8_ssot_ws.core.imports import ImportedName
from flake8_ssot_ws.core.imports import imported_names
from flake8_ssot_ws.core.imports import source_lines
from flake8_ssot_ws.core.locate import Located
from flake8_ssot_ws.core.locate import import_statements
from flake8_ssot_ws.core.locate import locate
from flake8_ssot_ws.core.triggers import FileFacts
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry



def check_source(
    source: str, registry: Registry, context: FileContext, *, today: datetime.date
) -> list[Finding]:
    """Findings of one source text.

    Raises SyntaxError (also for nesting too deep to parse; ValueError for null bytes
    before Python 3.12) when the text does not parse, unless the prefilter already proved
    it has no finding (see ``may_have_findings``).
    """
    return analyze_source(source, registry, context, today=today).findings


def analyze_source(
    source: str, registry: Registry, context: FileContext, *, today: datetime.date
) -> Analysis:
    """Findings and canonical imports of one source text (raises like ``check_source``)."""
    if context.exempt or not may_have_findings(registry, source, context):
        return Analysis([], [])
    tree = _parse(source)
    return analyze_parsed(tree, source_lines(source), registry, context, today=today, text=source)


def _parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (RecursionError, MemoryError) as error:
        # Nesting deeper than this Python's parser handles ("-" * 100000 + "1"): the file
        # cannot be parsed, which callers already handle as a SyntaxError.
        raise SyntaxError(f"too deeply nested to parse ({type(error).__name__})") from None


def check_tree(
    tree: ast.Module,
    lines: Sequence[str],
    registry: Registry,
    context: FileContext,
    *,
    today: datetime.date,
    text: str | None = None,
) -> list[Finding]:
    """Findings of one parsed module; ``lines`` is its source (keepends), ``text`` the
    same joined, when the caller already has it."""
    return analyze_tree(tree, lines, registry, context, today=today, text=text).findings


def check_parsed(
    tree: ast.Module,
    lines: Sequence[str],
    registry: Registry,
    context: FileContext,
    *,
    today: datetime.date,
    text: str,
) -> list[Finding]:
    """``check_tree``'s findings for a module parsed from exactly ``text`` (``lines``
    joined), visiting only the statements its text says can matter (core/locate.py)."""
    return analyze_parsed(tree, lines, registry, context, today=today, text=text).findings


def analyze_parsed(
    tree: ast.Module,
    lines: Sequence[str],
    registry: Registry,
    context: FileContext,
    *,
    today: datetime.date,
    text: str,
) -> Analysis:
    """``analyze_tree``'s result for a module parsed from exactly ``text``."""
    if context.exempt:
        return Analysis([], [])
    located = locate(registry, text)
    if located is None:
        return analyze_tree(tree, lines, registry, context, today=today, text=text)
    statements = import_statements(tree, located.imports)
    records = imported_names(tree, context.package, lines, statements)
    return _analysis(tree, records, registry, context, today, text, located)


def analyze_tree(
    tree: ast.Module,
    lines: Sequence[str],
    registry: Registry,
    context: FileContext,
    *,
    today: datetime.date,
    text: str | None = None,
) -> Analysis:
    """Findings and canonical tracked imports of one parsed module, every node walked."""
    if context.exempt:
        return Analysis([], [])
    records = imported_names(tree, context.package, lines)
    if text is None:
        text = "".join(lines)
    return _analysis(tree, records, registry, context, today, text, None)


def _analysis(
    tree: ast.Module,
    records: list[ImportedName],
    registry: Registry,
    context: FileContext,
    today: datetime.date,
    text: str,
    located: Located | None,
) -> Analysis:
    findings: list[Finding] = []
    canonical: list[CanonicalImport] = []
    for record in records:
        result = _check_record(record, registry, today)
        if isinstance(result, Finding):
            findings.append(result)
        elif result is not None:
            canonical.append(result)
    # Expressions are walked only when a declared trigger of an active rule may fire.
    findings.extend(expression_findings(FileFacts(tree, records, registry, context, text), located=located))
    findings.sort(key=lambda f: (f.line, f.col, f.code, f.message))
    canonical.sort(key=lambda c: (c.line, c.col))
    return Analysis(findings, canonical)



@functools.lru_cache(maxsize=64)  # by identity: each finding of a statement asks (linear, not n * n)
def _bound_twice(statement: ast.Import | ast.ImportFrom) -> frozenset[str]:
    """The local names ``statement`` binds more than once."""
    counts = Counter(alias.asname or alias.name for alias in statement.names)
    return frozenset(name for name, count in counts.items() if count > 1)


def _check_record(
    record: ImportedName, registry: Registry, today: datetime.date
) -> Finding | CanonicalImport | None:
    module, name = record.module, record.name
    if module is None:
        return None
    if name is None:
        watcher = registry.watched_modules.get(module)
        if watcher is not None:
            return Finding(record.line, record.col, "SWS003", codes.SWS003.message(module=module), watcher.name)
        return None
    if name == "*":
        named_by = registry.star_modules.get(module)
        if named_by is not None:
            return Finding(record.line, record.col, "SWS004", codes.SWS004.message(module=module), named_by.name)
        return None
    full = f"{module}.{name}"
    canonical = registry.canonical_by_import.get((module, name))
    watcher = registry.watched_modules.get(full)
    # A canonical entry wins over a watched module it imports (``from django.db import
    # models`` with ``django.db.models`` watched): the README's definition of canonical.
    if watcher is not None and canonical is None:
        return Finding(record.line, record.col, "SWS003", codes.SWS003.message(module=full), watcher.name)
    group = registry.group_of(name)
    if group is None:
        return None
    local = record.bound
    if (module, name, local) in registry.canonical_exact:
        return CanonicalImport(record.line, record.col, group.name)
    if canonical is not None:
        variant = "" if local == name else "aliased"
        message = codes.SWS002.message(variant, name=name, local=local, bound=canonical.bound, use=canonical.text)
        return Finding(record.line, record.col, "SWS002", message, group.name)
    if not registry.tracks(group, module, name):
        return None  # a namesake from a module outside the group's ``watch-from``
    return _non_canonical(record, module, name, local, registry, today, group.name)


def _non_canonical(
    record: ImportedName,
    module: str,
    name: str,
    local: str,
    registry: Registry,
    today: datetime.date,
    group: str,
) -> Finding:
    """SWS001/SWS101 when exactly one canonical replacement is known, else SWS006."""
    code, deadline, reason = codes.SWS001, "", ""
    use: ImportSpec | None = None
    legacy: str | None = None
    for entry in registry.legacy_by_import.get((module, name), ()):
        if entry.spec.asname is None or entry.spec.asname == local:
            use, legacy = entry.use, entry.key
            reason = f"; {entry.reason}" if entry.reason else ""
            if entry.deadline is not None and today < entry.deadline:
                code, deadline = codes.SWS101, entry.deadline.isoformat()
            elif entry.deadline is not None:
                # The day a CI run turns red without a code change: say why.
                reason = f"; deadline {entry.deadline.isoformat()} passed{reason}"
            break
    if use is None:
        candidates = registry.replacements_for(name)
        if len(candidates) != 1:
            if candidates:
                choices = ", ".join(repr(c.text) for c in candidates)
                message = codes.SWS006.message("many", name=name, choices=choices)
            else:
                message = codes.SWS006.message("none", name=name, group=group)
            return Finding(record.line, record.col, "SWS006", message, group)
        (use,) = candidates
    message = code.message(name=name, module=module, use=use.text, reason=reason, deadline=deadline)
    if legacy is None:
        # Inferred from the name alone: ``module`` may hold another object of that name
        # (salt's ``salt.modules.file.patch`` is not ``unittest.mock.patch``), so a rewrite
        # could change what the file imports. Reported, never fixed.
        note = codes.INFERRED_NOTE.format(module=module, name=name)
        return Finding(record.line, record.col, code.id, message + note, group)
    statement = record.statement
    if local in _bound_twice(statement):
        # `from legacy import X, helper as X`: which binding wins depends on the order, so
        # moving one X to a statement of its own could change it; fix leaves it.
        note = codes.BOUND_TWICE_NOTE.format(name=local)
        return Finding(record.line, record.col, code.id, message + note, group, None, legacy)
    # `X as X` is an explicit re-export (typing's stubs, mypy's no_implicit_reexport): it stays,
    # and a canonical import that binds X under another name cannot keep it.
    reexport = record.asname == record.name == local
    if reexport and use.name != local:
        note = codes.REEXPORT_NOTE.format(name=local)
        return Finding(record.line, record.col, code.id, message + note, group, None, legacy)
    replacement = ImportSpec(use.module, use.name, local if local != use.name or reexport else None)
    fix = Fix(
        statement.lineno,
        statement.col_offset,
        statement.end_lineno or statement.lineno,
        statement.end_col_offset or 0,
        record.index,
        replacement,
    )
    return Finding(record.line, record.col, code.id, message + FIXABLE_NOTE, group, fix, legacy)


# Re-exported so adapters need one import for the core.
__all__ = [
    "FIXABLE_NOTE",
    "NO_CONTEXT",
    "Analysis",
    "CanonicalImport",
    "FileContext",
    "Finding",
    "Fix",
    "analyze_parsed",
    "analyze_source",
    "analyze_tree",
    "check_parsed",
    "check_source",
    "check_tree",
    "file_context",
    "may_have_findings",
]
