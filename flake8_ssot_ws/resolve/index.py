"""Module name -> file, for the files under the paths: the modules resolution can look into.

A file's module name is the one the checker gives it (``core.context.file_context``: its
path under the first ``src`` root that holds it). Packages are ``__init__`` files; a folder
that holds modules but no ``__init__`` is a namespace package (it exists, binds nothing).
"""

from __future__ import annotations

from typing import Iterable
from typing import Mapping
from typing import NamedTuple

from flake8_ssot_ws.core.context import file_context
from flake8_ssot_ws.registry import Registry


class ModuleFile(NamedTuple):
    name: str
    path: str  # as discovered (relative to the current directory, or as given)
    relpath: str | None  # relative to the registry's folder
    is_package: bool

    @property
    def shown(self) -> str:
        """The path messages show: relative to the registry's folder when inside it."""
        return self.path if self.relpath is None else self.relpath

    @property
    def package(self) -> str | None:
        """The package relative imports in this file are resolved against."""
        return self.name if self.is_package else self.name.rpartition(".")[0] or None


class ModuleIndex:
    """The modules of a tree: files, and the namespace packages between them."""

    def __init__(self, files: Mapping[str, ModuleFile]) -> None:
        self.files = files
        namespaces: set[str] = set()
        for name in files:
            parts = name.split(".")
            namespaces.update(".".join(parts[:size]) for size in range(1, len(parts)))
        self.namespaces = frozenset(namespaces - set(files))

    def file(self, module: str) -> ModuleFile | None:
        return self.files.get(module)

    def exists(self, module: str) -> bool:
        return module in self.files or module in self.namespaces

    def is_package(self, module: str) -> bool:
        file = self.files.get(module)
        return file.is_package if file is not None else module in self.namespaces


def build_index(paths: Iterable[str], registry: Registry) -> ModuleIndex:
    """The index of ``paths`` (files, as discovered), module names as the registry gives them.

    Two files with one module name: the one Python imports wins -- under the earlier ``src``
    root, a package (``x/__init__.py``) before a module (``x.py``), source before a stub.
    """
    chosen: dict[str, tuple[tuple[int, int, int], ModuleFile]] = {}
    for path in paths:
        context = file_context(registry, path)
        if context.module is None or context.relpath is None:
            continue  # pragma: >=3.10 cover (3.9 jumps over a lone continue: coverage never sees it run)
        file = ModuleFile(context.module, path, context.relpath, context.is_package)
        rank = (_root_rank(context.relpath, registry.src), 0 if file.is_package else 1, path.endswith(".pyi"))
        known = chosen.get(file.name)
        if known is None or rank < known[0]:
            chosen[file.name] = (rank, file)
    return ModuleIndex({name: file for name, (_, file) in sorted(chosen.items())})


def _root_rank(relpath: str, src: tuple[str, ...]) -> int:
    """Which ``src`` root gave the file its module name (as file_context picks it)."""
    for rank, root in enumerate(src):  # pragma: no branch (file_context found a root)
        if root == "." or relpath.startswith(f"{root}/"):
            return rank
    return len(src)  # pragma: no cover (see above)
