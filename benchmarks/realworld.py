"""Soak test on real code: four large open-source projects, each with a registry that models a
plausible migration of its own imports.

    python benchmarks/realworld.py fetch                    # once; needs the network
    python benchmarks/realworld.py soak [--project NAME]    # offline; exit 1 if a check failed

``fetch`` downloads pinned source distributions (``pip download --no-binary :all: --no-deps``),
verifies their sha256, unpacks each into benchmarks/realworld/<name>/ (git-ignored) and makes
it a git repository of its own (one commit, fixed author and date: the same bytes give the same
commit), as real projects are.

``soak`` writes each project's registry (REGISTRIES below) into its tree as ssot-registry.toml,
with the nearest ruff banned-api configuration beside it, then runs, each command in its own
process group with a time limit (a hang is a failure naming the project and the mode; the
group is killed):

- ``ssot-ws check`` with --no-cache, cold (creating the cache) and warm; the three must agree,
  and no canonical import may be reported;
- ``ssot-ws fix`` on a copy of the tree, then: every changed file compiles, only lines of
  import statements changed, the same names are bound by imports in every scope, no comment
  was lost, every imported name is still under the ``# noqa`` that covered it (on its own line
  or its statement's first), only files with fixable findings changed, no import of an
  unrelated namesake was rewritten, a second ``fix`` changes nothing, and ``check`` on the
  fixed copy reports no fixable finding;
- ``ssot-ws report`` (text and json), consistent with check's counts;
- ``flake8 -j2 --select SWS,E999`` with the plugin: exactly check's findings (path, line, column,
  code), and E999 on every file check could not parse;
- ``ruff check --select TID251`` with the equivalent banned-api: is every ruff finding's
  (path, line) one of ours?
- every file through the checking core in one process, timed (the 10 slowest are printed);
  a file that takes longer than --file-limit is a failure naming it.

Failures caused by bugs that are known and being fixed are labelled "known bug: ..." so that
they are recognised, and still fail the run. Linux and macOS only (process groups, rusage).
"""

from __future__ import annotations

import argparse
import ast
import datetime
import hashlib
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import tokenize
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import IO
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import soak_checks  # noqa: E402 (a sibling script, not a package)

if sys.version_info >= (3, 11):
    import tomllib
else:  # a dependency of the package on these Pythons
    import tomli as tomllib

ROOT = HERE / "realworld"
DOWNLOADS = ROOT / ".downloads"
WORK = ROOT / ".soak"  # the copies that fix rewrites
BIN = Path(sys.executable).parent
REGISTRY = "ssot-registry.toml"
RUFF_CONFIG = "ruff-tid251.toml"  # not ruff.toml: ruff must not pick it up on its own
CODES = ("SWS001", "SWS002", "SWS003", "SWS004", "SWS005", "SWS006", "SWS007", "SWS101")
# Files that are not the project's own, written by the soak and the tools into the tree.
LOCAL_FILES = (REGISTRY, RUFF_CONFIG, ".ssot-ws-cache/", ".ruff_cache/")
# One identity and one instant for every commit, and no user or system git configuration:
# the same archive always gives the same commit hash.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "soak",
    "GIT_AUTHOR_EMAIL": "soak@example.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_COMMITTER_NAME": "soak",
    "GIT_COMMITTER_EMAIL": "soak@example.invalid",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
GIT = ["git", "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false"]

KNOWN_BUGS = {
    "registry-outside": "fix refuses files when the registry is outside the tree",
}


@dataclass(frozen=True)
class Project:
    name: str  # the folder under benchmarks/realworld/
    requirement: str
    archive: str  # the file pip downloads
    sha256: str  # observed on 2026-12-01 from PyPI
    commit: str  # the commit fetch makes of the unpacked archive (determinism check)


PROJECTS = (
    Project(
        "django", "Django==5.1.4", "Django-5.1.4.tar.gz",
        "de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a",
        "26a1d108a0b5a367db4d31b7a40dd4c6d766cbf9",
    ),
    Project(
        "homeassistant", "homeassistant==2024.3.3", "homeassistant-2024.3.3.tar.gz",
        "f62f2c9efa330ca82f70441f93d29361fa87c506c3065baf02b5d85559cdbe70",
        "fa970a1db76655370933a287939227c323462ffd",
    ),
    Project(
        "salt", "salt==3007.1", "salt-3007.1.tar.gz",
        "b933ac4cb3e4b1118b46dada55c9cc6bdc6f0f94b4c92877aec44b25c6a28c9a",
        "45b27f185380820819b60306b97bee708170dc6b",
    ),
    Project(
        "azure-cli", "azure-cli==2.67.0", "azure_cli-2.67.0.tar.gz",
        "c8e242b0eadae3f12ad280d572afdee1991c6101d983bf36066b84de837d2e10",
        "4047a8d79288f7d4ecd335acaa24ffc4003bc10e",
    ),
)  # fmt: skip

