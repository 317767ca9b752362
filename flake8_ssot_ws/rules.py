"""The checking core: (tree or source, Registry) -> findings. Every code lives here.

The flake8 plugin and the ``ssot-ws`` commands all call ``check_tree``/``check_source``,
so they cannot disagree.
"""
from __future__ import annotations

import ast
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from typing import Sequence

from flake8_ssot_ws.imports import ImportedName
from flake8_ssot_ws.imports import imported_names
from flake8_ssot_ws.imports import resolve_relative
from flake8_ssot_ws.imports import source_lines
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import Registry

FIXABLE_NOTE = " (fixable with 'ssot-ws fix')"
SWS001 = "SWS001 {name!r} imported from non-canonical path {module!r} - use {use!r}{reason}"
SWS002 = "SWS002 {name!r} must be bound as {bound!r} - use {use!r}"
SWS003 = "SWS003 module {module!r} imported as a module - import names from their canonical path instead"
SWS004 = "SWS004 star import from {module!r} hides tracked names - import them explicitly from their canonical path"
SWS005 = "SWS005 dynamic import of watched module {module!r} - use a static canonical import"
SWS006_NONE = (
    "SWS006 {name!r} is tracked by group {group!r} but no canonical import provides it - add one to the registry"
)
SWS006_MANY = "SWS006 {name!r} is provided by several canonical imports ({choices}) - import one of them directly"
SWS007 = "SWS007 {expr!r} reaches {path!r}, which is not a canonical import - use {use!r}"
SWS007_NONE = "SWS007 {expr!r} reaches {path!r}, which is not a canonical import - import it from its canonical path"
SWS101 = "SWS101 {name!r} imported from legacy path {module!r}, allowed until {deadline} - use {use!r}{reason}"

_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


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


@dataclass(frozen=True)
class FileContext:
    """Where a file sits relative to the registry: its module name and exemption."""

    relpath: str | None
    module: str | None
    is_package: bool
    exempt: bool

    @property
    def package(self) -> str | None:
        """The package relative imports of this file are resolved against."""
        if self.module is None:
            return None
        if self.is_package:
            return self.module
        return self.module.rpartition(".")[0] or None


NO_CONTEXT = FileContext(relpath=None, module=None, is_package=False, exempt=False)


def file_context(registry: Registry, filename: str | Path) -> FileContext:
    """Module name and exemption of ``filename`` (relative paths are from the cwd)."""
    path = Path(filename).absolute()
    try:
        relative = path.relative_to(registry.root)
    except ValueError:
        try:  # one side reached through a symlinked directory: compare the real paths
            relative = path.resolve().relative_to(registry.root.resolve())
        except ValueError:
            return NO_CONTEXT
    relpath = relative.as_posix()
    module = None
    is_package = path.name == "__init__.py"
    for root in registry.src:
        prefix = "" if root == "." else f"{root}/"
        if relpath.startswith(prefix) and relpath.endswith((".py", ".pyi")):
            parts = relpath.removeprefix(prefix).rsplit(".", 1)[0].split("/")
            if is_package:
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):
                module = ".".join(parts)
            break
    return FileContext(relpath, module, is_package, registry.is_exempt(relpath))


def may_have_findings(registry: Registry, text: str, context: FileContext) -> bool:
    """Cheap test: False only when the file certainly has no finding.

    Non-ASCII sources may spell a tracked name with characters that NFKC-normalise to
    it, and a file inside a package the registry names can reach it with ``from . import``;
    both always get the full check.
    """
    if not registry.needles or not text.isascii():
        return True
    if context.package and _inside_named_module(registry, context.package):
        return True
    return any(needle in text for needle in registry.needles)


def _inside_named_module(registry: Registry, package: str) -> bool:
    parts = package.split(".")
    return any(".".join(parts[:size]) in registry.star_modules for size in range(1, len(parts) + 1))


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
    return analyze_tree(tree, source_lines(source), registry, context, today=today, text=source)


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


