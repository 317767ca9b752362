"""Observed imports + their resolutions -> the registry ``ssot-ws init`` proposes.

For each ``--watch`` glob (a name belongs to the first glob it matches): the canonical
import is the one given with ``--canonical``, else the most-used import form that resolves
to the definition most imports resolve to. Every other ``(module, name)`` observed for the
glob's names becomes a legacy entry whose ``use`` is that canonical import when ``fix`` may
rewrite it: it resolves to the canonical import's definition, or nowhere in the project (its
module is gone: a reason says so). Otherwise ``fix`` could give its code another object, so it is
left out, for a person to decide (``check`` reports it, without a fix): it resolves to another
definition (``registry --verify`` rejects such an entry), or reaches a module outside the paths
(an installed one, which may bind anything), or the canonical import resolves nowhere. The
modules that define the names, or bind them without otherwise using them (mere re-exports:
package ``__init__`` files, shims), become ``exempt``; the legacy modules imported as modules
(not packages) become ``watch-modules``. Imports in exempt files are not counted in the votes:
``check`` does not look at them either.
"""

from __future__ import annotations

import datetime
import fnmatch
from typing import Iterable
from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.core.observe import Observations
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import LegacyEntry
from flake8_ssot_ws.resolve.resolver import MODULE_KIND
from flake8_ssot_ws.resolve.resolver import Definition
from flake8_ssot_ws.resolve.resolver import Resolution
from flake8_ssot_ws.resolve.resolver import Resolver

# Kinds of import form: the first two import a name, the others a module.
IMPORT, ATTRIBUTE = "import", "attribute"
MODULE, FROM_MODULE, DYNAMIC, STAR = "module", "from-module", "dynamic", "star"


class Form(NamedTuple):
    """One way the code imports something: ``from M import N [as L]`` (IMPORT), ``alias.N``
    reaching ``M.N`` (ATTRIBUTE), ``import M`` (MODULE), ``from P import m`` of module M
    (FROM_MODULE), ``import_module("M")`` (DYNAMIC), ``from M import *`` (STAR)."""

    kind: str
    module: str
    name: str = ""
    asname: str | None = None

    @property
    def text(self) -> str:
        if self.kind == IMPORT:
            return ImportSpec(self.module, self.name, self.asname).text
        if self.kind == ATTRIBUTE:
            return f"{self.module}.{self.name} (attribute)"
        if self.kind == FROM_MODULE:
            package, _, module = self.module.rpartition(".")
            return f"from {package} import {module}"
        if self.kind == DYNAMIC:
            return f'import_module("{self.module}")'
        if self.kind == STAR:
            return f"from {self.module} import *"
        return f"import {self.module}"

    @property
    def imports_name(self) -> bool:
        return self.kind in (IMPORT, ATTRIBUTE)


class Occurrence(NamedTuple):
    form: Form
    path: str  # as displayed
    relpath: str | None  # relative to the registry's folder
    line: int
    col: int


def occurrences(path: str, relpath: str | None, observations: Observations) -> list[Occurrence]:
    """The occurrences of one file's observations."""
    found = [
        Occurrence(Form(IMPORT, n.module, n.name, _alias(n.asname, n.name)), path, relpath, n.line, n.col)
        for n in observations.names
    ]
    found += [
        Occurrence(Form(ATTRIBUTE, a.module, a.name), path, relpath, a.line, a.col) for a in observations.attributes
    ]
    kinds = {"import": MODULE, "from": FROM_MODULE, "dynamic": DYNAMIC}
    found += [Occurrence(Form(kinds[m.how], m.module), path, relpath, m.line, m.col) for m in observations.modules]
    found += [Occurrence(Form(STAR, s.module), path, relpath, s.line, s.col) for s in observations.stars]
    return found


def _alias(asname: str | None, name: str) -> str | None:
    """``as N`` of name N binds what no alias does: one form."""
    return None if asname == name else asname


class Choice(NamedTuple):
    """The canonical import of one glob, and why."""

    glob: str
    spec: ImportSpec
    reason: str


class Proposal(NamedTuple):
    group: Group
    exempt: tuple[str, ...]
    choices: tuple[Choice, ...]
    resolutions: dict[tuple[str, str], Resolution]  # every (module, name) a form imports
    unmatched: tuple[str, ...]  # globs no import matches
    # Imports left out of the legacy entries, with why: not known to be the canonical object.
    left_out: tuple[tuple[ImportSpec, str], ...] = ()

    @property
    def extra_names(self) -> frozenset[str]:
        """Names the registry tracks that no glob matches (a canonical import's binding)."""
        names = {name for choice in self.choices for name in (choice.spec.name, choice.spec.bound)}
        return frozenset(n for n in names if not any(fnmatch.fnmatchcase(n, g) for g in self.group.watch))