# Deadlines are far in the past or far in the future: flake8 has no --today, so check and the
# plugin must classify SWS001/SWS101 the same whatever day the soak runs.
REGISTRIES = {
    # Query expressions from the modules that define them, not through the django.db.models
    # package that re-exports them (39 'from django.db.models import Q' against 6 from
    # query_utils; models.Q through the package is SWS007); Django's cached_property gives way
    # to functools'. '*Expression' tracks the expression classes that have no canonical home
    # yet (SWS006). The package __init__ re-exports on purpose.
    "django": """\
exempt = ["django/db/models/__init__.py", "django/utils/functional.py"]

[[group]]
name = "query-expressions"
watch = ["*Expression"]
canonical = [
  "from django.db.models.expressions import F",
  "from django.db.models.expressions import Value",
  "from django.db.models.expressions import Func",
  "from django.db.models.expressions import Exists",
  "from django.db.models.expressions import OuterRef",
  "from django.db.models.expressions import Subquery",
  "from django.db.models.expressions import Case",
  "from django.db.models.expressions import When",
  "from django.db.models.query_utils import Q",
]

[[group.legacy]]
import = "from django.db.models import Q"
deadline = 2024-06-30
reason = "import Q from django.db.models.query_utils"

[[group.legacy]]
import = "from django.db.models import F"
deadline = 2099-12-31

[[group.legacy]]
import = "from django.db.models import Value"
deadline = 2099-12-31

[[group.legacy]]
import = "from django.db.models.query import Q"

[[group.legacy]]
import = "from django.contrib.gis.db.models import Q"

[[group.legacy]]
import = "from django.contrib.gis.db.models import F"

[[group]]
name = "cached-property"
canonical = ["from functools import cached_property"]

[[group.legacy]]
import = "from django.utils.functional import cached_property"
deadline = 2099-12-31
reason = "functools has it since Python 3.8"
""",
    # The view, request keys and decorators of the HTTP API live in homeassistant.helpers.http
    # since 2023; components/http/view.py and const.py are shims kept for custom integrations.
    # Diagnostics redaction moves to homeassistant.helpers.redact. One spelling of the
    # config_validation import. 'KEY_HASS*' tracks the request keys still to move (SWS006).
    "homeassistant": """\
exempt = ["homeassistant/components/http/view.py", "homeassistant/components/http/const.py"]

[[group]]
name = "http-helpers"
watch = ["KEY_HASS*"]
# websocket_api has a require_admin of its own: only the http modules' names are this group's.
watch-from = ["homeassistant.components.http", "homeassistant.components.http.*", "homeassistant.helpers.http"]
watch-modules = ["homeassistant.components.http.view"]
canonical = [
  "from homeassistant.helpers.http import HomeAssistantView",
  "from homeassistant.helpers.http import KEY_AUTHENTICATED",
  "from homeassistant.helpers.http import current_request",
  "from homeassistant.helpers.http import request_handler_factory",
  "from homeassistant.components.http.decorators import require_admin",
]

[[group.legacy]]
import = "from homeassistant.components.http import HomeAssistantView"
deadline = 2024-06-30
reason = "moved to homeassistant.helpers.http"

[[group.legacy]]
import = "from homeassistant.components.http.view import HomeAssistantView"

[[group.legacy]]
import = "from homeassistant.components.http import KEY_AUTHENTICATED"

[[group.legacy]]
import = "from homeassistant.components.http.const import KEY_AUTHENTICATED"

[[group.legacy]]
import = "from homeassistant.components.http import current_request"

[[group.legacy]]
import = "from homeassistant.components.http import require_admin"
deadline = 2099-12-31

[[group]]
name = "redact"
watch-modules = ["homeassistant.components.diagnostics.util"]
canonical = [
  "from homeassistant.helpers.redact import async_redact_data",
  "from homeassistant.helpers.redact import partial_redact",
  "from homeassistant.helpers.redact import REDACTED",
]

[[group.legacy]]
import = "from homeassistant.components.diagnostics import async_redact_data"
deadline = 2099-12-31
reason = "helpers.redact also serves integrations without diagnostics"

[[group.legacy]]
import = "from homeassistant.components.diagnostics.util import async_redact_data"

[[group.legacy]]
import = "from homeassistant.components.diagnostics import REDACTED"

[[group.legacy]]
import = "from homeassistant.components.diagnostics.const import REDACTED"

[[group]]
name = "config-validation"
watch-modules = ["homeassistant.helpers.config_validation"]
canonical = ["from homeassistant.helpers import config_validation as cv"]
""",
    # tests.support.mock is salt's shim over the mock backport; Python 3.8+ has all of it in
    # unittest.mock. salt.utils.odict.OrderedDict predates ordered dicts. 'Mock*'/'*Mock' and
    # '*OrderedDict' track the shim's own helpers and odict's other classes (SWS006).
    "salt": """\
exempt = ["tests/support/mock.py", "salt/utils/odict.py"]

[[group]]
name = "mock"
watch = ["Mock*", "*Mock"]
watch-modules = ["tests.support.mock", "mock"]
# call, patch, ANY, DEFAULT are common names (subprocess.call, salt.modules.file.patch): only the
# mock modules' ones are this group's.
watch-from = ["tests.support.mock", "mock", "mock.*", "unittest.mock"]
canonical = [
  "from unittest.mock import patch",
  "from unittest.mock import MagicMock",
  "from unittest.mock import Mock",
  "from unittest.mock import mock_open",
  "from unittest.mock import call",
  "from unittest.mock import create_autospec",
  "from unittest.mock import ANY",
  "from unittest.mock import PropertyMock",
  "from unittest.mock import DEFAULT",
  "from unittest.mock import AsyncMock",
]

[[group.legacy]]
import = "from tests.support.mock import patch"
deadline = 2024-06-30
reason = "unittest.mock has everything tests.support.mock re-exports"

[[group.legacy]]
import = "from tests.support.mock import MagicMock"
deadline = 2024-06-30

[[group.legacy]]
import = "from tests.support.mock import Mock"

[[group.legacy]]
import = "from tests.support.mock import mock_open"
deadline = 2099-12-31
reason = "salt's mock_open also mocks read_data per file name; check each use"

[[group.legacy]]
import = "from mock import MagicMock"

[[group]]
name = "odict"
watch = ["*OrderedDict"]
watch-modules = ["salt.utils.odict"]
canonical = ["from collections import OrderedDict"]

[[group.legacy]]
import = "from salt.utils.odict import OrderedDict"
deadline = 2099-12-31
reason = "dicts keep insertion order since Python 3.7"
""",
    # CLIError is knack's; azure.cli.core and azure.cli.core.util re-export it (and
    # azclierror's own CLIError is an alias). The ams module loads the SDK's models module by
    # name (importlib, SWS005) next to importing its classes: it moves to static imports.
    "azure-cli": """\
[[group]]
name = "cli-error"
watch = ["*CLIError"]
watch-from = ["azure.cli.*", "knack.*"]
canonical = [
  "from knack.util import CLIError",
  "from knack.log import get_logger",
]

[[group.legacy]]
import = "from azure.cli.core.util import CLIError"
deadline = 2024-06-30
reason = "knack.util defines it"

[[group.legacy]]
import = "from azure.cli.core import CLIError"

[[group.legacy]]
import = "from azure.cli.core.azclierror import CLIError"
deadline = 2099-12-31

[[group.legacy]]
import = "from azure.cli.core.util import get_logger"

[[group]]
name = "media-models"
watch = ["*Preset"]
watch-modules = ["azure.mgmt.media.models"]
canonical = [
  "from azure.mgmt.media.models import IPRange",
  "from azure.mgmt.media.models import LiveOutput",
  "from azure.mgmt.media.models import JobOutputAsset",
  "from azure.mgmt.media.models import EncoderNamedPreset",
]

[[group.legacy]]
import = "from azure.mgmt.media.models._models_py3 import IPRange"

[[group.legacy]]
import = "from azure.mgmt.media.models._models_py3 import LiveOutput"
""",
}