def analyze_tree(
    tree: ast.Module,
    lines: Sequence[str],
    registry: Registry,
    context: FileContext,
    *,
    today: datetime.date,
    text: str | None = None,
) -> Analysis:
    """Findings and canonical tracked imports of one parsed module."""
    if context.exempt:
        return Analysis([], [])
    records = imported_names(tree, context.package, lines)
    findings: list[Finding] = []
    canonical: list[CanonicalImport] = []
    for record in records:
        result = _check_record(record, registry, today)
        if isinstance(result, Finding):
            findings.append(result)
        elif result is not None:
            canonical.append(result)
    if text is None:
        text = "".join(lines)
    ascii_only = text.isascii()
    # Expressions are walked only when the text can hold what SWS005/SWS007 look for.
    want_calls = bool(registry.watched_modules) and (
        not ascii_only or any(name in text for name in _DYNAMIC_IMPORTERS)
    )
    bindings = _module_bindings(records, registry)
    want_attributes = bool(bindings) and (
        not ascii_only or registry.attribute_pattern is None or registry.attribute_pattern.search(text) is not None
    )
    if want_calls or want_attributes:
        findings.extend(_expression_findings(tree, registry, context, bindings if want_attributes else {}))
    findings.sort(key=lambda f: (f.line, f.col, f.code, f.message))
    canonical.sort(key=lambda c: (c.line, c.col))
    return Analysis(findings, canonical)


def _module_bindings(records: list[ImportedName], registry: Registry) -> dict[str, str]:
    """Local name -> dotted path, for the imports whose attributes SWS007 inspects.

    A tracked name is a class or function the registry knows, not a module: its
    attributes (``WebSocketManager.get_websocket_manager()``) are members, not imports.
    """
    bindings: dict[str, str] = {}
    for record in records:
        path = record.bound_path
        if path is not None and (record.name is None or registry.group_of(record.name) is None):
            bindings[record.bound] = path
    return bindings


def _check_record(
    record: ImportedName, registry: Registry, today: datetime.date
) -> Finding | CanonicalImport | None:
    module, name = record.module, record.name
    if module is None:
        return None
    if name is None:
        watcher = registry.watched_modules.get(module)
        if watcher is not None:
            return Finding(record.line, record.col, "SWS003", SWS003.format(module=module), watcher.name)
        return None
    if name == "*":
        named_by = registry.star_modules.get(module)
        if named_by is not None:
            return Finding(record.line, record.col, "SWS004", SWS004.format(module=module), named_by.name)
        return None
    full = f"{module}.{name}"
    watcher = registry.watched_modules.get(full)
    if watcher is not None:
        return Finding(record.line, record.col, "SWS003", SWS003.format(module=full), watcher.name)
    group = registry.group_of(name)
    if group is None:
        return None
    local = record.bound
    if (module, name, local) in registry.canonical_exact:
        return CanonicalImport(record.line, record.col, group.name)
    canonical = registry.canonical_by_import.get((module, name))
    if canonical is not None:
        message = SWS002.format(name=name, bound=canonical.bound, use=canonical.text)
        return Finding(record.line, record.col, "SWS002", message, group.name)
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
    code, template, deadline, reason = "SWS001", SWS001, "", ""
    use: ImportSpec | None = None
    legacy: str | None = None
    for entry in registry.legacy_by_import.get((module, name), ()):
        if entry.spec.asname is None or entry.spec.asname == local:
            use, legacy = entry.use, entry.key
            reason = f"; {entry.reason}" if entry.reason else ""
            if entry.deadline is not None and today < entry.deadline:
                code, template, deadline = "SWS101", SWS101, entry.deadline.isoformat()
            break
    if use is None:
        candidates = _candidates(registry, name)
        if len(candidates) != 1:
            if candidates:
                choices = ", ".join(repr(c.text) for c in candidates)
                message = SWS006_MANY.format(name=name, choices=choices)
            else:
                message = SWS006_NONE.format(name=name, group=group)
            return Finding(record.line, record.col, "SWS006", message, group)
        (use,) = candidates
    message = template.format(name=name, module=module, use=use.text, reason=reason, deadline=deadline)
    replacement = ImportSpec(use.module, use.name, local if local != use.name else None)
    statement = record.statement
    fix = Fix(
        statement.lineno,
        statement.col_offset,
        statement.end_lineno or statement.lineno,
        statement.end_col_offset or 0,
        record.index,
        replacement,
    )
    return Finding(record.line, record.col, code, message + FIXABLE_NOTE, group, fix, legacy)


