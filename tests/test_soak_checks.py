"""The pure helpers of the real-world soak test (benchmarks/soak_checks.py, realworld.py).

The soak itself needs the network to fetch its projects, so it never runs here; these are the
comparisons it makes on a fixed file, on a few lines each, and its registries.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from pathlib import Path

import pytest

from flake8_ssot_ws.registry import load_registry

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> types.ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # realworld.py imports its sibling
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


soak_checks = _load("soak_checks")
realworld = _load("realworld")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("import a\nx = 1\n", "import a\nx = 1\n", [], id="unchanged"),
        pytest.param("from m import X\nx = 1\n", "from n import Y as X\nx = 1\n", [], id="import-rewritten"),
        pytest.param(
            "from m import (\n    X,\n    y,\n)\n",
            "from n import Y as X\nfrom m import (\n    y,\n)\n",
            [],
            id="multi-line-split",
        ),
        pytest.param("if T: from m import X\n", "if T: from n import Y as X\n", [], id="import-sharing-its-line"),
        pytest.param(
            "from m import X\nx = 1\n",
            "from m import X\nx = 2\n",
            [(0, 2, "x = 2"), (2, 0, "x = 1")],
            id="code-changed",
        ),
        pytest.param("from m import X\n", "from m import X\n# note\n", [(0, 2, "# note")], id="line-added"),
        pytest.param("from m import X\n\n", "from m import X\n", [(2, 0, "")], id="blank-line-dropped"),
    ],
)
def test_non_import_changes(old: str, new: str, expected: list[tuple[int, int, str]]) -> None:
    changes = soak_checks.non_import_changes(old, new)
    assert sorted((c.old_line, c.new_line, c.text) for c in changes) == sorted(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import a.b\nimport c as d\n", {("", "a"): 1, ("", "d"): 1}, id="module-imports"),
        pytest.param("from m import X, Y as Z\n", {("", "X"): 1, ("", "Z"): 1}, id="from-import"),
        pytest.param("from . import *\nfrom .m import *\n", {("", "*."): 1, ("", "*.m"): 1}, id="star"),
        pytest.param(
            "class C:\n    def f(self):\n        from m import X\n",
            {("C.f", "X"): 1},
            id="nested-scope",
        ),
        pytest.param(
            "if T:\n    from m import X\nelse:\n    from n import X\n", {("", "X"): 2}, id="counted-not-collected"
        ),
        pytest.param("async def f():\n    import a\n", {("f", "a"): 1}, id="async-function"),
    ],
)
def test_import_bindings(source: str, expected: dict[tuple[str, str], int]) -> None:
    assert dict(soak_checks.import_bindings(ast.parse(source))) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("from m import X, y\n", "from n import X\nfrom m import y\n", [], id="split-same-names"),
        pytest.param(
            "from m import X\n",
            "from m import X as Y\n",
            ["<module>: 'X' bound 1x before, 0x after", "<module>: 'Y' bound 0x before, 1x after"],
            id="renamed",
        ),
        pytest.param(
            "def f():\n    from m import X\n",
            "from m import X\ndef f():\n    pass\n",
            ["<module>: 'X' bound 0x before, 1x after", "f: 'X' bound 1x before, 0x after"],
            id="moved-scope",
        ),
    ],
)
def test_binding_differences(old: str, new: str, expected: list[str]) -> None:
    assert soak_checks.binding_differences(ast.parse(old), ast.parse(new)) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "from m import (\n    X,  # one\n    y,\n)\n",
            "from n import X  # one\nfrom m import (\n    y,\n)\n",
            [],
            id="comment-moved",
        ),
        pytest.param(
            "from m import X, y  # noqa: F401\n",
            "from n import X\nfrom m import y\n",
            ["# noqa: F401"],
            id="noqa-dropped",
        ),
        pytest.param("import a  # x   \n", "import a  # x\n", [], id="trailing-blanks-ignored"),
        pytest.param("# a\n# a\n", "# a\n", ["# a"], id="counted"),
    ],
)
def test_lost_comments(old: str, new: str, expected: list[str]) -> None:
    assert soak_checks.lost_comments(old, new) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "from m import X, y  # noqa: F401\n",
            "from n import X\nfrom m import y  # noqa: F401\n",
            ["<module>: 'X' no longer under '# noqa: F401'"],
            id="split-leaves-noqa-behind",
        ),
        pytest.param(
            "from m import (  # noqa\n    X,\n    y,\n)\n",
            "from n import X\nfrom m import (  # noqa\n    y,\n)\n",
            ["<module>: 'X' no longer under '# noqa'"],
            id="statement-noqa",
        ),
        pytest.param(
            "from m import (\n    X,  # NOQA:F401\n    y,\n)\n",
            "from n import X  # NOQA:F401\nfrom m import (\n    y,\n)\n",
            [],
            id="name-noqa-moves-with-it",
        ),
        pytest.param(
            "from m import (\n    X,\n    y,  # noqa: F401\n)\n",
            "from n import X\nfrom m import (\n    y,  # noqa: F401\n)\n",
            [],
            id="other-names-noqa",
        ),
        pytest.param("import a  # not a noqa\n", "import a\n", [], id="plain-comment"),
    ],
)
def test_lost_noqa(old: str, new: str, expected: list[str]) -> None:
    assert soak_checks.lost_noqa(old, new) == expected


@pytest.mark.parametrize(
    ("source", "position", "expected"),
    [
        pytest.param("from p import mod as m\n", (1, 15), True, id="canonical-with-alias"),
        pytest.param("from p import mod\n", (1, 15), False, id="wrong-binding"),
        pytest.param("from p import (\n    other,\n    mod as m,\n)\n", (3, 5), True, id="multi-line"),
        pytest.param("from p import (\n    other,\n    mod as m,\n)\n", (2, 5), False, id="other-name"),
        pytest.param("from p import mod, mod as m\n", (1, 15), False, id="same-name-unaliased-first"),
        pytest.param("from p import mod, mod as m\n", (1, 20), True, id="same-name-aliased-second"),
        pytest.param("from .p import mod as m\n", (1, 16), False, id="relative-not-resolved"),
        pytest.param("import p.mod as m\n", (1, 8), False, id="module-import"),
        pytest.param("from p import mod as m\n", (9, 1), False, id="no-such-line"),
    ],
)
def test_canonical_positions(source: str, position: tuple[int, int], expected: bool) -> None:
    canonical = [soak_checks.parse_spec("from p import mod as m")]
    assert soak_checks.canonical_positions(source, [position], canonical) == ({position} if expected else set())


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param("'X' imported from non-canonical path 'a.b' - use 'from c import X'", ("a.b", "X"), id="json"),
        pytest.param(
            "SWS101 'X' imported from legacy path 'a', allowed before 2099-12-31 - use", ("a", "X"), id="text-legacy"
        ),
        pytest.param("SWS003 module 'a' imported as a module - import names", None, id="not-fixable"),
    ],
)
def test_rewritten_import(message: str, expected: tuple[str, str] | None) -> None:
    assert soak_checks.rewritten_import(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param("'X' imported from non-canonical path 'a.b' - use 'from c import X'", "a.b", id="import"),
        pytest.param("'ws.X' reaches 'p.ws.X', which is not a canonical import - use", "p.ws", id="attribute"),
        pytest.param("module 'a' imported as a module - import names", None, id="module-import"),
    ],
)
def test_named_module(message: str, expected: str | None) -> None:
    assert soak_checks.named_module(message) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("from a.util import X\n", ("import", "a.util"), id="re-export"),
        pytest.param("def X():\n    pass\n", ("defines", ""), id="function"),
        pytest.param("class X:\n    pass\n", ("defines", ""), id="class"),
        pytest.param("X: int = 1\n", ("defines", ""), id="annotated-assignment"),
        pytest.param("from a import X\nX = wrap(X)\n", ("defines", ""), id="last-binding-wins"),
        pytest.param("from .util import X\n", None, id="relative"),
        pytest.param("def f():\n    from a import X\n", None, id="not-top-level"),
        pytest.param("import X\n", None, id="module-import"),
    ],
)
def test_module_binding(source: str, expected: tuple[str, str] | None) -> None:
    assert soak_checks.module_binding(ast.parse(source), "X") == expected


@pytest.mark.parametrize("name", sorted(realworld.REGISTRIES))
def test_registries_load_and_translate_to_ruff(name: str, tmp_path: Path) -> None:
    """Every soak registry is valid, and its ruff config is TOML banning each legacy import."""
    text = realworld.REGISTRIES[name]
    (tmp_path / "ssot-registry.toml").write_text(text)
    load_registry(tmp_path / "ssot-registry.toml")  # raises RegistryError if it is not valid
    banned = tomllib.loads(realworld.ruff_config(text))["lint"]["flake8-tidy-imports"]["banned-api"]
    groups = tomllib.loads(text)["group"]
    assert len(banned) == sum(len(group.get("legacy", ())) for group in groups) > 1


def test_some_registry_watches_modules() -> None:
    """So that SWS003, SWS005 and SWS007 can occur in the soak."""
    watching = [
        name
        for name, text in realworld.REGISTRIES.items()
        if any(group.get("watch-modules") for group in tomllib.loads(text)["group"])
    ]
    assert watching
