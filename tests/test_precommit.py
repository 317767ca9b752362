"""Every pre-commit snippet in README, run with real pre-commit on a real git repository.

The snippets name the GitHub repository at ``rev: main``; here that is a snapshot of this
working tree (a git repository on branch ``main``, uncommitted files included), and PyCQA's
flake8 repository is a stand-in with flake8's own hook definition (no network here): the rest
of each snippet is taken as README has it. One environment per hook repository, shared by the
tests of this module and across pytest-xdist's workers (pre-commit builds it once: the slow part);
primary Python only.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from flake8_ssot_ws.core.codes import PREFIX
from flake8_ssot_ws.core.codes import WARNINGS
from tests.conftest import PRIMARY_PYTHON
from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import primary_python_only
from tests.conftest import snapshot_of_this_repo
from tests.conftest import write_tree

README = (ROOT / "README.md").read_text(encoding="utf-8")
OUR_URL = "https://github.com/flake8-ssot-ws/flake8-ssot-ws"
FLAKE8_URL = "https://github.com/PyCQA/flake8"
OUR_HEADER = f"repos:\n  - repo: {OUR_URL}\n    rev: main\n    hooks:\n"

# --- the snippets ---------------------------------------------------------------------------------


def readme_hook_snippets() -> list[str]:
    """Every yaml block of README that configures a hook, as a whole configuration: a fragment
    of a hook list goes under this repository, a repository entry under ``repos:``; hooks that
    are commented out are put in (they are there to be used)."""
    configs = []
    for indent, block in re.findall(r"^( *)```yaml\n(.*?)^\1```$", README, flags=re.DOTALL | re.MULTILINE):
        text = textwrap.dedent("".join(line[len(indent) :] + "\n" for line in block.splitlines()))
        if "- id:" not in text:
            continue  # a GitHub Actions workflow
        text = re.sub(r"^(\s*)# (- id:|  args:)", r"\1\2", text, flags=re.MULTILINE)
        if text.startswith("- repo:"):
            text = "repos:\n" + textwrap.indent(text, "  ")
        elif text.startswith("- id:"):
            text = OUR_HEADER + textwrap.indent(text, "      ")
        configs.append(text)
    return configs


def hooks_of(configs: list[str]) -> dict[tuple[str, tuple[str, ...]], str]:
    """(hook id, its args) -> a configuration that runs it."""
    found = {}
    for config in configs:
        for repo in yaml.safe_load(config)["repos"]:
            for hook in repo["hooks"]:
                found[hook["id"], tuple(hook.get("args", ()))] = config
    return found


HOOKS = hooks_of(readme_hook_snippets())
BASELINE_ARGS = ("--baseline", "ssot-baseline.json")


def test_every_snippet_is_tested() -> None:
    """The control: the hooks README configures, each run below."""
    assert sorted(HOOKS) == [
        ("flake8", ()),
        ("ssot-ws", ()),
        ("ssot-ws", BASELINE_ARGS),
        ("ssot-ws", ("--registry=services/a/ssot-registry.toml",)),
        ("ssot-ws", ("--registry=services/b/ssot-registry.toml",)),
        ("ssot-ws-fix", ()),
        ("ssot-ws-fix", BASELINE_ARGS),
        ("ssot-ws-flake8", ()),
        ("ssot-ws-registry-doc", ("docs/ssot-imports.md",)),
        ("ssot-ws-registry-verify", ()),
    ]


def test_the_flake8_hook_keeps_grace_codes_from_failing() -> None:
    """Its args come from the catalogue: every code selected, the warning codes ignored."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "ssot-ws-flake8"]
    selection = [arg for arg in hook["args"] if arg.startswith(("--select", "--ignore", "--extend-"))]
    assert selection == [f"--select={PREFIX}", f"--extend-ignore={','.join(WARNINGS)}"]


