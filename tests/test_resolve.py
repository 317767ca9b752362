"""Static resolution (resolve/): one case per behaviour, the exact result of ``module.name``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry.model import with_lookup_tables
from flake8_ssot_ws.resolve.bindings import read_bindings
from flake8_ssot_ws.resolve.index import build_index
from flake8_ssot_ws.resolve.resolver import Resolver
from flake8_ssot_ws.scan.discovery import iter_python_files
from tests.conftest import write_tree

CLASS_Y = "class Y:\n    pass\n"
CLASS_X = "class X:\n    pass\n"


def resolver_for(root: Path, files: dict[str, str], src: tuple[str, ...] = (".",)) -> Resolver:
    write_tree(root, files)
    registry = with_lookup_tables(Registry(root / "ssot-registry.toml", root, (), src, ()))
    paths = [str(path) for path in iter_python_files(["."])]
    return Resolver(build_index(paths, registry))


CASES = [
    pytest.param({"a.py": CLASS_X}, "a", "X", "a.X (class, a.py:1)", id="class"),
    pytest.param({"a.py": "def X():\n    pass\n"}, "a", "X", "a.X (function, a.py:1)", id="function"),
    pytest.param({"a.py": "async def X():\n    pass\n"}, "a", "X", "a.X (function, a.py:1)", id="async function"),
    pytest.param({"a.py": "X = 1\n"}, "a", "X", "a.X (variable, a.py:1)", id="assigned value"),
    pytest.param({"a.py": "X, Y = 1, 2\n"}, "a", "Y", "a.Y (variable, a.py:1)", id="tuple assignment"),
    pytest.param(
        {"a.py": "X = 1\nX += 1\n"}, "a", "X", "a.X (variable, a.py:1)", id="augmented assignment binds nothing new"
    ),
    pytest.param(
        {"a.py": "class _Impl:\n    pass\n\n\nX = _Impl\n"},
        "a",
        "X",
        "a._Impl (class, a.py:1)",
        id="alias of a local name",
    ),
    pytest.param(
        {"a.py": "import b\nX = b.Y\n", "b.py": CLASS_Y},
        "a",
        "X",
        "b.Y (class, b.py:1)",
        id="alias of a module attribute",
    ),
    pytest.param(
        {"a.py": "import pkg.mod\nX = pkg.mod.Y\n", "pkg/__init__.py": "", "pkg/mod.py": CLASS_Y},
        "a",
        "X",
        "pkg.mod.Y (class, pkg/mod.py:1)",
        id="alias through import a.b",
    ),
    pytest.param(
        {"a.py": "class K:\n    m = 1\n\n\nX = K.m\n"},
        "a",
        "X",
        "a.X (variable, a.py:5)",
        id="alias of a class member is a value",
    ),
    pytest.param(
        {"a.py": "import b\nX = b.Y\n"},
        "a",
        "X",
        "unresolved: no module 'b' under the paths",
        id="alias of a missing module",
    ),
    pytest.param(
        {"a.py": "from b import Y as X\n", "b.py": "from c import Y\n", "c.py": CLASS_Y},
        "a",
        "X",
        "c.Y (class, c.py:1)",
        id="re-exports across modules",
    ),
    pytest.param(
        {"pkg/__init__.py": "from .impl import Y\n", "pkg/impl.py": CLASS_Y},
        "pkg",
        "Y",
        "pkg.impl.Y (class, pkg/impl.py:1)",
        id="relative re-export in a package __init__",
    ),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/mod.py": ""}, "pkg", "mod", "pkg.mod (module, pkg/mod.py)", id="submodule"
    ),
    pytest.param(
        {"pkg/__init__.py": "from . import mod\n", "pkg/mod.py": ""},
        "pkg",
        "mod",
        "pkg.mod (module, pkg/mod.py)",
        id="from . import x in __init__ is the submodule, not a cycle",
    ),
    pytest.param(
        {"a.py": "from b import X\n", "b.py": "from a import X\n"},
        "a",
        "X",
        "unresolved: import cycle a.X -> b.X -> a.X",
        id="cycle",
    ),
    pytest.param({"a.py": "X = X\n"}, "a", "X", "unresolved: import cycle a.X -> a.X", id="alias of itself"),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": "__all__ = ['X']\nclass X:\n    pass\n"},
        "a",
        "X",
        "b.X (class, b.py:2)",
        id="star import of a name in __all__",
    ),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": "__all__ = ['X']\n" + CLASS_Y},
        "a",
        "Y",
        "unresolved: no 'Y' in 'a' (a.py)",
        id="star import of a name not in __all__",
    ),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": CLASS_Y},
        "a",
        "Y",
        "b.Y (class, b.py:1)",
        id="star import without __all__",
    ),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": "class _Y:\n    pass\n"},
        "a",
        "_Y",
        "unresolved: no '_Y' in 'a' (a.py)",
        id="star import skips private names",
    ),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": "import c\n__all__ = c.names + ['_Y']\nclass _Y:\n    pass\n"},
        "a",
        "_Y",
        "unresolved: no '_Y' in 'a' (a.py)",
        id="computed __all__: public names only",
    ),
    pytest.param(
        {"a.py": "from b import *\n", "b.py": "__all__ = ['X']\n__all__ += ['_Y']\nclass _Y:\n    pass\n"},
        "a",
        "_Y",
        "b._Y (class, b.py:3)",
        id="__all__ extended",
    ),
    pytest.param(
        {"a.py": "from b import *\nfrom c import *\n", "b.py": CLASS_X, "c.py": CLASS_X},
        "a",
        "X",
        "c.X (class, c.py:1)",
        id="the later star import wins",
    ),
    pytest.param(
        {"a.py": "from b import *\nfrom c import *\n", "b.py": CLASS_X, "c.py": CLASS_Y},
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="an earlier star import, when the later one does not bind the name",
    ),
    pytest.param(
        {"a.py": "from os import *\n"},
        "a",
        "X",
        "unresolved: no 'X' in 'a' (a.py)",
        id="star import of a module not under the paths",
    ),
    pytest.param(
        {"a.py": "from . import *\n"}, "a", "X", "unresolved: no 'X' in 'a' (a.py)", id="star import beyond the top"
    ),
    pytest.param(
        {"a.py": "from b import X\nX = 2\n", "b.py": CLASS_X},
        "a",
        "X",
        "a.X (variable, a.py:2)",
        id="a later top-level binding wins",
    ),
    pytest.param(
        {
            "a.py": "try:\n    from b import X\nexcept ImportError:\n    from c import X\n",
            "b.py": CLASS_X,
            "c.py": CLASS_X,
        },
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="try body before the except ImportError fallback",
    ),
    pytest.param(
        {"a.py": "try:\n    from b import X\nexcept ImportError:\n    from c import X\n", "c.py": CLASS_X},
        "a",
        "X",
        "c.X (class, c.py:1)",
        id="the fallback when the try body does not resolve",
    ),
    pytest.param(
        {"a.py": "try:\n    from b import X\nexcept ImportError:\n    X = None\n"},
        "a",
        "X",
        "a.X (variable, a.py:4)",
        id="a fallback value",
    ),
    pytest.param(
        {"a.py": "try:\n    from b import X\nexcept ImportError:\n    pass\n"},
        "a",
        "X",
        "unresolved: no module 'b' under the paths",
        id="no fallback: why the try body does not resolve",
    ),
    pytest.param(
        {"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from b import X\n", "b.py": CLASS_X},
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="import under if TYPE_CHECKING",
    ),
    pytest.param(
        {
            "a.py": "import typing\nif typing.TYPE_CHECKING:\n    from b import X\nelse:\n    X = object\n",
            "b.py": CLASS_X,
        },
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="else of if TYPE_CHECKING is a fallback",
    ),
    pytest.param(
        {
            "a.py": "import sys\nif sys.version_info >= (3, 11):\n    from b import X\nelse:\n    from c import X\n",
            "b.py": CLASS_X,
            "c.py": CLASS_X,
        },
        "a",
        "X",
        "ambiguous: b.X (class, b.py:1) or c.X (class, c.py:1)",
        id="competing definitions",
    ),
    pytest.param(
        {
            "a.py": "import sys\nif sys.platform == 'win32':\n    from b import X\nelse:\n    from b import X\n",
            "b.py": CLASS_X,
        },
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="the same definition twice is not ambiguous",
    ),
    pytest.param(
        {"a.py": "import sys\nif sys.flags:\n    from b import X\nelse:\n    from nowhere import X\n", "b.py": CLASS_X},
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="a competing binding that resolves nowhere does not count",
    ),
    pytest.param(
        {"a.py": "for _ in ():\n    X = 1\nwhile False:\n    Y = 2\n"},
        "a",
        "Y",
        "a.Y (variable, a.py:4)",
        id="loop bodies",
    ),
    pytest.param(
        {"a.py": "with open('f') as f:\n    from b import X\n", "b.py": CLASS_X},
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="with body",
    ),
    pytest.param(
        {"a.py": "def f():\n    X = 1\n\n\nclass K:\n    Y = 2\n"},
        "a",
        "X",
        "unresolved: no 'X' in 'a' (a.py)",
        id="function bodies bind no module name",
    ),
    pytest.param(
        {"a.py": "from typing import TypeAlias\nfrom b import Y\nX: TypeAlias = Y\n", "b.py": CLASS_Y},
        "a",
        "X",
        "b.Y (class, b.py:1)",
        id="X: TypeAlias = Y",
    ),
    pytest.param(
        {"a.py": "X: int\n"}, "a", "X", "unresolved: no 'X' in 'a' (a.py)", id="an annotation alone binds nothing"
    ),
    pytest.param(
        {"a.py": "import os\nos.X = 1\n"}, "a", "X", "unresolved: no 'X' in 'a' (a.py)", id="attribute assignment"
    ),
    pytest.param(
        {"a.py": "import pkg.mod as X\n", "pkg/__init__.py": "", "pkg/mod.py": ""},
        "a",
        "X",
        "pkg.mod (module, pkg/mod.py)",
        id="import a.b as c",
    ),
    pytest.param(
        {"a.py": "import missing as X\n"},
        "a",
        "X",
        "unresolved: no module 'missing' under the paths",
        id="import of a missing module",
    ),
    pytest.param({}, "nope", "X", "unresolved: no module 'nope' under the paths", id="no such module"),
    pytest.param({"a.py": ""}, "a", "X", "unresolved: no 'X' in 'a' (a.py)", id="no such name"),
    pytest.param({"ns/mod.py": ""}, "ns", "mod", "ns.mod (module, ns/mod.py)", id="namespace package submodule"),
    pytest.param(
        {"ns/sub/mod.py": ""}, "ns", "sub", "ns.sub (namespace package)", id="namespace package in a namespace package"
    ),
    pytest.param(
        {"ns/mod.py": ""}, "ns", "X", "unresolved: no 'X' in namespace package 'ns'", id="name in a namespace package"
    ),
    pytest.param(
        {"pkg/__init__.py": "from . import impl as api\n", "pkg/impl.py": CLASS_X},
        "pkg.api",
        "X",
        "pkg.impl.X (class, pkg/impl.py:1)",
        id="a module reached through a package attribute",
    ),
    pytest.param(
        {"pkg/__init__.py": "from . import impl as api\n", "pkg/impl.py": "import sub\n", "sub.py": CLASS_X},
        "pkg.api.sub",
        "X",
        "sub.X (class, sub.py:1)",
        id="a module reached through two attributes",
    ),
    pytest.param(
        {"a.py": "class Klass:\n    pass\n"},
        "a.Klass",
        "X",
        "unresolved: 'a.Klass' is not a module: a.Klass (class, a.py:1)",
        id="a class is not a module",
    ),
    pytest.param(
        {"a.py": "class Klass:\n    pass\n"},
        "a.Klass.inner",
        "X",
        "unresolved: 'a.Klass.inner' is not a module: a.Klass (class, a.py:1)",
        id="nor its member",
    ),
    pytest.param(
        {"a.py": ""}, "a.b", "X", "unresolved: no module 'a.b' under the paths", id="no such module in a module"
    ),
    pytest.param(
        {"a.py": "from .. import X\n"},
        "a",
        "X",
        "unresolved: relative import beyond the top-level package (a.py:1)",
        id="relative import beyond the top",
    ),
    pytest.param(
        {"a.py": "# -*- coding: nope -*-\nX = 1\n"},
        "a",
        "X",
        "unresolved: a.py: SyntaxError: unknown encoding: nope",
        id="a module that does not parse",
    ),
    pytest.param(
        {"a.py": CLASS_X, "a.pyi": "\nclass X: ...\n"}, "a", "X", "a.X (class, a.py:1)", id="source before stub"
    ),
    pytest.param(
        {"a.py": "X = 1\n", "a/__init__.py": CLASS_X},
        "a",
        "X",
        "a.X (class, a/__init__.py:1)",
        id="package before module",
    ),
    pytest.param(
        {"a.py": "match 1:\n    case 1:\n        from b import X\n", "b.py": CLASS_X},
        "a",
        "X",
        "b.X (class, b.py:1)",
        id="match case",
        marks=pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10"),
    ),
    pytest.param(
        {"a.py": "type X = int\n"},
        "a",
        "X",
        "a.X (type alias, a.py:1)",
        id="type statement",
        marks=pytest.mark.skipif(sys.version_info < (3, 12), reason="type statements need Python 3.12"),
    ),
]


@pytest.mark.parametrize(("files", "module", "name", "expected"), CASES)
def test_resolution(
    files: dict[str, str],
    module: str,
    name: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolver_for(tmp_path, files).resolve(module, name).describe() == expected


def test_the_earlier_source_root_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    resolver = resolver_for(tmp_path, {"a.py": "X = 1\n", "src/a.py": CLASS_X}, ("src", "."))
    assert resolver.resolve("a", "X").describe() == "a.X (class, src/a.py:1)"


def test_deep_chains_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {f"m{i}.py": f"from m{i + 1} import X\n" for i in range(120)}
    resolver = resolver_for(tmp_path, {**files, "m120.py": CLASS_X})
    assert resolver.resolve("m0", "X").describe() == "unresolved: more than 100 re-exports deep"
    assert resolver.resolve("m50", "X").describe() == "m120.X (class, m120.py:1)"


def test_a_cycle_is_reported_from_where_it_is_entered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result a cycle cut short depends on the path to it: it is not remembered."""
    monkeypatch.chdir(tmp_path)
    resolver = resolver_for(
        tmp_path, {"a.py": "from b import X\n", "b.py": "from c import X\n", "c.py": "from a import X\n"}
    )
    assert resolver.resolve("a", "X").describe() == "unresolved: import cycle a.X -> b.X -> c.X -> a.X"
    assert resolver.resolve("b", "X").describe() == "unresolved: import cycle b.X -> c.X -> a.X -> b.X"