# --- the registry's nearest ruff equivalent ---------------------------------------------


def ruff_config(registry_text: str) -> str:
    """The nearest ``flake8-tidy-imports.banned-api`` of a registry, as a ruff.toml.

    Each legacy ``from M import N`` bans ``M.N``: ruff then flags exactly the imports of N
    from M, which are always ours too (SWS001/SWS101). Left out, because ruff cannot say it:
    watched modules (banning ``M`` would flag ``from M import anything``, SWS003 flags only the
    module import), names no legacy entry spells (ruff bans a path, the registry a name from
    any path) and the local name a canonical import must bind (SWS002). Exempt files ignore
    TID251.
    """
    registry = tomllib.loads(registry_text)
    lines = [f"# Generated by benchmarks/realworld.py from {REGISTRY}; do not edit."]
    lines.append("[lint.flake8-tidy-imports.banned-api]")
    for group in registry["group"]:
        canonical = [soak_checks.parse_spec(text) for text in group["canonical"]]
        for entry in group.get("legacy", ()):
            spec = soak_checks.parse_spec(entry["import"])
            use = entry.get("use") or _inferred_use(spec, canonical, group["canonical"])
            lines.append(f"{json.dumps(f'{spec.module}.{spec.name}')}.msg = {json.dumps(f'use {use!r}')}")
    if registry.get("exempt"):
        lines.append("[lint.per-file-ignores]")
        lines.extend(f'{json.dumps(glob)} = ["TID251"]' for glob in registry["exempt"])
    return "\n".join(lines) + "\n"


def _inferred_use(spec: soak_checks.Spec, canonical: list[soak_checks.Spec], texts: list[str]) -> str:
    """The canonical import a legacy entry without ``use`` maps to (README: "What canonical
    means"): the one binding the same name, else the one importing it."""
    for field_index in (2, 1):  # Spec.bound, then Spec.name
        matches = [text for c, text in zip(canonical, texts) if c[field_index] == spec.name]
        if len(matches) == 1:
            return matches[0]
    raise ValueError(f"no single canonical import for {spec}")


# --- fetch -------------------------------------------------------------------------------


def fetch(projects: Sequence[Project]) -> int:
    ROOT.mkdir(exist_ok=True)
    total = 0
    for project in projects:
        tree = ROOT / project.name
        stamp = _stamp(project)
        if stamp.is_file() and json.loads(stamp.read_text()).get("sha256") == project.sha256 and tree.is_dir():
            commit = json.loads(stamp.read_text())["commit"]
            print(f"{project.name}: already fetched ({project.requirement}, commit {commit[:12]})")
        else:
            archive = download(project)
            commit = unpack(project, archive, tree)
            stamp.write_text(json.dumps({"sha256": project.sha256, "commit": commit}))
            print(f"{project.name}: {project.requirement} unpacked, commit {commit[:12]}")
        if project.commit and project.commit != commit:
            print(f"{project.name}: warning: commit {commit} is not the pinned {project.commit}", file=sys.stderr)
        total += sum(1 for _ in _python_files(tree))
    print(f"{total} .py files in {len(projects)} projects")
    return 0


def _stamp(project: Project) -> Path:
    return ROOT / f".{project.name}.fetched.json"


def download(project: Project) -> Path:
    """The verified archive, downloaded once into benchmarks/realworld/.downloads/."""
    folder = DOWNLOADS / project.name
    archive = folder / project.archive
    if not (archive.is_file() and _sha256(archive) == project.sha256):
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                   "--no-binary", ":all:", "--no-deps", "--dest", str(folder), project.requirement]  # fmt: skip
        subprocess.run(command, check=True, timeout=1800)
    if not archive.is_file():
        raise SystemExit(f"{project.name}: pip did not download {project.archive}: {sorted(os.listdir(folder))}")
    observed = _sha256(archive)
    if observed != project.sha256:
        raise SystemExit(f"{project.name}: {archive} has sha256 {observed}, pinned {project.sha256}")
    return archive


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(project: Project, archive: Path, tree: Path) -> str:
    """Unpack without the archive's top folder into ``tree`` (replaced), commit it; the hash."""
    partial = ROOT / f".{project.name}.partial"  # a half-unpacked tree never looks complete
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    with tarfile.open(archive) as bundle:
        members = list(_members(bundle, project))
        if hasattr(tarfile, "data_filter"):  # Python 3.12, 3.11.4+, 3.9.17+
            bundle.extractall(partial, members, filter="data")
        else:  # pragma: no cover - _members already refuses links and paths leaving the tree
            bundle.extractall(partial, members)
    _git(partial, "init", "-q")
    (partial / ".git" / "info").mkdir(exist_ok=True)
    (partial / ".git" / "info" / "exclude").write_text("".join(f"/{name}\n" for name in LOCAL_FILES))
    _git(partial, "add", "-A", "--force")  # all of the archive, whatever its .gitignore files say
    _git(partial, "commit", "-q", "--no-verify", "-m", f"{project.requirement} (sdist, sha256 {project.sha256})")
    commit = _git(partial, "rev-parse", "HEAD").strip()
    shutil.rmtree(tree, ignore_errors=True)
    partial.rename(tree)
    return commit