def test_primary_python_is_cis() -> None:
    (primary,) = re.findall(r"^PRIMARY=(\S+)$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.MULTILINE)
    assert primary == ".".join(map(str, PRIMARY_PYTHON))


# --- running them ---------------------------------------------------------------------------------

REGISTRY = """\
[[group]]
name = "websocket-manager"
canonical = ["from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager"]

[[group.legacy]]
import = "from app.websocket_core.manager import WebSocketManager"
deadline = 2099-12-31

[[group.legacy]]
import = "from app.websocket_core.websocket_manager import WebSocketManager"
"""
USE = "'from app.websocket_core.unified_manager import UnifiedWebSocketManager as WebSocketManager'"
ERROR = "from app.websocket_core.websocket_manager import WebSocketManager\n\nWebSocketManager()\n"
ERROR_FINDING = (
    f"app/views.py:1:50: SWS001 'WebSocketManager' imported from non-canonical path "
    f"'app.websocket_core.websocket_manager' - use {USE} (fixable with 'ssot-ws fix')"
)
GRACE = "from app.websocket_core.manager import WebSocketManager\n\nWebSocketManager()\n"  # SWS101
ALIASED = "from app.websocket_core.manager import WebSocketManager as Foo\n\nFoo()\n"  # SWS101, its fix an SWS002
FLAKE8_HOOKS = """\
- id: flake8
  name: flake8
  description: '`flake8` is a command-line utility for enforcing style consistency across Python projects.'
  entry: flake8
  language: python
  types: [python]
  require_serial: true
"""


@pytest.fixture(scope="session")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """This repository's snapshot, the flake8 stand-in, and pre-commit's home (its environments),
    made once for the whole run: under pytest-xdist, in the folder the workers share, by the first
    worker to take the lock. pre-commit keys an environment by the repository's path, and locks
    its home while it installs one, so the workers build each environment once between them
    (each built its own before: building them is most of this module's time)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/, above each worker's popen-gwN/
    base = base / "pre-commit-shared"
    base.mkdir(exist_ok=True)
    found = {"ours": base / "flake8-ssot-ws", "flake8": base / "flake8", "home": base / "home"}
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (base / ".made").exists():
            _make_repos(found["ours"], found["flake8"])
            (base / ".made").touch()
    return found


def _make_repos(ours: Path, flake8: Path) -> None:
    snapshot_of_this_repo(ours)
    write_tree(
        flake8,
        {
            ".pre-commit-hooks.yaml": FLAKE8_HOOKS,
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
                '[project]\nname = "flake8-hook-stand-in"\nversion = "7.1.1"\ndependencies = ["flake8"]\n'
                "[tool.setuptools]\npy-modules = []\n"
            ),
        },
    )
    git(flake8, "init", "-q", "-b", "main")
    git(flake8, "add", ".")
    git(flake8, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "stand-in")
    git(flake8, "tag", "7.1.1")


def _project(root: Path, repos: dict[str, Path], config: str, files: dict[str, str]) -> Path:
    config = config.replace(f"git+{OUR_URL}", f"git+file://{repos['ours']}")
    config = config.replace(OUR_URL, str(repos["ours"])).replace(FLAKE8_URL, str(repos["flake8"]))
    write_tree(root, {".pre-commit-config.yaml": config, "ssot-registry.toml": REGISTRY, **files})
    git(root, "init", "-q")
    git(root, "add", ".")
    return root


def _run(project: Path, repos: dict[str, Path], hook: str) -> tuple[int, str, list[str]]:
    """pre-commit's exit code, its status line for the hook, and the hook's own output lines."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(repos["home"])}
    completed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", hook],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    # pre-commit's own lines first ([INFO] installing, [WARNING] rev: main is a branch), then the
    # hook's status line, and, when it failed, its id, exit code and output after a blank line.
    lines = [line for line in completed.stdout.split("\n") if not line.startswith(("[INFO]", "[WARNING]"))]
    status, rest = lines[0], "\n".join(lines[1:])
    output = rest.split("\n\n", 1)[1] if "\n\n" in rest else ""
    return completed.returncode, status.rsplit(".", 1)[-1], output.rstrip("\n").splitlines()


pytestmark = primary_python_only


@pytest.mark.parametrize(
    ("hook", "source", "expected"),
    [
        pytest.param("ssot-ws", ERROR, (1, "Failed", [ERROR_FINDING]), id="ssot-ws fails on a finding"),
        pytest.param("ssot-ws", GRACE, (0, "Passed", []), id="ssot-ws lets a grace code pass (a warning)"),
        pytest.param("ssot-ws-flake8", ERROR, (1, "Failed", [ERROR_FINDING]), id="ssot-ws-flake8 fails on a finding"),
        pytest.param("ssot-ws-flake8", GRACE, (0, "Passed", []), id="ssot-ws-flake8 lets a grace code pass"),
        pytest.param("flake8", ERROR, (1, "Failed", [ERROR_FINDING]), id="flake8 with the plugin fails on a finding"),
        pytest.param("flake8", GRACE, (0, "Passed", []), id="flake8 with the plugin: SWS101 default-ignored"),
    ],
)
def test_check_hooks(tmp_path, repos, hook, source, expected) -> None:
    project = _project(tmp_path, repos, HOOKS[hook, ()], {"app/views.py": source})
    assert _run(project, repos, hook) == expected


def test_fix_hook_fails_once_then_passes(tmp_path, repos) -> None:
    """The fix leaves an SWS002 (the file's alias is kept): the hook still passes the second
    time (it fails only when it rewrote a file); the check hook is what fails on the SWS002."""
    project = _project(tmp_path, repos, HOOKS["ssot-ws-fix", ()], {"app/views.py": ALIASED})
    code, status, output = _run(project, repos, "ssot-ws-fix")
    sws002 = (
        f"app/views.py:1:48: SWS002 'UnifiedWebSocketManager' imported as 'Foo' must be bound as 'WebSocketManager'"
        f" - use {USE}"
    )
    assert (code, status, sorted(output)) == (
        1,
        "Failed",
        sorted(["Rewriting app/views.py", "fixed 1 finding in 1 file; 1 left (not fixable)", sws002]),
    )  # (sorted: pre-commit captures stdout and stderr in one stream, which interleaves them by buffer)
    fixed = "from app.websocket_core.unified_manager import UnifiedWebSocketManager as Foo\n\nFoo()\n"
    assert (project / "app/views.py").read_text(encoding="utf-8") == fixed
    git(project, "add", ".")
    assert _run(project, repos, "ssot-ws-fix") == (0, "Passed", [])
    check = subprocess.run([Path(sys.executable).with_name("ssot-ws"), "check"], cwd=project, capture_output=True)
    assert (check.returncode, check.stdout.decode()) == (1, f"{sws002}\n")


def test_registry_doc_hook(tmp_path, repos) -> None:
    project = _project(tmp_path, repos, HOOKS["ssot-ws-registry-doc", ("docs/ssot-imports.md",)], {})
    code, status, output = _run(project, repos, "ssot-ws-registry-doc")
    missing = (
        "docs/ssot-imports.md is missing (ssot-registry.toml): regenerate it with "
        "'ssot-ws registry --output-format markdown > docs/ssot-imports.md'"
    )
    assert (code, status, output[0]) == (1, "Failed", missing)
    (project / "docs").mkdir()
    document = subprocess.run(
        [Path(sys.executable).with_name("ssot-ws"), "registry"], cwd=project, capture_output=True, check=True
    ).stdout
    (project / "docs/ssot-imports.md").write_bytes(document)
    git(project, "add", ".")
    assert _run(project, repos, "ssot-ws-registry-doc") == (0, "Passed", [])


@pytest.mark.parametrize("hook", ["ssot-ws", "ssot-ws-fix"])
def test_baseline_hooks(tmp_path, repos, hook: str) -> None:
    """With the baseline's args, a known finding passes both hooks, and fix leaves it alone."""
    project = _project(tmp_path, repos, HOOKS[hook, BASELINE_ARGS], {"app/views.py": ERROR})
    subprocess.run(
        [Path(sys.executable).with_name("ssot-ws"), "check", "--write-baseline", "ssot-baseline.json"],
        cwd=project,
        capture_output=True,
        check=True,
    )
    git(project, "add", ".")
    expected: tuple[Any, ...] = (0, "Passed", [])
    assert _run(project, repos, hook) == expected
    assert (project / "app/views.py").read_text(encoding="utf-8") == ERROR


def test_autoupdate_pins_a_commit(tmp_path, repos) -> None:
    """README's advice for ``rev: main``: ``pre-commit autoupdate`` replaces it with the newest
    commit (no release is tagged yet; pre-commit does not follow a branch)."""
    project = _project(tmp_path, repos, HOOKS["ssot-ws", ()], {})
    env = {**os.environ, "PRE_COMMIT_HOME": str(repos["home"])}
    subprocess.run([sys.executable, "-m", "pre_commit", "autoupdate"], cwd=project, env=env, capture_output=True)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["rev"] == git(repos["ours"], "rev-parse", "HEAD").strip()


@pytest.mark.parametrize(
    ("hook", "prefix", "option"),
    [
        pytest.param("ssot-ws", "ssot-ws: error: ", "--registry", id="ssot-ws"),
        pytest.param("ssot-ws-flake8", "flake8-ssot-ws: ", "--ssot-registry", id="ssot-ws-flake8: not silent"),
    ],
)
def test_hooks_fail_without_a_registry(tmp_path, repos, hook: str, prefix: str, option: str) -> None:
    """A hook is a request to check: no registry is the same one-line error from both, naming
    the near miss (a misspelt file name)."""
    project = _project(tmp_path, repos, HOOKS[hook, ()], {"app/views.py": ERROR})
    git(project, "mv", "ssot-registry.toml", "ssot_registry.toml")
    start = project.resolve() / "app"
    message = (
        f"{prefix}no registry found (searched {start} and its {len(start.parents)} parent folders): "
        f"add [tool.flake8-ssot-ws] to pyproject.toml, create ssot-registry.toml, or pass {option} PATH; "
        f"did you mean ssot-registry.toml (found {project.resolve()}/ssot_registry.toml)?"
    )
    assert _run(project, repos, hook) == (1, "Failed", [message])


VERIFY_PROBLEM = (
    "ssot-registry.toml: group[0].canonical[0]: 'from app.websocket_core.unified_manager import "
    "UnifiedWebSocketManager as WebSocketManager' resolves to nothing: no module "
    "'app.websocket_core.unified_manager' under the paths"
)
RESOLVED = "resolved in 1 module"
UNIFIED_MANAGER = {
    "app/__init__.py": "",
    "app/websocket_core/__init__.py": "",
    "app/websocket_core/unified_manager.py": "class UnifiedWebSocketManager:\n    pass\n",
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"app/__init__.py": ""},
            (1, "Failed", [VERIFY_PROBLEM, f"ssot-ws: 1 problem in 1 canonical and 2 legacy imports, {RESOLVED}"]),
            id="the canonical module is missing",
        ),
        pytest.param(UNIFIED_MANAGER, (0, "Passed", []), id="the canonical import resolves"),
    ],
)
def test_registry_verify_hook(tmp_path, repos, files: dict[str, str], expected: tuple[Any, ...]) -> None:
    project = _project(tmp_path, repos, HOOKS["ssot-ws-registry-verify", ()], files)
    assert _run(project, repos, "ssot-ws-registry-verify") == expected