def _candidates(registry: Registry, name: str) -> tuple[ImportSpec, ...]:
    """Canonical imports that could replace an import of ``name``: by binding, else by name."""
    bound = registry.canonical_by_binding.get(name)
    if bound is not None:
        return (bound,)
    return registry.canonical_by_name.get(name, ())


def _expression_findings(
    tree: ast.Module, registry: Registry, context: FileContext, bindings: dict[str, str]
) -> Iterable[Finding]:
    """SWS005 (dynamic imports) and, when ``bindings`` is given, SWS007 (attribute paths)."""
    for node in ast.walk(tree):
        finding = None
        if isinstance(node, ast.Call):
            finding = _dynamic_import(node, registry, context)
        elif bindings and isinstance(node, ast.Attribute):
            finding = _attribute_path(node, registry, bindings)
        if finding is not None:
            yield finding


def _dynamic_import(node: ast.Call, registry: Registry, context: FileContext) -> Finding | None:
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if called not in _DYNAMIC_IMPORTERS:
        return None
    name_arg = _argument(node, 0, "name")
    target = _string_value(name_arg) if name_arg is not None else None
    if target is not None and target.startswith("."):
        target = _resolve_dynamic(target, node, context)
    watcher = registry.watched_modules.get(target) if target is not None else None
    if watcher is None:
        return None
    return Finding(node.lineno, node.col_offset, "SWS005", SWS005.format(module=target), watcher.name)


def _resolve_dynamic(target: str, call: ast.Call, context: FileContext) -> str | None:
    """``import_module('.x', package)``: resolve against the literal or ``__package__``."""
    package_arg = _argument(call, 1, "package")
    if package_arg is None:
        return None
    package = _string_value(package_arg)
    if package is None and isinstance(package_arg, ast.Name) and package_arg.id == "__package__":
        package = context.package
    stripped = target.lstrip(".")
    return resolve_relative(len(target) - len(stripped), stripped or None, package)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """The argument passed at ``position`` or as ``keyword=``, if any."""
    if len(call.args) > position:
        return call.args[position]
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return None


def _string_value(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attribute_path(node: ast.Attribute, registry: Registry, bindings: dict[str, str]) -> Finding | None:
    """SWS007: ``alias.Tracked`` where ``alias`` is bound by an import."""
    group = registry.group_of(node.attr)
    if group is None:
        return None
    dotted = _dotted(node.value)
    if dotted is None:
        return None
    root, _, rest = dotted.partition(".")
    base = bindings.get(root)
    if base is None:
        return None
    module = f"{base}.{rest}" if rest else base
    if (module, node.attr) in registry.canonical_by_import:
        return None
    expr = f"{dotted}.{node.attr}"
    path = f"{module}.{node.attr}"
    candidates = [e.use for e in registry.legacy_by_import.get((module, node.attr), ())]
    candidates = candidates or list(_candidates(registry, node.attr))
    if len(candidates) == 1:
        message = SWS007.format(expr=expr, path=path, use=candidates[0].text)
    else:
        message = SWS007_NONE.format(expr=expr, path=path)
    return Finding(node.lineno, node.col_offset, "SWS007", message, group.name)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


# Re-exported so adapters need one import for the core.
__all__ = [
    "FIXABLE_NOTE",
    "NO_CONTEXT",
    "Analysis",
    "CanonicalImport",
    "FileContext",
    "Finding",
    "Fix",
    "analyze_source",
    "analyze_tree",
    "check_source",
    "check_tree",
    "file_context",
    "may_have_findings",
]
