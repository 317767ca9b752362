"""flake8 adapter: options -> one frozen Registry; each file -> the shared core."""
from __future__ import annotations

import argparse
import ast
import datetime
import importlib.metadata
import sys
from pathlib import Path
from typing import ClassVar
from typing import Iterator
from typing import Sequence

from flake8.options.manager import OptionManager

from flake8_ssot_ws.baseline.store import Baseline
from flake8_ssot_ws.baseline.store import entry_path
from flake8_ssot_ws.baseline.store import read_baseline
from flake8_ssot_ws.errors import BaselineError
from flake8_ssot_ws.core.codes import SWS900
from flake8_ssot_ws.core.codes import WARNINGS
from flake8_ssot_ws.registry import Registry
from flake8_ssot_ws.registry import RegistryError
from flake8_ssot_ws.registry import discover_registry
from flake8_ssot_ws.registry import discovery_start
from flake8_ssot_ws.registry import load_registry
from flake8_ssot_ws.registry import no_registry_message
from flake8_ssot_ws.registry import registries_below
from flake8_ssot_ws.registry import split_registries
from flake8_ssot_ws.core.rules import Finding
from flake8_ssot_ws.core.rules import check_parsed
from flake8_ssot_ws.core.rules import file_context
from flake8_ssot_ws.core.rules import may_have_findings

PREFIX = "flake8-ssot-ws"
# Warnings already given by this process: flake8 may parse options more than once.
_WARNED: set[str] = set()


class Plugin:
    name = "flake8-ssot-ws"
    version = importlib.metadata.version("flake8-ssot-ws")

    # flake8's plugin idiom: options are parsed once per process onto the class. Only
    # immutable values are stored (a frozen Registry), so nothing leaks between runs.
    registry: ClassVar[Registry | None] = None
    baseline: ClassVar[Baseline | None] = None
    today: ClassVar[datetime.date] = datetime.date.today()

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: OptionManager) -> None:
        # flake8 has no warnings: a code that must not fail a run (SWS101, a legacy import before
        # its deadline) is default-ignored, as flake8-bugbear does with its opinionated codes;
        # --extend-select SWS101 (or --select SWS) shows it. ssot-ws check shows it as a warning.
        manager.extend_default_ignore(WARNINGS)
        manager.add_option(
            "--ssot-registry",
            metavar="PATH",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="SSOT import registry (pyproject.toml or ssot-registry.toml). "
            "Default: the nearest one at or above the folder of the checked files.",
        )
        manager.add_option(
            "--ssot-require-registry",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="fail (exit 2) when no registry is found or the one found cannot be read, "
            "instead of checking nothing (the ssot-ws-flake8 pre-commit hook passes it).",
        )
        manager.add_option(
            "--ssot-baseline",
            metavar="FILE",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="baseline of known findings not to report (written by 'ssot-ws check --write-baseline FILE').",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.today = datetime.date.today()
        for option, value in (("--ssot-registry", options.ssot_registry), ("--ssot-baseline", options.ssot_baseline)):
            if value == "":  # `--ssot-baseline "$UNSET"` in CI must not pass as no baseline at all
                print(f"{PREFIX}: {option}: expected a path, got ''", file=sys.stderr)
                raise SystemExit(2)
        try:
            if options.ssot_registry:
                cls.registry = load_registry(_config_path(options.ssot_registry))
            else:
                cls.registry = _discovered_registry(options)
            cls.baseline = read_baseline(_config_path(options.ssot_baseline)) if options.ssot_baseline else None
        except (RegistryError, BaselineError) as error:
            # One line and exit 2, as for any configuration error; never a traceback.
            print(f"{PREFIX}: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        try:
            results = [(finding.line, finding.col, finding.message) for finding in self._findings()]
        except Exception as error:  # RecursionError and MemoryError included
            # flake8 does not guard a plugin's iteration: a crash here would end the whole
            # run with a traceback. Report it on the file (one line) and let the run go on.
            detail = " ".join(str(error).split())
            described = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
            results = [(1, 0, SWS900.message(error=described))]
        for line, col, message in results:
            yield line, col, message, type(self)

    def _findings(self) -> list[Finding]:
        registry = self.registry
        if registry is None:
            return []
        context = file_context(registry, self.filename)
        text = "".join(self.lines)
        if context.exempt or not may_have_findings(registry, text, context):
            return []
        findings = check_parsed(self.tree, self.lines, registry, context, today=self.today, text=text)
        if self.baseline is not None:
            # Keys come from all of this file's findings, before flake8 applies noqa,
            # exactly as ssot-ws check computes them.
            findings, _ = self.baseline.split(entry_path(context.relpath, self.filename), findings)
        return findings


def _discovered_registry(options: argparse.Namespace) -> Registry | None:
    """The registry found upward from the checked files, as ``ssot-ws`` finds it.

    The plugin is installed for projects that do not use it too (globally, for an editor):
    finding nothing means checking nothing (an error with ``--ssot-require-registry``, as in
    ``ssot-ws``), and a broken pyproject.toml that names no table of ours is passed over with
    a warning. What is found is the project's own registry: an ``ssot-registry.toml``, or a
    pyproject.toml whose text names our table. One that cannot be read, parsed or validated
    stops the run, as a broken setup.cfg stops flake8: a warning would let a CI job that runs
    plain flake8 pass with every SWS check gone.
    """
    require = bool(getattr(options, "ssot_require_registry", False))
    paths = _checked_paths(options)
    discovery = discover_registry(discovery_start(paths), then=Path.cwd())
    for skipped in discovery.skipped:
        _warn(skipped)
    if discovery.path is None:
        # Files of two projects that each use the tool (a pre-commit run across services):
        # checking nothing would pass them silently, so this stops the run as --ssot-require-registry.
        split = split_registries(paths)
        if require or split is not None:
            hint = split or registries_below(paths)
            raise RegistryError("", "", no_registry_message(discovery, "--ssot-registry", hint))
        # A folder that holds registries below it (`flake8 .` at a monorepo's top): a warning,
        # not an error, since a repository may hold registries that are only fixtures.
        below = registries_below(paths)
        if below is not None:
            _warn(f"nothing checked: no registry found for all the paths together: {below}")
        return None
    return load_registry(discovery.path)


def _checked_paths(options: argparse.Namespace) -> list[str]:
    """The paths flake8 checks, as discovery starts from them; stdin is its display name."""
    display = getattr(options, "stdin_display_name", "stdin")
    paths = []
    for name in getattr(options, "filenames", None) or ():
        if name == "-":
            if display == "stdin":
                continue  # nothing names the file: start from the current directory
            name = display
        paths.append(name)
    return paths


def _warn(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"{PREFIX}: warning: {message}", file=sys.stderr)


def _config_path(option: str) -> Path:
    """The --ssot-registry or --ssot-baseline file. flake8 makes a configured path absolute (from
    the config file's folder) only when it holds a separator: a bare ``ssot-registry = rules.toml``
    arrives as is. When the cwd has no such file, take the nearest one above it, which is
    where flake8 found its config file."""
    path = Path(option)
    if len(path.parts) == 1 and not path.exists():
        for directory in Path.cwd().parents:
            if (directory / path).is_file():
                return directory / path
    return path.absolute()