SERVICES = {f"services/{name}/{path}": text for name in "ab" for path, text in (("app/views.py", ERROR),)}
SERVICE_REGISTRIES = {f"services/{name}/ssot-registry.toml": REGISTRY for name in "ab"}


SPLIT = (
    "no registry found for all the paths together: the paths are under different registries: "
    "services/a/ssot-registry.toml (services/a/app/views.py), services/b/ssot-registry.toml "
    "(services/b/app/views.py); check each registry's paths in a run of their own, or pass {option} PATH"
)


def _service_finding(name: str) -> str:
    return ERROR_FINDING.replace("app/views.py", f"services/{name}/app/views.py")


@pytest.mark.parametrize(
    ("hook", "config", "expected"),
    [
        pytest.param(
            "ssot-ws", HOOKS["ssot-ws", ("--registry=services/a/ssot-registry.toml",)],
            ["SSOT imports (service a)", "Failed", _service_finding("a"),
             "SSOT imports (service b)", "Failed", _service_finding("b")],
            id="README's hook per service: each file checked with its service's registry",
        ),
        pytest.param(
            "ssot-ws", HOOKS["ssot-ws", ()],
            ["SSOT imports (ssot-ws check)", "Failed", f"ssot-ws: error: {SPLIT.format(option='--registry')}"],
            id="one hook for two services: an error that names each file's registry",
        ),
        pytest.param(
            "ssot-ws-flake8", HOOKS["ssot-ws-flake8", ()],
            ["SSOT imports (flake8)", "Failed", f"flake8-ssot-ws: {SPLIT.format(option='--ssot-registry')}"],
            id="the flake8 hook too: not a silent pass",
        ),
    ],
)  # fmt: skip
def test_a_registry_per_service(tmp_path, repos, hook: str, config: str, expected: list[str]) -> None:
    project = _project(tmp_path, repos, config, {**SERVICE_REGISTRIES, **SERVICES})
    git(project, "rm", "-q", "--cached", "ssot-registry.toml")
    (project / "ssot-registry.toml").unlink()
    env = {**os.environ, "PRE_COMMIT_HOME": str(repos["home"])}
    completed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", hook],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seen = []
    for line in completed.stdout.splitlines():
        if line.startswith(("[INFO]", "[WARNING]", "- hook id:", "- exit code:")) or not line.strip():
            continue
        if line.endswith(("Failed", "Passed")):
            name, _, status = line.rpartition(".")
            seen += [name.rstrip("."), status]
        else:
            seen.append(line)
    assert (completed.returncode, seen) == (1, expected)


