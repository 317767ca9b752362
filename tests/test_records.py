"""The record types: NamedTuples whose field order the cache relies on, and the Registry,
immutable and equal by what its TOML file says (it is the key of functools caches)."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flake8_ssot_ws.core.context import FileContext
from flake8_ssot_ws.fast.shortcut import _plan
from flake8_ssot_ws.core.findings import Analysis
from flake8_ssot_ws.core.findings import CanonicalImport
from flake8_ssot_ws.core.findings import Finding
from flake8_ssot_ws.core.findings import Fix
from flake8_ssot_ws.core.outcome import EMPTY
from flake8_ssot_ws.core.outcome import Outcome
from flake8_ssot_ws.registry import Group
from flake8_ssot_ws.registry import ImportSpec
from flake8_ssot_ws.registry import LegacyEntry
from flake8_ssot_ws.registry import Registry


@pytest.mark.parametrize(
    ("record", "fields"),
    [
        pytest.param(
            Fix,
            (
                *("statement_line", "statement_col", "statement_end_line", "statement_end_col"),
                *("alias_index", "replacement"),
            ),
            id="Fix: the cache stores a fix positionally",
        ),
        pytest.param(
            Finding,
            ("line", "col", "code", "message", "group", "fix", "legacy", "utf16_col"),
            id="Finding: the cache decodes it positionally",
        ),
        pytest.param(CanonicalImport, ("line", "col", "group"), id="CanonicalImport"),
        pytest.param(Analysis, ("findings", "canonical"), id="Analysis"),
        pytest.param(Outcome, ("reported", "noqa", "canonical", "problem"), id="Outcome"),
        pytest.param(FileContext, ("relpath", "module", "is_package", "exempt"), id="FileContext"),
        pytest.param(ImportSpec, ("module", "name", "asname"), id="ImportSpec"),
        pytest.param(LegacyEntry, ("key", "spec", "use", "deadline", "reason"), id="LegacyEntry"),
        pytest.param(
            Group, ("name", "watch", "watch_modules", "canonical", "legacy", "factory", "construct_in"), id="Group"
        ),
    ],
)
def test_positional_field_order(record: Any, fields: tuple[str, ...]) -> None:
    assert record._fields == fields


def test_records_keep_their_defaults_and_properties() -> None:
    assert Finding(1, 2, "SWS001", "m", "g") == Finding(1, 2, "SWS001", "m", "g", None, None)
    assert Outcome() is not EMPTY
    assert Outcome() == EMPTY == Outcome((), (), (), None)
    spec = ImportSpec("app.core", "Manager", "M")
    assert (spec.bound, spec.text) == ("M", "from app.core import Manager as M")
    finding = Finding(3, 0, "SWS001", "SWS001 b", "g")
    earlier = Finding(1, 4, "SWS002", "SWS002 a", "g")
    assert Outcome(reported=(finding,), noqa=(earlier,)).findings == [earlier, finding]
    assert FileContext("pkg/__init__.py", "pkg", True, False).package == "pkg"


def test_replace_returns_the_same_record_type() -> None:
    finding = Finding(1, 2, "SWS001", "m", "g")
    moved = finding._replace(line=7)
    assert type(moved) is Finding
    assert moved == Finding(7, 2, "SWS001", "m", "g")
    assert finding.line == 1


# --- Registry -----------------------------------------------------------------------------


def _registry(**changes: Any) -> Registry:
    spec = ImportSpec("app.core", "Manager", None)
    group = Group("g", ("Manager",), (), (spec,), ())
    arguments: dict[str, Any] = {
        "path": Path("/p/ssot-registry.toml"),
        "root": Path("/p"),
        "exempt": ("vendor/*",),
        "src": (".",),
        "groups": (group,),
        "needles": ("Manager",),
        "literal_names": {"Manager": group},
    }
    arguments.update(changes)
    return Registry(**arguments)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"needles": ()}, id="needles"),
        pytest.param({"literal_names": {}}, id="a lookup table"),
        pytest.param({"attribute_pattern": None, "canonical_exact": frozenset({("a", "b", "b")})}, id="two more"),
    ],
)
def test_registry_equality_ignores_the_derived_tables(changes: dict[str, Any]) -> None:
    registry, other = _registry(), _registry(**changes)
    assert registry == other
    assert hash(registry) == hash(other)
    assert _plan(registry) is _plan(other)  # the lru_cache sees one registry


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"path": Path("/p/pyproject.toml")}, id="path"),
        pytest.param({"root": Path("/q")}, id="root"),
        pytest.param({"exempt": ()}, id="exempt"),
        pytest.param({"src": ("src",)}, id="src"),
        pytest.param({"groups": ()}, id="groups"),
    ],
)
def test_registry_equality_compares_the_registry_fields(changes: dict[str, Any]) -> None:
    assert _registry() != _registry(**changes)


def test_registry_is_not_equal_to_a_tuple_of_its_fields() -> None:
    registry = _registry()
    assert registry != (registry.path, registry.root, registry.exempt, registry.src, registry.groups)


def test_registry_defaults_are_empty_tables() -> None:
    registry = Registry(Path("/p/r.toml"), Path("/p"), (), (), ())
    assert registry.canonical_exact == frozenset()
    assert registry.needles == ()
    assert registry.attribute_pattern is None
    tables = [registry.canonical_by_import, registry.canonical_by_binding, registry.canonical_by_name]
    tables += [registry.legacy_by_import, registry.literal_names, registry.star_modules, registry.watched_modules]
    assert tables == [{}] * 7
    assert registry.canonical_by_import is not Registry(Path("/p/r.toml"), Path("/p"), (), (), ()).canonical_by_import


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda r: setattr(r, "needles", ()),
            "cannot assign to field 'needles': a Registry is immutable",
            id="assign a field",
        ),
        pytest.param(
            lambda r: setattr(r, "extra", 1),
            "cannot assign to field 'extra': a Registry is immutable",
            id="add an attribute",
        ),
        pytest.param(
            lambda r: delattr(r, "groups"),
            "cannot delete field 'groups': a Registry is immutable",
            id="delete a field",
        ),
    ],
)
def test_registry_is_immutable(mutate: Any, message: str) -> None:
    registry = _registry()
    with pytest.raises(AttributeError) as caught:
        mutate(registry)
    assert str(caught.value) == message
    assert registry.needles == ("Manager",)


def test_registry_repr_shows_the_compared_fields() -> None:
    registry = _registry(groups=())
    assert repr(registry) == (
        f"Registry(path={Path('/p/ssot-registry.toml')!r}, root={Path('/p')!r},"
        " exempt=('vendor/*',), src=('.',), groups=())"
    )


@pytest.mark.parametrize(
    "duplicate",
    [
        pytest.param(lambda r: pickle.loads(pickle.dumps(r)), id="pickle"),
        pytest.param(copy.copy, id="copy"),
        pytest.param(copy.deepcopy, id="deepcopy"),
    ],
)
def test_registry_copies_keep_tables_and_stay_immutable(duplicate: Any) -> None:
    registry = _registry()
    twin = duplicate(registry)
    assert twin == registry
    assert (twin.needles, twin.literal_names) == (registry.needles, registry.literal_names)
    with pytest.raises(AttributeError):
        twin.needles = ()


def test_replace_on_registry_keeps_the_other_arguments() -> None:
    registry = _registry()
    ungated = registry._replace(needles=(), attribute_pattern=None)
    assert ungated.needles == ()
    assert ungated.literal_names is registry.literal_names
    assert registry.needles == ("Manager",)


def test_the_warm_path_records_do_not_import_dataclasses() -> None:
    """``dataclasses`` imports ``inspect`` and more: milliseconds of every warm run."""
    code = (
        "import sys, flake8_ssot_ws.registry, flake8_ssot_ws.core.findings, flake8_ssot_ws.core.outcome,"
        " flake8_ssot_ws.core.context; print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