def _members(bundle: tarfile.TarFile, project: Project) -> Iterator[tarfile.TarInfo]:
    """Regular files and folders below the archive's one top folder, renamed relative to it."""
    for member in bundle.getmembers():
        rest = member.name.partition("/")[2]
        if not rest:
            continue  # the top folder itself
        if not (member.isfile() or member.isdir()) or rest.startswith("/") or ".." in rest.split("/"):
            raise SystemExit(f"{project.name}: refusing archive member {member.name!r}")
        member.name = rest
        yield member


def _git(cwd: Path, *args: str) -> str:
    environment = {**os.environ, **GIT_ENV}
    return subprocess.run([*GIT, *args], cwd=cwd, env=environment, check=True, capture_output=True, text=True).stdout


def _python_files(tree: Path) -> Iterator[Path]:
    for folder, directories, files in os.walk(tree):
        directories[:] = [name for name in directories if name != ".git"]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder, name)


# --- running commands with a time limit --------------------------------------------------


class Run(NamedTuple):
    returncode: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    wall: float
    cpu: float  # user + system of the command and the workers it waited for


def run_limited(command: Sequence[str], cwd: Path, limit: float) -> Run:
    """Run ``command`` in a process group of its own; at ``limit`` seconds kill the whole group
    (flake8 -j2 and ssot-ws --jobs have workers) and return with ``returncode`` None.

    CPU time comes from this process's children's usage before and after: on a shared machine
    the wall time says more about the neighbours than about the command."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=limit)
        returncode: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, err = process.communicate()
        returncode = None
    wall = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
    return Run(returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), wall, cpu)


def _kill_group(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # it ended on its own meanwhile
        pass


# --- results -----------------------------------------------------------------------------


@dataclass
class Check:
    """One verdict of the soak; ``known_bug`` is a key of KNOWN_BUGS when that bug caused it."""

    name: str
    passed: bool
    details: list[str] = field(default_factory=list)
    known_bug: str | None = None


@dataclass
class Soaked:
    """What the soak measured and decided for one project."""

    name: str
    files: int = 0
    problems: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    walls: dict[str, float] = field(default_factory=dict)
    cpus: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)  # other figures worth a line
    slowest: list[tuple[str, int, float]] = field(default_factory=list)

    def check(self, name: str, passed: bool, details: Iterable[str] = (), known_bug: str | None = None) -> bool:
        self.checks.append(Check(name, passed, list(details), None if passed else known_bug))
        return passed

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


class Finding(NamedTuple):
    path: str
    line: int
    column: int
    code: str
    message: str
    fixable: bool


class CheckOutput(NamedTuple):
    files: int
    findings: list[Finding]
    problems: list[str]  # paths


@dataclass(frozen=True)
class Limits:
    command: float  # each ssot-ws run
    flake8: float
    ruff: float
    timing: float  # the in-process timing of all files
    file: float  # one file through the core


# --- the soak ----------------------------------------------------------------------------


def soak(projects: Sequence[Project], limits: Limits, keep: bool) -> int:
    missing = [p.name for p in projects if not (ROOT / p.name / ".git").is_dir()]
    if missing:
        raise SystemExit(f"not fetched: {', '.join(missing)}; run 'python {Path(__file__).name} fetch' first")
    results = []
    for project in projects:
        print(f"=== {project.name}", flush=True)
        results.append(soak_project(project, limits, keep))
        print_project(results[-1])
    print_summary(results)
    return 0 if all(result.passed for result in results) else 1


def soak_project(project: Project, limits: Limits, keep: bool) -> Soaked:
    tree = ROOT / project.name
    registry_text = REGISTRIES[project.name]
    (tree / REGISTRY).write_text(registry_text)
    (tree / RUFF_CONFIG).write_text(ruff_config(registry_text))
    result = Soaked(project.name)
    checked = soak_check(tree, result, limits, registry_text)
    if checked is not None:
        soak_fix(project, tree, result, limits, checked, registry_text, keep)
        soak_report(tree, result, limits, checked)
        soak_flake8(tree, result, limits, checked)
        soak_ruff(tree, result, limits, checked)
    soak_timing(tree, result, limits)
    return result


def ssot(*args: str) -> list[str]:
    return [str(BIN / "ssot-ws"), *args[:1], "--registry", REGISTRY, *args[1:]]


def _ran(result: Soaked, mode: str, run: Run, ok_codes: Iterable[int] = (0,)) -> bool:
    """Record the wall time; a hang or an unexpected exit code is a failed check."""
    result.walls[mode] = run.wall
    result.cpus[mode] = run.cpu
    if run.returncode is None:
        return result.check(f"{mode}: finishes", False, [f"{result.name}: {mode}: killed after {run.wall:.0f} s"])
    if run.returncode not in ok_codes:
        tail = run.stderr.strip().splitlines()[-5:]
        return result.check(f"{mode}: exit code", False, [f"exit code {run.returncode}", *tail])
    return True


def parse_check(stdout: str) -> CheckOutput:
    data = json.loads(stdout)
    findings = [
        Finding(f["path"], f["line"], f["column"], f["code"], f["message"], f["fixable"]) for f in data["findings"]
    ]
    return CheckOutput(data["files_scanned"], findings, [problem["path"] for problem in data["problems"]])


def soak_check(tree: Path, result: Soaked, limits: Limits, registry_text: str) -> CheckOutput | None:
    """check three ways; they must agree, and flag no canonical import."""
    json_check = ssot("check", "--output-format", "json", "--exit-zero")
    shutil.rmtree(tree / ".ssot-ws-cache", ignore_errors=True)
    outputs: dict[str, CheckOutput] = {}
    for mode, extra in (("check --no-cache", ["--no-cache"]), ("check cold", []), ("check warm", [])):
        run = run_limited([*json_check, *extra], tree, limits.command)
        if _ran(result, mode, run):
            outputs[mode] = parse_check(run.stdout)
    if "check --no-cache" not in outputs:
        return None
    reference = outputs["check --no-cache"]
    result.files, result.problems = reference.files, len(reference.problems)
    result.codes = Counter(finding.code for finding in reference.findings)
    differing = [mode for mode, output in outputs.items() if output != reference]
    result.check("check: --no-cache, cold and warm agree", not differing, [f"{mode} differs" for mode in differing])
    result.facts["unnamed modules"] = _through_unnamed(reference.findings, registry_text)
    flagged = flagged_canonical(tree, reference.findings, registry_text)
    result.check(
        "check: no canonical import is reported",
        not flagged,
        [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in flagged[:5]] + _more(flagged, 5),
    )
    return reference


def _through_unnamed(findings: Sequence[Finding], registry_text: str) -> str:
    """Findings of a tracked name taken from a module the registry never names: a registry
    tracks names, so these are by design, but each may be an unrelated namesake."""
    named = registry_modules(registry_text)
    found: Counter[str] = Counter()
    for finding in findings:
        module = soak_checks.named_module(finding.message)
        if module is not None and module not in named:
            found[f"{finding.code} via {module}"] += 1
    shown = ", ".join(f"{count} {what}" for what, count in found.most_common(4))
    return f"{sum(found.values())} findings" + (f" ({shown}{', ...' if len(found) > 4 else ''})" if found else "")


def flagged_canonical(tree: Path, findings: Sequence[Finding], registry_text: str) -> list[Finding]:
    """Findings that sit on an import exactly equal to a canonical entry."""
    registry = tomllib.loads(registry_text)
    canonical = [soak_checks.parse_spec(text) for group in registry["group"] for text in group["canonical"]]
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    flagged: list[Finding] = []
    for path, found in by_path.items():
        data = (tree / path).read_bytes()
        try:
            source = _decode(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):  # as check reads such a file
            source = data.decode("latin-1")
        positions = soak_checks.canonical_positions(source, [(f.line, f.column) for f in found], canonical)
        flagged.extend(f for f in found if (f.line, f.column) in positions)
    return flagged


def _more(items: Sequence[object], shown: int) -> list[str]:
    return [f"... and {len(items) - shown} more"] if len(items) > shown else []


def snapshot(tree: Path) -> dict[str, str]:
    """relative path -> content digest of every file but git's and the caches'."""
    skipped = {".git", ".ssot-ws-cache", ".ruff_cache"}
    digests = {}
    for folder, directories, files in os.walk(tree):
        directories[:] = [name for name in directories if name not in skipped]
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                digests[path.relative_to(tree).as_posix()] = hashlib.sha1(path.read_bytes()).hexdigest()
    return digests


def soak_fix(
    project: Project, tree: Path, result: Soaked, limits: Limits, checked: CheckOutput, registry_text: str, keep: bool
) -> None:
    """fix on a copy of the tree, then what must hold of the files it rewrote."""
    copy = WORK / project.name
    shutil.rmtree(copy, ignore_errors=True)
    WORK.mkdir(exist_ok=True)
    shutil.copytree(tree, copy, symlinks=True, ignore=shutil.ignore_patterns(".ssot-ws-cache", ".ruff_cache"))
    try:
        before = snapshot(tree)
        run = run_limited(ssot("fix"), copy, limits.command)
        if not _ran(result, "fix", run, (0, 1)):
            return
        result.facts["fix"] = (run.stderr.strip().splitlines() or ["(no summary)"])[-1]
        after = snapshot(copy)
        changed = verify_changes(tree, copy, result, checked, before, after)
        verify_rewrites(tree, result, checked, changed, registry_text, run.stderr)
        again = run_limited(ssot("fix"), copy, limits.command)
        if _ran(result, "fix again", again, (0, 1)):
            second = snapshot(copy)
            differing = sorted(path for path in second.keys() | after.keys() if second.get(path) != after.get(path))
            result.check("fix: a second fix changes nothing", not differing, differing[:5] + _more(differing, 5))
        recheck_command = [*ssot("check", "--output-format", "json", "--exit-zero"), "--no-cache"]
        recheck = run_limited(recheck_command, copy, limits.command)
        if _ran(result, "check after fix", recheck):
            verify_nothing_fixable(result, parse_check(recheck.stdout), run.stderr)
    finally:
        if not keep:
            shutil.rmtree(copy, ignore_errors=True)


def verify_changes(
    tree: Path, copy: Path, result: Soaked, checked: CheckOutput, before: dict[str, str], after: dict[str, str]
) -> list[str]:
    """The file-level properties of a fix; returns the changed files."""
    added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
    changed = sorted(path for path in before.keys() & after.keys() if before[path] != after[path])
    fixable = {finding.path for finding in checked.findings if finding.fixable}
    unexpected = [f"added {p}" for p in added] + [f"removed {p}" for p in removed]
    unexpected += [f"changed {p} (no fixable finding)" for p in changed if p not in fixable]
    result.facts["fix changed"] = f"{len(changed)} of the {len(fixable)} files with fixable findings"
    result.check("fix: only files with fixable findings change", not unexpected, unexpected[:5] + _more(unexpected, 5))
    broken: list[str] = []
    outside: list[str] = []
    rebound: list[str] = []
    lost: list[str] = []
    uncovered: list[str] = []
    for path in changed:
        old, new = (tree / path).read_bytes(), (copy / path).read_bytes()
        try:
            compile(new, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            broken.append(f"{path}: {type(error).__name__}: {error}")
            continue
        old_text, new_text = _decode(old), _decode(new)
        outside.extend(f"{path}:{c.old_line or c.new_line}: {'-' if c.old_line else '+'}{c.text.strip()}"
                       for c in soak_checks.non_import_changes(old_text, new_text))  # fmt: skip
        rebound.extend(f"{path}: {d}" for d in soak_checks.binding_differences(ast.parse(old), ast.parse(new)))
        lost.extend(f"{path}: {comment}" for comment in soak_checks.lost_comments(old_text, new_text))
        uncovered.extend(f"{path}: {name}" for name in soak_checks.lost_noqa(old_text, new_text))
    result.check("fix: every changed file compiles", not broken, broken[:5] + _more(broken, 5))
    result.check("fix: only import lines change", not outside, outside[:5] + _more(outside, 5))
    result.check("fix: imports bind the same names in every scope", not rebound, rebound[:5] + _more(rebound, 5))
    result.check("fix: no comment is lost", not lost, lost[:5] + _more(lost, 5))
    result.check("fix: a # noqa still covers every name it covered", not uncovered, uncovered[:5] + _more(uncovered, 5))
    return changed


def _decode(data: bytes) -> str:
    """As Python decodes source (what fix does too)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def registry_modules(registry_text: str) -> set[str]:
    """Every module a registry names: canonical and legacy imports, watched modules."""
    registry = tomllib.loads(registry_text)
    modules: set[str] = set()
    for group in registry["group"]:
        texts = [*group["canonical"], *(entry["import"] for entry in group.get("legacy", ()))]
        modules.update(soak_checks.parse_spec(text).module for text in texts)
        modules.update(group.get("watch-modules", ()))
    return modules


