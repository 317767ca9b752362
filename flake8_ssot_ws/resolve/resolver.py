"""``module.name`` -> its definition, statically, across the modules of an index.

Follows module-level ``class``/``def``/assignments, ``X = Y`` and ``X = a.b.Y`` aliases,
``from .a import Y as X`` (re-exports in package ``__init__`` files included), ``import a.b
as c``, submodules and star imports (``__all__`` when static). A cycle is reported, never
looped on; ``from . import x`` in a package's ``__init__`` is the submodule ``x``, not a cycle.
A result is a definition, several (ambiguous: competing bindings reach different ones, see
``bindings``), or none with the reason. Every module file is parsed once, when first needed.
"""

from __future__ import annotations

from typing import NamedTuple
from typing import Sequence

from flake8_ssot_ws.resolve.bindings import ALIAS
from flake8_ssot_ws.resolve.bindings import DEFINITIONS
from flake8_ssot_ws.resolve.bindings import IMPORT
from flake8_ssot_ws.resolve.bindings import Binding
from flake8_ssot_ws.resolve.bindings import ModuleBindings
from flake8_ssot_ws.resolve.bindings import read_bindings
from flake8_ssot_ws.resolve.index import ModuleFile
from flake8_ssot_ws.resolve.index import ModuleIndex

MODULE_KIND = "module"
# Deeper chains than this are not code anyone wrote by hand; stop well before Python's stack does.
MAX_DEPTH = 100

Step = tuple[str, str]  # (module, name)


class Definition(NamedTuple):
    module: str
    qualname: str  # "" for a module itself
    kind: str  # class, function, variable, type alias, module
    path: str | None  # relative to the registry's folder; None for a namespace package
    line: int

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.qualname}" if self.qualname else self.module

    def describe(self) -> str:
        if self.path is None:
            return f"{self.dotted} (namespace package)"
        if self.kind == MODULE_KIND:
            return f"{self.dotted} (module, {self.path})"
        return f"{self.dotted} ({self.kind}, {self.path}:{self.line})"


class Resolution(NamedTuple):
    """``definitions``: one (resolved), several (ambiguous) or none (then ``reason``).
    ``via``: the (module, name) steps that forwarded to another binding on the way."""

    definitions: tuple[Definition, ...] = ()
    reason: str | None = None
    via: frozenset[Step] = frozenset()
    # A module that may live outside the paths (``Resolver.outside``: an installed package) was
    # reached: unresolved there, or a competing binding (an ``except ImportError`` fallback's
    # primary, an ``if``'s other branch) leads there. What it binds nothing here can see.
    outside: bool = False

    @property
    def definition(self) -> Definition | None:
        """The definition, when there is exactly one."""
        return self.definitions[0] if len(self.definitions) == 1 else None

    def describe(self) -> str:
        if self.definition is not None:
            return self.definition.describe()
        if self.definitions:
            return "ambiguous: " + " or ".join(d.describe() for d in self.definitions)
        return f"unresolved: {self.reason}"


def _unresolved(reason: str, *, outside: bool = False) -> Resolution:
    return Resolution(reason=reason, outside=outside)


