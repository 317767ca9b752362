"""Where a file sits relative to the registry (module name, exemption), and the cheap
text prefilter that lets most files skip parsing."""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple

from flake8_ssot_ws.core.prefilter import gate
from flake8_ssot_ws.registry import Registry


class FileContext(NamedTuple):
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
    relpath = registry_relpath(registry, filename)
    if relpath is None:
        return NO_CONTEXT
    module = None
    is_package = os.path.basename(os.path.abspath(filename)) == "__init__.py"  # not the resolved name
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


def registry_relpath(registry: Registry, filename: str | Path) -> str | None:
    """``filename`` relative to the registry's root (``/``-separated), None outside it."""
    # abspath, not Path.absolute: 'ssot-ws check ..' and 'flake8 ../app/x.py' give paths with
    # '..' in them, which relative_to would not match against the registry's root.
    absolute = os.path.abspath(filename)
    prefix = os.path.join(str(registry.root), "")  # the root and a separator
    if absolute.startswith(prefix):
        # What relative_to gives (abspath has normalised the path), without building Paths:
        # flake8 asks this for every file it checks.
        relpath = absolute[len(prefix) :].replace(os.sep, "/")
    else:
        path = Path(absolute)
        try:
            relpath = path.relative_to(registry.root).as_posix()
        except ValueError:
            try:  # one side reached through a symlinked directory: compare the real paths
                relpath = path.resolve().relative_to(registry.root.resolve()).as_posix()
            except ValueError:
                return None
    return relpath


def may_have_findings(registry: Registry, text: str, context: FileContext) -> bool:
    """Cheap test: False only when the file certainly has no finding (core/prefilter.py).

    A file inside a package the registry names can reach it with ``from . import``, and a
    text whose identifiers NFKC may turn into tracked names is not read as it stands: both
    always get the full check.
    """
    words = gate(registry)
    if words is None or inside_named_package(registry, context):
        return True
    if not words.reads_as_is(text):
        return True
    return words.search_text(text)


def inside_named_package(registry: Registry, context: FileContext) -> bool:
    """Whether the file's package is, or is inside, a module the registry names or the
    parent of a watched module: then a relative import (``from . import *``, ``from . import
    watched``) reaches such a module without naming it, and the gate's words may be missing."""
    package = context.package
    if not package:
        return False
    parts = package.split(".")
    packages = _relative_reach(registry)
    return any(".".join(parts[:size]) in packages for size in range(1, len(parts) + 1))


@functools.lru_cache(maxsize=8)
def _relative_reach(registry: Registry) -> frozenset[str]:
    """The packages inside which a relative import may reach what the registry names."""
    parents = {module.rpartition(".")[0] for module in registry.watched_modules}
    return frozenset(registry.star_modules).union(parents - {""})