def verify_rewrites(
    tree: Path, result: Soaked, checked: CheckOutput, changed: list[str], registry_text: str, stderr: str
) -> None:
    """What fix wrote: every write done, and no import of an unrelated namesake rewritten."""
    unwritten = [line for line in stderr.splitlines() if ": not written: " in line]
    outside = any("outside" in line for line in unwritten)
    result.check("fix: writes every file it fixes", not unwritten, unwritten[:5] + _more(unwritten, 5),
                 "registry-outside" if outside else None)  # fmt: skip
    refused = [line for line in stderr.splitlines() if " not fixed: " in line]
    result.facts["fix refused"] = f"{len(refused)} findings" + (f", e.g. {refused[0]}" if refused else "")
    named = registry_modules(registry_text)
    rewritten = set(changed)
    verdicts: Counter[tuple[str, str]] = Counter()
    for finding in checked.findings:
        spelled = soak_checks.rewritten_import(finding.message) if finding.fixable else None
        if spelled is not None and finding.path in rewritten and spelled[0] not in named:
            verdicts[f"from {spelled[0]} import {spelled[1]}", _namesake(tree, *spelled, named)] += 1
    wrong = [f"{count}x {statement}: {verdict}" for (statement, verdict), count in verdicts.most_common()
             if not verdict.startswith("re-exports")]  # fmt: skip
    benign = [f"{count}x {statement}: {verdict}" for (statement, verdict), count in verdicts.most_common()
              if verdict.startswith("re-exports")]  # fmt: skip
    if benign:
        result.facts["fix by name only"] = "; ".join(benign)
    result.check("fix: rewrites no import of an unrelated namesake", not wrong, wrong[:8] + _more(wrong, 8))