def test_via_uses_and_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {
        "pkg/__init__.py": "from pkg.shim import X\n",
        "pkg/shim.py": "from pkg.impl import Impl as X\n\n\ndef use():\n    return X()\n",
        "pkg/impl.py": "class Impl:\n    pass\n",
    }
    resolver = resolver_for(tmp_path, files)
    resolution = resolver.resolve("pkg", "X")
    assert resolution.definition is not None
    assert resolution.definition.describe() == "pkg.impl.Impl (class, pkg/impl.py:1)"
    assert sorted(resolution.via) == [("pkg", "X"), ("pkg.shim", "X")]
    assert (resolver.uses("pkg.shim", "X"), resolver.uses("pkg", "X"), resolver.uses("nope", "X")) == (
        True,
        False,
        False,
    )
    assert resolver.module("pkg.impl").describe() == "pkg.impl (module, pkg/impl.py)"
    assert resolver.module("pkg.nope").describe() == "unresolved: no module 'pkg.nope' under the paths"


def test_an_unreadable_module(tmp_path: Path) -> None:
    assert read_bindings(str(tmp_path / "gone.py"), None).problem == "cannot read: No such file or directory"


def test_files_outside_the_registry_folder_are_not_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"root/a.py": CLASS_X, "other/b.py": CLASS_X})
    registry = with_lookup_tables(Registry(tmp_path / "root/ssot-registry.toml", tmp_path / "root", (), (".",), ()))
    monkeypatch.chdir(tmp_path)
    index = build_index(["root/a.py", "other/b.py", "root/not-a-module.py"], registry)
    assert sorted(index.files) == ["a"]
    assert (index.exists("a"), index.is_package("a"), index.is_package("nope")) == (True, False, False)