class ProposalError(Exception):
    """No registry can be proposed; ``str()`` says why, in one line."""


def propose(
    group_name: str,
    globs: Sequence[str],
    found: Sequence[Occurrence],
    resolver: Resolver,
    *,
    given: Sequence[ImportSpec] = (),
    chosen: Sequence[Choice] | None = None,
    deadline: datetime.date | None = None,
) -> Proposal:
    """The proposal for ``found``. ``chosen``: keep these canonical imports (a second round,
    after the imports of the names they bind were observed too)."""
    names = [o for o in found if o.form.imports_name]
    resolutions = {(m, n): resolver.resolve(m, n) for m, n in sorted({(o.form.module, o.form.name) for o in names})}
    for spec in given:
        resolutions.setdefault((spec.module, spec.name), resolver.resolve(spec.module, spec.name))
    exempt = _exempt(resolutions.values(), resolver)
    checked = [o for o in names if o.relpath not in exempt] or names
    if chosen is None:
        chosen = _choose(globs, checked, resolutions, given)
    glob_of = _glob_of(globs, chosen)
    canonical_pairs = {(c.spec.module, c.spec.name) for c in chosen}
    legacy: list[tuple[ImportSpec, Choice]] = []
    by_glob = {c.glob: c for c in chosen}
    for module, name in sorted({(o.form.module, o.form.name) for o in names}):
        choice = by_glob.get(glob_of(name) or "")
        if choice is not None and (module, name) not in canonical_pairs:
            legacy.append((ImportSpec(module, name, None), choice))
    legacy.sort(key=lambda item: item[0].text)
    entries: list[LegacyEntry] = []
    left_out: list[tuple[ImportSpec, str]] = []
    for spec, choice in legacy:
        resolution, target = resolutions[(spec.module, spec.name)], resolutions[(choice.spec.module, choice.spec.name)]
        reason = _legacy_reason(resolution, target)
        unsure = _unsure(resolution, target)
        if unsure is not None:
            left_out.append((spec, unsure))
        else:
            entries.append(LegacyEntry(f"group[0].legacy[{len(entries)}]", spec, choice.spec, deadline, reason))
    canonical_modules = {c.spec.module for c in chosen}
    as_modules = {o.form.module for o in found if o.form.kind in (MODULE, FROM_MODULE, DYNAMIC)}
    watch_modules = sorted(
        {entry.spec.module for entry in entries}
        & as_modules
        - canonical_modules
        - {m for m in as_modules if resolver.index.is_package(m)}
    )
    group = Group(
        name=group_name,
        watch=tuple(globs),
        watch_modules=tuple(watch_modules),
        canonical=tuple(c.spec for c in chosen),
        legacy=tuple(entries),
    )
    matched = {glob_of(o.form.name) for o in names}
    unmatched = tuple(g for g in globs if g not in matched and g not in by_glob)
    return Proposal(group, tuple(sorted(exempt)), tuple(chosen), resolutions, unmatched, tuple(left_out))


def _glob_of(globs: Sequence[str], chosen: Sequence[Choice]) -> _GlobOf:
    return _GlobOf(globs, {name: c.glob for c in chosen for name in (c.spec.bound, c.spec.name)})


class _GlobOf:
    """The glob a name belongs to: the first it matches, else the one whose canonical import
    binds or imports it."""

    def __init__(self, globs: Sequence[str], bound: dict[str, str]) -> None:
        self.globs = globs
        self.bound = bound

    def __call__(self, name: str) -> str | None:
        for glob in self.globs:
            if fnmatch.fnmatchcase(name, glob):
                return glob
        return self.bound.get(name)


def _exempt(resolutions: Iterable[Resolution], resolver: Resolver) -> set[str]:
    """Files of the modules that define a resolved name, or merely re-export one."""
    modules: set[str] = set()
    for resolution in resolutions:
        modules.update(d.module for d in resolution.definitions if d.kind != MODULE_KIND)
        modules.update(module for module, name in resolution.via if not resolver.uses(module, name))
    files = (resolver.index.file(module) for module in modules)
    return {file.relpath for file in files if file is not None and file.relpath is not None}