def _namesake(tree: Path, module: str, name: str, named: set[str]) -> str:
    """Whether ``from module import name``, a module the registry never names, gives the
    tracked object: only when that module, in this tree, re-exports it from a module the
    registry names. Anything else is another object that shares the name, or unknown."""
    base = tree.joinpath(*module.split("."))
    source = next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)
    if source is None:
        return "not in this tree: what it binds is unknown"
    binding = soak_checks.module_binding(ast.parse(source.read_bytes()), name)
    if binding is not None and binding[0] == "import" and binding[1] in named:
        return f"re-exports it from {binding[1]} (the rewrite keeps the object)"
    if binding is not None and binding[0] == "defines":
        return f"defines its own {name} (a different object)"
    return f"binds {name} otherwise ({binding})"


def verify_nothing_fixable(result: Soaked, after: CheckOutput, fix_stderr: str) -> None:
    left = [f for f in after.findings if f.fixable]
    result.facts["after fix"] = f"{len(after.findings)} findings, {len(left)} fixable; " + ", ".join(
        f"{code} {count}" for code, count in sorted(Counter(f.code for f in after.findings).items())
    )
    refusals = [line for line in fix_stderr.splitlines() if " not fixed: " in line]
    details = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in left[:5]] + _more(left, 5)
    details += [f"fix said: {line}" for line in refusals[:5]] + _more(refusals, 5)
    result.check("fix: check on the fixed copy finds nothing fixable", not left, details)


