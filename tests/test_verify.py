"""``ssot-ws registry --verify``: the registry held against the code, one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_ssot_ws.commands.cli import main
from tests.conftest import write_tree

CODE = {
    "app/__init__.py": "",
    "app/core.py": "class Manager:\n    pass\n\n\ndef get_manager():\n    return Manager()\n",
    "app/shim.py": "from app.core import Manager\n",
    "app/other.py": "class OtherManager:\n    pass\n\n\nManager = OtherManager\n",
    "app/split.py": (
        "import sys\nif sys.flags:\n    from app.core import Manager\nelse:\n    from app.other import Manager\n"
    ),
    "ns/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
    "plain/a.py": "",
}


def registry(
    *legacy: str, canonical: str = "from app.core import Manager", extra: str = "", factory: str = ""
) -> str:
    entries = "".join(f'\n[[group.legacy]]\nimport = "{text}"\n' for text in legacy)
    more = f', "{extra}"' if extra else ""
    canonicals = f'["{canonical}", "from app.core import get_manager"{more}]'
    factory_line = f'factory = "{factory}"\n' if factory else ""
    return f'[[group]]\nname = "managers"\ncanonical = {canonicals}\n{factory_line}{entries}'


CASES = [
    pytest.param(registry("from app.shim import Manager"), 0, "", "", id="consistent"),
    pytest.param(
        registry("from app.gone import Manager"), 0, "", "", id="a legacy import that resolves to nothing is fine"
    ),
    pytest.param(
        registry("from app.other import Manager"),
        1,
        "ssot-registry.toml: group[0].legacy[0]: 'from app.other import Manager' resolves to app.other.OtherManager "
        "(class, app/other.py:1), but its use 'from app.core import Manager' resolves to app.core.Manager "
        "(class, app/core.py:1)\n",
        "ssot-ws: 1 problem in 2 canonical and 1 legacy imports, resolved in 7 modules\n",
        id="legacy and canonical resolve to different definitions",
    ),
    pytest.param(
        registry("from elsewhere import Manager", extra="from functools import cached_property"),
        0,
        "",
        "",
        id="imports of installed packages are not checked",
    ),
    pytest.param(
        registry(extra="from ns.other import thing"), 0, "", "", id="a pkgutil namespace package may live elsewhere"
    ),

    pytest.param(
        registry(extra="from plain.other import thing"),
        1,
        "ssot-registry.toml: group[0].canonical[2]: 'from plain.other import thing' resolves to nothing: "
        "no module 'plain.other' under the paths\n",
        "ssot-ws: 1 problem in 3 canonical and 0 legacy imports, resolved in 7 modules\n",
        id="a plain namespace package under the paths is the project's own",
    ),

    pytest.param(
        registry(extra="from app.gone import thing"),
        1,
        "ssot-registry.toml: group[0].canonical[2]: 'from app.gone import thing' resolves to nothing: "
        "no module 'app.gone' under the paths\n",
        "ssot-ws: 1 problem in 3 canonical and 0 legacy imports, resolved in 7 modules\n",
        id="a module missing from a package under the paths",
    ),
    pytest.param(
        registry("from elsewhere import Manger", canonical="from app.core import Manger"),
        1,
        "ssot-registry.toml: group[0].canonical[0]: 'from app.core import Manger' resolves to nothing: "
        "no 'Manger' in 'app.core' (app/core.py)\n",
        "ssot-ws: 1 problem in 2 canonical and 1 legacy imports (1 of modules outside the paths, not checked), "
        "resolved in 7 modules\n",
        id="the count says what was not checked",
    ),
    pytest.param(
        registry(canonical="from app.core import Manger"),
        1,
        "ssot-registry.toml: group[0].canonical[0]: 'from app.core import Manger' resolves to nothing: "
        "no 'Manger' in 'app.core' (app/core.py)\n",
        "ssot-ws: 1 problem in 2 canonical and 0 legacy imports, resolved in 7 modules\n",
        id="canonical import of a name the module does not define",
    ),
    pytest.param(registry(factory="from app.core import get_manager"), 0, "", "", id="a factory function"),
    pytest.param(
        registry(factory="from app.core import Manager"),
        1,
        "ssot-registry.toml: group[0].factory: 'from app.core import Manager' resolves to a class, app.core.Manager "
        "(class, app/core.py:1): a factory is what returns instances (SWS008 never flags a call of the factory, "
        "so constructing this class is never flagged)\n",
        "ssot-ws: 1 problem in 2 canonical and 0 legacy imports and 1 factory, resolved in 7 modules\n",
        id="a factory that is the tracked class itself",
    ),
    pytest.param(
        registry(factory="from app.core import make_manager"),
        1,
        "ssot-registry.toml: group[0].factory: 'from app.core import make_manager' resolves to nothing: "
        "no 'make_manager' in 'app.core' (app/core.py)\n",
        "ssot-ws: 1 problem in 2 canonical and 0 legacy imports and 1 factory, resolved in 7 modules\n",
        id="a factory that does not exist",
    ),
    pytest.param(
        registry(factory="from app.split import Manager"),
        1,
        "ssot-registry.toml: group[0].factory: 'from app.split import Manager' is ambiguous: "
        "app.core.Manager (class, app/core.py:1) or app.other.OtherManager (class, app/other.py:1)\n",
        "ssot-ws: 1 problem in 2 canonical and 0 legacy imports and 1 factory, resolved in 7 modules\n",
        id="an ambiguous factory",
    ),
    pytest.param(
        registry("from app.gone import Manager", factory="from elsewhere import make"),
        0, "", "", id="a factory in an installed package is not checked",
    ),
    pytest.param(
        registry(canonical="from app.core import Manger", factory="from elsewhere import make"),
        1,
        "ssot-registry.toml: group[0].canonical[0]: 'from app.core import Manger' resolves to nothing: "
        "no 'Manger' in 'app.core' (app/core.py)\n",
        "ssot-ws: 1 problem in 2 canonical and 0 legacy imports and 1 factory (1 of modules outside the paths, "
        "not checked), resolved in 7 modules\n",
        id="an outside factory is counted as not checked",
    ),
    pytest.param(
        registry("from app.shim import Manager", canonical="from app.split import Manager"),
        1,
        "ssot-registry.toml: group[0].canonical[0]: 'from app.split import Manager' is ambiguous: "
        "app.core.Manager (class, app/core.py:1) or app.other.OtherManager (class, app/other.py:1)\n"
        "ssot-registry.toml: group[0].legacy[0]: 'from app.shim import Manager' resolves to app.core.Manager "
        "(class, app/core.py:1), but its use 'from app.split import Manager' resolves to app.core.Manager "
        "(class, app/core.py:1) or app.other.OtherManager (class, app/other.py:1)\n",
        "ssot-ws: 2 problems in 2 canonical and 1 legacy imports, resolved in 7 modules\n",
        id="ambiguous canonical import",
    ),
]


@pytest.mark.parametrize(("text", "code", "out", "err"), CASES)
def test_verify(
    text: str,
    code: int,
    out: str,
    err: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_tree(tmp_path, {**CODE, "ssot-registry.toml": text})
    monkeypatch.chdir(tmp_path)
    assert main(["registry", "--verify"]) == code
    assert capsys.readouterr() == (out, err)


def test_verify_looks_only_under_the_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CODE, "ssot-registry.toml": registry()})
    monkeypatch.chdir(tmp_path)
    assert main(["registry", "--verify", "app/__init__.py", "app/shim.py"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "ssot-registry.toml: group[0].canonical[0]: 'from app.core import Manager' resolves to nothing: "
        "no module 'app.core' under the paths"
    )


def test_the_example_registry_verifies(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir("example")
    assert main(["registry", "--verify"]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["registry", "app"], "ssot-ws: error: PATH arguments only apply to --verify\n", id="paths without --verify"
        ),
        pytest.param(
            ["registry", "--verify", "nope"],
            "ssot-ws: error: argument PATH: no such file or directory: 'nope' (see 'ssot-ws registry --help')\n",
            id="a path that does not exist",
        ),
        pytest.param(
            ["registry", "--verify", "--check", "doc.md"],
            "ssot-ws: error: argument --check: not allowed with argument --verify (see 'ssot-ws registry --help')\n",
            id="--verify and --check",
        ),
    ],
)
def test_usage(
    argv: list[str], expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir("example")
    assert main(argv) == 2
    assert capsys.readouterr().err == expected


def test_readme_sample_is_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- sample verify:", 1)[1].split("```console\n", 1)[1].split("```\n", 1)[0]
    command, _, shown = block.partition("\n")
    assert command == "$ ssot-ws registry --verify"
    write_tree(tmp_path, {**CODE, "ssot-registry.toml": registry("from app.other import Manager")})
    monkeypatch.chdir(tmp_path)
    assert main(["registry", "--verify"]) == 1
    out, err = capsys.readouterr()
    assert shown == out + err


def test_a_re_export_of_an_installed_module_is_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a ninth trial: init chose `from app.odict import OrderedDict` (a re-export of
    collections) as canonical, and verify said it resolves to nothing."""
    text = registry(extra="from app.odict import OrderedDict").replace(
        '"from app.core import get_manager"', '"from app.core import get_manager", "from app.odict import Gone"'
    )
    write_tree(tmp_path, {**CODE, "app/odict.py": "from collections import OrderedDict\n", "ssot-registry.toml": text})
    monkeypatch.chdir(tmp_path)
    assert main(["registry", "--verify"]) == 1  # app.odict.Gone is checked: one problem, the re-export none
    out = (
        "ssot-registry.toml: group[0].canonical[2]: 'from app.odict import Gone' resolves to nothing: "
        "no 'Gone' in 'app.odict' (app/odict.py)\n"
    )
    err = (
        "ssot-ws: 1 problem in 4 canonical and 0 legacy imports (1 of modules outside the paths, not checked), "
        "resolved in 8 modules\n"
    )
    assert capsys.readouterr() == (out, err)