MANY_SERVICES = {
    f"services/{name}/app/views{number}.py": ERROR for name in "ab" for number in range(5)
}  # fmt: skip


@pytest.mark.parametrize(
    ("hook", "option"),
    [
        pytest.param("ssot-ws", "--registry", id="ssot-ws"),
        pytest.param("ssot-ws-flake8", "--ssot-registry", id="ssot-ws-flake8 (flake8's own hook is serial too)"),
    ],
)
def test_one_run_sees_every_file(tmp_path, repos, hook: str, option: str) -> None:
    """pre-commit splits a parallel hook's files into batches (of 4 or more, shuffled): each batch
    would find the registry of its own files, so the verdict would hang on the batching. The
    hooks are serial: one run, one registry question, one answer. (On a machine with one CPU
    pre-commit does not split, and this passes either way.)"""
    project = _project(tmp_path, repos, HOOKS[hook, ()], {**SERVICE_REGISTRIES, **MANY_SERVICES})
    git(project, "rm", "-q", "--cached", "ssot-registry.toml")
    (project / "ssot-registry.toml").unlink()
    split = SPLIT.replace("(services/a/app/views.py)", "(5 paths)").replace("(services/b/app/views.py)", "(5 paths)")
    prefix = "ssot-ws: error: " if hook == "ssot-ws" else "flake8-ssot-ws: "
    code, status, output = _run(project, repos, hook)
    assert (code, status, output) == (1, "Failed", [prefix + split.format(option=option)])