def soak_report(tree: Path, result: Soaked, limits: Limits, checked: CheckOutput) -> None:
    """report, text and JSON; its counts must be check's (plus what noqa hides)."""
    text = run_limited(ssot("report"), tree, limits.command)
    _ran(result, "report", text)
    run = run_limited(ssot("report", "--format", "json"), tree, limits.command)
    if not _ran(result, "report json", run):
        return
    data = json.loads(run.stdout)
    overall = data["overall"]
    result.facts["compliance"] = f"{overall['compliance']}% ({overall['canonical']} of {overall['tracked']} canonical)"
    wrong = []
    if data["files"]["scanned"] != checked.files:
        wrong.append(f"scanned {data['files']['scanned']}, check {checked.files}")
    if data["files"]["unreadable"] != len(checked.problems):
        wrong.append(f"unreadable {data['files']['unreadable']}, check {len(checked.problems)}")
    if overall["non_canonical"] - overall["noqa"] != len(checked.findings):
        wrong.append(f"non-canonical {overall['non_canonical']} - noqa {overall['noqa']} != {len(checked.findings)}")
    wrong += [f"{code}: report {overall['by_code'][code]} < check {result.codes[code]}"
              for code in CODES if overall["by_code"][code] < result.codes[code]]  # fmt: skip
    result.check("report: counts agree with check", not wrong, wrong)


_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+[0-9]+) ")


def soak_flake8(tree: Path, result: Soaked, limits: Limits, checked: CheckOutput) -> None:
    """The plugin inside flake8 must report exactly check's findings, and E999 on every file
    check could not parse. Same files: check's default excludes, .py and .pyi."""
    from flake8_ssot_ws.scan.discovery import DEFAULT_EXCLUDE

    command = [str(BIN / "flake8"), "--isolated", "-j2", "--select", "SWS,E999", "--ssot-registry", REGISTRY,
               "--filename", "*.py,*.pyi", "--exclude", ",".join(DEFAULT_EXCLUDE), "."]  # fmt: skip
    run = run_limited(command, tree, limits.flake8)
    if not _ran(result, "flake8", run, (0, 1)):
        return
    theirs: Counter[tuple[str, int, int, str]] = Counter()
    unparsed = set()
    for line in run.stdout.splitlines():
        match = _FLAKE8_LINE.match(line)
        if match is None:
            continue
        path = match["path"].removeprefix("./")
        if match["code"] == "E999":
            unparsed.add(path)
        else:
            theirs[path, int(match["line"]), int(match["col"]), match["code"]] += 1
    ours = Counter((f.path, f.line, f.column, f.code) for f in checked.findings)
    details = [f"flake8 only: {':'.join(map(str, key))}" for key in sorted((theirs - ours).elements())][:5]
    details += [f"check only: {':'.join(map(str, key))}" for key in sorted((ours - theirs).elements())][:5]
    result.facts["flake8"] = f"{sum(theirs.values())} findings, {len(unparsed)} E999"
    result.check("flake8: the same findings as check", theirs == ours, details)
    # Not the converse: check parses only a file whose bytes hold a needle (README, "Why it is
    # fast"), so a file that holds none and does not parse is E999 in flake8 and silent in check.
    missing = sorted(set(checked.problems) - unparsed)
    result.facts["flake8"] += f" ({len(unparsed - set(checked.problems))} of them in files check never parses)"
    result.check("flake8: E999 wherever check cannot parse", not missing, missing[:5] + _more(missing, 5))


def soak_ruff(tree: Path, result: Soaked, limits: Limits, checked: CheckOutput) -> None:
    """ruff's TID251 with the registry's nearest banned-api: is every (path, line) it flags
    one that check flags too? (Not the converse: ruff cannot express most of the codes.)"""
    command = [str(BIN / "ruff"), "check", "--no-cache", "--select", "TID251", "--config", RUFF_CONFIG,
               "--output-format", "json", "--exit-zero", "."]  # fmt: skip
    run = run_limited(command, tree, limits.ruff)
    if not _ran(result, "ruff TID251", run):
        return
    root = tree.resolve()
    items = json.loads(run.stdout)
    # ruff also lists the files it cannot parse ("invalid-syntax"), whatever --select says.
    flagged = {(Path(item["filename"]).resolve().relative_to(root).as_posix(), item["location"]["row"])
               for item in items if item["code"] == "TID251"}  # fmt: skip
    invalid = len({item["filename"] for item in items if item["code"] != "TID251"})
    ours = {(f.path, f.line) for f in checked.findings}
    problems = set(checked.problems)
    missing = sorted(key for key in flagged - ours if key[0] not in problems)
    in_unparsable = sum(1 for key in flagged if key[0] in problems)
    result.facts["ruff"] = (
        f"{len(flagged)} (path, line) flagged, {len(flagged & ours)} also ours, {in_unparsable} in files check "
        f"cannot parse; {len(ours - flagged)} of our {len(ours)} lines are not ruff's; "
        f"ruff cannot parse {invalid} files"
    )
    details = [f"ruff only: {path}:{line}" for path, line in missing[:5]] + _more(missing, 5)
    result.check("ruff: every TID251 line is one of ours", not missing, details)


def soak_timing(tree: Path, result: Soaked, limits: Limits) -> None:
    """Every file through the checking core in one child process, timed per file. The child
    names each file on stderr before checking it, so a file that hangs is named and killed."""
    command = [sys.executable, __file__, "_time-files", str(tree), "--today", datetime.date.today().isoformat()]
    process = subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, text=True)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    current: list[tuple[str, float]] = [("(start-up)", time.perf_counter())]
    reader = _Follower(process.stderr, current)
    start = time.perf_counter()
    verdict = None
    while process.poll() is None:
        time.sleep(0.2)
        path, since = current[-1]
        now = time.perf_counter()
        if now - since > limits.file:
            verdict = f"{result.name}: timing: {path} still being checked after {now - since:.0f} s; killed"
        elif now - start > limits.timing:
            verdict = f"{result.name}: timing: not done after {now - start:.0f} s (at {path}); killed"
        if verdict:
            _kill_group(process)
            break
    process.wait()
    reader.join()
    result.walls["core, per file"] = time.perf_counter() - start
    if verdict is not None or process.returncode:
        errors = [line for line in reader.lines if not line.startswith("checking\t")][-5:]
        details = [verdict or f"exit code {process.returncode}", *errors]
        result.check("timing: every file through the core in time", False, details)
        return
    data = json.loads(process.stdout.read())
    result.slowest = [(path, size, seconds) for path, size, seconds in data["slowest"]]
    result.facts["core"] = f"{data['files']} files in {data['seconds']:.2f} s of CPU in one process"
    slow = [f"{path}: {seconds:.1f} s" for path, _, seconds in result.slowest if seconds > limits.file]
    result.check("timing: no file takes longer than the per-file limit", not slow, slow)


