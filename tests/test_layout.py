"""The package layout is the architecture: which part of flake8_ssot_ws may import which.

One pure core (``core``, over the frozen ``registry``); the fast path, the fixer, the report,
the baseline and the static resolver (``resolve``) build on it; ``scan`` runs it over many
files; ``commands`` and ``plugin`` are the adapters users call. An arrow that is not in
ALLOWED is a layering mistake: the core must never learn about the command line, and nothing
but the adapters may import them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "flake8_ssot_ws"

# part -> the parts it may import (besides itself). A part is a subpackage or a top-level module.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "atomic": set(),  # writing a file whole or not at all
    "reading": set(),  # reading a file without waiting for a writer (a FIFO)
    "gitenv": set(),  # the environment git runs in
    "registry": {"gitenv", "reading"},  # discovery asks git for the registries below a folder
    "core": {"registry"},
    "fast": {"core", "registry"},
    "fix": {"core", "registry"},
    "report": {"core", "registry"},
    # Static resolution of module.name to its definition (ssot-ws init, registry --verify):
    # pure over the module index and the ASTs of the modules it looks into.
    "resolve": {"core", "registry", "reading"},
    "scan": {"core", "fast", "registry", "atomic", "gitenv", "reading"},
    "baseline": {"core", "registry", "scan", "errors", "atomic", "reading"},
    # report --history: git's trees and blobs through scan's checker, counted by report.
    "history": {"core", "registry", "scan", "report"},
    "plugin": {"core", "registry", "baseline", "errors"},
    "commands": {
        *("core", "registry", "fast", "fix", "report", "resolve", "scan", "baseline", "history", "errors", "atomic")
    },
    "__main__": {"commands"},
    "__init__": set(),
}


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_parts(path: Path) -> set[str]:
    parts: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module == "flake8_ssot_ws"  # from flake8_ssot_ws import errors
            names = [f"flake8_ssot_ws.{alias.name}" for alias in node.names] if top else [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (the package uses absolute imports only)")
        parts.update(name.split(".")[1] for name in names if name.startswith("flake8_ssot_ws."))
    return parts


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_is_declared() -> None:
    assert {_part(path) for path in MODULES} == set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGE)) for path in MODULES])
def test_imports_follow_the_layers(path: Path) -> None:
    part = _part(path)
    forbidden = _imported_parts(path) - ALLOWED[part] - {part}
    assert not forbidden, f"{part} may not import {sorted(forbidden)}"


def test_layer_table_has_no_cycle() -> None:
    """The allowed arrows form no cycle: each part can be understood from the ones below it."""
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in path, f"cycle: {' -> '.join((*path, part))}"
        if part in done:
            return
        for below in ALLOWED[part]:
            visit(below, (*path, part))
        done.add(part)

    for part in ALLOWED:
        visit(part, ())