class Resolver:
    """Resolves names in one index; results and parsed modules are kept for the next call."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self._bindings: dict[str, ModuleBindings] = {}
        self._memo: dict[Step, Resolution] = {}

    def resolve(self, module: str, name: str) -> Resolution:
        """What ``from module import name`` binds."""
        return self._resolve(module, name, ())[0]

    def module(self, module: str) -> Resolution:
        """What ``import module`` imports: the module, if it is under the paths."""
        if not self.index.exists(module):
            return _unresolved(f"no module {module!r} under the paths", outside=self.outside(module))
        return self._module(module)

    def outside(self, module: str) -> bool:
        """Whether ``module`` may live outside the paths (an installed package): no package of
        it is under the paths, or the nearest is declared extendable by other distributions
        (pkgutil-style: its ``__init__`` assigns ``__path__``). A plain namespace package (no
        ``__init__``) under the paths is taken to be the project's own."""
        parts = module.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            if self.index.exists(prefix):
                file = self.index.file(prefix)
                return size < len(parts) and file is not None and "__path__" in self.bindings(file).names
        return True

    def uses(self, module: str, name: str) -> bool:
        """Whether ``module`` reads ``name`` anywhere (beyond binding it)."""
        file = self.index.file(module)
        return file is not None and name in self.bindings(file).loads

    def bindings(self, file: ModuleFile) -> ModuleBindings:
        found = self._bindings.get(file.name)
        if found is None:
            found = self._bindings[file.name] = read_bindings(file.path, file.package)
        return found

    # Each step returns (resolution, whether a cycle cut it short): only results that a
    # cycle did not cut short are remembered, as they do not depend on the path to them.

    def _resolve(self, module: str, name: str, stack: tuple[Step, ...]) -> tuple[Resolution, bool]:
        key = (module, name)
        known = self._memo.get(key)
        if known is not None:
            return known, False
        if key in stack:
            if self.index.exists(f"{module}.{name}"):  # `from . import x` in the package's __init__
                return self._module(f"{module}.{name}"), False
            cycle = " -> ".join(f"{m}.{n}" for m, n in (*stack[stack.index(key) :], key))
            return _unresolved(f"import cycle {cycle}"), True
        if len(stack) >= MAX_DEPTH:
            return _unresolved(f"more than {MAX_DEPTH} re-exports deep"), True
        result, cut = self._lookup(module, name, (*stack, key))
        if not cut:
            self._memo[key] = result
        return result, cut

    def _lookup(self, module: str, name: str, stack: tuple[Step, ...]) -> tuple[Resolution, bool]:
        file = self.index.file(module)
        submodule = f"{module}.{name}"
        if file is None:
            if self.index.exists(submodule):
                return self._module(submodule), False
            if self.index.exists(module):
                return _unresolved(f"no {name!r} in namespace package {module!r}"), False
            return self._through_attributes(module, name, stack)
        bindings = self.bindings(file)
        if bindings.problem is not None:
            return _unresolved(f"{file.shown}: {bindings.problem}"), False
        candidates = bindings.names.get(name)
        if candidates:
            return self._candidates(file, candidates, stack)
        if self.index.exists(submodule):
            return self._module(submodule), False
        cut = False
        for star in reversed(bindings.stars):  # a later star import rebinds what an earlier one bound
            if star is None or not self._exports(star, name):
                continue
            result, star_cut = self._resolve(star, name, stack)
            cut = cut or star_cut
            if result.definitions:
                return result._replace(via=result.via | {(module, name)}), cut
        return _unresolved(f"no {name!r} in {module!r} ({file.shown})"), cut

    def _exports(self, module: str, name: str) -> bool:
        """Whether ``from module import *`` may bind ``name``."""
        file = self.index.file(module)
        if file is None:
            return False
        all_names = self.bindings(file).all_names
        return name in all_names if all_names is not None else not name.startswith("_")

    def _candidates(
        self, file: ModuleFile, candidates: Sequence[Binding], stack: tuple[Step, ...]
    ) -> tuple[Resolution, bool]:
        """The competing bindings of one name: the others first, fallbacks only when none of
        them resolves; distinct definitions they reach make the result ambiguous."""
        cut = False
        outside = False
        first: Resolution | None = None
        for group in ([b for b in candidates if not b.fallback], [b for b in candidates if b.fallback]):
            found: list[Definition] = []
            via: set[Step] = set()
            for binding in group:
                result, binding_cut = self._binding(file, binding, stack)
                cut = cut or binding_cut
                outside = outside or result.outside
                if first is None:
                    first = result
                found.extend(d for d in result.definitions if d not in found)
                via.update(result.via)
            if found:
                return Resolution(tuple(found), None, frozenset(via), outside), cut
        assert first is not None  # candidates is not empty
        return first, cut

    def _binding(self, file: ModuleFile, binding: Binding, stack: tuple[Step, ...]) -> tuple[Resolution, bool]:
        step = (file.name, binding.name)
        if binding.kind in DEFINITIONS:
            return Resolution((Definition(file.name, binding.name, binding.kind, file.shown, binding.line),)), False
        if binding.kind == IMPORT:
            if binding.module is None:
                return _unresolved(f"relative import beyond the top-level package ({file.shown}:{binding.line})"), False
            assert binding.attribute is not None  # from-imports name what they import
            result, cut = self._resolve(binding.module, binding.attribute, stack)
        elif binding.kind == ALIAS:
            assert binding.attribute is not None  # aliases hold their expression
            result, cut = self._alias(file, binding, stack)
        else:  # MODULE: import a.b [as c]
            assert binding.module is not None
            if not self.index.exists(binding.module):
                reason = f"no module {binding.module!r} under the paths"
                return _unresolved(reason, outside=self.outside(binding.module)), False
            result, cut = self._module(binding.module), False
        return result._replace(via=result.via | {step}), cut

    def _alias(self, file: ModuleFile, binding: Binding, stack: tuple[Step, ...]) -> tuple[Resolution, bool]:
        """``X = Y`` or ``X = a.b.Y``: Y in this module, or attributes of the modules a and a.b."""
        assert binding.attribute is not None
        root, *attributes = binding.attribute.split(".")
        result, cut = self._resolve(file.name, root, stack)
        for attribute in attributes:
            target = result.definition
            if target is None:
                return result, cut
            if target.kind != MODULE_KIND:
                # `X = SomeClass.member`: a value computed here, not a re-export.
                return Resolution((Definition(file.name, binding.name, "variable", file.shown, binding.line),)), cut
            result, attribute_cut = self._resolve(target.dotted, attribute, stack)
            cut = cut or attribute_cut
        return result, cut

    def _through_attributes(self, module: str, name: str, stack: tuple[Step, ...]) -> tuple[Resolution, bool]:
        """``module`` is not a module of the index: it may be a module's attribute that is one
        (``pkg.sub`` where ``pkg/__init__.py`` binds ``sub`` to a module)."""
        parts = module.split(".")
        cut = False
        for size in range(len(parts) - 1, 0, -1):
            base = ".".join(parts[:size])
            if not self.index.exists(base):
                continue
            result, cut = self._resolve(base, parts[size], stack)
            for attribute in parts[size + 1 :]:
                if result.definition is None or result.definition.kind != MODULE_KIND:
                    break
                result, attribute_cut = self._resolve(result.definition.dotted, attribute, stack)
                cut = cut or attribute_cut
            target = result.definition
            if target is None:
                break
            if target.kind != MODULE_KIND:
                return _unresolved(f"{module!r} is not a module: {target.describe()}"), cut
            final, final_cut = self._resolve(target.dotted, name, stack)
            return final, cut or final_cut
        return _unresolved(f"no module {module!r} under the paths", outside=self.outside(module)), cut

    def _module(self, module: str) -> Resolution:
        file = self.index.file(module)
        return Resolution((Definition(module, "", MODULE_KIND, file.shown if file else None, 1),))