class _Follower:
    """Reads the child's stderr in a thread: the file it is checking, and anything else."""

    def __init__(self, stream: IO[str], current: list[tuple[str, float]]) -> None:
        import threading

        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream, current), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str], current: list[tuple[str, float]]) -> None:
        for line in stream:
            line = line.rstrip("\n")
            if line.startswith("checking\t"):
                current.append((line.partition("\t")[2], time.perf_counter()))
                del current[:-1]  # only the latest matters
            else:
                self.lines.append(line)

    def join(self) -> None:
        self._thread.join()


def time_files(tree: Path, today: datetime.date) -> None:
    """(The child of soak_timing, cwd = tree.) One FileChecker over every file check would
    look at; the 10 slowest as JSON on stdout."""
    from flake8_ssot_ws.scan.checker import FileChecker
    from flake8_ssot_ws.scan.discovery import iter_python_files
    from flake8_ssot_ws.registry import load_registry

    checker = FileChecker(load_registry(Path(REGISTRY).resolve()), today)
    timed = []
    total = 0.0
    for path in iter_python_files(["."]):
        name = str(path)
        print(f"checking\t{name}", file=sys.stderr, flush=True)
        data = path.read_bytes()
        start = time.process_time()
        checker.check(name, data)
        seconds = time.process_time() - start
        total += seconds
        timed.append((seconds, name, len(data)))
    timed.sort(reverse=True)
    slowest = [(name, size, seconds) for seconds, name, size in timed[:10]]
    print(json.dumps({"files": len(timed), "seconds": total, "slowest": slowest}))


# --- output ------------------------------------------------------------------------------


def print_project(result: Soaked) -> None:
    print(f"{result.name}: {result.files} files checked, {result.problems} cannot be parsed")
    counts = ", ".join(f"{code} {result.codes[code]}" for code in CODES)
    print(f"findings: {counts}; total {sum(result.codes.values())}")
    print("wall s (CPU s): " + ", ".join(
        f"{mode} {seconds:.2f}" + (f" ({result.cpus[mode]:.2f})" if mode in result.cpus else "")
        for mode, seconds in result.walls.items()
    ))  # fmt: skip
    for name, fact in result.facts.items():
        print(f"{name}: {fact}")
    for check in result.checks:
        label = "pass" if check.passed else "FAIL"
        known = f" (known bug: {KNOWN_BUGS[check.known_bug]})" if check.known_bug else ""
        print(f"  {label}  {check.name}{known}")
        for line in check.details if not check.passed else ():
            print(f"        {line}")
    if result.slowest:
        print("slowest files (CPU s through the core, bytes, path):")
        for path, size, seconds in result.slowest:
            print(f"  {seconds:8.3f} {size:9d}  {path}")
    print(flush=True)


def print_summary(results: Sequence[Soaked]) -> None:
    """A markdown table (times: wall, and CPU in parentheses), then every failed check."""
    modes = ("check --no-cache", "check cold", "check warm", "fix", "flake8", "ruff TID251")
    print("| project | files | " + " | ".join(CODES) + " | " + " | ".join(f"{m} s" for m in modes) + " | checks |")
    print("|---|---:|" + "---:|" * (len(CODES) + len(modes)) + "---|")
    for r in results:
        walls = " | ".join(f"{r.walls[m]:.2f} ({r.cpus[m]:.2f})" if m in r.cpus else "-" for m in modes)
        failed = [check for check in r.checks if not check.passed]
        verdict = f"{len(r.checks) - len(failed)}/{len(r.checks)} passed"
        print(f"| {r.name} | {r.files} | " + " | ".join(str(r.codes[c]) for c in CODES) + f" | {walls} | {verdict} |")
    failures = [(r.name, check) for r in results for check in r.checks if not check.passed]
    for name, check in failures:
        known = f" (known bug: {KNOWN_BUGS[check.known_bug]})" if check.known_bug else ""
        print(f"FAILED {name}: {check.name}{known}")
    if not failures:
        print("all checks passed")


# --- command line ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    names = [project.name for project in PROJECTS]
    for name, helptext in (("fetch", "download, verify and unpack the projects (network)"),
                           ("soak", "run every check on every project (offline)")):  # fmt: skip
        command = commands.add_parser(name, help=helptext)
        command.add_argument("--project", action="append", choices=names, help="only this one (repeatable)")
    soak_parser = commands.choices["soak"]
    soak_parser.add_argument("--limit", type=float, default=300, help="seconds per ssot-ws run (default 300)")
    soak_parser.add_argument("--flake8-limit", type=float, default=1800, help="seconds per flake8 run (default 1800)")
    soak_parser.add_argument("--file-limit", type=float, default=10, help="seconds per file in the core (default 10)")
    soak_parser.add_argument("--keep", action="store_true", help="keep the fixed copies in realworld/.soak/")
    timing = commands.add_parser("_time-files")  # soak_timing's child
    timing.add_argument("tree", type=Path)
    timing.add_argument("--today", type=datetime.date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    if args.command == "_time-files":
        time_files(args.tree, args.today)
        return 0
    chosen = [project for project in PROJECTS if not args.project or project.name in args.project]
    if args.command == "fetch":
        return fetch(chosen)
    limits = Limits(args.limit, args.flake8_limit, args.limit, args.limit * 2, args.file_limit)
    return soak(chosen, limits, args.keep)


if __name__ == "__main__":
    raise SystemExit(main())