def _choose(
    globs: Sequence[str],
    found: Sequence[Occurrence],
    resolutions: dict[tuple[str, str], Resolution],
    given: Sequence[ImportSpec],
) -> list[Choice]:
    glob_of = _GlobOf(globs, {})
    chosen: list[Choice] = []
    for spec in given:
        glob = glob_of(spec.name) or glob_of(spec.bound)
        if glob is None:
            raise ProposalError(f"--canonical {spec.text!r} imports no name that a --watch glob matches")
        other = next((c for c in chosen if c.glob == glob), None)
        if other is not None:
            raise ProposalError(
                f"--canonical {other.spec.text!r} and {spec.text!r} both import names of --watch {glob!r}: "
                "give one canonical import per glob"
            )
        chosen.append(Choice(glob, spec, "given by --canonical"))
    for glob in globs:
        if any(c.glob == glob for c in chosen):
            continue
        statements = [o for o in found if o.form.kind == IMPORT and glob_of(o.form.name) == glob]
        if statements:
            chosen.append(_most_used(glob, statements, resolutions, chosen))
    if not chosen:
        raise ProposalError(f"no import of a name matching {', '.join(repr(g) for g in globs)} found under the paths")
    order = {glob: index for index, glob in enumerate(globs)}
    return sorted(chosen, key=lambda c: order[c.glob])


def _most_used(
    glob: str, statements: Sequence[Occurrence], resolutions: dict[tuple[str, str], Resolution], taken: Sequence[Choice]
) -> Choice:
    votes: dict[Definition, int] = {}
    uses: dict[Form, int] = {}
    files: dict[Form, set[str]] = {}
    bindings: dict[str, int] = {}  # how many imports bind each local name
    for occurrence in statements:
        uses[occurrence.form] = uses.get(occurrence.form, 0) + 1
        files.setdefault(occurrence.form, set()).add(occurrence.path)
        local = occurrence.form.asname or occurrence.form.name
        bindings[local] = bindings.get(local, 0) + 1
        definition = resolutions[(occurrence.form.module, occurrence.form.name)].definition
        if definition is not None:
            votes[definition] = votes.get(definition, 0) + 1
    total = len(statements)
    winner = min(votes, key=lambda d: (-votes[d], d.dotted)) if votes else None
    candidates = [
        form
        for form in uses
        if winner is None or resolutions[(form.module, form.name)].definition == winner
    ]
    # Ties: more files; then an import from the defining module itself (no re-export to keep
    # alive); then the local name most imports bind (the fewest names a person has to change).
    candidates.sort(
        key=lambda form: (
            -uses[form],
            -len(files[form]),
            winner is None or form.module != winner.module,
            -bindings[form.asname or form.name],
            form.text,
        )
    )
    bound = {c.spec.bound for c in taken}
    imported = {(c.spec.module, c.spec.name) for c in taken}
    for form in candidates:
        spec = ImportSpec(form.module, form.name, form.asname)
        if spec.bound in bound or (spec.module, spec.name) in imported:
            continue  # pragma: >=3.10 cover (3.9 jumps over a lone continue: coverage never sees it run)
        if winner is None:
            reason = (
                f"the most-used import ({uses[form]} of {total}); no import of a name matching {glob!r} "
                "resolves to a definition under the paths"
            )
        else:
            reason = (
                f"the most-used import ({uses[form]} of {total}) of {winner.describe()}, "
                f"which {votes[winner]} of the {total} imports of names matching {glob!r} resolve to"
            )
        return Choice(glob, spec, reason)
    raise ProposalError(
        f"cannot propose a canonical import for --watch {glob!r}: each candidate binds or imports "
        "what another canonical import does; pass --canonical"
    )


def _unsure(legacy: Resolution, canonical: Resolution) -> str | None:
    """Why ``fix`` must not rewrite the legacy import to the canonical one (None: it may): the
    two are not known to be one object, while the legacy import may work today."""
    if legacy.definitions:
        if legacy.outside:  # `try: from fastlib import X / except ImportError: from app import X`
            return f"resolves to {_dotted(legacy)} unless a module outside the paths binds it first"
        if legacy.definitions == canonical.definitions:
            return None
        reason = _legacy_reason(legacy, canonical)
        assert reason is not None  # the definitions differ
        if not canonical.definitions:
            return f"{reason}, and the canonical import does not resolve under the paths"
        return reason
    if legacy.outside:
        return f"does not resolve: {legacy.reason}, which may be installed: what it binds is not known"
    return None  # its module is gone from the project: the import fails today


def _dotted(resolution: Resolution) -> str:
    return " or ".join(definition.dotted for definition in resolution.definitions)


def _legacy_reason(legacy: Resolution, canonical: Resolution) -> str | None:
    """Why a legacy import needs a person's look: it resolves elsewhere, or nowhere."""
    target = canonical.definition
    if legacy.definition is not None:
        if legacy.definition == target:
            return None
        if target is None:
            return f"resolves to {legacy.definition.dotted}"
        return f"resolves to {legacy.definition.dotted}, not {target.dotted}"
    if legacy.definitions:
        return "ambiguous: resolves to " + " or ".join(d.dotted for d in legacy.definitions)
    return f"does not resolve: {legacy.reason}"
